/**
 * Data-quality evaluation: the six SageMaker Model Monitor checks (formats doc §c.3) of a current
 * DatasetStatistics against Constraints (and, for baseline_drift_check, baseline statistics), plus
 * per-feature report metrics. Pure: works on the model types only, no I/O, no clock.
 *
 * Toggles (DECISIONS; SageMaker does not document the interplay):
 *  - The effective config of a feature is its overrides merged over the global monitoring_config
 *    (a key present in the override wins; distribution_constraints merged key by key).
 *  - evaluate_constraints = Disabled (effective, per feature) suppresses every violation of that
 *    feature, baseline_drift_check included (the SDK's `Constraints.set_monitoring(False, feature)`
 *    means "do not monitor this feature"). extra_column_check uses the global value, as extra
 *    columns have no constraints entry.
 *  - perform_comparison = Disabled suppresses only baseline_drift_check.
 *  Distances and metrics are still computed and reported for disabled features (`drift.checked`
 *  tells whether the check ran); `emitMetrics` is passed through for the sinks.
 *
 * Other DECISIONS (details next to the code):
 *  - data_type_check: Integral values match an expected Fractional type (see `typeMatches`);
 *    an expected Unknown type is not checked; violation when match fraction < datatype_check_threshold.
 *  - baseline_drift_check with ChiSquared: violation when the p-value < categorical_comparison_threshold,
 *    whatever comparison_method says. Its description reads "ChiSquared p-value: p is below …", which
 *    AWS's `distance: (.+) exceeds` regex deliberately does not match (p is not a distance).
 *  - Numeric vs categorical drift is chosen by the statistics present on both sides (numerical on
 *    both ⇒ KLL L∞; string on both ⇒ categorical); a type change leaves drift uncomputed (null) and
 *    is reported by data_type_check instead.
 *  - Thresholds are compared strictly (ratio < threshold, distance > threshold), so a value equal
 *    to its threshold passes.
 *
 * NaN safety: a value that cannot be computed (empty sketch, no values, < 2 χ² categories) is
 * reported as null and never raises a violation.
 */
import {
  CHECK_TYPES,
  CategoricalDriftMethod,
  CheckType,
  ComparisonMethod,
  InferredType,
  Toggle,
  type Constraints,
  type DatasetStatistics,
  type FeatureConstraints,
  type FeatureStatistics,
  type MonitoringConfig,
  type MonitoringConfigOverrides,
  type Violation,
} from '../sagemaker/data-quality-model.js';
import {
  accuracyOf,
  chiSquared,
  compareCodeUnits,
  countsFromCategories,
  jensenShannonCategorical,
  linfCategorical,
  linfCategoricalErrorBound,
  psiCategorical,
  totalCount,
} from './categorical-distance.js';
import {
  DEFAULT_BINS,
  baselineQuantileBins,
  ksPValue,
  linfRobust,
  normalizeWasserstein,
  stepDistances,
  type RobustOptions,
} from './distance.js';
import { jensenShannonFromProportions, psiFromProportions } from './divergence.js';
import { driftVerdicts, sampleOf, type FeatureVerdict, type VerdictOptions } from './drift-verdict.js';
import { javaDoubleToString, formatObservedPercent, formatThresholdPercent } from '../sagemaker/java-double.js';

export const DriftMethod = {
  /** Numeric or categorical L∞, comparison_method Simple. */
  LINF_SIMPLE: 'linf_simple',
  /** Numeric or categorical L∞ minus the KS critical value, comparison_method Robust. */
  LINF_ROBUST: 'linf_robust',
  /** Categorical χ² goodness of fit; `distance` is the p-value and a violation is p < threshold. */
  CHI_SQUARED: 'chi_squared',
} as const;
export type DriftMethod = (typeof DriftMethod)[keyof typeof DriftMethod];

export const DriftKind = { NUMERICAL: 'numerical', CATEGORICAL: 'categorical' } as const;
export type DriftKind = (typeof DriftKind)[keyof typeof DriftKind];

