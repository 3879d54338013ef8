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
 * Label monitors (model quality, bias drift) write into a `model-quality/` or `bias/` folder
 * below the window's: model-quality statistics.json / constraints.json / constraint_violations.json,
 * or Clarify's analysis.json and constraint_violations.json. A label window is written again each
 * time labels change it (same keys, a higher `version` in driftmon-report.json; `final` at the
 * horizon), so the folder always holds its newest version. Feature attribution monitors write
 * Clarify's explainability analysis.json and constraint_violations.json into `feature-attribution/`.
 */
import { SAGEMAKER_FILES, type Constraints, type DatasetStatistics, type Violation } from '../sagemaker/data-quality-model.js';
import { formatDuration } from '../config/duration.js';

interface ReportBase {
  monitor: string;
  windowSizeMs: number;
  windowStartMs: number;
  windowEndMs: number;
  /** driftmon-report.json content (plain JSON, built by the pipeline). */
  summary: Record<string, unknown>;
}

/** A data-quality window: the sinks format SageMaker's three files from these models. */
export interface DataQualityReport extends ReportBase {
  kind?: 'data-quality';
  statistics: DatasetStatistics;
  constraints: Constraints;
  violations: Violation[];
}

/** One file of a report: its name inside the window's folder and its text. */
export interface ReportObject {
  name: string;
  body: string;
}

export const LabelReportKind = { MODEL_QUALITY: 'model-quality', BIAS: 'bias', FEATURE_ATTRIBUTION: 'feature-attribution' } as const;
export type LabelReportKind = (typeof LabelReportKind)[keyof typeof LabelReportKind];

/** A model-quality, bias or feature-attribution window: its SageMaker files come formatted (driftmon-report.json is added by the sinks). */
export interface LabelReport extends ReportBase {
  kind: LabelReportKind;
  itemCount: number;
  violationCount: number;
  /** SageMaker's files for this kind, in the order they are stored. */
  files: ReportObject[];
}

export type WindowReport = DataQualityReport | LabelReport;

export function isLabelReport(r: WindowReport): r is LabelReport {
  return r.kind === LabelReportKind.MODEL_QUALITY || r.kind === LabelReportKind.BIAS || r.kind === LabelReportKind.FEATURE_ATTRIBUTION;
}

/** The report as a data-quality one (tests and tools that only handle those). */
export function asDataQualityReport(r: WindowReport): DataQualityReport {
  if (isLabelReport(r)) throw new TypeError(`expected a data-quality report, got ${r.kind}`);
  return r;
}

export interface ReportIndexEntry {
  monitor: string;
  /** Label and attribution reports only: model-quality, bias or feature-attribution. */
  kind?: LabelReportKind;
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
  /**
   * Whether a complete report of this window (same monitor, size, start; same kind) is stored
   * already: a scaled-out window's new owner, closing a window its predecessor may have reported
   * just before it died, does not store it again (docs/scale-out.md).
   */
  has(report: WindowReport): Promise<boolean>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const REPORT_FILES = {
  ...SAGEMAKER_FILES,
  summary: 'driftmon-report.json',
  index: 'index.jsonl',
} as const;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Relative folder of a report (a label report's kind folder below its window's), '/'-separated. */
export function reportFolderOf(report: WindowReport): string {
  const folder = reportFolder(report.monitor, report.windowSizeMs, report.windowStartMs);
  return isLabelReport(report) ? `${folder}/${report.kind}` : folder;
}

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
  const violations = isLabelReport(report) ? report.violationCount : report.violations.length;
  return {
    monitor: report.monitor,
    ...(isLabelReport(report) ? { kind: report.kind } : {}),
    window: formatDuration(report.windowSizeMs),
    window_start: new Date(report.windowStartMs).toISOString(),
    window_end: new Date(report.windowEndMs).toISOString(),
    path,
    item_count: isLabelReport(report) ? report.itemCount : report.statistics.itemCount,
    violations,
    status: violations > 0 ? 'CompletedWithViolations' : 'Completed',
  };
}
