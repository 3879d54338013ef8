/**
 * `feature_attribution_drift_check`: a window's global attributions against the baseline's (Clarify's
 * explainability analysis.json, which is this monitor's constraints), label by label: nDCG of the
 * window's ranking (ndcg.ts), a violation when it is below the threshold (SageMaker: 0.9, fixed;
 * driftmon: configurable). A label the window has no attributions for, or whose baseline has no
 * positive attribution, is not evaluated (listed with the reason, never a violation).
 */
import { FEATURE_ATTRIBUTION_DRIFT_CHECK, attributionDriftDescription, type AttributionViolation } from '../../sagemaker/attribution-violations-file.js';
import { ATTRIBUTION_NDCG_THRESHOLD, attributionNdcg } from './ndcg.js';

/** Global attribution per feature, per label (`label0`, … or the label headers). */
export type LabelAttributions = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface LabelScore {
  readonly label: string;
  readonly ndcg: number;
}

export interface AttributionDriftResult {
  readonly violations: readonly AttributionViolation[];
  /** Every label evaluated, with its nDCG. */
  readonly scores: readonly LabelScore[];
  readonly notEvaluated: readonly { readonly label: string; readonly reason: string }[];
}

export function checkAttributionDrift(current: LabelAttributions, baseline: LabelAttributions, threshold = ATTRIBUTION_NDCG_THRESHOLD): AttributionDriftResult {
  const violations: AttributionViolation[] = [];
  const scores: LabelScore[] = [];
  const notEvaluated: { label: string; reason: string }[] = [];
  for (const [label, base] of baseline) {
    const live = current.get(label);
    if (live === undefined || live.size === 0) {
      notEvaluated.push({ label, reason: 'no attributions in this window' });
      continue;
    }
    const ndcg = attributionNdcg(base, live);
    if (Number.isNaN(ndcg)) {
      notEvaluated.push({ label, reason: 'the baseline has no positive attribution' });
      continue;
    }
    scores.push({ label, ndcg });
    if (ndcg < threshold) {
      violations.push({ label, metricName: 'shap', constraintCheckType: FEATURE_ATTRIBUTION_DRIFT_CHECK, description: attributionDriftDescription(ndcg, threshold) });
    }
  }
  return { violations, scores, notEvaluated };
}
