/**
 * S3ReportSink against real S3 servers (versitygw): the ReportSink contract on the shared server,
 * and, on a private server that the test stops and restarts, the property the sink exists for —
 * no report is lost or duplicated while S3 is down, and what one process spooled is delivered by
 * the next.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../src/observability/metrics.js';
import { reportObjects } from '../src/sink/report-files.js';
import { REPORT_FILES, reportFolder, type WindowReport } from '../src/sink/report.js';
import { S3ReportSink } from '../src/sink/s3-report-sink.js';
import { describeReportSinkContract, sampleReport } from '../src/sink/sink.contract.js';
import { describeWithVersitygw, freePort, startPrivateS3, type PrivateS3 } from './support/private-s3.js';
import { describeWithServices, s3TestClient, type S3Service } from './support/services.js';

const FILES = [REPORT_FILES.statistics, REPORT_FILES.constraints, REPORT_FILES.violations, REPORT_FILES.summary];
const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-s3-spool-'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type S3Target = Pick<S3Service, 'endpoint' | 'region' | 'bucket' | 'forcePathStyle' | 'accessKeyId' | 'secretAccessKey'>;


function sinkOn(s3: S3Target, prefix: string, extra: { spoolDir?: string; metrics?: Metrics; logger?: Logger; flushTimeoutMs?: number } = {}): S3ReportSink {
  return new S3ReportSink({
    bucket: s3.bucket,
    prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    spoolDir: extra.spoolDir ?? tmp(),
    logger: extra.logger ?? pino({ level: 'silent' }),
    ...(extra.metrics === undefined ? {} : { metrics: extra.metrics }),
    ...(extra.flushTimeoutMs === undefined ? {} : { flushTimeoutMs: extra.flushTimeoutMs }),
  });
}

/** A pino logger whose lines are kept as parsed objects. */
function capturingLogger(): { logger: Logger; lines: { level: number; msg: string; [k: string]: unknown }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  return { logger, lines };
}

/** s3://bucket/a/b/ → bucket, key prefix a/b/ */
function parseLocation(location: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  if (m === null) throw new Error(`not an s3 location: ${location}`);
  return { bucket: m[1] as string, key: m[2] as string };
}

async function getText(c: S3Client, bucket: string, key: string): Promise<string> {
  const r = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await r.Body?.transformToString('utf8')) ?? '';
}

async function listKeys(c: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

const expectedKeys = (prefix: string, reports: WindowReport[]): string[] =>
  reports.flatMap((r) => FILES.map((f) => `${prefix}/${reportFolder(r.monitor, r.windowSizeMs, r.windowStartMs)}/${f}`)).sort();

const gauge = async (g: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> => (await g.get()).values[0]?.value ?? 0;

describeWithServices(['s3'], 'S3ReportSink on the shared S3 server', (svc) => {
  const s3 = svc.s3;
  const c = s3TestClient(s3);
  const sinks: S3ReportSink[] = [];
  let n = 0;
  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.close()));
    c.destroy();
  });

  describeReportSinkContract('S3ReportSink', () => {
    const sink = sinkOn(s3, `driftmon-test/contract/${RUN_ID}/${n++}`);
    sinks.push(sink);
    return {
      sink,
      read: async (location) => {
        const { bucket, key } = parseLocation(location);
        return Object.fromEntries(await Promise.all(FILES.map(async (f) => [f, JSON.parse(await getText(c, bucket, `${key}${f}`)) as unknown])));
      },
    };
  });

  it('writes the same bytes as LocalReportSink, under the prefix, and re-writing a window overwrites it', async () => {
    const prefix = `driftmon-test/idempotent/${RUN_ID}`;
    const sink = sinkOn(s3, `/${prefix}//`);
    const r = sampleReport(Date.UTC(2026, 2, 3, 4, 5), 300_000, 1);
    const location = await sink.write(r);
    expect(location).toBe(`s3://${s3.bucket}/${prefix}/m1/5m/2026/03/03/04/05-00/`);
    await sink.write({ ...r, summary: { rewritten: true } });
    await sink.close();
    const keys = await listKeys(c, s3.bucket, `${prefix}/`);
    expect(keys.sort()).toEqual(expectedKeys(prefix, [r]));
    const want = reportObjects(r);
    for (const o of want.slice(0, 3)) expect(await getText(c, s3.bucket, `${prefix}/m1/5m/2026/03/03/04/05-00/${o.name}`)).toBe(o.body);
    expect(JSON.parse(await getText(c, s3.bucket, `${prefix}/m1/5m/2026/03/03/04/05-00/${REPORT_FILES.summary}`))).toEqual({ rewritten: true });
    await expect(sink.write(r)).rejects.toMatchObject({ code: 'SINK_WRITE_FAILED' });
  });

  it('an empty prefix gives keys without a leading slash', async () => {
    const sink = sinkOn(s3, '');
    // a monitor name unique to this run keeps the bucket root tidy between runs
    const r = { ...sampleReport(Date.UTC(2026, 0, 1)), monitor: `driftmon-test-root-${RUN_ID}` };
    expect(await sink.write(r)).toBe(`s3://${s3.bucket}/${r.monitor}/5m/2026/01/01/00/00-00/`);
    await sink.close();
    expect((await listKeys(c, s3.bucket, `${r.monitor}/`)).sort()).toEqual(FILES.map((f) => `${r.monitor}/5m/2026/01/01/00/00-00/${f}`).sort());
  });
});

