/**
 * A label monitor: predictions from the inference topic joined with ground truth from the
 * ground-truth topic on the inference ID, into inference-time windows that stay open for labels
 * until the horizon (label-windows.ts), evaluated by model-quality and bias evaluators.
 *
 * One consumer group reads both kinds of topic, so one checkpoint covers everything: the join
 * store's manifest (pending predictions, early labels, joined IDs), every open window's state,
 * the watermark's partition clocks and the positions of all partitions. The cycle is that of the
 * data-quality pipeline: dead letters durable → join store durable → checkpoint → offsets
 * committed → the store may drop files only older checkpoints needed.
 *
 * Per batch (one partition of one topic):
 *   inference   decode → prediction (inference/probability attribute) → late? → store.putPrediction
 *               → if its label was waiting: joined
 *   ground truth decode → labels (one per row) checked by every evaluator → store.putLabel
 *               → if its prediction was waiting: joined
 *   then        watermark = min over partitions of their newest event time (inference time,
 *               label time); predictions older than watermark − horizon expire; windows due
 *               are reported (first at end + grace, again as labels land, final at end + horizon).
 * Back-off samples by the same MurmurHash of the ID on both topics, so a kept prediction's label
 * is kept too.
 *
 * Replay (a finite source without partitions: capture files, then ground-truth files, batches
 * tagged with their stream) is SageMaker's merge job over the whole input: nothing expires and
 * nothing is reported while reading; at the end every prediction still unlabelled counts as
 * expired, every label that met none as an orphan, and each window is reported once, final.
 */
import type { Logger } from 'pino';
import { formatDuration } from '../../config/duration.js';
import type { LabelSettings, MonitorSettings } from '../../config/load.js';
import { DriftmonError, ErrorCode, RecordErrorReason } from '../../errors.js';
import { createDecoder } from '../../record/create-decoder.js';
import type { RecordDecoder } from '../../record/decoder.js';
import { FeatureRegistry } from '../../record/feature-registry.js';
import { GroundTruthDecoder } from '../../record/ground-truth-decoder.js';
import { decodePrediction, encodePrediction, PredictionExtractor, type LabelValue, type PredictionFields } from '../../record/prediction.js';
import type { FeatureRow } from '../../record/row.js';
import { KllSketch } from '../../sketch/kll/kll-sketch.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import type { LabelMetrics, Metrics } from '../../observability/metrics.js';
import type { LabelReport, ReportSink } from '../../sink/report.js';
import type { RawBatch, Source } from '../../source/source.js';
import { MAX_ID_BYTES, type JoinRecord, type JoinStore } from '../../join/join-store.js';
import type { CheckpointStore } from '../../state/checkpoint-store.js';
import { PartitionClock, type PartitionClockEntry } from '../../window/partition-clock.js';
import { decodeFramed, encodeFramed } from '../../state/framed.js';
import { LabelWindows, type DueWindow } from '../../window/label-windows.js';
import { refreshBackoff, type BackoffController } from '../backoff.js';
import { CheckpointCycle, type CheckpointState } from '../checkpoint-cycle.js';
import type { LabelEvaluator, WindowContext } from './label-evaluator.js';

/** Report locations kept in the summary. */
const RECENT_REPORT_PATHS = 100;

/** Label latency sketch per window: small k, quantiles for the report only. */
const LATENCY_K = 200;

/** The stream name of ground-truth batches from a source without partitions (replay). */
export const LABELS_STREAM = 'labels';

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
  metrics: Metrics;
  labelMetrics: LabelMetrics;
  logger: Logger;
  clock?: () => number;
  checkpoints?: CheckpointStore;
  backoff?: BackoffController;
  diskUsage?: () => number | undefined;
}

interface WindowStateOf {
  parts: unknown[];
  latency: KllSketch;
}

