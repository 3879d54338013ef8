/**
 * A label monitor scaled out over a consumer group (docs/scale-out.md, "Label monitors"): in each
 * process, the three stages on their three sources —
 *
 *   input topics (group G)            → keying  (label-ingress.ts → keyed-outbox.ts) → keyed topic
 *   keyed topic (group G.keyed)       → joining (keyed-joiner.ts)  → window deltas, changelog
 *   partials topic (group G.partials) → window owners (label-window-owner.ts) → reports, gauges
 *
 * each exactly once through its own transactions (member-cycle.ts, partials-owner.ts). Records
 * the keying stage refuses are dead-lettered as in one process.
 */
import type { Logger } from 'pino';
import type { LabelSettings, MonitorSettings } from '../../config/load.js';
import type { RecordErrorReason } from '../../errors.js';
import type { ChangelogReader } from '../../join/changelog-join-store.js';
import type { JoinStore } from '../../join/join-store.js';
import type { BackoffMetrics, LabelJoinMetrics, LabelWindowMetrics, RecordMetrics, ScaleOutMetrics } from '../../observability/component-metrics.js';
import { refreshBackoff, type BackoffController } from '../backoff.js';
import type { PredictionFields } from '../../record/prediction.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import type { ReportSink } from '../../sink/report.js';
import type { UnitTransactions } from '../../source/kafka-transactions.js';
import type { GaugeSeries } from '../../observability/gauge-series.js';
import type { RawBatch, Source } from '../../source/source.js';
import { MemberCycle } from '../member-cycle.js';
import { KeyedJoiner } from './keyed-joiner.js';
import { KeyedOutbox } from './keyed-outbox.js';
import type { LabelEvaluator } from './label-evaluator.js';
import { LabelIngress, labelRejects } from './label-ingress.js';
import { LabelReporter } from './label-reporter.js';
import { emptyLabelSummary, joinCounters, publishJoinCounters, type LabelMonitorSummary } from './label-summary.js';
import { labelWindowState } from './label-window-state.js';
import { LabelWindowOwner } from './label-window-owner.js';

export interface ScaledLabelMonitorDeps {
  settings: MonitorSettings & { labels: LabelSettings };
  predictionFields: Pick<PredictionFields, 'facets' | 'groupVariable'>;
  evaluators: readonly LabelEvaluator[];
  /** The monitor's consumer group on its input topics; the other stages use `<group>.keyed` and `<group>.partials`. */
  groupId: string;
  topics: { keyed: string; keyedPartitions: number; changelog: string; partials: string; partialsPartitions: number };
  transactionalIdPrefix: string;
  /** The inference and ground-truth topics (group G), the keyed topic (G.keyed), the partials topic (G.partials). */
  sources: { input: Source; keyed: Source; partials: Source };
  /** Every partition of the input topics (the joiners' watermark), and of the keyed topic (the owners'). */
  inputPartitions: () => readonly string[];
  keyedPartitions: () => readonly string[];
  transactions: UnitTransactions;
  changelog: ChangelogReader;
  /** An empty join store for keyed partition `key`. */
  openStore: (key: string) => Promise<JoinStore>;
  reports: ReportSink;
  deadLetters: DeadLetterSink;
  metrics: RecordMetrics & ScaleOutMetrics & BackoffMetrics;
  /** Back-off sampling of the keying stage (by inference ID on both topics, as one process). */
  backoff?: BackoffController;
  diskUsage?: () => number | undefined;
  labelMetrics: LabelJoinMetrics & LabelWindowMetrics;
  /** The gauge series of the newest windows (the evaluators' and labelMetrics' gauges recording into it: gauge-series.ts). */
  series: GaugeSeries;
  logger: Logger;
  clock?: () => number;
}

export class ScaledLabelMonitor {
  readonly name: string;
  readonly summary: LabelMonitorSummary;
  private ready = false;
  private lastBackoffUpdateMs = Number.NEGATIVE_INFINITY;
  private readonly clock: () => number;
  private readonly ingress: LabelIngress;
  private readonly keyed: KeyedOutbox;
  private readonly keying: MemberCycle;
  private readonly joiner: KeyedJoiner;
  private readonly joining: MemberCycle;
  private readonly owner: LabelWindowOwner;

