/**
 * The 10 `kll.buckets` of statistics.json (Deequ analyzers/KLLSketch.scala, sagemaker-formats.md
 * §c.1): bucket i spans lower = min + (max − min)·i/n to upper = min + (max − min)·(i+1)/n, and
 * counts the sketch weight of items < upper minus the weight of items < lower; the last bucket
 * counts items ≤ upper instead.
 *
 * Our choices where the rule is silent:
 *  - the last bucket's upper bound is `max` itself (the formula can land one ulp below max, which
 *    would drop the maximum from every bucket);
 *  - min = max (one distinct value): the formula's literal result — n zero-width buckets
 *    [min, min], all empty except the last, which holds every item. It keeps "always n buckets"
 *    and matches what Deequ computes for such a column;
 *  - no values (count 0, or min/max NaN): no buckets;
 *  - counts are count × (rank difference); when that is within floating-point noise of an integer
 *    it is snapped to the integer (KLL weights are integers; t-digest counts may be fractional).
 */
import type { KllBucket } from '../sagemaker/data-quality-model.js';
import type { QuantileSketch } from '../sketch/quantile-sketch.js';

export const KLL_BUCKET_COUNT = 10;

function snap(x: number, total: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, total) ? r : x;
}

export function kllBuckets(sketch: QuantileSketch, min: number, max: number, n = KLL_BUCKET_COUNT): KllBucket[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bucket count must be a positive integer: ${n}`);
  const total = sketch.count;
  if (total === 0 || !Number.isFinite(min) || !Number.isFinite(max) || min > max) return [];
  const width = max - min;
  const buckets: KllBucket[] = new Array<KllBucket>(n);
  let lower = min;
  let below = sketch.rankBelow(lower) * total;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const upper = last ? max : min + (width * (i + 1)) / n;
    const upTo = (last ? sketch.cdf(upper) : sketch.rankBelow(upper)) * total;
    buckets[i] = { lowerBound: lower, upperBound: upper, count: Math.max(0, snap(upTo - below, total)) };
    lower = upper;
    below = upTo;
  }
  return buckets;
}