export interface LabelMonitorSummary {
  monitor: string;
  predictions: number;
  labels: number;
  joined: number;
  duplicatePredictions: number;
  duplicateLabels: number;
  expiredPredictions: number;
  orphanLabels: number;
  latePredictions: number;
  invalid: Partial<Record<RecordErrorReason, number>>;
  sampledOut: number;
  reports: number;
  finalReports: number;
  /** The newest report locations (at most RECENT_REPORT_PATHS: a long run writes many versions). */
  reportPaths: string[];
}

export class LabelMonitorPipeline {
  readonly name: string;
  private readonly labels: LabelSettings;
  private readonly labelTopics: Set<string>;
  private readonly registry: FeatureRegistry;
  private readonly decoder: RecordDecoder;
  private readonly extractor: PredictionExtractor;
  private readonly groundTruth = new GroundTruthDecoder();
  private readonly windows: LabelWindows<WindowStateOf>;
  private readonly partitionClock: PartitionClock;
  private readonly clock: () => number;
  private store: JoinStore | undefined;
  private ready = false;
  private readonly cycle: CheckpointCycle;
  private lastBackoffUpdateMs = Number.NEGATIVE_INFINITY;
  /** Newest window start whose gauges were published, per window size and state. */
  private readonly gaugeStart = new Map<string, number>();
  readonly summary: LabelMonitorSummary;

  // per-record scratch (the decoder calls onRow once per row of a record)
  private rowIndex = 0;
  private rowReason: RecordErrorReason | undefined;
  private batchMaxTimeMs = Number.NEGATIVE_INFINITY;
  private sampling = false;
  private readonly onRow = (row: FeatureRow): void => this.prediction(row);