  constructor(private readonly deps: ScaledLabelMonitorDeps) {
    const s = deps.settings;
    this.name = s.name;
    this.clock = deps.clock ?? Date.now;
    this.summary = emptyLabelSummary(s.name);
    const { topics, logger, metrics, evaluators } = deps;
    const windows = { sizesMs: s.windowsMs, graceMs: s.graceMs, horizonMs: s.labels.horizonMs, reemitIntervalMs: s.labels.reemitIntervalMs, ...labelWindowState(evaluators) };
    const common = { monitor: s.name, transactionalIdPrefix: deps.transactionalIdPrefix, transactions: deps.transactions, clock: this.clock, intervalMs: s.checkpointIntervalMs, logger };
    const counted = (stage: string) => (outcome: string) => metrics.scaleOutTransactionsTotal.labels(s.name, stage, outcome).inc();

    const { reject, count } = labelRejects({ monitor: s.name, summary: this.summary, deadLetters: deps.deadLetters, metrics });
    this.ingress = new LabelIngress({ settings: s, predictionFields: deps.predictionFields, evaluators, summary: this.summary, reject });
    this.keyed = new KeyedOutbox({ monitor: s.name, keyedTopic: topics.keyed, keyedPartitions: topics.keyedPartitions, idleMs: s.partitionIdleMs, logger });
    this.keying = new MemberCycle({
      ...common,
      groupId: deps.groupId,
      progressTopic: topics.keyed,
      progressPartitions: topics.keyedPartitions,
      outbox: this.keyed,
      resumeFrom: (ps) => deps.sources.input.resumeFrom?.(ps),
      counted: counted('keying'),
    });
    this.joiner = new KeyedJoiner({
      monitor: s.name,
      changelogTopic: topics.changelog,
      partialsTopic: topics.partials,
      horizonMs: s.labels.horizonMs,
      windows,
      evaluators,
      inputPartitions: deps.inputPartitions,
      openStore: deps.openStore,
      changelog: deps.changelog,
      summary: this.summary,
      labelMetrics: deps.labelMetrics,
      onInvalid: (why) => count(why as RecordErrorReason),
      logger,
    });
    this.joining = new MemberCycle({
      ...common,
      groupId: `${deps.groupId}.keyed`,
      progressTopic: topics.partials,
      progressPartitions: topics.partialsPartitions,
      outbox: this.joiner,
      resumeFrom: (ps) => deps.sources.keyed.resumeFrom?.(ps),
      counted: counted('joining'),
    });
    this.owner = new LabelWindowOwner({
      ...common,
      groupId: `${deps.groupId}.partials`,
      partialsTopic: topics.partials,
      keyedPartitions: deps.keyedPartitions,
      windows,
      reporter: new LabelReporter({
        monitor: s.name,
        evaluators,
        reports: deps.reports,
        metrics,
        labelMetrics: deps.labelMetrics,
        logger,
        clock: this.clock,
        summary: this.summary,
        series: deps.series,
        onNewest: (sizeMs, state, startMs) => this.owner.published(sizeMs, state, startMs),
      }),
      partialsPartitions: topics.partialsPartitions,
      resumeFrom: (ps) => deps.sources.partials.resumeFrom?.(ps),
      counted: counted('owner'),
    });
  }

  /** The sources' onAssignment hooks, per stage. */
  readonly keyingAssignment = (added: readonly string[], removed: readonly string[]): Promise<void> => this.keying.onAssignment(added, removed);
  readonly joiningAssignment = (added: readonly string[], removed: readonly string[]): Promise<void> => this.joining.onAssignment(added, removed);
  readonly ownerAssignment = (added: readonly string[], removed: readonly string[]): Promise<void> => this.owner.onAssignment(added, removed);

  get isReady(): boolean {
    return this.ready;
  }

  /** Run the three stages until `signal` aborts (or a source ends); the stages commit what they hold as they stop. */
  async run(signal?: AbortSignal): Promise<LabelMonitorSummary> {
    const { sources, logger, settings } = this.deps;
    logger.info({ monitor: this.name, groundTruth: settings.labels.topics, keyedTopic: this.deps.topics.keyed, partialsTopic: this.deps.topics.partials }, 'label monitor started, scaled out');
    this.ready = true;
    const stop = (): void => {
      for (const s of [sources.input, sources.keyed]) s.stop ? s.stop() : void s.close();
    };
    signal?.addEventListener('abort', stop, { once: true });
    const tickers = [this.keying.startTicking(), this.joining.startTicking()];
    const member = async (source: Source, cycle: MemberCycle, process: (batch: RawBatch) => void): Promise<void> => {
      try {
        for await (const batch of source.batches()) {
          await cycle.serial.run(async () => {
            process(batch);
            await cycle.afterBatch(batch);
          });
          if (signal?.aborted) break;
        }
        await cycle.serial.run(() => cycle.commitAll());
      } finally {
        await cycle.close();
        await source.close();
      }
    };
    try {
      await Promise.all([
        member(sources.input, this.keying, (batch) => this.key(batch)),
        member(sources.keyed, this.joining, (batch) => this.join(batch)),
        this.owner.run(sources.partials, signal),
      ]);
    } finally {
      tickers.forEach((t) => clearInterval(t));
      signal?.removeEventListener('abort', stop);
      await this.deps.reports.flush();
      await this.deps.deadLetters.flush();
    }
    logger.info({ monitor: this.name, predictions: this.summary.predictions, labels: this.summary.labels, joined: this.summary.joined, reports: this.summary.reports }, 'label monitor finished');
    return this.summary;
  }

  /** Joining: a keyed batch into its partition's store and window deltas; the join's metrics. */
  private join(batch: RawBatch): void {
    const before = joinCounters(this.summary);
    this.joiner.process(batch);
    const m = this.deps.labelMetrics;
    publishJoinCounters(before, this.summary, m);
    const pending = this.joiner.pending();
    m.pendingPredictions.labels(this.name).set(pending.predictions);
    m.pendingLabels.labels(this.name).set(pending.labels);
    m.storeBytes.labels(this.name).set(pending.diskBytes);
  }

  /** Keying: decode and check an input batch, its join records into its partition's outbox. */
  private key(batch: RawBatch): void {
    const key = batch.partition?.key;
    if (key === undefined) return;
    const now = this.clock();
    const before = this.summary.sampledOut;
    if (now - this.lastBackoffUpdateMs >= 250) {
      this.lastBackoffUpdateMs = now;
      refreshBackoff({ monitor: this.name, backoff: this.deps.backoff, source: this.deps.sources.input, metrics: this.deps.metrics, logger: this.deps.logger, diskUsage: this.deps.diskUsage });
    }
    this.ingress.read(batch, this.keyed.input(key, now), this.deps.backoff, this.keyed.clock(key, now), now);
    this.keyed.touched(key, now);
    if (this.summary.sampledOut > before) this.deps.metrics.recordsSampledOutTotal.labels(this.name).inc(this.summary.sampledOut - before);
  }

}