describe('S3ReportSink with S3 unreachable from the start', () => {
  it('write() resolves from the spool, flush() gives up after its timeout, nothing leaves the spool', async () => {
    const metrics = createMetrics(new Registry());
    const { logger, lines } = capturingLogger();
    const spoolDir = tmp();
    // a port nothing listens on: connections are refused at once
    const dead: S3Target = { endpoint: `http://127.0.0.1:${await freePort()}`, region: 'us-east-1', bucket: 'nowhere', forcePathStyle: true, accessKeyId: 'a', secretAccessKey: 'b' };
    const sink = sinkOn(dead, 'p', { spoolDir, metrics, logger, flushTimeoutMs: 1_500 });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await sink.write(sampleReport(Date.UTC(2026, 0, 1, 0, i), 60_000));
    // writes to a dead endpoint return at once: one that waited for S3 would never return
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await gauge(metrics.reportSpoolDepth)).toBe(5);
    await sink.close();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_500);
    expect(await gauge(metrics.s3UploadFailuresTotal)).toBeGreaterThan(0);
    expect(await gauge(metrics.s3UploadsTotal)).toBe(0);
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.json'))).toHaveLength(5);
    const warns = lines.filter((l) => l.level === 40);
    expect(warns.filter((l) => l.msg.startsWith('S3 report delivery failing'))).toHaveLength(1);
    expect(warns.some((l) => l.msg.includes('5 stay spooled and are delivered at the next start'))).toBe(true);
  });
});