  constructor(private readonly deps: LabelMonitorDeps) {
    const s = deps.settings;
    this.name = s.name;
    this.labels = s.labels;
    this.labelTopics = new Set(s.labels.topics);
    this.clock = deps.clock ?? Date.now;
    this.cycle = new CheckpointCycle(s.name, deps, this.clock, s.checkpointIntervalMs);
    this.registry = new FeatureRegistry(s.maxFeatures);
    this.extractor = new PredictionExtractor(
      {
        inferenceAttribute: s.labels.inferenceAttribute,
        probabilityAttribute: s.labels.probabilityAttribute,
        probabilityThreshold: s.labels.probabilityThreshold,
        ...deps.predictionFields,
      },
      this.registry,
    );
    this.decoder = createDecoder(s.record, this.registry);
    const evaluators = deps.evaluators;
    this.windows = new LabelWindows<WindowStateOf>({
      sizesMs: s.windowsMs,
      graceMs: s.graceMs,
      horizonMs: s.labels.horizonMs,
      reemitIntervalMs: s.labels.reemitIntervalMs,
      create: () => ({ parts: evaluators.map((e) => e.create()), latency: new KllSketch({ k: LATENCY_K }) }),
      serialize: (w) => encodeParts([...w.parts.map((p, i) => (evaluators[i] as LabelEvaluator).serialize(p)), w.latency.serialize()]),
      deserialize: (b) => {
        const parts = decodeParts(b, evaluators.length + 1);
        return { parts: evaluators.map((e, i) => e.deserialize(parts[i] as Uint8Array)), latency: KllSketch.deserialize(parts[evaluators.length] as Uint8Array) };
      },
    });
    this.partitionClock = new PartitionClock(s.partitionIdleMs);
    this.summary = {
      monitor: s.name,
      predictions: 0,
      labels: 0,
      joined: 0,
      duplicatePredictions: 0,
      duplicateLabels: 0,
      expiredPredictions: 0,
      orphanLabels: 0,
      latePredictions: 0,
      invalid: {},
      sampledOut: 0,
      reports: 0,
      finalReports: 0,
      reportPaths: [],
    };
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
    const onAbort = (): void => (source.stop ? source.stop() : void source.close());
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const batch of source.batches()) {
        const reported = await this.processBatch(batch);
        await this.cycle.afterBatch(batch, reported > 0, this.state);
        if (signal?.aborted) break;
      }
      if (this.cycle.enabled && source.partitioned === true) {
        await this.cycle.save(this.state, true);
        logger.info({ monitor: this.name, openWindows: this.windows.openCount(), pendingPredictions: this.store?.pendingPredictions }, 'stopped: label windows and join store checkpointed');
      } else if (signal?.aborted) {
        logger.warn({ monitor: this.name, openWindows: this.windows.openCount() }, 'stopped before the end of the input: windows dropped unreported');
      } else {
        // the end of a replay: everything unlabelled has expired, every window is final
        this.expire(this.openedStore(), Number.POSITIVE_INFINITY);
        await this.report(this.windows.drainAll(true));
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.deps.reports.flush();
      await this.deps.deadLetters.flush();
      await source.close();
      this.store?.close();
    }
    logger.info({ monitor: this.name, ...this.summaryCounts() }, 'label monitor finished');
    return this.summary;
  }

  /** Join one batch, advance the watermark, expire, report what is due; returns reports written. */
  async processBatch(batch: RawBatch): Promise<number> {
    const store = this.openedStore();
    const isLabels = batch.partition === undefined ? batch.stream === LABELS_STREAM : this.labelTopics.has(batch.partition.position.topic);
    const backoff = this.deps.backoff;
    this.sampling = backoff !== undefined && backoff.ratio < 1;
    this.batchMaxTimeMs = Number.NEGATIVE_INFINITY;
    const before = this.counts();
    for (let i = 0; i < batch.records.length; i++) {
      if (this.sampling) {
        const key = batch.key?.(i);
        if (key !== undefined && key !== null && key.length > 0 && !(backoff as BackoffController).keepBytes(key)) {
          this.summary.sampledOut++;
          continue;
        }
      }
      const reason = isLabels ? this.labelRecord(batch, i, store) : this.predictionRecord(batch.records[i] as string);
      if (reason !== undefined) this.reject(reason, batch, i);
    }
    this.publishCounts(before);
    const now = this.clock();
    if (batch.partition === undefined) return 0; // a replay: reported once, at the end
    const assigned = this.deps.source.assignment?.();
    if (assigned !== undefined) this.partitionClock.assign(assigned, now);
    this.partitionClock.observe(batch.partition.key, this.batchMaxTimeMs, now);
    this.windows.advanceTo(this.partitionClock.watermark(now));
    this.expire(store);
    this.updateBackoff();
    return this.report(this.windows.due(now));
  }

  private predictionRecord(line: string): RecordErrorReason | undefined {
    if (line.length > this.deps.settings.maxLineLength) return RecordErrorReason.LINE_TOO_LONG;
    this.rowIndex = 0;
    this.rowReason = undefined;
    const reason = this.decoder.decode(line, this.onRow);
    return reason ?? this.rowReason;
  }

  /** One decoded row of a capture record. */
  private prediction(row: FeatureRow): void {
    const k = this.rowIndex++;
    const base = row.inferenceId ?? row.eventId;
    if (base === undefined || base === '') {
      this.rowReason = RecordErrorReason.MISSING_EVENT_ID;
      return;
    }
    if (this.sampling && !(this.deps.backoff as BackoffController).keep(base)) {
      this.summary.sampledOut++;
      return;
    }
    const p = this.extractor.extract(row);
    if (typeof p === 'string') {
      this.rowReason = p;
      return;
    }
    const t = row.eventTimeMs;
    if (t > this.batchMaxTimeMs) this.batchMaxTimeMs = t;
    if (!this.windows.accepts(t)) {
      this.summary.latePredictions++;
      return;
    }
    const id = rowId(base, k);
    if (tooLong(id)) {
      this.rowReason = RecordErrorReason.ID_TOO_LONG;
      return;
    }
    const outcome = this.openedStore().putPrediction({ id, timeMs: t, payload: encodePrediction(p) });
    if (outcome.kind === 'duplicate') {
      this.summary.duplicatePredictions++;
      return;
    }
    this.summary.predictions++;
    this.windows.prediction(t);
    if (outcome.kind === 'joined') this.joined(outcome.prediction, outcome.label);
  }

  private labelRecord(batch: RawBatch, i: number, store: JoinStore): RecordErrorReason | undefined {
    const line = batch.records[i] as string;
    if (line.length > this.deps.settings.maxLineLength) return RecordErrorReason.LINE_TOO_LONG;
    const decoded = this.groundTruth.decode(line);
    if (!decoded.ok) return decoded.reason;
    const r = decoded.record;
    if (tooLong(rowId(r.eventId, r.labels.length - 1))) return RecordErrorReason.ID_TOO_LONG;
    for (const label of r.labels) {
      for (const e of this.deps.evaluators) {
        const reason = e.checkLabel(label);
        if (reason !== undefined) return reason;
      }
    }
    if (this.sampling && !(this.deps.backoff as BackoffController).keep(r.eventId)) {
      this.summary.sampledOut++;
      return undefined;
    }
    // the record's own time, else the broker's timestamp, else (replayed files) the upload hour of
    // SageMaker's ground-truth layout …/yyyy/mm/dd/HH/ (formats doc b.2); else unknown
    const timeMs = r.labelTimeMs ?? batch.timestampMs?.(i) ?? uploadHourMs(batch.origin(i)) ?? UNKNOWN_LABEL_TIME;
    if (timeMs > this.batchMaxTimeMs) this.batchMaxTimeMs = timeMs;
    r.labels.forEach((label, k) => {
      this.summary.labels++;
      const outcome = store.putLabel({ id: rowId(r.eventId, k), timeMs, payload: encodeLabel(label) });
      if (outcome.kind === 'duplicate') this.summary.duplicateLabels++;
      else if (outcome.kind === 'joined') this.joined(outcome.prediction, outcome.label);
    });
    return undefined;
  }

  private joined(prediction: JoinRecord, label: JoinRecord): void {
    const p = decodePrediction(prediction.payload);
    const example = { id: prediction.id, prediction: p, label: decodeLabel(label.payload) };
    const known = label.timeMs !== UNKNOWN_LABEL_TIME;
    const latencyS = Math.max(0, label.timeMs - p.inferenceTimeMs) / 1000;
    const { evaluators, labelMetrics } = this.deps;
    let reason: RecordErrorReason | undefined;
    this.windows.joined(p.inferenceTimeMs, (w) => {
      evaluators.forEach((e, j) => {
        reason = e.add(w.parts[j], example) ?? reason;
      });
      if (known) w.latency.update(latencyS);
    });
    this.summary.joined++;
    if (known) labelMetrics.latency.labels(this.name).observe(latencyS);
    if (reason !== undefined) this.count(reason);
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

  /** Write a report (one per evaluator) for each due window and publish the newest ones' gauges. */
  private async report(due: DueWindow<WindowStateOf>[]): Promise<number> {
    const { evaluators, labelMetrics, metrics, logger } = this.deps;
    let written = 0;
    for (const { window: w, final } of due) {
      const window = formatDuration(w.sizeMs);
      const state = final ? 'final' : 'provisional';
      const ctx: WindowContext = { monitor: this.name, window, startMs: w.startMs, endMs: w.endMs, nowMs: this.clock(), state };
      const join = this.joinHealth(w, final);
      const gaugeKey = `${w.sizeMs}:${state}`;
      const newest = w.startMs >= (this.gaugeStart.get(gaugeKey) ?? Number.NEGATIVE_INFINITY);
      for (const [j, e] of evaluators.entries()) {
        const evaluated = e.evaluate(w.state.parts[j], ctx);
        const report: LabelReport = {
          kind: e.kind,
          monitor: this.name,
          windowSizeMs: w.sizeMs,
          windowStartMs: w.startMs,
          windowEndMs: w.endMs,
          itemCount: evaluated.itemCount,
          violationCount: evaluated.violationCount,
          files: evaluated.files,
          summary: {
            monitor: this.name,
            kind: e.kind,
            window,
            window_start: new Date(w.startMs).toISOString(),
            window_end: new Date(w.endMs).toISOString(),
            version: w.version,
            final,
            reported_at: new Date(ctx.nowMs).toISOString(),
            join,
            [e.kind]: evaluated.summary,
          },
        };
        try {
          const paths = this.summary.reportPaths;
          paths.push(await this.deps.reports.write(report));
          if (paths.length > RECENT_REPORT_PATHS) paths.splice(0, paths.length - RECENT_REPORT_PATHS);
        } catch (err) {
          metrics.reportWriteFailuresTotal.labels(this.name).inc();
          logger.error({ monitor: this.name, err, window, start: report.summary.window_start }, 'report write failed');
          throw err;
        }
        if (newest) e.publish(w.state.parts[j], ctx, evaluated);
        written++;
      }
      if (newest) {
        this.gaugeStart.set(gaugeKey, w.startMs);
        labelMetrics.coverage.labels(this.name, window, state).set(w.predictions > 0 ? w.labeled / w.predictions : 0);
      }
      labelMetrics.labelWindowsReportedTotal.labels(this.name, window, state).inc();
      this.summary.reports++;
      if (final) this.summary.finalReports++;
    }
    for (const size of this.windows.sizesMs) labelMetrics.labelWindowsOpen.labels(this.name, formatDuration(size)).set(this.windows.openCount(size));
    return written;
  }

  private joinHealth(w: DueWindow<WindowStateOf>['window'], final: boolean): Record<string, unknown> {
    const l = w.state.latency;
    const q = (p: number): number | null => (l.count > 0 ? l.quantile(p) : null);
    return {
      predictions: w.predictions,
      labeled: w.labeled,
      label_coverage: w.predictions > 0 ? w.labeled / w.predictions : null,
      expired_predictions: w.expired,
      pending_predictions: final ? 0 : w.predictions - w.labeled - w.expired,
      label_latency_seconds: { count: l.count, min: l.count > 0 ? l.min : null, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: l.count > 0 ? l.max : null },
      // monitor-wide so far: labels without an inference time belong to no window
      orphan_labels_so_far: this.summary.orphanLabels,
      duplicate_labels_so_far: this.summary.duplicateLabels,
      late_predictions_so_far: this.summary.latePredictions,
    };
  }

  private openedStore(): JoinStore {
    if (this.store === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `label monitor ${this.name}: start() before processing`);
    return this.store;
  }

  /** The join store made durable, its manifest saved with the windows; old store files go once committed. */
  private readonly state = async (): Promise<CheckpointState> => {
    const store = this.openedStore();
    const manifest = await store.checkpoint();
    const state = encodeFramed({ v: 1, manifest, partitions: this.partitionClock.snapshot(), summary: this.durableCounts() }, this.windows.snapshot());
    return { state, committed: () => store.acknowledge(manifest) };
  };

  /** Open the join store, from the last checkpoint when there is one (run() calls it). */
  async start(): Promise<void> {
    const c = await this.cycle.load();
    if (c === undefined) {
      this.store = await this.deps.openStore(undefined);
      return;
    }
    const fail = (why: string): never => {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `monitor ${this.name}: checkpoint state is invalid: ${why}`);
    };
    type Header = { v?: number; manifest?: unknown; partitions?: PartitionClockEntry[]; summary?: Partial<LabelMonitorSummary> };
    const { header, body } = decodeFramed<Header>(c.state, fail);
    if (header.v !== 1) fail(`unknown version ${String(header.v)}`);
    this.store = await this.deps.openStore(header.manifest);
    this.windows.restore(body);
    this.partitionClock.restore(
      (header.partitions ?? []).map((p) => ({ key: p.key, maxEventMs: p.maxEventMs ?? Number.NEGATIVE_INFINITY })),
      this.clock(),
    );
    Object.assign(this.summary, header.summary ?? {});
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

  /** Monitor-wide counters that must survive a restart (they appear in reports). */
  private durableCounts(): Partial<LabelMonitorSummary> {
    const { predictions, labels, joined, duplicatePredictions, duplicateLabels, expiredPredictions, orphanLabels, latePredictions } = this.summary;
    return { predictions, labels, joined, duplicatePredictions, duplicateLabels, expiredPredictions, orphanLabels, latePredictions };
  }

  private reject(reason: RecordErrorReason, batch: RawBatch, i: number): void {
    this.count(reason);
    this.deps.deadLetters.write({
      monitor: this.name,
      reason,
      source: batch.origin(i),
      record: batch.records[i] as string,
      bytes: batch.bytes?.(i),
      key: batch.key?.(i),
    });
    this.deps.metrics.deadLettersTotal.labels(this.name).inc();
  }

  private count(reason: RecordErrorReason): void {
    this.summary.invalid[reason] = (this.summary.invalid[reason] ?? 0) + 1;
    this.deps.metrics.recordsInvalidTotal.labels(this.name, reason).inc();
  }

  private counts(): number[] {
    const s = this.summary;
    return [s.predictions, s.labels, s.joined, s.duplicatePredictions, s.duplicateLabels, s.latePredictions, s.sampledOut];
  }

  private publishCounts(before: number[]): void {
    const [p, l, j, dp, dl, late, so] = this.counts().map((n, i) => n - (before[i] as number)) as number[];
    const m = this.deps.labelMetrics;
    const name = this.name;
    if (p) m.predictionsTotal.labels(name).inc(p);
    if (l) m.labelsTotal.labels(name).inc(l);
    if (j) m.joinedTotal.labels(name).inc(j);
    if (dp) m.duplicatesTotal.labels(name, 'prediction').inc(dp);
    if (dl) m.duplicatesTotal.labels(name, 'label').inc(dl);
    if (late) m.latePredictionsTotal.labels(name).inc(late);
    if (so) this.deps.metrics.recordsSampledOutTotal.labels(name).inc(so);
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

/** A label whose time nothing tells (a replayed file outside SageMaker's layout): no latency for it. */
const UNKNOWN_LABEL_TIME = Number.MIN_SAFE_INTEGER;

/** The hour of a path in SageMaker's ground-truth layout, …/yyyy/mm/dd/HH/<file> (UTC), if it is one. */
export function uploadHourMs(origin: string): number | undefined {
  const m = /(?:^|[/\\])(\d{4})[/\\](\d{2})[/\\](\d{2})[/\\](\d{2})[/\\][^/\\]+$/.exec(origin.replace(/:\d+$/, ''));
  if (m === null) return undefined;
  const [y, mo, d, h] = m.slice(1).map(Number) as [number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23) return undefined;
  return Date.UTC(y, mo - 1, d, h);
}

/** IDs the join store cannot keep (MAX_ID_BYTES of UTF-8): dead-lettered, never stored. */
function tooLong(id: string): boolean {
  return id.length * 3 > MAX_ID_BYTES && Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES;
}

/** Row k of a multi-row invocation joins with label k of its ground-truth record. */
export function rowId(base: string, k: number): string {
  return k === 0 ? base : `${base}#${k}`;
}

/** A label on disk: u8 tag (1 number f64, 2 UTF-8 text). */
export function encodeLabel(label: LabelValue): Uint8Array {
  if (typeof label === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 1;
    b.writeDoubleLE(label, 1);
    return b;
  }
  const text = Buffer.from(label, 'utf8');
  const b = Buffer.alloc(1 + text.length);
  b[0] = 2;
  text.copy(b, 1);
  return b;
}

export function decodeLabel(bytes: Uint8Array): LabelValue {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b[0] === 1 ? b.readDoubleLE(1) : b.toString('utf8', 1);
}

function encodeParts(parts: Uint8Array[]): Uint8Array {
  const out = Buffer.alloc(parts.reduce((a, p) => a + 4 + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.writeUInt32BE(p.length, o);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}

function decodeParts(bytes: Uint8Array, n: number): Uint8Array[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (o + 4 > b.length) throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, 'label window state is truncated');
    const len = b.readUInt32BE(o);
    if (o + 4 + len > b.length) throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, 'label window state is truncated');
    parts.push(new Uint8Array(b.subarray(o + 4, o + 4 + len)));
    o += 4 + len;
  }
  return parts;
}
