/**
 * The newest reported windows, for GET /windows: a ReportSink in front of the real one that keeps,
 * for each report the real sink stored, the line index.jsonl gets (with `path` the location the
 * sink returned: a folder or an s3:// URI). Newest last, at most `capacity` entries, so memory stays
 * bounded over any run. A label window reported again as labels land appears once per version.
 */
import { indexEntry, type ReportIndexEntry, type ReportSink, type WindowReport } from './report.js';

export const RECENT_WINDOWS_CAPACITY = 100;

export class RecentWindowsSink implements ReportSink {
  private readonly entries: ReportIndexEntry[] = [];

  constructor(
    private readonly inner: ReportSink,
    private readonly capacity = RECENT_WINDOWS_CAPACITY,
  ) {}

  has(report: WindowReport): Promise<boolean> {
    return this.inner.has(report);
  }

  async write(report: WindowReport): Promise<string> {
    const where = await this.inner.write(report);
    this.entries.push(indexEntry(report, where));
    if (this.entries.length > this.capacity) this.entries.shift();
    return where;
  }

  /** The newest reported windows, newest last (a copy). */
  list(): ReportIndexEntry[] {
    return [...this.entries];
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
