/**
 * A window's model quality: its accumulator → SageMaker's model-quality statistics and, against
 * the baseline's constraints.json, the violations. Pure; the label monitor builds its files,
 * driftmon-report.json and gauges from the result.
 */
import type { ModelQualityConstraints, ModelQualityStatistics, ModelQualityViolation } from '../../sagemaker/model-quality-model.js';
import type { ModelQualityAccumulator } from './accumulator.js';
import { evaluateModelQuality } from './constraints.js';
import { computeModelQualityStatistics } from './statistics.js';

export interface ModelQualityEvaluation {
  /** Labelled rows counted in the window. */
  itemCount: number;
  statistics: ModelQualityStatistics;
  /** Empty without constraints, and for a window without labelled rows (nothing to judge). */
  violations: ModelQualityViolation[];
}

/** `evaluationTime` (ISO-8601) becomes the statistics' dataset.evaluation_time. */
export function evaluateModelQualityWindow(
  acc: ModelQualityAccumulator,
  constraints: ModelQualityConstraints | undefined,
  evaluationTime: string,
): ModelQualityEvaluation {
  const statistics = computeModelQualityStatistics(acc, { evaluationTime });
  const violations = constraints === undefined || acc.count === 0 ? [] : evaluateModelQuality(statistics, constraints);
  return { itemCount: acc.count, statistics, violations };
}
