/**
 * Model-quality constraints: checking statistics against constraints.json, and suggesting
 * constraints from baseline statistics.
 *
 * A violation is raised when `value <operator> threshold` holds (an r2 below a LessThanThreshold
 * threshold, an mse above a GreaterThanThreshold one) [SageMaker docs / SDK fixtures]. A metric
 * the statistics lack, or whose value is NaN (e.g. auc of a window with one class), raises
 * nothing: there is nothing to compare. Description wording follows AWS's MonitoringCustomMetrics
 * ("Metric mse with 0.0401 was GreaterThanThreshold 0.0336"), numbers in shortest round-trip form.
 *
 * Suggested constraints (what SageMaker's baseline job writes): threshold = the baseline value, no
 * margin; GreaterThanThreshold for error metrics (mae, mse, rmse, false_positive_rate,
 * false_negative_rate), LessThanThreshold for every score (r2, accuracy, recall, precision, TPR,
 * TNR, auc, f-scores and their weighted forms). The *_best_constant_classifier metrics are
 * reference points, not model quality, and metrics with a NaN baseline have no threshold: both are
 * left out.
 */
import { DriftmonError, ErrorCode } from '../../errors.js';
import {
  ComparisonOperator,
  type MetricConstraint,
  type ModelQualityConstraints,
  type ModelQualityStatistics,
  type ModelQualityViolation,
} from '../../sagemaker/model-quality-model.js';

const ERROR_METRICS = new Set(['mae', 'mse', 'rmse', 'false_positive_rate', 'false_negative_rate']);

/** Whether `value <op> threshold` holds. */
export function violates(value: number, op: ComparisonOperator, threshold: number): boolean {
  switch (op) {
    case ComparisonOperator.GREATER_THAN:
      return value > threshold;
    case ComparisonOperator.LESS_THAN:
      return value < threshold;
    case ComparisonOperator.GREATER_THAN_OR_EQUAL:
      return value >= threshold;
    case ComparisonOperator.LESS_THAN_OR_EQUAL:
      return value <= threshold;
    default:
      return false;
  }
}

/** Violations of `constraints` by `stats`, in constraint order. Throws when the problem types differ. */
export function evaluateModelQuality(
  stats: ModelQualityStatistics,
  constraints: ModelQualityConstraints,
): ModelQualityViolation[] {
  if (stats.problemType !== constraints.problemType) {
    throw new DriftmonError(
      ErrorCode.BASELINE_INVALID,
      `constraints are for ${constraints.problemType} but the statistics are ${stats.problemType}`,
    );
  }
  const out: ModelQualityViolation[] = [];
  for (const [name, c] of Object.entries(constraints.constraints)) {
    const value = stats.metrics[name]?.value;
    if (value === undefined || Number.isNaN(value) || !violates(value, c.comparisonOperator, c.threshold)) continue;
    out.push({
      metricName: name,
      constraintCheckType: c.comparisonOperator,
      description: `Metric ${name} with ${String(value)} was ${c.comparisonOperator} ${String(c.threshold)}`,
    });
  }
  return out;
}

/** Constraints suggested from baseline statistics (module comment). */
export function suggestModelQualityConstraints(stats: ModelQualityStatistics): ModelQualityConstraints {
  const constraints: Record<string, MetricConstraint> = Object.create(null) as Record<string, MetricConstraint>;
  for (const [name, m] of Object.entries(stats.metrics)) {
    if (name.endsWith('_best_constant_classifier') || Number.isNaN(m.value)) continue;
    constraints[name] = {
      threshold: m.value,
      comparisonOperator: ERROR_METRICS.has(name) ? ComparisonOperator.GREATER_THAN : ComparisonOperator.LESS_THAN,
    };
  }
  return { problemType: stats.problemType, constraints };
}
