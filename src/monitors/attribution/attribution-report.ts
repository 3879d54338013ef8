/**
 * Pure: a closed window of attributions → its feature_attribution_drift_check against the baseline
 * and the report the sinks store in `<window>/feature-attribution/`: Clarify's explainability
 * analysis.json (the window's global attributions by agg_method; expected_value: the baseline's, as
 * a window of captured attributions has no model to ask), constraint_violations.json in Clarify's
 * wording, and driftmon-report.json (nDCG per label, what was not evaluated and why).
 */
import type { AttributionSettings } from '../../config/attribution-config.js';
import { checkAttributionDrift, type AttributionDriftResult, type LabelAttributions } from '../../evaluate/attribution/attribution-drift-check.js';
import type { AttributionProfile } from '../../profile/attribution-profile.js';
import { formatAttributionViolations } from '../../sagemaker/attribution-violations-file.js';
import { formatExplainabilityAnalysis, type ExplainabilityAnalysis } from '../../sagemaker/explainability-analysis.js';
import { LabelReportKind, type LabelReport } from '../../sink/report.js';
import type { WindowState } from '../../window/window-store.js';
import type { ExplainProgress } from './live-explanations.js';

export interface AttributionWindowEvaluation {
  /** label → feature → the window's global attribution (baseline features only). */
  readonly global: LabelAttributions;
  readonly drift: AttributionDriftResult;
}

/** The baseline as the check reads it: label → feature → global attribution, in the baseline's order. */
export function baselineAttributions(baseline: ExplainabilityAnalysis): LabelAttributions {
  return new Map(baseline.kernelShap.map((l) => [l.label, new Map(l.globalShapValues)]));
}

/**
 * `explained`: what became of the window's sample when the monitor explains against the endpoint;
 * a window not evaluated says why its rows are missing (failures name the endpoint and the error).
 */
export function evaluateAttributionWindow(profile: AttributionProfile, rows: number, baseline: LabelAttributions, s: AttributionSettings, explained?: ExplainProgress): AttributionWindowEvaluation {
  const global = profile.global(s.aggMethod);
  if (rows < s.minRows) {
    const why = rows === 0 ? 'no attributions in this window' : `${rows} explained row(s), fewer than minRows ${s.minRows}`;
    const reason = explained === undefined ? why : `${why}: ${explainedText(explained)}`;
    return { global, drift: { violations: [], scores: [], notEvaluated: [...baseline.keys()].map((label) => ({ label, reason })) } };
  }
  return { global, drift: checkAttributionDrift(global, baseline, s.threshold) };
}

/** "of 5 sampled record(s): 0 explained, 5 failed (last: …), 0 skipped (queue full), 0 unfinished". */
export function explainedText(p: ExplainProgress): string {
  const failed = p.failed > 0 && p.lastError !== undefined ? ` (last: ${p.lastError})` : '';
  return `of ${p.sampled} sampled record(s): ${p.explained} explained, ${p.failed} failed${failed}, ${p.skipped} skipped (queue full), ${p.unfinished} unfinished`;
}

export function buildAttributionReport(
  monitor: string,
  w: WindowState<AttributionProfile>,
  e: AttributionWindowEvaluation,
  baseline: ExplainabilityAnalysis,
  s: AttributionSettings,
  extra: { window: string; nowMs: number; explained?: ExplainProgress | undefined; endpoint?: string | undefined },
): LabelReport {
  const analysis: ExplainabilityAnalysis = {
    version: baseline.version,
    kernelShap: baseline.kernelShap
      .filter((l) => e.global.has(l.label))
      .map((l) => {
        const live = e.global.get(l.label) as ReadonlyMap<string, number>;
        return { label: l.label, globalShapValues: l.globalShapValues.filter(([f]) => live.has(f)).map(([f]) => [f, live.get(f) as number] as const), expectedValue: l.expectedValue };
      }),
  };
  const { violations, scores, notEvaluated } = e.drift;
  const kind = LabelReportKind.FEATURE_ATTRIBUTION;
  return {
    kind,
    monitor,
    windowSizeMs: w.sizeMs,
    windowStartMs: w.startMs,
    windowEndMs: w.endMs,
    itemCount: w.profile.rowCount,
    violationCount: violations.length,
    files: [
      { name: 'analysis.json', body: formatExplainabilityAnalysis(analysis) },
      { name: 'constraint_violations.json', body: formatAttributionViolations(violations) },
    ],
    summary: {
      monitor,
      kind,
      window: extra.window,
      window_start: new Date(w.startMs).toISOString(),
      window_end: new Date(w.endMs).toISOString(),
      reported_at: new Date(extra.nowMs).toISOString(),
      [kind]: {
        rows: w.profile.rowCount,
        records: w.rows,
        agg_method: s.aggMethod,
        threshold: s.threshold,
        ndcg: Object.fromEntries(scores.map((x) => [x.label, x.ndcg])),
        violations: violations.map((v) => ({ label: v.label, metric_name: v.metricName, description: v.description })),
        not_evaluated: notEvaluated,
        ...(extra.explained === undefined ? {} : { explained: explainedSummary(extra.explained, extra.endpoint) }),
      },
    },
  };
}

function explainedSummary(p: ExplainProgress, endpoint: string | undefined): Record<string, unknown> {
  return { endpoint, sampled: p.sampled, explained: p.explained, failed: p.failed, skipped: p.skipped, unfinished: p.unfinished, ...(p.lastError === undefined ? {} : { last_error: p.lastError }) };
}
