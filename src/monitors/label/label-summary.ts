/** What a label monitor counts: its summary, of which the join counters survive restarts. */
import type { RecordErrorReason } from '../../errors.js';

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
