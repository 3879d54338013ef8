/** What a label monitor counts: its summary, of which the join counters survive restarts. */
import type { RecordErrorReason } from '../../errors.js';
import type { LabelJoinMetrics } from '../../observability/component-metrics.js';

export interface LabelMonitorSummary {
  monitor: string;
  predictions: number;
  labels: number;
  joined: number;
  duplicatePredictions: number;
  duplicateLabels: number;
  expiredPredictions: number;
  orphanLabels: number;
  latePredictions: number;
  invalid: Partial<Record<RecordErrorReason, number>>;
  sampledOut: number;
  /** Blank lines / empty messages skipped (not records). */
  blankLines: number;
  reports: number;
  finalReports: number;
  /** The newest report locations (at most RECENT_REPORT_PATHS: a long run writes many versions). */
  reportPaths: string[];
}

export function emptyLabelSummary(monitor: string): LabelMonitorSummary {
  return {
    monitor,
    predictions: 0,
    labels: 0,
    joined: 0,
    duplicatePredictions: 0,
    duplicateLabels: 0,
    expiredPredictions: 0,
    orphanLabels: 0,
    latePredictions: 0,
    invalid: {},
    sampledOut: 0,
    blankLines: 0,
    reports: 0,
    finalReports: 0,
    reportPaths: [],
  };
}

/** Monitor-wide counters that must survive a restart (they appear in reports). */
export function durableCounts(summary: LabelMonitorSummary): Partial<LabelMonitorSummary> {
  const { predictions, labels, joined, duplicatePredictions, duplicateLabels, expiredPredictions, orphanLabels, latePredictions } = summary;
  return { predictions, labels, joined, duplicatePredictions, duplicateLabels, expiredPredictions, orphanLabels, latePredictions };
}

export const JOIN_COUNTERS = ['predictions', 'labels', 'joined', 'duplicatePredictions', 'duplicateLabels', 'latePredictions', 'expiredPredictions', 'orphanLabels'] as const;

/** The summary's join counters as they stand: take them before a batch, publish the difference after. */
export function joinCounters(s: LabelMonitorSummary): number[] {
  return JOIN_COUNTERS.map((c) => s[c]);
}

/** What a batch added to the summary's join counters, onto their metrics. */
export function publishJoinCounters(before: readonly number[], s: LabelMonitorSummary, m: LabelJoinMetrics): void {
  const [p, l, j, dp, dl, late, expired, orphans] = joinCounters(s).map((n, i) => n - (before[i] as number)) as number[];
  const name = s.monitor;
  if (p) m.predictionsTotal.labels(name).inc(p);
  if (l) m.labelsTotal.labels(name).inc(l);
  if (j) m.joinedTotal.labels(name).inc(j);
  if (dp) m.duplicatesTotal.labels(name, 'prediction').inc(dp);
  if (dl) m.duplicatesTotal.labels(name, 'label').inc(dl);
  if (late) m.latePredictionsTotal.labels(name).inc(late);
  if (expired) m.expiredTotal.labels(name).inc(expired);
  if (orphans) m.orphanTotal.labels(name).inc(orphans);
}