export interface DriftEvaluation {
  kind: DriftKind;
  method: DriftMethod;
  /** The value baseline_drift_check compares (the χ² p-value for CHI_SQUARED); null when not computable. */
  distance: number | null;
  threshold: number;
  /** True when `distance` breaches `threshold` (> for L∞, < for the χ² p-value), whether or not the check ran. */
  breached: boolean;
  /** True when baseline_drift_check was evaluated for this feature (a constrained feature with both toggles Enabled). */
  checked: boolean;
  /** Unadjusted L∞ (for L∞ methods; null for χ²). */
  linfSimple: number | null;
  /** χ² details for CHI_SQUARED. */
  chiSquared: { statistic: number | null; degreesOfFreedom: number; pValue: number | null } | null;
  /** Sample sizes the distance used (total sketch weights, or sums of category counts). */
  baselineCount: number;
  currentCount: number;
  /**
   * Categorical L∞ only: how far `distance` can be from the one exact counts would give, when a
   * category list was truncated (0 when both are complete; see linfCategoricalErrorBound). Null otherwise.
   */
  errorBound: number | null;
}

/** Report-only drift metrics (never raise violations). Numeric: all four; categorical: psi and jensenShannon. */
export interface DriftMetrics {
  psi: number | null;
  jensenShannon: number | null;
  wassersteinNormalized: number | null;
  ksPValue: number | null;
}

export interface FeatureEvaluation {
  name: string;
  /** Type declared in the constraints; null for a feature that is not constrained. */
  expectedType: InferredType | null;
  /** Type in the baseline statistics; null without baseline statistics or feature. */
  baselineType: InferredType | null;
  /** Type in the current statistics; null when the feature is missing. */
  currentType: InferredType | null;
  /** Current non-null fraction; null when the feature is missing or has no rows. */
  completeness: number | null;
  /** Fraction of current non-null values of the expected type; null when not applicable. */
  typeMatch: number | null;
  /** Share of current String values inside the constraint domains; null without domains/String data. */
  domainShare: number | null;
  drift: DriftEvaluation | null;
  metrics: DriftMetrics;
  /** driftmon's drift verdict (drift-verdict.ts); null without baseline statistics for the feature. */
  verdict: FeatureVerdict | null;
  /** Effective emit_metrics for the feature. */
  emitMetrics: boolean;
}

export interface DataQualityEvaluation {
  /** Sorted by feature name (code-unit order), then by check type in CHECK_TYPES order. */
  violations: Violation[];
  /** Constrained features in constraints order, then current features without constraints. */
  features: FeatureEvaluation[];
}

export interface EvaluateOptions {
  /** c_α (default 1.8) or α for the Robust L∞ adjustment (SageMaker's files cannot set it). */
  robust?: RobustOptions;
  /** Baseline-quantile bins for the numeric PSI / Jensen–Shannon report metrics (default 10). */
  bins?: number;
  /** driftmon's drift verdict: family-wise alpha and effect floors. */
  verdict?: VerdictOptions;
}

const NULL_METRICS: DriftMetrics = Object.freeze({
  psi: null,
  jensenShannon: null,
  wassersteinNormalized: null,
  ksPValue: null,
});

