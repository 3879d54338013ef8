import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import { AttributionProfile } from './attribution-profile.js';

const FEATURES = ['a', 'b', 'c'];

describe('AttributionProfile: a window of SHAP values, mergeable', () => {
  it('global attribution by mean_abs, mean_sq (exact) and median (within the sketch bound), whole or merged from parts, and through bytes (seeded)', () => {
    const r = rng(3);
    const kll = quantileSketchFactory('kll');
    const whole = new AttributionProfile(kll);
    const parts = [new AttributionProfile(kll), new AttributionProfile(kll), new AttributionProfile(kll)];
    const columns: number[][] = FEATURES.map(() => []);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const row = FEATURES.map((_f, k) => (k + 1) * r.normal() + k);
      row.forEach((v, k) => columns[k]?.push(v));
      whole.add('label0', FEATURES, row);
      parts[i % 3]?.add('label0', FEATURES, row);
    }
    const merged = new AttributionProfile(kll);
    for (const p of parts) merged.merge(AttributionProfile.deserialize(p.serialize(), kll));
    expect(merged.rowCount).toBe(n);
    for (const p of [whole, merged]) {
      const abs = p.global('mean_abs').get('label0') as Map<string, number>;
      const sq = p.global('mean_sq').get('label0') as Map<string, number>;
      const med = p.global('median').get('label0') as Map<string, number>;
      FEATURES.forEach((f, k) => {
        const col = columns[k] as number[];
        expect(abs.get(f)).toBeCloseTo(col.reduce((s, v) => s + Math.abs(v), 0) / n, 10);
        expect(sq.get(f)).toBeCloseTo(col.reduce((s, v) => s + v * v, 0) / n, 9);
        const sorted = col.slice().sort((x, y) => x - y);
        const rank = sorted.filter((v) => v < (med.get(f) as number)).length / n;
        expect(Math.abs(rank - 0.5)).toBeLessThan(0.02); // KLL at Deequ's size: about 1 % rank error
      });
    }
  });

  it('keeps labels and features apart, in the order first seen', () => {
    const p = new AttributionProfile(quantileSketchFactory('kll'));
    p.add('yes', ['x', 'y'], [1, -2]);
    p.add('no', ['y'], [3], false);
    const g = p.global('mean_abs');
    expect([...g.keys()]).toEqual(['yes', 'no']);
    expect([...(g.get('yes') as Map<string, number>)]).toEqual([['x', 1], ['y', 2]]);
    expect([...(g.get('no') as Map<string, number>)]).toEqual([['y', 3]]);
    expect(p.rowCount).toBe(1);
  });

  it('refuses corrupt bytes and a merge of another sketch kind', () => {
    const kll = quantileSketchFactory('kll');
    const p = new AttributionProfile(kll);
    p.add('l', ['f'], [1]);
    const bytes = p.serialize();
    expect(() => AttributionProfile.deserialize(bytes.subarray(0, bytes.length - 3), kll)).toThrow(/corrupt/);
    expect(() => p.merge(new AttributionProfile(quantileSketchFactory('tdigest')))).toThrow(/cannot merge/);
  });
});
