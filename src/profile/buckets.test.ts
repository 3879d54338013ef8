import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import type { QuantileSketch, SortedView } from '../sketch/quantile-sketch.js';
import { kllBuckets } from './buckets.js';

/** Exact QuantileSketch test double: keeps every value. */
class ExactSketch implements QuantileSketch {
  readonly kind = 'kll' as const;
  private xs: number[] = [];
  private sorted = true;
  get count(): number {
    return this.xs.length;
  }
  get min(): number {
    return this.xs.length === 0 ? NaN : Math.min(...this.view().values);
  }
  get max(): number {
    return this.xs.length === 0 ? NaN : Math.max(...this.view().values);
  }
  update(x: number): void {
    this.xs.push(x);
    this.sorted = false;
  }
  private sortedXs(): number[] {
    if (!this.sorted) this.xs.sort((a, b) => a - b);
    this.sorted = true;
    return this.xs;
  }
  merge(other: QuantileSketch): void {
    for (const x of (other as ExactSketch).xs) this.update(x);
  }
  toMerged(other: QuantileSketch): QuantileSketch {
    const c = this.clone();
    c.merge(other);
    return c;
  }
  clone(): ExactSketch {
    const c = new ExactSketch();
    c.merge(this);
    return c;
  }
  cdf(x: number): number {
    return this.sortedXs().filter((v) => v <= x).length / this.count;
  }
  rankBelow(x: number): number {
    return this.sortedXs().filter((v) => v < x).length / this.count;
  }
  quantile(q: number): number {
    const s = this.sortedXs();
    return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  }
  rankErrorBound(): number {
    return 0;
  }
  private view(): SortedView {
    const s = this.sortedXs();
    const values: number[] = [];
    const cum: number[] = [];
    for (const x of s) {
      if (values.length > 0 && values[values.length - 1] === x) cum[cum.length - 1]!++;
      else {
        values.push(x);
        cum.push((cum[cum.length - 1] ?? 0) + 1);
      }
    }
    return { values: Float64Array.from(values), cumWeights: Float64Array.from(cum), total: s.length };
  }
  sortedView(): SortedView {
    return this.view();
  }
  serialize(): Uint8Array {
    return new Uint8Array(Float64Array.from(this.xs).buffer);
  }
}

function exactBuckets(xs: number[], min: number, max: number, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const x of xs) {
    for (let i = 0; i < n; i++) {
      const lo = min + ((max - min) * i) / n;
      const hi = i === n - 1 ? max : min + ((max - min) * (i + 1)) / n;
      if (x >= lo && (i === n - 1 ? x <= hi : x < hi)) {
        counts[i]!++;
        break;
      }
    }
  }
  return counts;
}

const sketchOf = (xs: number[]): ExactSketch => {
  const s = new ExactSketch();
  for (const x of xs) s.update(x);
  return s;
};

describe('kllBuckets', () => {
  it('SageMaker layout: 10 buckets from min to max, [lower, upper) except the last [lower, upper]', () => {
    const xs = [1, 1.1, 1.2, 1.3, 2, 2.5, 3, 3];
    const b = kllBuckets(sketchOf(xs), 1, 3);
    expect(b).toHaveLength(10);
    expect(b[0]).toEqual({ lowerBound: 1, upperBound: 1.2, count: 2 });
    expect(b[1]!.lowerBound).toBe(1.2);
    expect(b[1]!.count).toBe(2); // 1.2 and 1.3: lower bound inclusive
    expect(b[9]).toEqual({ lowerBound: 1 + (2 * 9) / 10, upperBound: 3, count: 2 }); // both 3s
    expect(b.reduce((a, x) => a + x.count, 0)).toBe(xs.length);
    for (let i = 1; i < 10; i++) expect(b[i]!.lowerBound).toBe(b[i - 1]!.upperBound);
  });

  it('equals exact counts on random data (fixed seed)', () => {
    const r = rng(7);
    for (const n of [1, 2, 10, 7]) {
      const xs = Array.from({ length: 1000 }, () => Math.round(r.normal() * 100) / 10);
      const min = Math.min(...xs);
      const max = Math.max(...xs);
      const b = kllBuckets(sketchOf(xs), min, max, n);
      expect(b.map((x) => x.count)).toEqual(exactBuckets(xs, min, max, n));
      expect(b.reduce((a, x) => a + x.count, 0)).toBe(1000);
    }
  });

  it('counts integers exactly even when rank fractions are inexact', () => {
    // 3 of 7 etc.: count × (rank difference) is not exactly an integer in floating point
    const xs = [0, 1, 2, 3, 4, 5, 6];
    const b = kllBuckets(sketchOf(xs), 0, 6, 3);
    expect(b.map((x) => x.count)).toEqual([2, 2, 3]);
    for (const x of b) expect(Number.isInteger(x.count)).toBe(true);
  });

  it('the maximum always lands in the last bucket', () => {
    // min + (max − min)·10/10 is one ulp below max for these values
    const min = 2.7460967775979173;
    const max = 65.3411424029835;
    expect(min + ((max - min) * 10) / 10).toBeLessThan(max);
    const b = kllBuckets(sketchOf([min, max]), min, max);
    expect(b[9]!.upperBound).toBe(max);
    expect(b[9]!.count).toBe(1);
    expect(b[0]!.count).toBe(1);
  });

  it('degenerate min = max: n zero-width buckets, all items in the last', () => {
    const b = kllBuckets(sketchOf([5, 5, 5]), 5, 5);
    expect(b).toHaveLength(10);
    for (let i = 0; i < 9; i++) expect(b[i]).toEqual({ lowerBound: 5, upperBound: 5, count: 0 });
    expect(b[9]).toEqual({ lowerBound: 5, upperBound: 5, count: 3 });
  });

  it('empty sketch: no buckets; bad n throws', () => {
    expect(kllBuckets(new ExactSketch(), NaN, NaN)).toEqual([]);
    expect(() => kllBuckets(sketchOf([1]), 1, 1, 0)).toThrow(RangeError);
  });
});
