import { describe, expect, it } from 'vitest';
import { lognormalSamples, normalSamples, rng } from '../../../test/support/random.js';
import { sortFloat64, sortFloat64Portable, sortsWithWebAssembly } from './sort-float64.js';

/** Both paths (WebAssembly and portable) must agree bit for bit with the native typed-array sort. */
function check(data: Float64Array, len = data.length): void {
  checkWith(sortFloat64, data, len);
  checkWith(sortFloat64Portable, data, len);
}

function checkWith(sort: (buf: Float64Array, len: number) => void, data: Float64Array, len: number): void {
  const expected = data.slice(0, len).sort();
  const actual = data.slice();
  sort(actual, len);
  for (let i = 0; i < len; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
  // the tail beyond len is untouched
  for (let i = len; i < data.length; i++) expect(actual[i]).toBe(data[i]);
}

describe('sortFloat64', () => {
  it('runs the WebAssembly module on Node', () => {
    expect(sortsWithWebAssembly()).toBe(true);
  });

  const n = 2300;
  const r = rng(99);
  const cases: Record<string, () => Float64Array> = {
    'N(0,1)': () => normalSamples(1, n),
    'N(1000,1)': () => normalSamples(2, n, 1000, 1),
    'lognormal(0,1)': () => lognormalSamples(3, n),
    'negative only': () => normalSamples(4, n, -50, 3),
    'epoch-millisecond timestamps within a minute': () => Float64Array.from({ length: n }, () => 1.7e12 + r.int(60_000)),
    'timestamps with sub-ulp-of-window differences': () => Float64Array.from({ length: n }, () => 1.7e12 + r.next()),
    'few distinct integers': () => Float64Array.from({ length: n }, () => r.int(5)),
    constant: () => new Float64Array(n).fill(3.25),
    'zeros of both signs': () => Float64Array.from({ length: n }, () => (r.next() < 0.5 ? -0 : 0)),
    'extreme magnitudes': () =>
      Float64Array.from({ length: n }, () => {
        const pick = r.int(6);
        return [1e308, -1e308, 5e-324, -5e-324, Infinity, -Infinity][pick] as number * (1 - r.next() * 1e-3);
      }),
    'many values tying on the radix window, reversed (insertion budget → native fallback)': () =>
      Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1e6 * r.next() : 1 + (n - i) * 1e-12)),
    'a few values tying on the radix window': () =>
      Float64Array.from({ length: n }, (_, i) => (i % 100 === 0 ? 1 + r.next() * 1e-12 : r.normal())),
    'already sorted': () => normalSamples(5, n).sort(),
    'reverse sorted': () => normalSamples(6, n).sort().reverse(),
    'short input (native path)': () => normalSamples(7, 100),
  };
  for (const [name, make] of Object.entries(cases)) {
    it(`matches the native sort: ${name}`, () => check(make()));
  }

  it('sorts only the requested prefix', () => {
    check(normalSamples(8, 3000), 2049);
  });

  it('handles many lengths around the radix threshold', () => {
    for (const len of [0, 1, 2, 255, 256, 257, 1000, 4097, 20_000]) check(normalSamples(9 + len, len));
  });

  it('grows the WebAssembly memory for long inputs, then still sorts short ones', () => {
    for (const len of [300, 200_000, 700]) check(normalSamples(40 + len, len));
  });
});
