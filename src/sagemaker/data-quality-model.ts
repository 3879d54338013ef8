/**
 * In-memory model of SageMaker data-quality files: statistics.json, constraints.json and
 * constraint_violations.json. Pure types; reading/writing lives in statistics-file.ts,
 * constraints-file.ts and violations-file.ts. The evaluator works on these types only, so a
 * window's profile and a SageMaker-produced statistics.json are evaluated the same way.
 */
import type { QuantileSketch } from '../sketch/quantile-sketch.js';

/** SageMaker's file names (baseline folders, per-window report folders). */
export const SAGEMAKER_FILES = {
  statistics: 'statistics.json',
  constraints: 'constraints.json',
  violations: 'constraint_violations.json',
} as const;

export const InferredType = {
  INTEGRAL: 'Integral',
  FRACTIONAL: 'Fractional',
  STRING: 'String',
  BOOLEAN: 'Boolean',
  UNKNOWN: 'Unknown',
} as const;
export type InferredType = (typeof InferredType)[keyof typeof InferredType];

/** Per-feature counts of values by Deequ type class (streaming only; not in SageMaker's files). */
export interface TypeCounts {
  integral: number;
  fractional: number;
  boolean: number;
  string: number;
  missing: number;
  /**
   * driftmon: non-finite numbers (±Infinity, NaN, "1e400"): present, but of no Deequ type and
   * outside the numeric statistics. Absent means 0.
   */
  nonFinite?: number;
}

export interface KllBucket {
  lowerBound: number;
  upperBound: number;
  count: number;
}

export interface NumericalStatistics {
  numPresent: number;
  numMissing: number;
  mean: number;
  sum: number;
  stdDev: number;
  min: number;
  max: number;
  /** The 10 KLL buckets as written in (or to be written to) statistics.json. */
  buckets: KllBucket[];
  /** The quantile sketch (KLL when read from or written to statistics.json). */
  sketch: QuantileSketch;
}

export interface CategoryCount {
  value: string;
  count: number;
}

/**
 * The bucket driftmon adds, last, when a feature had more distinct values than its category cap:
 * the mass of every value not listed, so bucket counts still sum to num_present and a reader that
 * knows nothing of it (SageMaker's) sees one more category. A real value spelled the same way is
 * counted into it.
 */
export const OTHER_CATEGORY = '<driftmon:other>';

export interface StringStatistics {
  numPresent: number;
  numMissing: number;
  distinctCount: number;
  /**
   * Category buckets, most frequent first. When truncated (`categoriesComplete` false) the listed
   * counts are the heavy hitters' lower bounds and a last OTHER_CATEGORY bucket holds the rest.
   */
  categories: CategoryCount[];
  /** False when the frequency sketch passed its exact cap: counts of the listed heavy hitters are estimates. */
  categoriesComplete: boolean;
  /**
   * When truncated: the most any listed count (or 0 for an unlisted value) falls below its true
   * count (the Misra–Gries error). Absent when unknown (read from a file): readers then use
   * other / (listed + 1), which the sketch also guarantees.
   */
  categoryCountError?: number;
}

export interface FeatureStatistics {
  name: string;
  inferredType: InferredType;
  numerical?: NumericalStatistics;
  string?: StringStatistics;
  /** Present for statistics computed by driftmon from raw values (not when read from a file). */
  typeCounts?: TypeCounts;
}

export interface DatasetStatistics {
  itemCount: number;
  features: FeatureStatistics[];
}

export const Toggle = { ENABLED: 'Enabled', DISABLED: 'Disabled' } as const;
export type Toggle = (typeof Toggle)[keyof typeof Toggle];

export const ComparisonMethod = { SIMPLE: 'Simple', ROBUST: 'Robust' } as const;
export type ComparisonMethod = (typeof ComparisonMethod)[keyof typeof ComparisonMethod];

export const CategoricalDriftMethod = { LINFINITY: 'LInfinity', CHI_SQUARED: 'ChiSquared' } as const;
export type CategoricalDriftMethod = (typeof CategoricalDriftMethod)[keyof typeof CategoricalDriftMethod];

export interface DistributionConstraints {
  performComparison: Toggle;
  comparisonThreshold: number;
  comparisonMethod: ComparisonMethod;
  categoricalComparisonThreshold: number;
  categoricalDriftMethod: CategoricalDriftMethod;
}

export interface MonitoringConfig {
  evaluateConstraints: Toggle;
  emitMetrics: Toggle;
  datatypeCheckThreshold: number;
  domainContentThreshold: number;
  distributionConstraints: DistributionConstraints;
}

/** Per-feature overrides: any subset of the monitoring config (docs `monitoringConfigOverrides`, SDK `string_constraints.monitoring_config_overrides`). */
export interface MonitoringConfigOverrides {
  evaluateConstraints?: Toggle;
  emitMetrics?: Toggle;
  datatypeCheckThreshold?: number;
  domainContentThreshold?: number;
  distributionConstraints?: Partial<DistributionConstraints>;
}

export interface FeatureConstraints {
  name: string;
  inferredType: InferredType;
  /** Required fraction of non-null values, when given. */
  completeness?: number;
  isNonNegative?: boolean;
  /** Allowed values (string_constraints.domains). */
  domains?: string[];
  overrides?: MonitoringConfigOverrides;
}

export interface Constraints {
  features: FeatureConstraints[];
  monitoringConfig: MonitoringConfig;
}

export const CheckType = {
  DATA_TYPE: 'data_type_check',
  COMPLETENESS: 'completeness_check',
  BASELINE_DRIFT: 'baseline_drift_check',
  MISSING_COLUMN: 'missing_column_check',
  EXTRA_COLUMN: 'extra_column_check',
  CATEGORICAL_VALUES: 'categorical_values_check',
} as const;
export type CheckType = (typeof CheckType)[keyof typeof CheckType];
export const CHECK_TYPES: readonly CheckType[] = Object.values(CheckType);

export interface Violation {
  featureName: string;
  constraintCheckType: CheckType;
  description: string;
}

/** SageMaker's documented defaults (docs table), used where a constraints file omits a key. */
export const DEFAULT_MONITORING_CONFIG: MonitoringConfig = Object.freeze({
  evaluateConstraints: Toggle.ENABLED,
  emitMetrics: Toggle.ENABLED,
  datatypeCheckThreshold: 0.1,
  domainContentThreshold: 0.1,
  distributionConstraints: Object.freeze({
    performComparison: Toggle.ENABLED,
    comparisonThreshold: 0.1,
    comparisonMethod: ComparisonMethod.ROBUST,
    categoricalComparisonThreshold: 0.1,
    categoricalDriftMethod: CategoricalDriftMethod.LINFINITY,
  }),
}) as MonitoringConfig;

/** What `baseline data` suggests (the values the container was observed to write). */
export const SUGGESTED_MONITORING_CONFIG: MonitoringConfig = Object.freeze({
  evaluateConstraints: Toggle.ENABLED,
  emitMetrics: Toggle.ENABLED,
  datatypeCheckThreshold: 1.0,
  domainContentThreshold: 1.0,
  distributionConstraints: Object.freeze({
    performComparison: Toggle.ENABLED,
    comparisonThreshold: 0.1,
    comparisonMethod: ComparisonMethod.ROBUST,
    categoricalComparisonThreshold: 0.1,
    categoricalDriftMethod: CategoricalDriftMethod.LINFINITY,
  }),
}) as MonitoringConfig;
