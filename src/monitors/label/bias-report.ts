/**
 * Pure: a window's bias evaluation → Clarify's analysis.json and a constraint_violations.json
 * (bias_drift_check against the baseline), and the bias part of driftmon-report.json.
 */
import type { BiasEvaluation } from '../../evaluate/bias/bias-evaluation.js';
import { formatBiasViolations } from '../../sagemaker/bias-violations-file.js';
import { formatBiasAnalysis } from '../../sagemaker/analysis-json.js';
import type { LabelReportPart } from './label-evaluator.js';

export function buildBiasReport(evaluation: BiasEvaluation): LabelReportPart {
  const { drift, rows } = evaluation;
  const violations = drift?.violations ?? [];
  return {
    files: [
      { name: 'analysis.json', body: formatBiasAnalysis(evaluation.analysis) },
      { name: 'constraint_violations.json', body: formatBiasViolations(violations) },
    ],
    itemCount: rows,
    violationCount: violations.length,
    summary: {
      rows,
      violations: violations.map((v) => ({ facet: v.facet, facet_value: v.facetValue, metric_name: v.metricName })),
      baseline_metrics_checked: drift?.checked ?? 0,
      not_evaluated: drift?.notEvaluated.length ?? 0,
    },
  };
}
