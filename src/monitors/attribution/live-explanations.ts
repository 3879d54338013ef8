/**
 * Live explanations for an attribution monitor that explains instead of reading carried
 * attributions. Off the hot path:
 *
 * - While a window is open, its profile keeps the bottom-k sample by inference-ID hash
 *   (profile/explain-sample.ts): only a hash and a comparison per record, values copied for the
 *   few kept.
 * - When the window closes, its samples are offered to the bounded queue (explain-queue.ts); what
 *   does not fit is skipped and counted. Workers explain each sample by KernelSHAP against the
 *   endpoint (baseline/row-explainer.ts) and add its φ to the window's profile.
 * - A closed window is settled — and may be evaluated — once every queued sample is explained or
 *   failed (an endpoint that is down fails them after the client's timeouts and retries), or
 *   `deadlineMs` after it closed (what is still waiting is counted as unfinished and dropped).
 *   Windows are handed back in the order they closed.
 *
 * Checkpoints (Kafka sources): a closed window not yet settled is saved as it closed — its sample,
 * without the φ computed so far — and a restart closes it again at once and re-queues its samples.
 */
import type { Logger } from 'pino';
import type { ExplainSettings } from '../../config/attribution-config.js';
import type { RowExplainer } from '../../baseline/row-explainer.js';
import type { AttributionExplainMetrics } from '../../observability/component-metrics.js';
import { AttributionProfile } from '../../profile/attribution-profile.js';
import type { ExplainCandidate } from '../../profile/explain-sample.js';
import type { WindowState } from '../../window/window-store.js';
import { ExplainQueue } from './explain-queue.js';

export const ExplainOutcome = { EXPLAINED: 'explained', FAILED: 'failed', SKIPPED: 'skipped', UNFINISHED: 'unfinished' } as const;
export type ExplainOutcome = (typeof ExplainOutcome)[keyof typeof ExplainOutcome];

/** What became of a window's sample. */
export interface ExplainProgress {
  sampled: number;
  explained: number;
  failed: number;
  /** Refused by a full queue. */
  skipped: number;
  /** Still waiting at the deadline (or at a stop). */
  unfinished: number;
  /** The last failure's message (the endpoint and why). */
  lastError: string | undefined;
}

interface PendingWindow {
  readonly w: WindowState<AttributionProfile>;
  readonly progress: ExplainProgress;
  waiting: number;
  readonly deadlineMs: number;
  settled: boolean;
}

interface Job {
  readonly pending: PendingWindow;
  readonly sample: ExplainCandidate;
}

export interface LiveExplanationsDeps {
  monitor: string;
  settings: ExplainSettings;
  explainer: Pick<RowExplainer, 'endpointUrl' | 'explain'>;
  features: readonly string[];
  /** The labels the monitor checks (model outputs named label0, … or by predictor.label_headers). */
  labels: readonly string[];
  metrics: AttributionExplainMetrics;
  logger: Logger;
  clock: () => number;
  /** Called (outside the caller's stack) when a window may have become settled. */
  onSettled: () => void;
}

export class LiveExplanations {
  readonly endpointUrl: string;
  private readonly pending: PendingWindow[] = [];
  private readonly queue: ExplainQueue<Job>;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Failures logged since the last summary line (no per-sample logging). */
  private failuresUnlogged = 0;
  private lastFailure: string | undefined;
  private stopped = false;

  constructor(private readonly deps: LiveExplanationsDeps) {
    this.endpointUrl = deps.explainer.endpointUrl;
    const { settings, metrics, monitor } = deps;
    this.queue = new ExplainQueue<Job>(settings.queue, settings.concurrency, (job) => this.run(job), (d) => metrics.explainQueueDepth.labels(monitor).set(d));
  }

