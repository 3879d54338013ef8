/**
 * The webhook action: a ReportSink in front of the real one that, once a window's report is stored,
 * POSTs it as JSON to the configured URL when it has violations — the hook for an alerting or
 * retraining pipeline (SageMaker's CloudWatch alarm → EventBridge → pipeline, without the cloud).
 *
 * Body: the report's index entry (monitor, kind, window, bounds, where it is stored, item count,
 * violation count), its violations (data quality: feature, check type, description; the other
 * kinds: in the stored constraint_violations.json at `path`) and, for label windows, their
 * version and whether it is final. Header `Idempotency-Key`: monitor/kind/window/start[/version],
 * the same for a report sent again (a retry, a restart reporting a window again), so a receiver
 * can drop repeats: delivery is at least once.
 *
 * Never on the monitor's path: posts run in the background, at most MAX_PENDING waiting (more are
 * dropped and counted); each is retried with capped backoff (retry.ts) on a connection error, a
 * timeout, 429 or 5xx; another 4xx is not retried. Outcomes are counted
 * (driftmon_actions_total{action="webhook",outcome}); flush() waits for the posts under way.
 */
import type { Logger } from 'pino';
import type { WebhookSettings } from '../config/actions-config.js';
import type { ActionMetrics } from '../observability/component-metrics.js';
import { retry } from '../retry.js';
import { PendingCalls } from './pending-calls.js';
import { indexEntry, isLabelReport, type ReportSink, type WindowReport } from './report.js';

/** Posts waiting or under way beyond which new ones are dropped (a receiver down for long). */
export const MAX_PENDING = 1000;

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export class WebhookActionSink implements ReportSink {
  private readonly pending = new PendingCalls(MAX_PENDING);

  constructor(
    private readonly inner: ReportSink,
    private readonly settings: WebhookSettings,
    private readonly metrics: ActionMetrics,
    private readonly logger: Logger,
    private readonly retryBaseMs = 500,
  ) {}

  has(report: WindowReport): Promise<boolean> {
    return this.inner.has(report);
  }

  async write(report: WindowReport): Promise<string> {
    const where = await this.inner.write(report);
    const message = violationsBody(report, where);
    if (message !== undefined) this.send(report.monitor, message);
    return where;
  }

  async flush(): Promise<void> {
    await this.inner.flush();
    await this.pending.settled();
  }

  async close(): Promise<void> {
    await this.pending.settled();
    await this.inner.close();
  }

  private send(monitor: string, { body, key }: { body: string; key: string }): void {
    const counted = (outcome: string): void => this.metrics.actionsTotal.labels('webhook', outcome).inc();
    if (!this.pending.hasRoom) {
      counted('dropped');
      return;
    }
    const p = this.post(body, key).then(
      () => counted('sent'),
      (e: unknown) => {
        counted('failed');
        this.logger.warn({ monitor, url: this.settings.url, err: (e as Error).message, key }, 'webhook: report not delivered');
      },
    );
    this.pending.track(p);
  }

  private post(body: string, key: string): Promise<void> {
    const s = this.settings;
    return retry(
      async () => {
        const res = await fetch(s.url, {
          method: 'POST',
          headers: { ...s.headers, 'content-type': 'application/json', 'idempotency-key': key },
          body,
          signal: AbortSignal.timeout(s.timeoutMs),
        });
        await res.body?.cancel();
        if (!res.ok) throw new HttpStatusError(res.status);
      },
      {
        attempts: s.retries + 1,
        baseDelayMs: this.retryBaseMs,
        maxDelayMs: 30_000,
        jitter: true,
        shouldRetry: (e) => !(e instanceof HttpStatusError) || e.status === 429 || e.status >= 500,
      },
    );
  }
}

/** The JSON a violating window's report is sent as (webhook, violations topic), and its idempotency key; undefined for a clean one. */
export function violationsBody(report: WindowReport, where: string): { body: string; key: string } | undefined {
  const { payload, key, violations } = reportPayload(report, where);
  return violations > 0 ? { body: JSON.stringify(payload), key } : undefined;
}

/** A window's report as actions and post-processors see it: its index entry, version, checks; its key and violation count. */
export function reportPayload(report: WindowReport, where: string): { payload: Record<string, unknown>; key: string; violations: number } {
  const entry = indexEntry(report, where);
  const version = isLabelReport(report) ? (report.summary as { version?: unknown; final?: unknown }) : undefined;
  const key = [entry.monitor, entry.kind ?? 'data-quality', entry.window, entry.window_start, ...(version?.version !== undefined ? [String(version.version)] : [])].join('/');
  const payload = {
    ...entry,
    kind: entry.kind ?? 'data-quality',
    ...(version?.version !== undefined ? { version: version.version, final: version.final === true } : {}),
    ...(isLabelReport(report)
      ? {}
      : { checks: report.violations.map((v) => ({ feature_name: v.featureName, constraint_check_type: v.constraintCheckType, description: v.description })) }),
  };
  return { payload, key, violations: entry.violations };
}
