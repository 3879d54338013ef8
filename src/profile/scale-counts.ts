/**
 * Back-off sampling keeps 1 in 1/ratio inference IDs; a window's statistics are then computed on
 * the sample. For the report, counts (item_count, num_present/missing, sums, histogram and
 * category counts) are scaled back up to the traffic they stand for, rounded to whole counts as
 * SageMaker writes them. Shapes (means, std devs, quantiles, sketches, distinct counts) are left as
 * they are. Evaluation uses the unscaled sample, so the drift test's significance reflects the
 * rows actually seen.
 */
import { OTHER_CATEGORY, type CategoryCount, type DatasetStatistics, type FeatureStatistics } from '../sagemaker/data-quality-model.js';

export function scaleCounts(stats: DatasetStatistics, factor: number): DatasetStatistics {
  if (factor === 1) return stats;
  const n = (x: number): number => Math.round(x * factor);
  return {
    itemCount: n(stats.itemCount),
    features: stats.features.map((f): FeatureStatistics => {
      const out: FeatureStatistics = { ...f };
      if (f.numerical) {
        out.numerical = {
          ...f.numerical,
          numPresent: n(f.numerical.numPresent),
          numMissing: n(f.numerical.numMissing),
          sum: f.numerical.sum * factor,
          buckets: f.numerical.buckets.map((b) => ({ ...b, count: b.count * factor })),
        };
      }
      if (f.string) {
        out.string = {
          ...f.string,
          numPresent: n(f.string.numPresent),
          numMissing: n(f.string.numMissing),
          categories: scaleCategories(f.string.categories, n),
        };
        if (f.string.categoryCountError !== undefined) out.string.categoryCountError = f.string.categoryCountError * factor;
      }
      if (f.typeCounts) {
        const t = f.typeCounts;
        out.typeCounts = { integral: n(t.integral), fractional: n(t.fractional), boolean: n(t.boolean), string: n(t.string), missing: n(t.missing) };
        if (t.nonFinite !== undefined) out.typeCounts.nonFinite = n(t.nonFinite);
      }
      return out;
    }),
  };
}

/** Each count scaled and rounded; the OTHER_CATEGORY bucket takes the rounding, so the buckets still sum to the scaled total. */
function scaleCategories(categories: readonly CategoryCount[], n: (x: number) => number): CategoryCount[] {
  let total = 0;
  let listed = 0;
  const out = categories.map((c) => {
    total += c.count;
    const count = n(c.count);
    if (c.value !== OTHER_CATEGORY) listed += count;
    return { ...c, count };
  });
  const other = out.find((c) => c.value === OTHER_CATEGORY);
  if (other !== undefined) other.count = Math.max(0, n(total) - listed);
  return out;
}
