import { describe, expect, it } from 'vitest';
import { normalSamples, rng } from '../../../test/support/random.js';
import { sortLevel, sortLevelPortable } from './sort-level.js';

/** A level as compactions leave it: `runs` sorted runs of random lengths, then `tail` unsorted items. */
function level(seed: number, len: number, runs: number): Float64Array {
  const r = rng(seed);
  const out = normalSamples(seed, len);
  const cuts = Array.from({ length: runs - 1 }, () => r.int(len)).sort((a, b) => a - b);
  let from = 0;
  for (const to of [...cuts, len]) {
    out.subarray(from, to).sort();
    from = to;
  }
  return out;
}

describe('sortLevel (WebAssembly and portable merges of sorted runs)', () => {
  for (const sort of [sortLevel, sortLevelPortable]) {
    for (const [len, runs] of [
      [2, 2],
      [1000, 2],
      [1001, 3],
      [4096, 7],
      [5000, 32],
      [5000, 40], // past MAX_RUNS: a sort from scratch
      [150_000, 9], // grows the module's memory
    ] as const) {
      it(`${sort.name}: ${len} items in ${runs} runs equal the native sort, prefix only`, () => {
        const data = level(len + runs, len + 5, runs);
        const expected = data.slice(0, len).sort();
        const actual = data.slice();
        sort(actual, len);
        expect(Buffer.from(actual.buffer, 0, 8 * len).equals(Buffer.from(expected.buffer))).toBe(true);
        expect(actual.subarray(len)).toEqual(data.subarray(len));
      });
    }
  }
});
