/**
 * The report post-processor (hooks.postprocess): a ReportSink in front of the monitor's that, once
 * a window's report is stored, calls the user's `postprocess(report)` with it — every window, with
 * or without violations (SageMaker's post_analytics_processor_script, per window).
 *
 * What the hook gets: the report's index entry (monitor, kind, window, window_start, window_end,
 * path — where it is stored —, item_count, violations, status), `key` (monitor/kind/window/start
 * [/version], the same for a window reported again: calls are at least once), for label windows
 * their version and whether it is final, for data-quality windows the checks that failed, and
 * `summary`, the driftmon-report.json content.
 *
 * Never on the monitor's path: calls run one at a time in the hook's own thread (hook-runner.ts),
 * at most MAX_PENDING waiting (more are skipped and counted); each is bounded by the hook's timeout.
 * A call that throws, rejects or times out is counted and logged and the monitor goes on.
 * flush() waits for the calls under way, so a replay ends only once every window was handed over.
 * Outcomes: driftmon_hook_calls_total{hook="postprocess", outcome=delivered|failed|timeout|skipped}.
 */
import type { Logger } from 'pino';
import type { HookMetrics } from '../observability/component-metrics.js';
import type { ReportSink, WindowReport } from './report.js';
import { PendingCalls } from './pending-calls.js';
import { reportPayload } from './webhook-action.js';

/** Calls waiting or under way beyond which new ones are skipped (a hook much slower than the windows). */
export const MAX_PENDING = 1000;

/** How the hook is called (HookRunner): one outcome per item, never rejecting. */
export interface PostprocessCaller {
  run(items: readonly unknown[]): Promise<readonly { outcome: string; error?: string }[]>;
}

export class PostprocessActionSink implements ReportSink {
  private readonly pending = new PendingCalls(MAX_PENDING);

  constructor(
    private readonly inner: ReportSink,
    private readonly monitor: string,
    private readonly hook: PostprocessCaller,
    private readonly metrics: HookMetrics,
    private readonly logger: Logger,
  ) {}

  has(report: WindowReport): Promise<boolean> {
    return this.inner.has(report);
  }

  async write(report: WindowReport): Promise<string> {
    const where = await this.inner.write(report);
    this.call(report, where);
    return where;
  }

  /** The reports below made durable, then every call under way settled. */
  async flush(): Promise<void> {
    await this.inner.flush();
    return this.pending.settled();
  }

  /** Waits for the calls under way; the sink below is shared by the monitors and closed by its owner. */
  close(): Promise<void> {
    return this.pending.settled();
  }

  private call(report: WindowReport, where: string): void {
    const counted = (outcome: string): void => this.metrics.hookCallsTotal.labels(this.monitor, 'postprocess', outcome).inc();
    if (!this.pending.hasRoom) {
      counted('skipped');
      return;
    }
    const { payload, key } = reportPayload(report, where);
    const p = this.hook.run([{ ...payload, key, summary: report.summary }]).then(([r]) => {
      const outcome = r?.outcome ?? 'failed';
      counted(outcome);
      if (outcome !== 'delivered') this.logger.warn({ monitor: this.monitor, hook: 'postprocess', outcome, error: r?.error, key }, 'report post-processor: call failed');
    });
    this.pending.track(p);
  }
}
