/**
 * A closed window's report, and where reports go. Sinks format and store; they never compute
 * statistics. Layout (shared by every sink, S3 included):
 *
 *   <monitor>/<window size>/yyyy/mm/dd/HH/            windows of an hour or more (SageMaker's layout)
 *   <monitor>/<window size>/yyyy/mm/dd/HH/MM-SS/      sub-hour windows, by window start
 *   <monitor>/index.jsonl                             one line per window written
 *
 * Each window folder holds statistics.json, constraints.json and constraint_violations.json in
 * SageMaker's formats, plus driftmon-report.json (window bounds, counts, every drift metric).
 */
import { SAGEMAKER_FILES, type Constraints, type DatasetStatistics, type Violation } from '../baseline/model.js';
import { formatDuration } from '../config/duration.js';

export interface WindowReport {
  monitor: string;
  windowSizeMs: number;
  windowStartMs: number;
  windowEndMs: number;
  statistics: DatasetStatistics;
  constraints: Constraints;
  violations: Violation[];
  /** driftmon-report.json content (plain JSON, built by the pipeline). */
  summary: Record<string, unknown>;
}

export interface ReportIndexEntry {
  monitor: string;
  window: string;
  window_start: string;
  window_end: string;
  path: string;
  item_count: number;
  violations: number;
  status: 'Completed' | 'CompletedWithViolations';
}

export interface ReportSink {
  /** Store one window's report; resolves to where it went (a path or URI). */
  write(report: WindowReport): Promise<string>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const REPORT_FILES = {
  ...SAGEMAKER_FILES,
  summary: 'driftmon-report.json',
  index: 'index.jsonl',
} as const;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Relative folder of a window's report, '/'-separated. */
export function reportFolder(monitor: string, sizeMs: number, startMs: number): string {
  const d = new Date(startMs);
  const parts = [
    monitor,
    formatDuration(sizeMs),
    String(d.getUTCFullYear()),
    pad(d.getUTCMonth() + 1),
    pad(d.getUTCDate()),
    pad(d.getUTCHours()),
  ];
  if (sizeMs < 3_600_000) parts.push(`${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`);
  return parts.join('/');
}

export function indexEntry(report: WindowReport, path: string): ReportIndexEntry {
  return {
    monitor: report.monitor,
    window: formatDuration(report.windowSizeMs),
    window_start: new Date(report.windowStartMs).toISOString(),
    window_end: new Date(report.windowEndMs).toISOString(),
    path,
    item_count: report.statistics.itemCount,
    violations: report.violations.length,
    status: report.violations.length > 0 ? 'CompletedWithViolations' : 'Completed',
  };
}
