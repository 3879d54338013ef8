/**
 * A label monitor: predictions from the inference topic joined with ground truth from the
 * ground-truth topic on the inference ID, into inference-time windows that stay open for labels
 * until the horizon (label-windows.ts), evaluated by model-quality and bias evaluators.
 *
 * One consumer group reads both kinds of topic, so one checkpoint covers everything: the join
 * store's manifest (pending predictions, early labels, joined IDs), every open window's state,
 * the watermark's partition clocks and the positions of all partitions (label-checkpoint.ts). The
 * cycle is that of the data-quality pipeline: dead letters durable → join store durable →
 * checkpoint → offsets committed → the store may drop files only older checkpoints needed.
 *
 * Per batch (one partition of one topic): the ingress joins its records (label-ingress.ts); then
 * watermark = min over partitions of their newest event time (inference time, label time);
 * predictions older than watermark − horizon expire; windows due are reported (first at end +
 * grace, again as labels land, final at end + horizon): per evaluator evaluate → report
 * (label-window-report.ts) → sink, and the newest window's gauges.
 *
 * Replay (a finite source without partitions: capture files, then ground-truth files, batches
 * tagged with their stream) is SageMaker's merge job over the whole input: nothing expires and
 * nothing is reported while reading; at the end every prediction still unlabelled counts as
 * expired, every label that met none as an orphan, and each window is reported once, final.
 */
import type { Logger } from 'pino';
import { formatDuration } from '../../config/duration.js';
import type { LabelSettings, MonitorSettings } from '../../config/load.js';
import { DriftmonError, ErrorCode } from '../../errors.js';
import type { RecordDecoder } from '../../record/decoder.js';
import type { PredictionFields } from '../../record/prediction.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import type {
  BackoffMetrics,
  CheckpointMetrics,
  LabelJoinMetrics,
  LabelWindowMetrics,
  RecordMetrics,
} from '../../observability/component-metrics.js';
import type { ReportSink } from '../../sink/report.js';
import type { RawBatch, Source } from '../../source/source.js';
import type { JoinStore } from '../../join/join-store.js';
import type { CheckpointStore } from '../../state/checkpoint-store.js';
import { PartitionClock } from '../../window/partition-clock.js';
import { LabelWindows, type DueWindow } from '../../window/label-windows.js';
import { refreshBackoff, type BackoffController } from '../backoff.js';
import { CheckpointCycle, type CheckpointState } from '../checkpoint-cycle.js';
import { consume } from '../consume-loop.js';
import { decodeLabelCheckpoint, encodeLabelCheckpoint } from './label-checkpoint.js';
import type { LabelEvaluator } from './label-evaluator.js';
import { LabelIngress, labelRejects } from './label-ingress.js';
import { LabelJoin } from './label-join.js';
import { durableCounts, emptyLabelSummary, joinCounters, publishJoinCounters, type LabelMonitorSummary } from './label-summary.js';
import { LabelReporter } from './label-reporter.js';
import { labelWindowState, type LabelWindowState } from './label-window-state.js';

export interface LabelMonitorDeps {
  settings: MonitorSettings & { labels: LabelSettings };
  /** Facet and group columns the evaluators need from each prediction (bias). */
  predictionFields: Pick<PredictionFields, 'facets' | 'groupVariable'>;
  evaluators: readonly LabelEvaluator[];
  /** Opens the join store at a checkpoint's manifest (undefined: an empty store). */
  openStore: (manifest: unknown) => Promise<JoinStore>;
  source: Source;
  reports: ReportSink;
  deadLetters: DeadLetterSink;
  metrics: RecordMetrics & CheckpointMetrics & BackoffMetrics;
  labelMetrics: LabelJoinMetrics & LabelWindowMetrics;
  logger: Logger;
  clock?: () => number;
  checkpoints?: CheckpointStore;
  backoff?: BackoffController;
  diskUsage?: () => number | undefined;
  /** Wraps the capture decoder (tests make chosen records throw with it; see record-fault.ts). */
  wrapDecoder?: (decoder: RecordDecoder) => RecordDecoder;
}

