/**
 * One contract suite for every QuantileSketch implementation (KLL, t-digest). Imported by each
 * implementation's *.test.ts; never run on its own. Every expectation is computed from the exact
 * sorted data (test/support/random.ts), never hard-coded.
 */
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { exactCdf, lognormalSamples, normalSamples, rng } from '../../test/support/random.js';
import { quantileSketchFactory } from './quantile-factory.js';
import {
  QuantileSketchKind,
  type QuantileSketch,
  type QuantileSketchFactory,
  type SortedView,
} from './quantile-sketch.js';

export interface QuantileContractTolerance {
  /**
   * Largest accepted |estimated − exact| normalized rank error on the contract's data sets
   * (up to 50,000 values). Observed errors must also stay under the sketch's rankErrorBound().
   */
  readonly rank: number;
}

export interface QuantileContractOptions {
  /** Sketches that a sketch of this factory must refuse to merge (other parameters). */
  readonly incompatible?: () => readonly QuantileSketch[];
  /** Data sizes to run the size-dependent checks at (default [1, 100, 5_000, 50_000]). */
  readonly sizes?: readonly number[];
  /** Extra label for the describe block (e.g. the parameters). */
  readonly label?: string;
}

/** Fraction of sorted values strictly below x. */
export function exactRankBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/**
 * sup over x of |sketch CDF − exact CDF|, by a merge walk over the view's values and the sorted
 * data: both are right-continuous step functions, so the sup is reached at one of those points.
 * O(n + m). (The left limits give the same sup, so this also bounds the rankBelow error.)
 */
export function maxRankError(view: SortedView, sorted: Float64Array): number {
  const n = sorted.length;
  const vs = view.values;
  const cw = view.cumWeights;
  const m = vs.length;
  let i = 0;
  let j = 0;
  let worst = 0;
  while (i < n || j < m) {
    const a = i < n ? (sorted[i] as number) : Infinity;
    const b = j < m ? (vs[j] as number) : Infinity;
    const x = a < b ? a : b;
    while (i < n && (sorted[i] as number) === x) i++;
    while (j < m && (vs[j] as number) === x) j++;
    const sketch = j === 0 ? 0 : (cw[j - 1] as number) / view.total;
    const d = Math.abs(sketch - i / n);
    if (d > worst) worst = d;
  }
  return worst;
}

export function fill(sketch: QuantileSketch, data: Float64Array): QuantileSketch {
  for (let i = 0; i < data.length; i++) sketch.update(data[i] as number);
  return sketch;
}

export function sortedCopy(...parts: Float64Array[]): Float64Array {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out.sort();
}

export function expectDriftmonError(f: () => unknown, code: ErrorCode): DriftmonError {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a DriftmonError').toBeInstanceOf(DriftmonError);
  expect((thrown as DriftmonError).code).toBe(code);
  return thrown as DriftmonError;
}

/** Observed error ≤ bound, with a hair of floating-point slack. */
const SLACK = 1e-12;

