/** Reports kept in memory, for tests and for `check`-style callers that print instead of store. */
import { reportFolderOf, type ReportSink, type WindowReport } from './report.js';

export class MemoryReportSink implements ReportSink {
  readonly reports: WindowReport[] = [];

  async write(report: WindowReport): Promise<string> {
    this.reports.push(report);
    return `memory:${reportFolderOf(report)}`;
  }

  async has(report: WindowReport): Promise<boolean> {
    const folder = reportFolderOf(report);
    return this.reports.some((r) => reportFolderOf(r) === folder);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
