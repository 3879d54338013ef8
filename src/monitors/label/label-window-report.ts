/**
 * Pure: a due label window + one evaluator's report part → the LabelReport the sinks store.
 * driftmon-report.json wraps the kind's summary with what SageMaker's files have no room for: the
 * window, its report version, whether it is final, and the join's health.
 */
import type { LabelReport, LabelReportKind } from '../../sink/report.js';
import type { LabelWindow } from '../../window/label-windows.js';
import type { LabelReportPart, WindowContext } from './label-evaluator.js';
import type { LabelMonitorSummary } from './label-summary.js';
import type { LabelWindowState } from './label-window-state.js';

export function buildLabelReport(
  w: LabelWindow<LabelWindowState>,
  ctx: WindowContext,
  kind: LabelReportKind,
  part: LabelReportPart,
  join: Record<string, unknown>,
): LabelReport {
  return {
    kind,
    monitor: ctx.monitor,
    windowSizeMs: w.sizeMs,
    windowStartMs: w.startMs,
    windowEndMs: w.endMs,
    itemCount: part.itemCount,
    violationCount: part.violationCount,
    files: part.files,
    summary: {
      monitor: ctx.monitor,
      kind,
      window: ctx.window,
      window_start: new Date(w.startMs).toISOString(),
      window_end: new Date(w.endMs).toISOString(),
      version: w.version,
      final: ctx.state === 'final',
      reported_at: new Date(ctx.nowMs).toISOString(),
      join,
      [kind]: part.summary,
    },
  };
}

/** The window's joined, expired and pending predictions, label latency, and the monitor's join counters so far. */
/** The monitor-wide join figures a label report carries (so far). */
export type MonitorJoinCounts = Pick<LabelMonitorSummary, 'orphanLabels' | 'duplicateLabels' | 'latePredictions'>;

export function joinHealth(w: LabelWindow<LabelWindowState>, final: boolean, summary: MonitorJoinCounts): Record<string, unknown> {
  const l = w.state.latency;
  const q = (p: number): number | null => (l.count > 0 ? l.quantile(p) : null);
  return {
    predictions: w.predictions,
    labeled: w.labeled,
    label_coverage: w.predictions > 0 ? w.labeled / w.predictions : null,
    expired_predictions: w.expired,
    pending_predictions: final ? 0 : w.predictions - w.labeled - w.expired,
    label_latency_seconds: { count: l.count, min: l.count > 0 ? l.min : null, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: l.count > 0 ? l.max : null },
    // monitor-wide so far: labels without an inference time belong to no window
    orphan_labels_so_far: summary.orphanLabels,
    duplicate_labels_so_far: summary.duplicateLabels,
    late_predictions_so_far: summary.latePredictions,
  };
}
