/**
 * A window report as the four files every report sink stores, formatted once here so a local
 * directory and an S3 bucket hold byte-identical files: statistics.json, constraints.json and
 * constraint_violations.json in SageMaker's formats, then driftmon-report.json. The order is the
 * order sinks store them in: driftmon-report.json comes last, so a reader that sees it can rely
 * on the other three being complete.
 */
import { formatConstraints } from '../sagemaker/constraints-file.js';
import { formatStatistics } from '../sagemaker/statistics-file.js';
import { formatViolations } from '../sagemaker/violations-file.js';
import { REPORT_FILES, isLabelReport, type ReportObject, type WindowReport } from './report.js';

export type { ReportObject } from './report.js';

export function reportObjects(report: WindowReport): ReportObject[] {
  if (isLabelReport(report)) {
    return [...report.files, { name: REPORT_FILES.summary, body: `${JSON.stringify(report.summary, null, 2)}\n` }];
  }
  return [
    { name: REPORT_FILES.statistics, body: formatStatistics(report.statistics) },
    { name: REPORT_FILES.constraints, body: formatConstraints(report.constraints) },
    { name: REPORT_FILES.violations, body: formatViolations(report.violations) },
    { name: REPORT_FILES.summary, body: `${JSON.stringify(report.summary, null, 2)}\n` },
  ];
}