export class LabelMonitorPipeline {
  readonly name: string;
  private readonly labels: LabelSettings;
  private readonly ingress: LabelIngress;
  private readonly join: LabelJoin;
  private readonly rejects: ReturnType<typeof labelRejects>;
  private readonly windows: LabelWindows<LabelWindowState>;
  private readonly partitionClock: PartitionClock;
  private readonly clock: () => number;
  private store: JoinStore | undefined;
  private ready = false;
  private readonly cycle: CheckpointCycle;
  private lastBackoffUpdateMs = Number.NEGATIVE_INFINITY;
  private readonly reporter: LabelReporter;
  readonly summary: LabelMonitorSummary;

  constructor(private readonly deps: LabelMonitorDeps) {
    const s = deps.settings;
    this.name = s.name;
    this.labels = s.labels;
    this.clock = deps.clock ?? Date.now;
    this.cycle = new CheckpointCycle(s.name, deps, this.clock, s.checkpointIntervalMs);
    this.windows = new LabelWindows<LabelWindowState>({
      sizesMs: s.windowsMs,
      graceMs: s.graceMs,
      horizonMs: s.labels.horizonMs,
      reemitIntervalMs: s.labels.reemitIntervalMs,
      ...labelWindowState(deps.evaluators),
    });
    this.partitionClock = new PartitionClock(s.partitionIdleMs);
    this.summary = emptyLabelSummary(s.name);
    this.reporter = new LabelReporter({ monitor: s.name, evaluators: deps.evaluators, reports: deps.reports, metrics: deps.metrics, labelMetrics: deps.labelMetrics, logger: deps.logger, clock: this.clock, summary: this.summary });
    this.rejects = labelRejects({ monitor: s.name, summary: this.summary, deadLetters: deps.deadLetters, metrics: deps.metrics });
    this.join = new LabelJoin({ monitor: s.name, evaluators: deps.evaluators, windows: this.windows, summary: this.summary, labelMetrics: deps.labelMetrics, count: this.rejects.count });
    this.ingress = new LabelIngress({
      settings: s,
      predictionFields: deps.predictionFields,
      evaluators: deps.evaluators,
      summary: this.summary,
      reject: this.rejects.reject,
      ...(deps.wrapDecoder ? { wrapDecoder: deps.wrapDecoder } : {}),
    });
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Consume until stopped; the stop checkpoints (windows wait for labels across restarts). */
  async run(signal?: AbortSignal): Promise<LabelMonitorSummary> {
    const { source, logger } = this.deps;
    await this.start();
    logger.info(
      { monitor: this.name, source: source.description, groundTruth: this.labels.topics, horizon: formatDuration(this.labels.horizonMs), evaluators: this.deps.evaluators.map((e) => e.kind) },
      'label monitor started',
    );
    this.ready = true;
    await consume(
      {
        monitor: this.name,
        deps: this.deps,
        cycle: this.cycle,
        state: this.state,
        processBatch: (batch) => this.processBatch(batch),
        openWindows: () => this.windows.openCount(),
        beforeFinalCheckpoint: async () => ({ pendingPredictions: this.store?.pendingPredictions }),
        finish: async () => {
          // the end of a replay: everything unlabelled has expired, every window is final
          this.expire(this.openedStore(), Number.POSITIVE_INFINITY);
          await this.report(this.windows.drainAll(true));
        },
        closed: () => this.store?.close(),
      },
      signal,
    );
    logger.info({ monitor: this.name, ...this.summaryCounts() }, 'label monitor finished');
    return this.summary;
  }

  /** Join one batch, advance the watermark, expire, report what is due; returns reports written. */
  async processBatch(batch: RawBatch): Promise<number> {
    const store = this.openedStore();
    const before = joinCounters(this.summary);
    const sampledOut = this.summary.sampledOut;
    const startMs = this.clock();
    const key = batch.partition?.key;
    const ingress = this.ingress;
    this.join.store = store;
    ingress.read(batch, this.join, this.deps.backoff, key === undefined ? undefined : this.partitionClock.clockOf(key, startMs), startMs);
    if (ingress.firstPoison !== undefined) {
      this.deps.logger.warn({ monitor: this.name, records: ingress.batchPoisoned, first: ingress.firstPoison }, 'records dead-lettered: processing them threw');
    }
    publishJoinCounters(before, this.summary, this.deps.labelMetrics);
    if (this.summary.sampledOut > sampledOut) this.deps.metrics.recordsSampledOutTotal.labels(this.name).inc(this.summary.sampledOut - sampledOut);
    if (batch.blankLines !== undefined) {
      this.summary.blankLines += batch.blankLines;
      this.deps.metrics.blankLinesTotal.labels(this.name).inc(batch.blankLines);
    }
    const now = this.clock();
    if (key === undefined) return 0; // a replay: reported once, at the end
    const assigned = this.deps.source.assignment?.();
    if (assigned !== undefined) this.partitionClock.assign(assigned, now);
    this.partitionClock.seen(key, now);
    this.windows.advanceTo(this.partitionClock.watermark(now));
    this.expire(store);
    this.updateBackoff();
    return this.report(this.windows.due(now));
  }

  private expire(store: JoinStore, cutoff = this.windows.streamTimeMs - this.labels.horizonMs): void {
    if (!(cutoff > Number.NEGATIVE_INFINITY)) return; // nothing seen yet (NaN or -Infinity); +Infinity: everything
    const r = store.expire(cutoff, (p) => void this.windows.expired(p.timeMs));
    this.summary.expiredPredictions += r.expiredPredictions;
    this.summary.orphanLabels += r.orphanLabels;
    const m = this.deps.labelMetrics;
    if (r.expiredPredictions > 0) m.expiredTotal.labels(this.name).inc(r.expiredPredictions);
    if (r.orphanLabels > 0) m.orphanTotal.labels(this.name).inc(r.orphanLabels);
    m.pendingPredictions.labels(this.name).set(store.pendingPredictions);
    m.pendingLabels.labels(this.name).set(store.pendingLabels);
    m.storeBytes.labels(this.name).set(store.diskBytes);
  }

  /** Reports for the due windows, and the open-windows gauge. */
  private async report(due: DueWindow<LabelWindowState>[]): Promise<number> {
    const written = await this.reporter.report(due, this.summary);
    this.reporter.publishOpen(this.windows.sizesMs, (size) => this.windows.openCount(size));
    return written;
  }

  private openedStore(): JoinStore {
    if (this.store === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `label monitor ${this.name}: start() before processing`);
    return this.store;
  }

  /** The join store made durable, its manifest saved with the windows; old store files go once committed. */
  private readonly state = async (): Promise<CheckpointState> => {
    const store = this.openedStore();
    const manifest = await store.checkpoint();
    const state = encodeLabelCheckpoint({ manifest, partitions: this.partitionClock.snapshot(), summary: durableCounts(this.summary), windows: this.windows.snapshot() });
    return { state, committed: () => store.acknowledge(manifest) };
  };

  /** Open the join store, from the last checkpoint when there is one (run() calls it). */
  async start(): Promise<void> {
    const c = await this.cycle.load();
    if (c === undefined) {
      this.store = await this.deps.openStore(undefined);
      return;
    }
    const checkpoint = decodeLabelCheckpoint(c.state, (why) => {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `monitor ${this.name}: checkpoint state is invalid: ${why}`);
    });
    this.store = await this.deps.openStore(checkpoint.manifest);
    this.windows.restore(checkpoint.windows);
    this.partitionClock.restore(checkpoint.partitions, this.clock());
    Object.assign(this.summary, checkpoint.summary);
    this.deps.logger.info(
      {
        monitor: this.name,
        checkpoint: this.cycle.describe(),
        openWindows: this.windows.openCount(),
        pendingPredictions: this.store.pendingPredictions,
        pendingLabels: this.store.pendingLabels,
      },
      'restored from checkpoint',
    );
  }

  /** Re-evaluate back-off pressure (at most every 250 ms) and publish it. */
  private updateBackoff(): void {
    const now = this.clock();
    if (now - this.lastBackoffUpdateMs < 250) return;
    this.lastBackoffUpdateMs = now;
    refreshBackoff({ monitor: this.name, ...this.deps });
  }

  private summaryCounts(): Record<string, unknown> {
    const { reportPaths: _paths, ...counts } = this.summary;
    return counts;
  }
}
