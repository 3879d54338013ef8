import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSpool } from '../state/report-spool.js';
import { FileDeadLetterSink, MemoryDeadLetterSink } from './dead-letter.js';
import { LocalReportSink } from './local-report-sink.js';
import { MemoryReportSink } from './memory-report-sink.js';
import { RecentWindowsSink } from './recent-windows.js';
import { reportObjects } from './report-files.js';
import { REPORT_FILES, asDataQualityReport, indexEntry, isLabelReport, reportFolder, reportFolderOf } from './report.js';
import { describeDeadLetterSinkContract, describeReportSinkContract, sampleLabelReport, sampleReport } from './sink.contract.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-sink-'));
const FILES = [REPORT_FILES.statistics, REPORT_FILES.constraints, REPORT_FILES.violations, REPORT_FILES.summary];

const readLocal = async (dir: string): Promise<Record<string, unknown>> =>
  Object.fromEntries(await Promise.all(FILES.map(async (f) => [f, JSON.parse(await readFile(join(dir, f), 'utf8'))])));

describeReportSinkContract('LocalReportSink', () => ({ sink: new LocalReportSink(tmp()), read: readLocal }));

describeReportSinkContract('RecentWindowsSink in front of LocalReportSink', () => ({ sink: new RecentWindowsSink(new LocalReportSink(tmp())), read: readLocal }));

describeReportSinkContract('MemoryReportSink', () => {
  const sink = new MemoryReportSink();
  return {
    sink,
    read: async (location) => {
      const found = sink.reports.findLast((x) => `memory:${reportFolderOf(x)}` === location);
      if (found === undefined) throw new Error(`no report at ${location}`);
      if (isLabelReport(found)) {
        return { ...Object.fromEntries(found.files.map((f) => [f.name, JSON.parse(f.body) as unknown])), [REPORT_FILES.summary]: found.summary };
      }
      const r = asDataQualityReport(found);
      return {
        [REPORT_FILES.statistics]: { dataset: { item_count: r.statistics.itemCount } },
        [REPORT_FILES.violations]: { violations: r.violations },
        [REPORT_FILES.constraints]: r.constraints,
        [REPORT_FILES.summary]: r.summary,
      };
    },
  };
});

describeDeadLetterSinkContract('FileDeadLetterSink', () => {
  const dir = tmp();
  return {
    sink: new FileDeadLetterSink(dir),
    read: async () => readFileSync(join(dir, 'm1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown),
  };
});

describeDeadLetterSinkContract('MemoryDeadLetterSink', () => {
  const sink = new MemoryDeadLetterSink();
  return { sink, read: async () => sink.letters };
});

describe('report layout', () => {
  it('uses SageMaker hour folders for hour+ windows and start minute-second folders below an hour', () => {
    const t = Date.UTC(2026, 10, 1, 9, 5, 30);
    expect(reportFolder('m', 3_600_000, t)).toBe('m/1h/2026/11/01/09');
    expect(reportFolder('m', 86_400_000, t)).toBe('m/1d/2026/11/01/09');
    expect(reportFolder('m', 10_000, t)).toBe('m/10s/2026/11/01/09/05-30');
  });

  it('LocalReportSink appends one index line per window, in write order', async () => {
    const root = tmp();
    const sink = new LocalReportSink(root);
    await sink.write(sampleReport(Date.UTC(2026, 0, 1, 0, 0)));
    await sink.write(sampleReport(Date.UTC(2026, 0, 1, 0, 5), 300_000, 1));
    await sink.close();
    const index = readFileSync(join(root, 'm1', REPORT_FILES.index), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string; path: string });
    expect(index.map((i) => i.status)).toEqual(['Completed', 'CompletedWithViolations']);
    expect(index[1]?.path).toBe('m1/5m/2026/01/01/00/05-00');
  });

  it('LocalReportSink reports an unwritable root as SINK_WRITE_FAILED', async () => {
    const root = join(tmp(), 'a-file');
    writeFileSync(root, 'not a directory');
    const sink = new LocalReportSink(root);
    await expect(sink.write(sampleReport(0))).rejects.toMatchObject({ code: 'SINK_WRITE_FAILED' });
  });
});

describe('RecentWindowsSink (GET /windows)', () => {
  it('lists what the real sink stored, as index entries with its locations, newest last', async () => {
    const inner = new MemoryReportSink();
    const sink = new RecentWindowsSink(inner);
    const reports = [sampleReport(Date.UTC(2026, 0, 1, 0, 0)), sampleReport(Date.UTC(2026, 0, 1, 0, 5), 300_000, 2), sampleLabelReport(Date.UTC(2026, 0, 1, 0), 1)];
    const where: string[] = [];
    for (const r of reports) where.push(await sink.write(r));
    expect(inner.reports).toEqual(reports);
    expect(sink.list()).toEqual(reports.map((r, i) => indexEntry(r, where[i] as string)));
    expect(sink.list().map((e) => e.status)).toEqual(['Completed', 'CompletedWithViolations', 'CompletedWithViolations']);
    expect(sink.list()[2]?.kind).toBe('model-quality');
  });

  it('keeps only the newest `capacity` windows', async () => {
    const sink = new RecentWindowsSink(new MemoryReportSink(), 3);
    const starts = Array.from({ length: 7 }, (_v, i) => Date.UTC(2026, 0, 1, 0, 5 * i));
    for (const t of starts) await sink.write(sampleReport(t));
    expect(sink.list().map((e) => e.window_start)).toEqual(starts.slice(4).map((t) => new Date(t).toISOString()));
  });

  it('lists nothing for a report the real sink failed to store, and passes the error on', async () => {
    const root = join(tmp(), 'a-file');
    writeFileSync(root, 'not a directory');
    const sink = new RecentWindowsSink(new LocalReportSink(root));
    await expect(sink.write(sampleReport(0))).rejects.toMatchObject({ code: 'SINK_WRITE_FAILED' });
    expect(sink.list()).toEqual([]);
  });
});

describe('ReportSpool holding formatted reports (the S3 sink\'s spool)', () => {
  it('entries survive byte for byte (the four report files)', async () => {
    const dir = tmp();
    const objects = reportObjects(sampleReport(Date.UTC(2026, 0, 1), 300_000, 2));
    await ReportSpool.open(dir).append({ folder: 'm1/5m/2026/01/01/00/00-00', objects });
    const again = ReportSpool.open(dir);
    const r = await again.read(again.peek()!);
    expect(r).toEqual({ status: 'ok', report: { folder: 'm1/5m/2026/01/01/00/00-00', objects } });
    expect(objects.map((o) => o.name)).toEqual([REPORT_FILES.statistics, REPORT_FILES.constraints, REPORT_FILES.violations, REPORT_FILES.summary]);
  });
});
