/**
 * Reports to an S3 bucket (AWS or any S3-compatible server), in the same layout and bytes as
 * LocalReportSink: `<prefix>/<monitor>/<window size>/yyyy/mm/dd/HH[/MM-SS]/<file>`.
 *
 * It never loses a report while S3 is down, and never stalls the pipeline for it. write() formats
 * the report and appends it to a durable local spool (ReportSpool); it resolves with the report's
 * s3:// location as soon as the spool has it on disk. A background loop uploads spooled reports
 * strictly in FIFO order (within a report, driftmon-report.json last, so its presence means the
 * window is complete) and deletes a spool entry only after all its objects are stored. Failures are
 * retried forever with capped exponential backoff and jitter; one warning per outage, one info line
 * when delivery recovers. Keys are deterministic, so a report uploaded twice (a crash between
 * upload and spool delete) overwrites itself: the bucket never holds duplicates. Whatever a previous
 * process left in the spool is delivered first.
 *
 * flush() waits for delivery of everything written so far, bounded by flushTimeoutMs: during an
 * outage it gives up with a warning and the reports stay spooled. close() flushes, stops the loop
 * and destroys the client. The index.jsonl that LocalReportSink appends has no S3 counterpart
 * (objects cannot be appended to); list the prefix instead.
 */
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../errors.js';
import type { ReportDeliveryMetrics } from '../observability/component-metrics.js';
import { retry } from '../retry.js';
import { reportObjects, type ReportObject } from './report-files.js';
import { ReportSpool, type SpoolEntry, type SpooledReport } from '../state/report-spool.js';
import { reportFolderOf, type ReportSink, type WindowReport } from './report.js';

export interface S3ReportSinkOptions {
  bucket: string;
  /** Key prefix ('' for none); leading and trailing slashes are ignored. */
  prefix: string;
  /** For S3-compatible servers (http://host:port); AWS when absent. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Static credentials; the SDK's default chain (env, profile, IMDS, …) when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Local directory of the spool (one process at a time). */
  spoolDir: string;
  metrics?: ReportDeliveryMetrics;
  logger: Logger;
  clock?: () => number;
  retry?: { baseMs?: number; maxMs?: number };
  /** How long flush()/close() wait for delivery before leaving the rest spooled (default 10 s). */
  flushTimeoutMs?: number;
  /**
   * CRC checksums on requests and responses: 'when_required' (default; many S3-compatible servers
   * reject the SDK's default checksum headers) or 'when_supported' (the SDK default, for AWS).
   */
  checksums?: 'when_required' | 'when_supported';
}

/** Connect and idle-socket timeouts are short so an outage is noticed in seconds; the total timeout leaves room for large statistics files. */
const CONNECT_TIMEOUT_MS = 3_000;
const SOCKET_IDLE_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 60_000;
const GAUGE_INTERVAL_MS = 1_000;

interface InFlight {
  entry: SpoolEntry;
  report: SpooledReport;
  /** Objects already stored (a retry does not upload them again). */
  stored: Set<string>;
}

interface Outage {
  sinceMs: number;
  failedAttempts: number;
  lastError: unknown;
}

