/**
 * The feature-attribution monitor's constraint_violations.json (Clarify's ModelExplainabilityMonitor),
 * in Clarify's (Python) layout: one violation per label whose nDCG fell below the threshold, with no
 * feature field, and SageMaker's own wording ("exceeds threshold", although the score is below it):
 *   {"version": "1.0", "violations": [{"label": "label0", "metric_name": "shap",
 *    "constraint_check_type": "feature_attribution_drift_check",
 *    "description": "Feature attribution drift 0.7639720923277322 exceeds threshold 0.9"}]}
 * The check itself is evaluate/attribution/attribution-drift-check.ts.
 */
import { formatClarifyViolations, pythonFloat } from './python-json.js';

export const FEATURE_ATTRIBUTION_DRIFT_CHECK = 'feature_attribution_drift_check';

export interface AttributionViolation {
  readonly label: string;
  readonly metricName: string;
  readonly constraintCheckType: typeof FEATURE_ATTRIBUTION_DRIFT_CHECK;
  readonly description: string;
}

/** SageMaker's description of a violation. */
export function attributionDriftDescription(ndcg: number, threshold: number): string {
  return `Feature attribution drift ${pythonFloat(ndcg)} exceeds threshold ${pythonFloat(threshold)}`;
}

export function formatAttributionViolations(violations: readonly AttributionViolation[]): string {
  return formatClarifyViolations(violations.map((v) => ({ label: v.label, metric_name: v.metricName, constraint_check_type: v.constraintCheckType, description: v.description })));
}
