import { describe, expect, it } from 'vitest';
import { lognormalSamples, normalSamples, rng } from '../../test/support/random.js';
import { describeMergeableContract } from './mergeable.contract.js';
import { Moments } from './moments.js';

const REL = 1e-12;

function close(a: number, b: number, rel = REL): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) || a === b;
}

/** Exactly rounded sum (Shewchuk's non-overlapping partials, as in Python's math.fsum). */
function fsum(xs: ArrayLike<number>): number {
  const partials: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    let x = xs[i] as number;
    let j = 0;
    for (let k = 0; k < partials.length; k++) {
      let y = partials[k] as number;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[j++] = lo;
      x = hi;
    }
    partials.length = j;
    partials.push(x);
  }
  let total = 0;
  for (let k = partials.length - 1; k >= 0; k--) total += partials[k] as number;
  return total;
}

/** Exact two-pass reference: exactly rounded Σx, then exactly rounded Σ(x − mean)². */
function reference(xs: Float64Array): { sum: number; mean: number; std: number; min: number; max: number } {
  const sum = fsum(xs);
  const mean = sum / xs.length;
  const sq = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) sq[i] = ((xs[i] as number) - mean) ** 2;
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { sum, mean, std: Math.sqrt(fsum(sq) / xs.length), min, max };
}

function expectMatches(m: Moments, xs: Float64Array): void {
  const ref = reference(xs);
  expect(m.count).toBe(xs.length);
  expect(m.min).toBe(ref.min);
  expect(m.max).toBe(ref.max);
  expect(close(m.sum, ref.sum), `sum ${m.sum} vs ${ref.sum}`).toBe(true);
  expect(close(m.mean, ref.mean), `mean ${m.mean} vs ${ref.mean}`).toBe(true);
  expect(close(m.stdDev, ref.std), `std ${m.stdDev} vs ${ref.std}`).toBe(true);
}

describeMergeableContract('Moments', {
  create: () => new Moments(),
  fill: (m, r, n) => {
    for (let i = 0; i < n; i++) {
      if (r.next() < 0.1) m.addMissing();
      else m.add(3 + 10 * r.normal());
    }
  },
  deserialize: (b) => Moments.deserialize(b),
  equivalent: (a, b) =>
    a.count === b.count &&
    a.missing === b.missing &&
    close(a.min, b.min, 0) &&
    close(a.max, b.max, 0) &&
    close(a.sum, b.sum) &&
    close(a.mean, b.mean) &&
    close(a.stdDev, b.stdDev),
});

describe('Moments against exact two-pass computation (relative 1e-12)', () => {
  const datasets: Array<[string, Float64Array]> = [
    ['N(0, 1) × 1e5', normalSamples(1, 100_000)],
    ['N(1e6, 1) × 1e6', normalSamples(2, 1_000_000, 1e6, 1)],
    ['lognormal(0, 2) × 1e5', lognormalSamples(3, 100_000, 0, 2)],
    [
      'mixed magnitudes and signs × 1e5',
      (() => {
        const r = rng(4);
        const out = new Float64Array(100_000);
        for (let i = 0; i < out.length; i++) out[i] = (r.next() < 0.5 ? -1 : 1) * Math.pow(10, r.int(12) - 3) * r.next();
        return out;
      })(),
    ],
    ['integers 0..9999', Float64Array.from({ length: 10_000 }, (_, i) => i)],
  ];

  for (const [name, xs] of datasets) {
    it(`streaming: ${name}`, () => {
      const m = new Moments();
      for (const x of xs) m.add(x);
      expectMatches(m, xs);
    });

    it(`merged uneven partials: ${name}`, () => {
      const cuts = [0, 1, 17, Math.floor(xs.length / 3), Math.floor(xs.length / 2), xs.length - 5, xs.length];
      const parts = cuts.slice(1).map((end, i) => {
        const m = new Moments();
        for (let j = cuts[i] as number; j < end; j++) m.add(xs[j] as number);
        return m;
      });
      // a tree of merges, not a chain
      const left = new Moments();
      for (const p of parts.slice(0, 3)) left.merge(p);
      const right = new Moments();
      for (const p of parts.slice(3).reverse()) right.merge(p);
      left.merge(right);
      expectMatches(left, xs);
    });
  }

  it('single value, constant data, empty', () => {
    const empty = new Moments();
    expect(empty.count).toBe(0);
    expect(empty.mean).toBeNaN();
    expect(empty.stdDev).toBeNaN();
    expect(empty.min).toBeNaN();
    expect(empty.max).toBeNaN();
    expect(empty.sum).toBe(0);
    const one = new Moments();
    one.add(42.5);
    expect([one.mean, one.stdDev, one.min, one.max, one.sum]).toEqual([42.5, 0, 42.5, 42.5, 42.5]);
    const constant = new Moments();
    for (let i = 0; i < 1000; i++) constant.add(0.1);
    expect(constant.stdDev).toBeLessThan(1e-15);
    expect(constant.mean).toBe(0.1);
  });

  it('counts missing values separately', () => {
    const m = new Moments();
    m.add(1);
    m.addMissing();
    m.addMissing(2);
    m.add(3);
    expect(m.count).toBe(2);
    expect(m.missing).toBe(3);
    expect(m.mean).toBe(2);
    expect(m.stdDev).toBe(1);
    const n = new Moments();
    n.addMissing();
    m.merge(n);
    expect(m.missing).toBe(4);
    expect(m.count).toBe(2);
  });

  it('compensated sum survives cancellation', () => {
    const m = new Moments();
    for (const x of [1e16, 1, -1e16, 1]) m.add(x);
    expect(m.sum).toBe(2);
  });
});
