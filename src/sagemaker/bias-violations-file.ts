/**
 * The bias monitor's constraint_violations.json: `bias_drift_check` violations in Clarify's (Python)
 * layout. The check itself is evaluate/bias/bias-drift-check.ts.
 */
import { formatClarifyViolations } from './python-json.js';

export const BIAS_DRIFT_CHECK = 'bias_drift_check';

export interface BiasViolation {
  readonly facet: string;
  readonly facetValue: string;
  readonly metricName: string;
  readonly constraintCheckType: typeof BIAS_DRIFT_CHECK;
  readonly description: string;
}

/** The violations file: `{"version": "1.0", "violations": [...]}` in Clarify's (Python) layout. */
export function formatBiasViolations(violations: readonly BiasViolation[]): string {
  return formatClarifyViolations(
    violations.map((v) => ({ facet: v.facet, facet_value: v.facetValue, metric_name: v.metricName, constraint_check_type: v.constraintCheckType, description: v.description })),
  );
}
