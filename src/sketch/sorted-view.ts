/**
 * Queries over a SortedView (sorted distinct values + cumulative weights), shared by every
 * quantile sketch and by the distance code: binary searches, weight at/below x, lower quantile,
 * and the sketch-level cdf/rankBelow/quantile with exact min/max at the edges.
 */
import type { QuantileSketch, SortedView } from './quantile-sketch.js';

/** First index i with values[i] > x. */
export function upperBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with values[i] ≥ x. */
export function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Total weight of items ≤ x (0 below the smallest value). */
export function weightAtOrBelow(view: SortedView, x: number): number {
  const i = upperBound(view.values, x);
  return i === 0 ? 0 : (view.cumWeights[i - 1] as number);
}

/** Total weight of items < x. */
export function weightBelow(view: SortedView, x: number): number {
  const i = lowerBound(view.values, x);
  return i === 0 ? 0 : (view.cumWeights[i - 1] as number);
}

/** Lower quantile: the smallest value whose cumulative weight is ≥ q·total. */
export function viewQuantile(view: SortedView, q: number): number {
  const target = q * view.total;
  const cw = view.cumWeights;
  let lo = 0;
  let hi = cw.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cw[mid] as number) >= target) hi = mid;
    else lo = mid + 1;
  }
  return view.values[lo] as number;
}

type ViewSketch = Pick<QuantileSketch, 'count' | 'min' | 'max' | 'sortedView'>;

/** Fraction of the weight ≤ x; exact outside [min, max]. */
export function sketchCdf(s: ViewSketch, x: number): number {
  if (s.count === 0 || x < s.min) return 0;
  if (x >= s.max) return 1;
  const v = s.sortedView();
  return weightAtOrBelow(v, x) / v.total;
}

/** Fraction of the weight < x; exact outside [min, max]. */
export function sketchRankBelow(s: ViewSketch, x: number): number {
  if (s.count === 0 || x <= s.min) return 0;
  if (x > s.max) return 1;
  const v = s.sortedView();
  return weightBelow(v, x) / v.total;
}

/**
 * The smallest held value whose estimated CDF reaches q (inverse of cdf); q = 0 gives the exact
 * min and q = 1 the exact max. NaN when empty. RangeError for q outside [0, 1].
 */
export function sketchQuantile(s: ViewSketch, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  if (s.count === 0) return NaN;
  if (q === 0) return s.min;
  if (q === 1) return s.max;
  return viewQuantile(s.sortedView(), q);
}
