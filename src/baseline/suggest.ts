/**
 * Constraint suggestion from baseline statistics, after the analyzer container (which is built on
 * Deequ's suggestion rules; the container itself is closed source):
 *
 * - `inferred_type`: the statistics' type (Deequ RetainTypeRule).
 * - `completeness`: the observed non-null fraction num_present / (num_present + num_missing), as
 *   the AWS docs describe it ("denotes observed non-null value percentage"). Deequ's own
 *   RetainCompletenessRule would instead suggest a lower confidence bound for incomplete
 *   columns; the container writes the observed fraction (1.0 in every published file).
 * - `num_constraints.is_non_negative`: for numeric features, `min ≥ 0` (Deequ
 *   NonNegativeNumbersRule). Written as `false` when the minimum is negative (the documented
 *   schema makes it a boolean); absent when the feature has no values.
 * - `string_constraints.domains` for String features (Deequ CategoricalRangeRule): Deequ's
 *   profiler only builds the histogram the rule needs for columns with at most 120 distinct
 *   values (ColumnProfiler.DEFAULT_CARDINALITY_THRESHOLD); the rule then fires when the share of
 *   histogram entries seen exactly once is ≤ 10 %. The histogram includes a null entry when the
 *   column has missing values, which counts as an entry; the domain lists the non-null values,
 *   most frequent first. We additionally require the category list to be complete
 *   (`categoriesComplete`, i.e. exact counts of every value), since a truncated list cannot be a
 *   domain. Deequ also applies the rule to Integral columns; SageMaker's statistics hold no
 *   histogram for numeric features and its constraints have string_constraints only, so we
 *   do not.
 * - `monitoring_config`: SUGGESTED_MONITORING_CONFIG (the values the container writes).
 */
import {
  InferredType,
  SUGGESTED_MONITORING_CONFIG,
  type Constraints,
  type DatasetStatistics,
  type FeatureConstraints,
  type FeatureStatistics,
  type MonitoringConfig,
} from '../sagemaker/data-quality-model.js';

/** Deequ ColumnProfiler.DEFAULT_CARDINALITY_THRESHOLD: histograms only up to this many distinct values. */
export const DOMAIN_MAX_DISTINCT = 120;
/** Deequ CategoricalRangeRule: suggest a domain when ≤ this share of histogram entries occur once. */
export const DOMAIN_MAX_UNIQUE_RATIO = 0.1;

export function suggestConstraints(stats: DatasetStatistics): Constraints {
  return {
    features: stats.features.map((f) => suggestFeature(f, stats.itemCount)),
    monitoringConfig: cloneConfig(SUGGESTED_MONITORING_CONFIG),
  };
}

function suggestFeature(f: FeatureStatistics, itemCount: number): FeatureConstraints {
  const out: FeatureConstraints = { name: f.name, inferredType: f.inferredType };
  const completeness = completenessOf(f, itemCount);
  if (completeness !== undefined) out.completeness = completeness;

  const num = f.numerical;
  if (
    (f.inferredType === InferredType.INTEGRAL || f.inferredType === InferredType.FRACTIONAL) &&
    num !== undefined &&
    num.numPresent > 0 &&
    !Number.isNaN(num.min)
  ) {
    out.isNonNegative = num.min >= 0;
  }

  const domains = f.inferredType === InferredType.STRING ? suggestDomain(f) : undefined;
  if (domains !== undefined) out.domains = domains;
  return out;
}

function completenessOf(f: FeatureStatistics, itemCount: number): number | undefined {
  const common = f.numerical ?? f.string;
  let present: number;
  let missing: number;
  if (common !== undefined) {
    present = common.numPresent;
    missing = common.numMissing;
  } else if (f.typeCounts !== undefined) {
    const t = f.typeCounts;
    present = t.integral + t.fractional + t.boolean + t.string + (t.nonFinite ?? 0);
    missing = t.missing;
  } else if (f.inferredType === InferredType.UNKNOWN && itemCount > 0) {
    // Unknown = every value was null.
    return 0;
  } else {
    return undefined;
  }
  const total = present + missing;
  return total > 0 ? present / total : undefined;
}

/** The domain Deequ's CategoricalRangeRule would suggest, or undefined. */
export function suggestDomain(f: FeatureStatistics): string[] | undefined {
  const s = f.string;
  if (s === undefined || !s.categoriesComplete) return undefined;
  // The cardinality cut uses the non-null distinct count (Deequ: ApproxCountDistinct ignores nulls).
  if (s.categories.length === 0 || s.categories.length > DOMAIN_MAX_DISTINCT) return undefined;
  const entries = s.categories.length + (s.numMissing > 0 ? 1 : 0);
  let once = s.categories.filter((c) => c.count === 1).length;
  if (s.numMissing === 1) once++;
  if (once / entries > DOMAIN_MAX_UNIQUE_RATIO) return undefined;
  return s.categories
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.count - a.c.count || a.i - b.i)
    .map(({ c }) => c.value);
}

function cloneConfig(c: MonitoringConfig): MonitoringConfig {
  return { ...c, distributionConstraints: { ...c.distributionConstraints } };
}