/** Overrides merged over the global config: a key given in the override wins. */
export function effectiveMonitoringConfig(
  global: MonitoringConfig,
  overrides: MonitoringConfigOverrides | undefined,
): MonitoringConfig {
  if (overrides === undefined) return global;
  const pick = <T>(o: T | undefined, g: T): T => (o === undefined ? g : o);
  const od = overrides.distributionConstraints ?? {};
  const gd = global.distributionConstraints;
  return {
    evaluateConstraints: pick(overrides.evaluateConstraints, global.evaluateConstraints),
    emitMetrics: pick(overrides.emitMetrics, global.emitMetrics),
    datatypeCheckThreshold: pick(overrides.datatypeCheckThreshold, global.datatypeCheckThreshold),
    domainContentThreshold: pick(overrides.domainContentThreshold, global.domainContentThreshold),
    distributionConstraints: {
      performComparison: pick(od.performComparison, gd.performComparison),
      comparisonThreshold: pick(od.comparisonThreshold, gd.comparisonThreshold),
      comparisonMethod: pick(od.comparisonMethod, gd.comparisonMethod),
      categoricalComparisonThreshold: pick(od.categoricalComparisonThreshold, gd.categoricalComparisonThreshold),
      categoricalDriftMethod: pick(od.categoricalDriftMethod, gd.categoricalDriftMethod),
    },
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Whether a current value class counts as the expected type. DECISION: Integral values match an
 * expected Fractional type. Deequ classifies "3" as Integral and would flag it in a Fractional
 * column, which raises false alarms whenever a float column happens to hold whole numbers
 * (formats doc §g.11). Every other type matches only itself: Boolean only Boolean, Integral only
 * Integral (a "3.5" is not an integer), and String only String — a numeric column under a String
 * constraint violates (the SDK's bad_cases fixture relies on this).
 */
function typeMatches(expected: InferredType, observed: InferredType): boolean {
  if (expected === observed) return true;
  return expected === InferredType.FRACTIONAL && observed === InferredType.INTEGRAL;
}

/**
 * Fraction of current non-null values of the expected type: from `typeCounts` when present
 * (streaming statistics), else from the current inferred type (1 when it matches, 0 otherwise —
 * all a statistics.json tells). Null for an Unknown expected type (a baseline of nulls expects
 * nothing) or when the current feature has no non-null value. Non-finite numbers have no type:
 * they count neither for nor against.
 */
export function typeMatchFraction(expected: InferredType, current: FeatureStatistics): number | null {
  if (expected === InferredType.UNKNOWN) return null;
  const tc = current.typeCounts;
  if (tc !== undefined) {
    const nonNull = tc.integral + tc.fractional + tc.boolean + tc.string;
    if (!(nonNull > 0)) return null;
    let matching = 0;
    if (typeMatches(expected, InferredType.INTEGRAL)) matching += tc.integral;
    if (typeMatches(expected, InferredType.FRACTIONAL)) matching += tc.fractional;
    if (typeMatches(expected, InferredType.BOOLEAN)) matching += tc.boolean;
    if (typeMatches(expected, InferredType.STRING)) matching += tc.string;
    return matching / nonNull;
  }
  if (current.inferredType === InferredType.UNKNOWN) return null;
  return typeMatches(expected, current.inferredType) ? 1 : 0;
}

/**
 * Current completeness num_present / (num_present + num_missing): from typeCounts when present,
 * else from the numerical or string statistics. A feature with neither, inferred Unknown, in a
 * non-empty dataset is all-null: completeness 0. Null when there are no rows to judge.
 */
export function completenessOf(feature: FeatureStatistics, itemCount: number): number | null {
  const tc = feature.typeCounts;
  if (tc !== undefined) {
    // a non-finite number is present (it is a value, not a null — Deequ's completeness agrees)
    const present = tc.integral + tc.fractional + tc.boolean + tc.string + (tc.nonFinite ?? 0);
    const total = present + tc.missing;
    return total > 0 ? present / total : null;
  }
  const common = feature.numerical ?? feature.string;
  if (common !== undefined) {
    const total = common.numPresent + common.numMissing;
    return total > 0 ? common.numPresent / total : null;
  }
  if (feature.inferredType === InferredType.UNKNOWN && itemCount > 0) return 0;
  return null;
}

/**
 * Share of current String values inside `domains`: in-domain listed counts / num_present. When the
 * category list is truncated (categoriesComplete false) values outside the list count as outside
 * the domain, so the share is a lower bound. Null without String statistics or values.
 */
export function domainShareOf(domains: readonly string[], current: FeatureStatistics): number | null {
  const s = current.string;
  if (s === undefined) return null;
  const counts = countsFromCategories(s.categories);
  const listed = totalCount(counts);
  const denominator = Math.max(s.numPresent, listed);
  if (!(denominator > 0)) return null;
  const domain = new Set(domains);
  let inside = 0;
  for (const [value, count] of counts) if (domain.has(value)) inside += count;
  return inside / denominator;
}

interface DriftComputation {
  drift: DriftEvaluation;
  metrics: DriftMetrics;
}

function computeDrift(
  current: FeatureStatistics,
  baseline: FeatureStatistics,
  config: MonitoringConfig,
  options: EvaluateOptions,
): DriftComputation | null {
  const dc = config.distributionConstraints;
  const robust = dc.comparisonMethod !== ComparisonMethod.SIMPLE;
  const cn = current.numerical;
  const bn = baseline.numerical;
  if (cn !== undefined && bn !== undefined) {
    const bv = bn.sketch.sortedView();
    const cv = cn.sketch.sortedView();
    if (!(bv.total > 0) || !(cv.total > 0)) return null;
    const n = bv.total;
    const m = cv.total;
    // L∞ and W₁ from one walk over both sketches' items
    const { linf: simple, wasserstein: w } = stepDistances(bv, cv);
    const threshold = dc.comparisonThreshold;
    const baselineSd = Number.isFinite(bn.stdDev) ? bn.stdDev : undefined;
    // PSI and Jensen–Shannon share one set of baseline-quantile bins
    const bins = baselineQuantileBins(bv, cv, options.bins ?? DEFAULT_BINS);
    return {
      drift: linfDrift(DriftKind.NUMERICAL, simple, robust, n, m, threshold, options),
      metrics: {
        psi: bins === null ? null : finiteOrNull(psiFromProportions(bins.baseline, bins.current)),
        jensenShannon: bins === null ? null : finiteOrNull(jensenShannonFromProportions(bins.baseline, bins.current)),
        wassersteinNormalized: finiteOrNull(normalizeWasserstein(w, bv, baselineSd)),
        ksPValue: finiteOrNull(ksPValue(simple, n, m)),
      },
    };
  }
  const cs = current.string;
  const bs = baseline.string;
  if (cs !== undefined && bs !== undefined) {
    const bc = countsFromCategories(bs.categories);
    const cc = countsFromCategories(cs.categories);
    const n = totalCount(bc);
    const m = totalCount(cc);
    if (!(n > 0) || !(m > 0)) return null;
    const threshold = dc.categoricalComparisonThreshold;
    const metrics: DriftMetrics = {
      psi: finiteOrNull(psiCategorical(bc, cc)),
      jensenShannon: finiteOrNull(jensenShannonCategorical(bc, cc)),
      wassersteinNormalized: null,
      ksPValue: null,
    };
    if (dc.categoricalDriftMethod === CategoricalDriftMethod.CHI_SQUARED) {
      // DECISION: ChiSquared always judges the p-value (whatever comparison_method says — a raw
      // χ² statistic against a 0.1 threshold is meaningless): violation when p < threshold.
      const r = chiSquared(bc, cc);
      return {
        drift: {
          kind: DriftKind.CATEGORICAL,
          method: DriftMethod.CHI_SQUARED,
          distance: finiteOrNull(r.pValue),
          threshold,
          breached: r.pValue < threshold,
          checked: false,
          linfSimple: null,
          chiSquared: {
            statistic: finiteOrNull(r.statistic),
            degreesOfFreedom: r.degreesOfFreedom,
            pValue: finiteOrNull(r.pValue),
          },
          baselineCount: n,
          currentCount: m,
          errorBound: null,
        },
        metrics,
      };
    }
    const simple = linfCategorical(bc, cc);
    const drift = linfDrift(DriftKind.CATEGORICAL, simple, robust, n, m, threshold, options);
    drift.errorBound = linfCategoricalErrorBound(bc, cc, accuracyOf(bs), accuracyOf(cs));
    return { drift, metrics };
  }
  return null;
}

function driftDescription(drift: DriftEvaluation): string {
  const d = javaDoubleToString(drift.distance ?? NaN);
  const t = javaDoubleToString(drift.threshold);
  if (drift.method === DriftMethod.CHI_SQUARED) {
    const stat = javaDoubleToString(drift.chiSquared?.statistic ?? NaN);
    return (
      `Categorical drift requirement is not met. ChiSquared p-value: ${d} is below categorical threshold: ${t} ` +
      `(statistic: ${stat}, degrees of freedom: ${drift.chiSquared?.degreesOfFreedom ?? 0}).`
    );
  }
  return drift.kind === DriftKind.NUMERICAL
    ? `Numerical distance: ${d} exceeds numerical threshold: ${t}`
    : `Categorical distance: ${d} exceeds categorical threshold: ${t}`;
}

/** The verdict over every feature present on both sides, as one family (Holm over the window). */
function attachVerdicts(
  features: FeatureEvaluation[],
  current: ReadonlyMap<string, FeatureStatistics>,
  baseline: ReadonlyMap<string, FeatureStatistics>,
  options: VerdictOptions | undefined,
): void {
  const judged: FeatureEvaluation[] = [];
  const samples: { name: string; baseline: ReturnType<typeof sampleOf>; current: ReturnType<typeof sampleOf> }[] = [];
  for (const f of features) {
    const cur = current.get(f.name);
    const base = baseline.get(f.name);
    if (cur === undefined || base === undefined) continue;
    judged.push(f);
    samples.push({ name: f.name, baseline: sampleOf(base), current: sampleOf(cur) });
  }
  driftVerdicts(samples, options).forEach((v, i) => ((judged[i] as FeatureEvaluation).verdict = v));
}

function firstByName(features: readonly FeatureStatistics[]): Map<string, FeatureStatistics> {
  const out = new Map<string, FeatureStatistics>();
  for (const f of features) if (!out.has(f.name)) out.set(f.name, f);
  return out;
}

/** An L∞ drift result (Simple, or Robust: minus the KS critical value for sample sizes n and m). */
function linfDrift(
  kind: DriftKind,
  simple: number,
  robust: boolean,
  n: number,
  m: number,
  threshold: number,
  options: EvaluateOptions,
): DriftEvaluation {
  const distance = robust ? linfRobust(simple, n, m, options.robust) : simple;
  return {
    kind,
    method: robust ? DriftMethod.LINF_ROBUST : DriftMethod.LINF_SIMPLE,
    distance: finiteOrNull(distance),
    threshold,
    breached: distance > threshold,
    checked: false,
    linfSimple: finiteOrNull(simple),
    chiSquared: null,
    baselineCount: n,
    currentCount: m,
    errorBound: null,
  };
}

/**
 * Evaluate `current` against `constraints` (and `baseline` statistics for baseline_drift_check,
 * which is skipped without them). See the module comment for toggles and NaN handling.
 */
export function evaluateDataQuality(
  current: DatasetStatistics,
  baseline: DatasetStatistics | undefined,
  constraints: Constraints,
  options: EvaluateOptions = {},
): DataQualityEvaluation {
  const global = constraints.monitoringConfig;
  const currentByName = firstByName(current.features);
  const baselineByName = baseline === undefined ? new Map<string, FeatureStatistics>() : firstByName(baseline.features);
  const violations: Violation[] = [];
  const features: FeatureEvaluation[] = [];
  const constrained = new Set<string>();

  const violate = (featureName: string, constraintCheckType: CheckType, description: string): void => {
    violations.push({ featureName, constraintCheckType, description });
  };

  for (const fc of constraints.features) {
    if (constrained.has(fc.name)) continue;
    constrained.add(fc.name);
    const config = effectiveMonitoringConfig(global, fc.overrides);
    const evaluate = config.evaluateConstraints === Toggle.ENABLED;
    const cur = currentByName.get(fc.name);
    const base = baselineByName.get(fc.name);
    const evaluation = evaluateFeature(fc.name, fc, cur, base, current.itemCount, config, options);
    features.push(evaluation);
    if (!evaluate) continue;

    if (cur === undefined) {
      violate(
        fc.name,
        CheckType.MISSING_COLUMN,
        `Missing column requirement is not met. Expected column: ${fc.name} (${fc.inferredType}) ` +
          `from the baseline constraints. Observed: the column is missing from the current data.`,
      );
      continue;
    }
    if (evaluation.typeMatch !== null && evaluation.typeMatch < config.datatypeCheckThreshold) {
      violate(
        fc.name,
        CheckType.DATA_TYPE,
        `Data type match requirement is not met. Expected data type: ${fc.inferredType}, ` +
          `Expected match: ${formatThresholdPercent(config.datatypeCheckThreshold)}%. ` +
          `Observed: Only ${formatObservedPercent(evaluation.typeMatch)}% of data is ${fc.inferredType}.`,
      );
    }
    if (fc.completeness !== undefined && evaluation.completeness !== null && evaluation.completeness < fc.completeness) {
      violate(
        fc.name,
        CheckType.COMPLETENESS,
        `Data completeness requirement is not met. Expected completeness: ${formatThresholdPercent(fc.completeness)}%. ` +
          `Observed: Only ${formatObservedPercent(evaluation.completeness)}% of data is complete.`,
      );
    }
    if (evaluation.domainShare !== null && evaluation.domainShare < config.domainContentThreshold) {
      violate(
        fc.name,
        CheckType.CATEGORICAL_VALUES,
        `Categorical values requirement is not met. Expected share of values within the baseline domain: ` +
          `${formatThresholdPercent(config.domainContentThreshold)}%. ` +
          `Observed: Only ${formatObservedPercent(evaluation.domainShare)}% of data is within the baseline domain.`,
      );
    }
    const drift = evaluation.drift;
    if (drift !== null && config.distributionConstraints.performComparison === Toggle.ENABLED) {
      drift.checked = true;
      if (drift.breached) violate(fc.name, CheckType.BASELINE_DRIFT, driftDescription(drift));
    }
  }

  const extraCheck = global.evaluateConstraints === Toggle.ENABLED;
  for (const cur of currentByName.values()) {
    if (constrained.has(cur.name)) continue;
    const base = baselineByName.get(cur.name);
    features.push(evaluateFeature(cur.name, undefined, cur, base, current.itemCount, global, options));
    if (extraCheck) {
      violate(
        cur.name,
        CheckType.EXTRA_COLUMN,
        `Extra column requirement is not met. Expected only the columns of the baseline constraints. ` +
          `Observed: column ${cur.name} (${cur.inferredType}) is not in the baseline constraints.`,
      );
    }
  }

  attachVerdicts(features, currentByName, baselineByName, options.verdict);
  violations.sort(
    (a, b) =>
      compareCodeUnits(a.featureName, b.featureName) ||
      CHECK_TYPES.indexOf(a.constraintCheckType) - CHECK_TYPES.indexOf(b.constraintCheckType),
  );
  return { violations, features };
}

function evaluateFeature(
  name: string,
  fc: FeatureConstraints | undefined,
  cur: FeatureStatistics | undefined,
  base: FeatureStatistics | undefined,
  itemCount: number,
  config: MonitoringConfig,
  options: EvaluateOptions,
): FeatureEvaluation {
  const computed = cur !== undefined && base !== undefined ? computeDrift(cur, base, config, options) : null;
  const domains = fc?.domains;
  return {
    name,
    expectedType: fc?.inferredType ?? null,
    baselineType: base?.inferredType ?? null,
    currentType: cur?.inferredType ?? null,
    completeness: cur === undefined ? null : completenessOf(cur, itemCount),
    typeMatch: cur === undefined || fc === undefined ? null : typeMatchFraction(fc.inferredType, cur),
    domainShare:
      cur === undefined || domains === undefined || domains.length === 0 ? null : domainShareOf(domains, cur),
    drift: computed?.drift ?? null,
    metrics: computed?.metrics ?? { ...NULL_METRICS },
    verdict: null,
    emitMetrics: config.emitMetrics === Toggle.ENABLED,
  };
}
