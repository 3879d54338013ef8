/**
 * The violations topic: a ReportSink in front of the real one that, once a window's report with
 * violations is stored, puts one message on a Kafka topic — key the monitor's name, value the
 * webhook's JSON body (violationsBody), header `driftmon-report-key` the report's identity
 * (monitor/kind/window/start[/version], the webhook's Idempotency-Key) — exactly once.
 *
 * Why not plain produce: a report can be written again (a restart re-reports the windows closed
 * after the last checkpoint; a replay over files or stdin reports every window again), so plain
 * produce is at least once. Why not inside the Kafka source's checkpoint transaction: only
 * scaled-out monitors commit through transactions, and files and stdin have none; the design here
 * is the same for every source. Each monitor writes through a ViolationsLog
 * (source/kafka-violations-log.ts) whose transactional id is fixed per monitor (and member, when
 * scaled out): opening it fences a previous holder — a zombie, or the process that was killed —
 * and aborts its open transaction; then the log reads back, read_committed, the identities its
 * monitor committed within `lookback` (default 7 days, by the time they were written). A report
 * whose identity is there, or was sent since, is skipped (counted `duplicate`). So the bound is:
 * a report written again more than `lookback` after its first message is sent again.
 *
 * Nothing lost while the monitor runs, nor across a crash: write() appends the message to a
 * durable spool (state.dir/actions/kafka/<monitor>, the S3 sink's ReportSpool) before it returns,
 * so the report's checkpoint never gets ahead of its message; a background loop per monitor sends
 * the spool oldest first, one transaction per message (one in flight), and removes an entry only
 * once its transaction committed. A crash after the commit and before the removal leaves an entry
 * whose identity the read-back finds: skipped. A broker outage is retried with capped backoff
 * (retry.ts), each failed attempt counted (`driftmon_actions_total{action="kafka",outcome="retried"}`);
 * the monitor goes on and the spool keeps what waits. A fenced log (another process took the
 * monitor's transactional id) stops its loop with an error; the spool keeps its entries. flush()
 * and close() wait up to `flushTimeoutMs` for the spool to empty; what is left is sent by the next
 * start.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ActionMetrics } from '../observability/component-metrics.js';
import { retry } from '../retry.js';
import { ReportSpool, type SpoolEntry } from '../state/report-spool.js';
import type { ReportSink, WindowReport } from './report.js';
import { violationsBody } from './webhook-action.js';

/** One message of the violations topic: its identity (monitor/kind/window/start[/version]) and its JSON value. */
export interface ViolationMessage {
  identity: string;
  value: string;
}

/** A monitor's messages on the violations topic: KafkaViolationsLog on a broker; in memory in unit tests. */
export interface ViolationsLog {
  /** Fence any previous writer of this monitor's messages; the identities it already committed (within the lookback). */
  open(): Promise<Set<string>>;
  /** One transaction holding `m`; rejects with a DriftmonError, not retryable when fenced. */
  append(m: ViolationMessage): Promise<void>;
  close(): Promise<void>;
}

export interface ViolationsTopicOptions {
  /** The monitors whose reports come here (each gets its log, spool and loop at start, so a previous run's spool is sent). */
  monitors: readonly string[];
  logOf: (monitor: string) => ViolationsLog;
  /** state.dir/actions/kafka: one spool per monitor below it. */
  spoolDir: string;
  retry?: { baseMs: number; maxMs: number };
  flushTimeoutMs?: number;
}

/** A monitor's spool and the loop that sends it. */
class Outbox {
  private wake: (() => void) | undefined;
  private stopped = false;
  private idle: (() => void)[] = [];
  readonly done: Promise<void>;
  private readonly stop = new AbortController();

  constructor(
    readonly monitor: string,
    readonly spool: ReportSpool,
    private readonly log: ViolationsLog,
    private readonly counted: (outcome: string) => void,
    private readonly logger: Logger,
    private readonly backoff: { baseMs: number; maxMs: number },
  ) {
    this.done = this.run()
      .catch((e: unknown) => {
        if (!this.stop.signal.aborted) this.logger.error({ monitor, err: (e as Error).message, spooled: spool.depth }, 'violations topic: sending stopped; the messages stay spooled for the next start');
      })
      .finally(() => {
        this.stopped = true;
        for (const r of this.idle.splice(0)) r();
      });
  }

  async add(m: ViolationMessage): Promise<void> {
    await this.spool.append({ folder: m.identity, objects: [{ name: 'value', body: m.value }] });
    this.wake?.();
  }

