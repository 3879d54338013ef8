import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../evaluate/seeded-random.js';
import { TextCellCache } from './text-cell-cache.js';

const latin1 = (b: Buffer, start: number, end: number): string => b.toString('latin1', start, end);

describe('TextCellCache', () => {
  it('gives back the remembered string object for equal bytes, per column, and nothing for other bytes', () => {
    const cache = new TextCellCache();
    const b = Buffer.from('blue,blur,bl,blue');
    const blue = latin1(b, 0, 4);
    expect(cache.find(0, b, 0, 4)).toBeUndefined();
    cache.remember(0, b, 0, 4, blue);
    expect(cache.find(0, b, 13, 17)).toBe(blue);
    expect(cache.find(0, b, 5, 9)).toBeUndefined(); // same length, one byte differs
    expect(cache.find(0, b, 10, 12)).toBeUndefined(); // a prefix
    expect(cache.find(1, b, 13, 17)).toBeUndefined(); // another column
  });

  it('keeps its own copy of the bytes: the reader reuses its buffer', () => {
    const cache = new TextCellCache();
    const b = Buffer.from('red');
    cache.remember(0, b, 0, 3, 'red');
    b.write('rad');
    expect(cache.find(0, b, 0, 3)).toBeUndefined();
    expect(cache.find(0, Buffer.from('red'), 0, 3)).toBe('red');
  });

  it('agrees with decoding on a seeded stream of cells, whatever it forgets or gives up on', () => {
    const rng = seededRandom(7);
    const cache = new TextCellCache();
    let hits = 0;
    for (let i = 0; i < 20_000; i++) {
      const column = i % 3;
      // column 0: 5 levels; column 1: 40 levels (more than it keeps); column 2: mostly unique
      const levels = column === 0 ? 5 : column === 1 ? 40 : 1_000_000;
      const text = `v${Math.floor(rng() * levels)}`;
      const b = Buffer.from(`,${text},`);
      const found = cache.find(column, b, 1, b.length - 1);
      if (found !== undefined) {
        hits++;
        expect(found).toBe(text);
      } else cache.remember(column, b, 1, b.length - 1, latin1(b, 1, b.length - 1));
    }
    expect(hits).toBeGreaterThan(6_000); // column 0 hits almost always
  });
});
