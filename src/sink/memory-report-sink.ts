/** Reports kept in memory, for tests and for `check`-style callers that print instead of store. */
import { reportFolder, type ReportSink, type WindowReport } from './report.js';

export class MemoryReportSink implements ReportSink {
  readonly reports: WindowReport[] = [];

  async write(report: WindowReport): Promise<string> {
    this.reports.push(report);
    return `memory:${reportFolder(report.monitor, report.windowSizeMs, report.windowStartMs)}`;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