  /** Resolves once the spool is empty (or the loop has ended). */
  drained(): Promise<void> {
    if (this.spool.depth === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stop.abort();
    this.wake?.();
    await this.done;
    await this.log.close();
  }

  private retried<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return retry(fn, {
      baseDelayMs: this.backoff.baseMs,
      maxDelayMs: this.backoff.maxMs,
      jitter: true,
      signal: this.stop.signal,
      shouldRetry: (e) => (e as { retryable?: unknown }).retryable !== false,
      onRetry: (e, attempt, delayMs) => {
        this.counted('retried');
        this.logger.warn({ monitor: this.monitor, err: (e as Error).message, attempt, retryInMs: Math.round(delayMs), spooled: this.spool.depth }, `violations topic: ${what} failed; retrying`);
      },
    });
  }

  private async run(): Promise<void> {
    const committed = await this.retried('reading back', () => this.log.open());
    for (;;) {
      const entry = this.spool.peek();
      if (entry === undefined) {
        for (const r of this.idle.splice(0)) r();
        if (this.stopped) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (this.stopped) return;
      await this.sendOne(entry, committed);
    }
  }

  private async sendOne(entry: SpoolEntry, committed: Set<string>): Promise<void> {
    const read = await this.spool.read(entry);
    if (read.status === 'missing') return this.spool.remove(entry);
    if (read.status === 'corrupt') {
      const aside = await this.spool.quarantine(entry);
      this.logger.error({ monitor: this.monitor, file: aside, reason: read.reason }, 'violations topic: unreadable spool entry set aside');
      return;
    }
    const identity = read.report.folder;
    if (committed.has(identity)) {
      this.counted('duplicate');
      return this.spool.remove(entry);
    }
    await this.retried('sending', () => this.log.append({ identity, value: read.report.objects[0]?.body ?? '' }));
    committed.add(identity);
    this.counted('sent');
    await this.spool.remove(entry);
  }
}

export class ViolationsTopicSink implements ReportSink {
  private readonly outboxes = new Map<string, Outbox>();
  private readonly flushTimeoutMs: number;
  /** A wait for the spool timed out (the broker is away): close() does not wait a second time. */
  private gaveUp = false;

  constructor(
    private readonly inner: ReportSink,
    options: ViolationsTopicOptions,
    metrics: ActionMetrics,
    private readonly logger: Logger,
  ) {
    this.flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
    const counted = (outcome: string): void => metrics.actionsTotal.labels('kafka', outcome).inc();
    for (const monitor of options.monitors) {
      const spool = ReportSpool.open(join(options.spoolDir, monitor));
      if (spool.depth > 0) logger.info({ monitor, spooled: spool.depth }, 'violations topic: sending messages spooled by a previous run first');
      this.outboxes.set(monitor, new Outbox(monitor, spool, options.logOf(monitor), counted, logger, options.retry ?? { baseMs: 500, maxMs: 30_000 }));
    }
  }

  has(report: WindowReport): Promise<boolean> {
    return this.inner.has(report);
  }

  async write(report: WindowReport): Promise<string> {
    const where = await this.inner.write(report);
    const message = violationsBody(report, where);
    if (message !== undefined) {
      const outbox = this.outboxes.get(report.monitor);
      if (outbox === undefined) throw new Error(`violations topic: no outbox for monitor ${report.monitor}`);
      await outbox.add({ identity: message.key, value: message.body });
    }
    return where;
  }

  /** Waits (at most flushTimeoutMs) until every spooled message is on the topic. */
  async flush(): Promise<void> {
    await this.inner.flush();
    await this.drained();
  }

  async close(): Promise<void> {
    if (!this.gaveUp) await this.drained();
    await Promise.all([...this.outboxes.values()].map((o) => o.close()));
    await this.inner.close();
  }

  private async drained(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.flushTimeoutMs)));
    const all = Promise.all([...this.outboxes.values()].map((o) => o.drained())).then(() => true);
    const done = await Promise.race([all, timeout]);
    clearTimeout(timer);
    this.gaveUp = !done;
    if (!done) {
      const spooled = [...this.outboxes.values()].reduce((n, o) => n + o.spool.depth, 0);
      this.logger.warn({ spooled, waitedMs: this.flushTimeoutMs }, 'violations topic: messages still spooled; the next start sends them');
    }
  }
}