export class S3ReportSink implements ReportSink {
  private readonly client: S3Client;
  private readonly spool: ReportSpool;
  private readonly prefix: string;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly metrics: ReportDeliveryMetrics | undefined;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly flushTimeoutMs: number;
  private readonly stopSignal = new AbortController();
  private readonly loop: Promise<void>;
  private readonly gaugeTimer: NodeJS.Timeout;
  /** The last append in progress (flush waits for it). */
  private appending: Promise<unknown> = Promise.resolve();
  /** flush() callers waiting until every entry up to `seq` is delivered. */
  private waiters: { seq: number; resolve: () => void }[] = [];
  /** Report folders this process spooled (has() answers for them without asking the bucket). */
  private readonly spooledFolders = new Set<string>();
  /** Wakes the loop when it idles on an empty spool. */
  private wake: (() => void) | undefined;
  private outage: Outage | undefined;
  private accepting = true;
  private stopped = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: S3ReportSinkOptions) {
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.baseMs = Math.max(1, options.retry?.baseMs ?? 200);
    this.maxMs = Math.max(this.baseMs, options.retry?.maxMs ?? 5_000);
    this.flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
    try {
      this.spool = ReportSpool.open(options.spoolDir, this.clock);
    } catch (e) {
      throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `could not open the report spool ${options.spoolDir}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (this.spool.depth > 0) {
      this.logger.info(
        { bucket: options.bucket, spooled: this.spool.depth, oldestAgeSeconds: Math.round(this.spool.oldestAgeMs() / 1000) },
        'delivering reports spooled by a previous run first',
      );
    }
    const checksums = options.checksums === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      forcePathStyle: options.forcePathStyle,
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
      // the delivery loop is the retry policy: every failed attempt is counted and backed off there
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: CONNECT_TIMEOUT_MS,
        socketTimeout: SOCKET_IDLE_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
    });
    this.updateGauges();
    this.gaugeTimer = setInterval(() => this.updateGauges(), GAUGE_INTERVAL_MS);
    this.gaugeTimer.unref();
    this.loop = this.run().catch((e: unknown) => {
      // run() handles its own errors; reaching this is a bug, and the spool still holds everything
      this.logger.error({ err: e }, 'S3 report delivery loop stopped unexpectedly; reports stay spooled');
    });
  }

  /** Where a report folder goes: s3://bucket/prefix/folder/ */
  location(folder: string): string {
    return `s3://${this.options.bucket}/${this.key(folder, '')}`;
  }

  /** Reports spooled and not yet delivered. */
  get spooled(): number {
    return this.spool.depth;
  }

  /**
   * Spooled by this process (delivered or on its way), or its last object (uploaded last, so the
   * report is complete) is in the bucket. A bucket that cannot be asked counts as not having it:
   * the report is then stored again, identical but for its close time.
   */
  async has(report: WindowReport): Promise<boolean> {
    const folder = reportFolderOf(report);
    if (this.spooledFolders.has(folder)) return true;
    const last = reportObjects(report).at(-1);
    if (last === undefined) return false;
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(folder, last.name) }), { abortSignal: this.stopSignal.signal });
      return true;
    } catch {
      return false;
    }
  }

  async write(report: WindowReport): Promise<string> {
    if (!this.accepting) throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, 'S3 report sink is closed');
    const folder = reportFolderOf(report);
    const appended = this.spool.append({ folder, objects: reportObjects(report) });
    this.appending = appended.catch(() => undefined);
    try {
      await appended;
    } catch (e) {
      throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `could not spool report ${folder} in ${this.options.spoolDir}: ${(e as Error).message}`, {
        cause: e,
        retryable: true,
      });
    }
    this.spooledFolders.add(folder);
    this.updateGauges();
    this.wake?.();
    return this.location(folder);
  }

  /** Resolves once every report written so far is in S3, or after flushTimeoutMs (the rest stays spooled). */
  flush(): Promise<void> {
    return this.flushFor('flush');
  }

  /** Flushes, then stops delivery and releases the client. Later writes are rejected. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.accepting = false;
      await this.flushFor('close');
      await this.stop();
    })();
    return this.closing;
  }

  /**
   * Stops delivery at once, without flushing — what a crash leaves behind, without the crash:
   * everything not yet uploaded stays spooled for the next start. Later writes are rejected.
   */
  async abort(): Promise<void> {
    this.accepting = false;
    await this.stop();
  }

  private async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopSignal.abort();
      this.wake?.();
      await this.loop;
      clearInterval(this.gaugeTimer);
      this.updateGauges();
      this.client.destroy();
      for (const w of this.waiters) w.resolve();
      this.waiters = [];
    }
    await this.loop;
  }

  private async flushFor(why: 'flush' | 'close'): Promise<void> {
    await this.appending;
    const target = this.spool.lastSeq;
    if (this.deliveredThrough(target)) return;
    if (this.stopped) {
      this.logger.warn({ spooled: this.spool.depth, spoolDir: this.options.spoolDir }, 'S3 report delivery is stopped; reports stay spooled for the next start');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let waiter: { seq: number; resolve: () => void } | undefined;
    const delivered = await Promise.race([
      new Promise<boolean>((resolve) => {
        waiter = { seq: target, resolve: () => resolve(true) };
        this.waiters.push(waiter);
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.flushTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.waiters = this.waiters.filter((w) => w !== waiter);
    if (!delivered || !this.deliveredThrough(target)) {
      this.logger.warn(
        {
          bucket: this.options.bucket,
          spooled: this.spool.depth,
          spoolDir: this.options.spoolDir,
          ...(this.outage === undefined ? {} : { err: this.outage.lastError }),
        },
        why === 'close'
          ? `S3 reports not all delivered within ${this.flushTimeoutMs} ms: ${this.spool.depth} stay spooled and are delivered at the next start`
          : `S3 reports not all delivered within ${this.flushTimeoutMs} ms: ${this.spool.depth} stay spooled, delivery goes on`,
      );
    }
  }

  /** True when no spooled entry with a sequence ≤ seq remains. */
  private deliveredThrough(seq: number): boolean {
    const head = this.spool.peek();
    return head === undefined || head.seq > seq;
  }

  private async run(): Promise<void> {
    let current: InFlight | undefined;
    /** Delivers the report at the head of the spool (setting aside unreadable ones before it); returns early once stopped. */
    const deliverOne = async (): Promise<void> => {
      while (!this.stopped) {
        const entry = this.spool.peek();
        if (entry === undefined) {
          await new Promise<void>((resolve) => {
            this.wake = () => {
              this.wake = undefined;
              resolve();
            };
          });
          continue;
        }
        if (current?.entry !== entry) {
          current = undefined;
          const read = await this.spool.read(entry);
          if (read.status !== 'ok') {
            await this.dropUnreadable(entry, read.status === 'missing' ? 'missing' : read.reason);
            continue;
          }
          current = { entry, report: read.report, stored: new Set() };
        }
        await this.deliver(current);
        const waiting = this.spool.depth;
        await this.spool.remove(entry);
        current = undefined;
        if (this.outage !== undefined) this.recovered(waiting);
        this.progressed();
        return;
      }
    };
    // the back-off grows until a report is delivered; stop() aborts the wait
    const policy = { baseDelayMs: this.baseMs, maxDelayMs: this.maxMs, jitter: true, signal: this.stopSignal.signal, onRetry: (e: unknown) => this.failed(e) };
    while (!this.stopped) {
      try {
        await retry(deliverOne, policy);
      } catch (e) {
        if (!this.stopped) throw e;
      }
    }
  }

  /** Uploads a report's objects not yet stored: all but the last in parallel, then the last. */
  private async deliver(c: InFlight): Promise<void> {
    const pending = c.report.objects.filter((o) => !c.stored.has(o.name));
    const last = c.report.objects.at(-1);
    const first = pending.filter((o) => o !== last);
    const results = await Promise.allSettled(first.map((o) => this.put(c.report.folder, o).then(() => c.stored.add(o.name))));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    if (last !== undefined && !c.stored.has(last.name)) {
      await this.put(c.report.folder, last);
      c.stored.add(last.name);
    }
  }

  private async put(folder: string, object: ReportObject): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(folder, object.name),
          Body: object.body,
          ContentType: 'application/json',
        }),
        { abortSignal: this.stopSignal.signal },
      );
    } catch (e) {
      if (!this.stopped) this.metrics?.s3UploadFailuresTotal.inc();
      throw e;
    }
    this.metrics?.s3UploadsTotal.inc();
  }

  private key(folder: string, file: string): string {
    const path = `${folder}/${file}`;
    return this.prefix === '' ? path : `${this.prefix}/${path}`;
  }

  /** A spool entry that vanished or cannot be parsed: set aside (never deleted) so it does not block the queue. */
  private async dropUnreadable(entry: SpoolEntry, reason: string): Promise<void> {
    if (reason === 'missing') {
      await this.spool.remove(entry);
      this.logger.warn({ spoolDir: this.options.spoolDir, file: entry.file }, 'spooled report vanished from the spool directory; skipped');
    } else {
      const aside = await this.spool.quarantine(entry);
      this.logger.error({ spoolDir: this.options.spoolDir, file: aside, reason }, 'spooled report is unreadable; moved aside, not uploaded');
    }
    this.progressed();
  }

  private failed(e: unknown): void {
    if (this.outage === undefined) {
      this.outage = { sinceMs: this.clock(), failedAttempts: 1, lastError: e };
      this.logger.warn(
        { err: e, bucket: this.options.bucket, endpoint: this.options.endpoint, spooled: this.spool.depth },
        'S3 report delivery failing; reports stay spooled and are retried with backoff',
      );
    } else {
      this.outage.failedAttempts++;
      this.outage.lastError = e;
    }
  }

  private recovered(waiting: number): void {
    const o = this.outage;
    if (o === undefined) return;
    this.outage = undefined;
    this.logger.info(
      { bucket: this.options.bucket, waiting, failedAttempts: o.failedAttempts, outageSeconds: Math.round((this.clock() - o.sinceMs) / 100) / 10 },
      'S3 report delivery recovered; delivering spooled reports',
    );
  }

  private progressed(): void {
    this.updateGauges();
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.deliveredThrough(w.seq)) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private updateGauges(): void {
    if (this.metrics === undefined) return;
    this.metrics.reportSpoolDepth.set(this.spool.depth);
    this.metrics.reportSpoolOldestAge.set(this.spool.oldestAgeMs() / 1000);
  }
}