export function describeQuantileSketchContract(
  factory: QuantileSketchFactory,
  tolerance: QuantileContractTolerance,
  options: QuantileContractOptions = {},
): void {
  const sizes = options.sizes ?? [1, 100, 5_000, 50_000];
  const data = (seed: number, n: number): Float64Array => normalSamples(seed, n, 10, 3);
  const build = (values: Float64Array): QuantileSketch => fill(factory.create(), values);
  const label = options.label === undefined ? factory.kind : `${factory.kind} ${options.label}`;

  describe(`${label} (QuantileSketch contract)`, () => {
    it('has the factory kind', () => {
      expect(factory.create().kind).toBe(factory.kind);
    });

    it('empty sketch: count 0, NaN min/max, cdf defined, bound 0', () => {
      const s = factory.create();
      expect(s.count).toBe(0);
      expect(s.min).toBeNaN();
      expect(s.max).toBeNaN();
      for (const x of [-1e300, -1, 0, 1, 1e300]) {
        expect(s.cdf(x)).toBe(0);
        expect(s.rankBelow(x)).toBe(0);
      }
      expect(s.quantile(0.5)).toBeNaN();
      expect(s.rankErrorBound()).toBe(0);
      const v = s.sortedView();
      expect(v.values.length).toBe(0);
      expect(v.cumWeights.length).toBe(0);
      expect(v.total).toBe(0);
      const back = factory.deserialize(s.serialize());
      expect(back.count).toBe(0);
      expect(back.serialize()).toEqual(s.serialize());
      const e = factory.create();
      e.merge(factory.create());
      expect(e.count).toBe(0);
      expect(e.min).toBeNaN();
    });

    it('single value is exact', () => {
      const s = factory.create();
      s.update(4.5);
      expect(s.count).toBe(1);
      expect(s.min).toBe(4.5);
      expect(s.max).toBe(4.5);
      expect(s.cdf(4.5)).toBe(1);
      expect(s.cdf(4.4)).toBe(0);
      expect(s.rankBelow(4.5)).toBe(0);
      expect(s.rankBelow(4.6)).toBe(1);
      for (const q of [0, 0.3, 0.5, 1]) expect(s.quantile(q)).toBe(4.5);
      expect(s.rankErrorBound()).toBe(0);
      const v = s.sortedView();
      expect(Array.from(v.values)).toEqual([4.5]);
      expect(Array.from(v.cumWeights)).toEqual([1]);
    });

    it('quantile rejects q outside [0, 1]', () => {
      const s = build(data(1, 10));
      expect(() => s.quantile(-0.1)).toThrow(RangeError);
      expect(() => s.quantile(1.1)).toThrow(RangeError);
      expect(() => s.quantile(NaN)).toThrow(RangeError);
    });

    for (const n of sizes) {
      describe(`n = ${n}`, () => {
        const values = data(100 + n, n);
        const sorted = sortedCopy(values);
        const s = build(values);

        it('exact count, min and max', () => {
          expect(s.count).toBe(n);
          expect(s.min).toBe(sorted[0]);
          expect(s.max).toBe(sorted[n - 1]);
        });

        it('cdf is monotone, in [0, 1], 1 at max, 0 below min; rankBelow(min) = 0', () => {
          expect(s.cdf(s.max)).toBe(1);
          expect(s.cdf(s.max + 1)).toBe(1);
          expect(s.cdf(s.min - 1)).toBe(0);
          expect(s.rankBelow(s.min)).toBe(0);
          expect(s.rankBelow(s.max + 1)).toBe(1);
          const step = Math.max(1, Math.floor(n / 2000));
          let prevCdf = 0;
          let prevBelow = 0;
          for (let i = 0; i < n; i += step) {
            const x = sorted[i] as number;
            const c = s.cdf(x);
            const b = s.rankBelow(x);
            expect(c >= 0 && c <= 1).toBe(true);
            expect(b >= 0 && b <= c).toBe(true);
            expect(c).toBeGreaterThanOrEqual(prevCdf);
            expect(b).toBeGreaterThanOrEqual(prevBelow);
            prevCdf = c;
            prevBelow = b;
          }
        });

        it(`cdf error ≤ tolerance (${tolerance.rank}) and ≤ rankErrorBound()`, () => {
          const err = maxRankError(s.sortedView(), sorted);
          expect(err).toBeLessThanOrEqual(tolerance.rank);
          expect(err).toBeLessThanOrEqual(s.rankErrorBound() + SLACK);
          // spot-check cdf()/rankBelow() themselves against the exact values
          const bound = s.rankErrorBound() + SLACK;
          for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 500))) {
            const x = sorted[i] as number;
            expect(Math.abs(s.cdf(x) - exactCdf(sorted, x))).toBeLessThanOrEqual(bound);
            expect(Math.abs(s.rankBelow(x) - exactRankBelow(sorted, x))).toBeLessThanOrEqual(bound);
          }
        });

        it('quantile is consistent with cdf, monotone, exact at 0 and 1', () => {
          expect(s.quantile(0)).toBe(s.min);
          expect(s.quantile(1)).toBe(s.max);
          const bound = s.rankErrorBound() + SLACK;
          let prev = -Infinity;
          for (let i = 0; i <= 200; i++) {
            const q = i / 200;
            const v = s.quantile(q);
            expect(v).toBeGreaterThanOrEqual(prev);
            prev = v;
            expect(v >= s.min && v <= s.max).toBe(true);
            // the sketch's own cdf brackets q exactly ...
            expect(s.rankBelow(v)).toBeLessThanOrEqual(q + SLACK);
            expect(s.cdf(v)).toBeGreaterThanOrEqual(q - SLACK);
            // ... and the true ranks within the error bound
            expect(exactRankBelow(sorted, v)).toBeLessThanOrEqual(q + bound);
            expect(exactCdf(sorted, v)).toBeGreaterThanOrEqual(q - bound);
          }
        });

        it('sortedView is consistent with cdf and rankBelow, and cached', () => {
          const v = s.sortedView();
          expect(s.sortedView()).toBe(v);
          expect(v.total).toBe(n);
          expect(v.values.length).toBe(v.cumWeights.length);
          expect(v.cumWeights[v.cumWeights.length - 1]).toBe(v.total);
          for (let i = 0; i < v.values.length; i++) {
            if (i > 0) {
              expect(v.values[i] as number).toBeGreaterThan(v.values[i - 1] as number);
              expect(v.cumWeights[i] as number).toBeGreaterThan(v.cumWeights[i - 1] as number);
            }
            const x = v.values[i] as number;
            expect(s.cdf(x)).toBe((v.cumWeights[i] as number) / v.total);
            expect(s.rankBelow(x)).toBe(i === 0 ? 0 : (v.cumWeights[i - 1] as number) / v.total);
          }
          const c = s.clone();
          const cv = c.sortedView();
          c.update(s.max + 1);
          expect(c.sortedView()).not.toBe(cv);
          expect(c.sortedView().total).toBe(n + 1);
        });

        it('serialize round trip restores an equal sketch (byte-equal re-serialization)', () => {
          const bytes = s.serialize();
          expect(bytes).toBeInstanceOf(Uint8Array);
          const back = factory.deserialize(bytes);
          expect(back.kind).toBe(s.kind);
          expect(back.count).toBe(s.count);
          expect(back.min).toBe(s.min);
          expect(back.max).toBe(s.max);
          expect(back.rankErrorBound()).toBe(s.rankErrorBound());
          const v1 = s.sortedView();
          const v2 = back.sortedView();
          expect(v2.values).toEqual(v1.values);
          expect(v2.cumWeights).toEqual(v1.cumWeights);
          expect(back.serialize()).toEqual(bytes);
        });

        it('clone is independent', () => {
          const before = s.serialize();
          const c = s.clone();
          expect(c.serialize()).toEqual(before);
          fill(c, data(7, 1000));
          expect(c.count).toBe(n + 1000);
          expect(s.serialize()).toEqual(before);
          expect(s.count).toBe(n);
        });
      });
    }

    it('merge equals the union within the bound; toMerged leaves inputs unchanged', () => {
      const big = sizes[sizes.length - 1] as number;
      const a = normalSamples(201, big, 0, 1);
      const b = lognormalSamples(202, Math.ceil(big / 3), 0, 1);
      const c = normalSamples(203, Math.ceil(big / 7), 5, 0.1);
      const union = sortedCopy(a, b, c);
      const sa = build(a);
      const sb = build(b);
      const sc = build(c);
      const aBytes = sa.serialize();
      const bBytes = sb.serialize();

      const ab = sa.toMerged(sb);
      expect(sa.serialize()).toEqual(aBytes);
      expect(sb.serialize()).toEqual(bBytes);
      expect(ab).not.toBe(sa);
      expect(ab.kind).toBe(factory.kind);

      const merged = ab.toMerged(sc);
      expect(merged.count).toBe(union.length);
      expect(merged.min).toBe(union[0]);
      expect(merged.max).toBe(union[union.length - 1]);
      const err = maxRankError(merged.sortedView(), union);
      expect(err).toBeLessThanOrEqual(tolerance.rank);
      expect(err).toBeLessThanOrEqual(merged.rankErrorBound() + SLACK);

      // in-place merge, in another order, agrees within the bounds
      const inPlace = factory.deserialize(sc.serialize());
      inPlace.merge(sb);
      inPlace.merge(sa);
      expect(inPlace.count).toBe(union.length);
      expect(maxRankError(inPlace.sortedView(), union)).toBeLessThanOrEqual(inPlace.rankErrorBound() + SLACK);
      expect(sa.serialize()).toEqual(aBytes);
      expect(sb.serialize()).toEqual(bBytes);

      // merging with itself doubles every weight
      const twice = sa.toMerged(sa);
      expect(twice.count).toBe(2 * a.length);
      expect(sa.serialize()).toEqual(aBytes);
      expect(maxRankError(twice.sortedView(), sortedCopy(a, a))).toBeLessThanOrEqual(twice.rankErrorBound() + SLACK);

      // merging into an empty sketch and merging an empty sketch keep the content
      const e = factory.create();
      e.merge(sa);
      expect(e.count).toBe(sa.count);
      expect(maxRankError(e.sortedView(), sortedCopy(a))).toBeLessThanOrEqual(e.rankErrorBound() + SLACK);
      const x = sa.toMerged(factory.create());
      expect(x.count).toBe(sa.count);
      expect(maxRankError(x.sortedView(), sortedCopy(a))).toBeLessThanOrEqual(x.rankErrorBound() + SLACK);
    });

    it('merge of many small parts (exact while small)', () => {
      const r = rng(300);
      const parts: Float64Array[] = [];
      const whole = factory.create();
      for (let p = 0; p < 20; p++) {
        const vals = Float64Array.from({ length: 1 + r.int(40) }, () => Math.round(r.normal() * 100) / 10);
        parts.push(vals);
        whole.merge(build(vals));
      }
      const union = sortedCopy(...parts);
      expect(whole.count).toBe(union.length);
      expect(maxRankError(whole.sortedView(), union)).toBeLessThanOrEqual(whole.rankErrorBound() + SLACK);
    });

    it('merging an incompatible sketch throws SKETCH_INCOMPATIBLE and changes nothing', () => {
      const s = build(data(400, 100));
      const before = s.serialize();
      const otherKind = factory.kind === QuantileSketchKind.KLL ? QuantileSketchKind.TDIGEST : QuantileSketchKind.KLL;
      const others = [quantileSketchFactory(otherKind).create(), ...(options.incompatible?.() ?? [])];
      for (const o of others) {
        o.update(1);
        expectDriftmonError(() => s.merge(o), ErrorCode.SKETCH_INCOMPATIBLE);
        expectDriftmonError(() => s.toMerged(o), ErrorCode.SKETCH_INCOMPATIBLE);
      }
      expect(s.serialize()).toEqual(before);
    });

    it('corrupt or truncated bytes throw SKETCH_CORRUPT', () => {
      const good = build(data(500, 3000)).serialize();
      expectDriftmonError(() => factory.deserialize(new Uint8Array(0)), ErrorCode.SKETCH_CORRUPT);
      const step = Math.max(1, Math.floor(good.length / 300));
      for (let len = 0; len < good.length; len += step) {
        expectDriftmonError(() => factory.deserialize(good.slice(0, len)), ErrorCode.SKETCH_CORRUPT);
      }
      expectDriftmonError(() => factory.deserialize(good.slice(0, good.length - 1)), ErrorCode.SKETCH_CORRUPT);
      const longer = new Uint8Array(good.length + 8);
      longer.set(good);
      expectDriftmonError(() => factory.deserialize(longer), ErrorCode.SKETCH_CORRUPT);
      const badMagic = good.slice();
      badMagic[1] = (badMagic[1] as number) ^ 0xff;
      expectDriftmonError(() => factory.deserialize(badMagic), ErrorCode.SKETCH_CORRUPT);
      const badVersion = good.slice();
      badVersion[4] = (badVersion[4] as number) + 1;
      expectDriftmonError(() => factory.deserialize(badVersion), ErrorCode.SKETCH_CORRUPT);
      // the other kind's bytes are not ours
      const otherKind = factory.kind === QuantileSketchKind.KLL ? QuantileSketchKind.TDIGEST : QuantileSketchKind.KLL;
      const foreign = fill(quantileSketchFactory(otherKind).create(), data(501, 10)).serialize();
      expectDriftmonError(() => factory.deserialize(foreign), ErrorCode.SKETCH_CORRUPT);
      // a count that does not match the content
      const r = rng(502);
      for (let t = 0; t < 50; t++) {
        const junk = good.slice();
        junk[5 + r.int(good.length - 5)] = r.int(256);
        try {
          const s = factory.deserialize(junk);
          // a flipped byte inside an item can still decode; the invariants must hold then
          expect(s.count).toBe(s.sortedView().total);
        } catch (e) {
          expect(e).toBeInstanceOf(DriftmonError);
          expect((e as DriftmonError).code).toBe(ErrorCode.SKETCH_CORRUPT);
        }
      }
    });
  });
}
