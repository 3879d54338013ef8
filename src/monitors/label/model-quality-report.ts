/**
 * Pure: a window's model-quality evaluation → SageMaker's statistics.json, constraints.json (when
 * the monitor has constraints) and constraint_violations.json, and the model-quality part of
 * driftmon-report.json (metric values, non-finite ones as text: JSON has no NaN).
 */
import type { ModelQualityEvaluation } from '../../evaluate/model-quality/evaluation.js';
import { formatModelQualityConstraints, formatModelQualityStatistics, formatModelQualityViolations } from '../../sagemaker/model-quality-files.js';
import type { ModelQualityConstraints } from '../../sagemaker/model-quality-model.js';
import type { ProblemType } from '../../sagemaker/problem-type.js';
import type { LabelReportPart } from './label-evaluator.js';

export function buildModelQualityReport(
  problemType: ProblemType,
  constraints: ModelQualityConstraints | undefined,
  evaluation: ModelQualityEvaluation,
): LabelReportPart {
  const { itemCount, statistics: stats, violations } = evaluation;
  const files = [{ name: 'statistics.json', body: formatModelQualityStatistics(stats) }];
  if (constraints !== undefined) files.push({ name: 'constraints.json', body: formatModelQualityConstraints(constraints) });
  files.push({ name: 'constraint_violations.json', body: formatModelQualityViolations(violations) });
  const metrics = Object.fromEntries(Object.entries(stats.metrics).map(([k, m]) => [k, Number.isFinite(m.value) ? m.value : String(m.value)]));
  return {
    files,
    itemCount,
    violationCount: violations.length,
    summary: { problem_type: problemType, item_count: itemCount, metrics, violations: violations.map((v) => v.metricName) },
  };
}