  /** Closed windows in: their samples queued (or skipped), each window pending until settled. */
  closed(windows: readonly WindowState<AttributionProfile>[]): void {
    const now = this.deps.clock();
    for (const w of windows) {
      const samples = w.profile.sample?.entries ?? [];
      const p: PendingWindow = { w, progress: { sampled: samples.length, explained: 0, failed: 0, skipped: 0, unfinished: 0, lastError: undefined }, waiting: 0, deadlineMs: now + this.deps.settings.deadlineMs, settled: false };
      this.pending.push(p);
      // stopped: the window goes to the checkpoint as it closed
      if (this.stopped) continue;
      for (const sample of samples) {
        if (this.queue.offer({ pending: p, sample })) p.waiting++;
        else p.progress.skipped++;
      }
      this.count(ExplainOutcome.SKIPPED, p.progress.skipped);
      if (p.waiting > 0) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.deps.onSettled();
        }, this.deps.settings.deadlineMs);
        t.unref();
        this.timers.add(t);
      }
    }
  }

  /** The oldest closed windows that are settled, in close order, with what became of their samples. */
  takeSettled(): { w: WindowState<AttributionProfile>; progress: ExplainProgress }[] {
    if (this.stopped) return [];
    const now = this.deps.clock();
    const out: { w: WindowState<AttributionProfile>; progress: ExplainProgress }[] = [];
    while (this.pending.length > 0) {
      const p = this.pending[0] as PendingWindow;
      if (p.waiting > 0 && now < p.deadlineMs) break;
      this.settle(p);
      this.pending.shift();
      out.push(p);
    }
    this.logFailures();
    return out;
  }

  /** Closed windows not yet handed back. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * The closed windows not yet settled as they were when they closed (their sample, no φ), for a
   * checkpoint: a restart closes them again and re-queues their samples.
   */
  unsettledAsClosed(create: () => AttributionProfile): WindowState<AttributionProfile>[] {
    return this.pending.map(({ w }) => {
      const profile = create();
      profile.sample = w.profile.sample;
      return { ...w, profile };
    });
  }

  /**
   * Stop explaining (the monitor stops): nothing more is explained or handed back, answers still
   * coming are ignored, and the windows not handed back stay for the checkpoint
   * (unsettledAsClosed); their waiting samples are counted as unfinished.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const p of this.pending) if (!p.settled) this.count(ExplainOutcome.UNFINISHED, p.waiting);
  }

  private settle(p: PendingWindow): void {
    if (p.settled) return;
    p.settled = true;
    p.progress.unfinished = p.waiting;
    this.count(ExplainOutcome.UNFINISHED, p.waiting);
  }

  private async run(job: Job): Promise<void> {
    const { pending: p, sample } = job;
    // given up at its deadline while it waited, or the monitor stopped
    if (p.settled || this.stopped) return;
    try {
      const { byLabel } = await this.deps.explainer.explain(sample.values, sample.hash);
      const missing = this.deps.labels.filter((l) => !byLabel.has(l));
      if (missing.length > 0) throw new Error(`the model at ${this.endpointUrl} has no output ${missing.join(', ')} (it has ${[...byLabel.keys()].join(', ')})`);
      if (p.settled || this.stopped) return;
      this.deps.labels.forEach((label, k) => p.w.profile.add(label, this.deps.features, byLabel.get(label) as Float64Array, k === 0));
      p.progress.explained++;
      this.count(ExplainOutcome.EXPLAINED, 1);
    } catch (e) {
      // a stop aborts the requests in flight: that is no failure of the endpoint
      if (p.settled || this.stopped) return;
      p.progress.failed++;
      p.progress.lastError = this.lastFailure = (e as Error).message;
      this.failuresUnlogged++;
      this.count(ExplainOutcome.FAILED, 1);
    }
    p.waiting--;
    if (p.waiting === 0) this.deps.onSettled();
  }

  private count(outcome: ExplainOutcome, n: number): void {
    if (n > 0) this.deps.metrics.explainSamplesTotal.labels(this.deps.monitor, outcome).inc(n);
  }

  private logFailures(): void {
    if (this.failuresUnlogged === 0) return;
    this.deps.logger.warn({ monitor: this.deps.monitor, endpoint: this.endpointUrl, failed: this.failuresUnlogged, last: this.lastFailure }, 'samples could not be explained');
    this.failuresUnlogged = 0;
  }
}
