/**
 * In-memory model of SageMaker model-quality files (statistics.json, constraints.json and the
 * violations file). Pure types and SageMaker's exact names; reading/writing lives in
 * model-quality-files.ts.
 */
import { ProblemType } from './problem-type.js';

export interface RocCurve {
  falsePositiveRates: number[];
  truePositiveRates: number[];
}

export interface PrecisionRecallCurve {
  precisions: number[];
  recalls: number[];
}

/** `{ "value": v, "standard_deviation": s }`; s is NaN where SageMaker writes the string "NaN". */
export interface ScalarMetric {
  value: number;
  standardDeviation: number;
}

/** confusion_matrix[actual][predicted] = count (string keys, insertion order kept). */
export type ConfusionMatrix = Map<string, Map<string, number>>;

export interface ModelQualityStatistics {
  problemType: ProblemType;
  /** dataset.item_count (absent in some hand-made files). */
  itemCount?: number;
  /** dataset.evaluation_time, ISO-8601 text as written. */
  evaluationTime?: string;
  /** Scalar metrics by SageMaker name (insertion order = file order). */
  metrics: Record<string, ScalarMetric>;
  confusionMatrix?: ConfusionMatrix;
  receiverOperatingCharacteristicCurve?: RocCurve;
  precisionRecallCurve?: PrecisionRecallCurve;
}

/** The statistics.json member holding a problem type's metrics. */
export const METRICS_KEY: Readonly<Record<ProblemType, string>> = {
  [ProblemType.REGRESSION]: 'regression_metrics',
  [ProblemType.BINARY_CLASSIFICATION]: 'binary_classification_metrics',
  [ProblemType.MULTICLASS_CLASSIFICATION]: 'multiclass_classification_metrics',
};

/** The constraints.json member holding a problem type's constraints. */
export const CONSTRAINTS_KEY: Readonly<Record<ProblemType, string>> = {
  [ProblemType.REGRESSION]: 'regression_constraints',
  [ProblemType.BINARY_CLASSIFICATION]: 'binary_classification_constraints',
  [ProblemType.MULTICLASS_CLASSIFICATION]: 'multiclass_classification_constraints',
};

export const CONFUSION_MATRIX = 'confusion_matrix';
export const ROC_CURVE = 'receiver_operating_characteristic_curve';
export const PR_CURVE = 'precision_recall_curve';

/** Every metric of a problem type, in the order of SageMaker's docs (and of our files). */
export const METRIC_NAMES: Readonly<Record<ProblemType, readonly string[]>> = {
  [ProblemType.REGRESSION]: ['mae', 'mse', 'rmse', 'r2'],
  [ProblemType.BINARY_CLASSIFICATION]: [
    CONFUSION_MATRIX,
    'recall',
    'precision',
    'accuracy',
    'recall_best_constant_classifier',
    'precision_best_constant_classifier',
    'accuracy_best_constant_classifier',
    'true_positive_rate',
    'true_negative_rate',
    'false_positive_rate',
    'false_negative_rate',
    ROC_CURVE,
    PR_CURVE,
    'auc',
    'f0_5',
    'f1',
    'f2',
    'f0_5_best_constant_classifier',
    'f1_best_constant_classifier',
    'f2_best_constant_classifier',
  ],
  [ProblemType.MULTICLASS_CLASSIFICATION]: [
    CONFUSION_MATRIX,
    'accuracy',
    'weighted_recall',
    'weighted_precision',
    'weighted_f0_5',
    'weighted_f1',
    'weighted_f2',
    'accuracy_best_constant_classifier',
    'weighted_recall_best_constant_classifier',
    'weighted_precision_best_constant_classifier',
    'weighted_f0_5_best_constant_classifier',
    'weighted_f1_best_constant_classifier',
    'weighted_f2_best_constant_classifier',
  ],
};

export const ComparisonOperator = {
  GREATER_THAN: 'GreaterThanThreshold',
  LESS_THAN: 'LessThanThreshold',
  GREATER_THAN_OR_EQUAL: 'GreaterThanOrEqualToThreshold',
  LESS_THAN_OR_EQUAL: 'LessThanOrEqualToThreshold',
} as const;
export type ComparisonOperator = (typeof ComparisonOperator)[keyof typeof ComparisonOperator];
export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = Object.values(ComparisonOperator);

export interface MetricConstraint {
  threshold: number;
  comparisonOperator: ComparisonOperator;
}

export interface ModelQualityConstraints {
  problemType: ProblemType;
  /** By SageMaker metric name (insertion order = file order). */
  constraints: Record<string, MetricConstraint>;
}

/** One entry of the violations file (shape of AWS's MonitoringCustomMetrics; see formats doc d.3). */
export interface ModelQualityViolation {
  metricName: string;
  constraintCheckType: ComparisonOperator;
  description: string;
}