describeWithVersitygw('S3ReportSink through an S3 outage (private versitygw)', (bin) => {
  let s3: PrivateS3;
  let c: S3Client;
  beforeAll(async () => {
    s3 = await startPrivateS3({ bin });
    c = s3TestClient(s3);
  });
  afterAll(async () => {
    c?.destroy();
    await s3?.cleanup();
  });

  it('a 30 s outage mid-run: every report lands exactly once, the spool fills and drains', { timeout: 240_000 }, async () => {
    const TOTAL = 300;
    const PACE_MS = 200;
    const OUTAGE_AT = 75;
    const OUTAGE_MS = 30_000;
    const prefix = `outage/${RUN_ID}`;
    const metrics = createMetrics(new Registry());
    const { logger, lines } = capturingLogger();
    const sink = sinkOn(s3, prefix, { metrics, logger, flushTimeoutMs: 60_000 });

    let maxDepth = 0;
    let maxAgeS = 0;
    let drainedAt: number | undefined;
    let restartedAt: number | undefined;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const depth = await gauge(metrics.reportSpoolDepth);
        maxDepth = Math.max(maxDepth, depth);
        maxAgeS = Math.max(maxAgeS, await gauge(metrics.reportSpoolOldestAge));
        if (restartedAt !== undefined && drainedAt === undefined && depth === 0) drainedAt = Date.now();
        await sleep(50);
      }
    })();

    let outage: Promise<void> | undefined;
    let depthDuringOutage = 0;
    const reports: WindowReport[] = [];
    const writeMs: number[] = [];
    const base = Date.UTC(2026, 5, 1, 12, 0, 0);
    const t0 = Date.now();
    for (let i = 0; i < TOTAL; i++) {
      if (i === OUTAGE_AT) {
        outage = (async () => {
          await s3.stop();
          await sleep(OUTAGE_MS);
          depthDuringOutage = sink.spooled;
          await s3.start();
          restartedAt = Date.now();
        })();
      }
      const r = { ...sampleReport(base + i * 1_000, 1_000, i % 3), summary: { window: i, written_at: Date.now() } };
      reports.push(r);
      const w0 = Date.now();
      await sink.write(r);
      writeMs.push(Date.now() - w0);
      const due = t0 + (i + 1) * PACE_MS;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await outage;
    await sink.flush();
    const flushedAt = Date.now();
    await sink.close();
    sampling = false;
    await sampler;
    drainedAt ??= flushedAt;

    const failures = await gauge(metrics.s3UploadFailuresTotal);
    const uploads = await gauge(metrics.s3UploadsTotal);
    const numbers = {
      reportsWritten: reports.length,
      uploadFailuresCounted: failures,
      objectsUploaded: uploads,
      maxSpoolDepth: maxDepth,
      spoolDepthAtRestart: depthDuringOutage,
      maxOldestAgeSeconds: Math.round(maxAgeS),
      drainSecondsAfterRestart: Number((((drainedAt ?? flushedAt) - (restartedAt ?? flushedAt)) / 1000).toFixed(1)),
      maxWriteMs: Math.max(...writeMs),
      runSeconds: Number(((flushedAt - t0) / 1000).toFixed(1)),
    };
    console.log(`[outage test] ${JSON.stringify(numbers)}`);

    // nothing missing, nothing extra: 4 objects per window, each key once
    const keys = await listKeys(c, s3.bucket, `${prefix}/`);
    expect(keys.length).toBe(TOTAL * 4);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(expectedKeys(prefix, reports));
    // content of a sample: before, during and after the outage
    for (const i of [0, OUTAGE_AT + 10, 200, TOTAL - 1]) {
      const r = reports[i] as WindowReport;
      const folder = reportFolder(r.monitor, r.windowSizeMs, r.windowStartMs);
      for (const o of reportObjects(r)) expect(await getText(c, s3.bucket, `${prefix}/${folder}/${o.name}`)).toBe(o.body);
    }

    expect(failures).toBeGreaterThan(0);
    expect(uploads).toBe(TOTAL * 4);
    expect(depthDuringOutage).toBeGreaterThan(100); // ~150 windows were written while S3 was down
    expect(maxDepth).toBeGreaterThanOrEqual(depthDuringOutage);
    expect(maxAgeS).toBeGreaterThan(20);
    expect(await gauge(metrics.reportSpoolDepth)).toBe(0);
    expect(await gauge(metrics.reportSpoolOldestAge)).toBe(0);
    // the pipeline never waited for S3: a write that did would take the rest of the 30 s outage
    // (a loose bound, not a speed assertion: this machine is shared and noisy)
    expect(Math.max(...writeMs)).toBeLessThan(10_000);
    // one warning for the outage, one info when it recovered
    expect(lines.filter((l) => l.msg.startsWith('S3 report delivery failing'))).toHaveLength(1);
    const recovered = lines.filter((l) => l.msg.startsWith('S3 report delivery recovered'));
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.waiting as number).toBeGreaterThan(100);
    expect(recovered[0]?.outageSeconds as number).toBeGreaterThan(20);
  });

  it('a new sink on the spool of one that died while S3 was down delivers what it left', { timeout: 120_000 }, async () => {
    const prefix = `crash/${RUN_ID}`;
    const spoolDir = tmp();
    const metricsA = createMetrics(new Registry());
    const first = sinkOn(s3, prefix, { spoolDir, metrics: metricsA });
    await s3.stop();
    const left: WindowReport[] = [];
    for (let i = 0; i < 10; i++) {
      const r = sampleReport(Date.UTC(2026, 6, 1, 0, 0, i), 1_000);
      left.push(r);
      await first.write(r);
    }
    while ((await gauge(metricsA.s3UploadFailuresTotal)) === 0) await sleep(50);
    await first.abort(); // the "crash": no flush, the spool is all that remains
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.json'))).toHaveLength(10);
    await s3.start();

    const { logger, lines } = capturingLogger();
    const metricsB = createMetrics(new Registry());
    const second = sinkOn(s3, prefix, { spoolDir, metrics: metricsB, logger, flushTimeoutMs: 30_000 });
    expect(await gauge(metricsB.reportSpoolDepth)).toBe(10);
    expect(lines.some((l) => l.msg.startsWith('delivering reports spooled by a previous run') && l.spooled === 10)).toBe(true);
    const more = [10, 11, 12].map((i) => sampleReport(Date.UTC(2026, 6, 1, 0, 0, i), 1_000));
    for (const r of more) await second.write(r);
    await second.close();

    expect((await listKeys(c, s3.bucket, `${prefix}/`)).sort()).toEqual(expectedKeys(prefix, [...left, ...more]));
    expect(readdirSync(spoolDir)).toEqual([]);
    expect(await gauge(metricsB.s3UploadsTotal)).toBe(13 * 4);
  });
});
