/** Reports as files under a local directory (the embedded default). Each file is written durably: tmp, fsync, rename. */
import { access, appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DriftmonError, ErrorCode } from '../errors.js';
import { replaceFile } from '../state/durable-file.js';
import { reportObjects } from './report-files.js';
import { REPORT_FILES, indexEntry, reportFolderOf, type ReportSink, type WindowReport } from './report.js';

export class LocalReportSink implements ReportSink {
  /** Serialises writes so index lines keep window order. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly rootDir: string) {}

  write(report: WindowReport): Promise<string> {
    const next = this.chain.then(() => this.writeNow(report));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Complete when its last file is there (files are written in order, each by an atomic rename). */
  async has(report: WindowReport): Promise<boolean> {
    await this.flush();
    const last = reportObjects(report).at(-1);
    if (last === undefined) return false;
    return access(join(this.rootDir, ...reportFolderOf(report).split('/'), last.name)).then(() => true, () => false);
  }

  async flush(): Promise<void> {
    await this.chain;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async writeNow(report: WindowReport): Promise<string> {
    const rel = reportFolderOf(report);
    const dir = join(this.rootDir, ...rel.split('/'));
    try {
      await mkdir(dir, { recursive: true });
      for (const { name, body } of reportObjects(report)) await replaceFile(join(dir, name), body, { durable: false });
      await appendFile(join(this.rootDir, report.monitor, REPORT_FILES.index), `${JSON.stringify(indexEntry(report, rel))}\n`);
    } catch (e) {
      throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `could not write report to ${dir}: ${(e as Error).message}`, {
        cause: e,
        retryable: true,
      });
    }
    return dir;
  }
}
