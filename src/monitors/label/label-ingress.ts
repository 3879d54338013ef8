/**
 * The label monitor's ingress: the records of one batch — capture lines from the inference topic,
 * ground-truth records from the ground-truth topic — into the join store, and each prediction that
 * meets its label into its inference-time windows (every evaluator's state and the latency sketch).
 *
 *   inference    decode → prediction (inference/probability attribute) → late? → store.putPrediction
 *                → if its label was waiting: joined
 *   ground truth decode → labels (one per row) checked by every evaluator → store.putLabel
 *                → if its prediction was waiting: joined
 *
 * Back-off samples by the same MurmurHash of the ID on both topics, so a kept prediction's label
 * is kept too. Hot path: per record one decode call; counters go straight into the summary.
 */
import type { LabelSettings, MonitorSettings } from '../../config/load.js';
import { RecordErrorReason } from '../../errors.js';
import { MAX_ID_BYTES, type JoinRecord, type JoinStore } from '../../join/join-store.js';
import type { LabelJoinMetrics } from '../../observability/component-metrics.js';
import { createDecoder } from '../../record/create-decoder.js';
import type { RecordDecoder } from '../../record/decoder.js';
import { FeatureRegistry } from '../../record/feature-registry.js';
import { GroundTruthDecoder } from '../../record/ground-truth-decoder.js';
import { decodePrediction, encodePrediction, PredictionExtractor, type PredictionFields } from '../../record/prediction.js';
import type { FeatureRow } from '../../record/row.js';
import type { RawBatch } from '../../source/source.js';
import type { LabelWindows } from '../../window/label-windows.js';
import type { StreamClock } from '../../window/stream-clock.js';
import type { BackoffController } from '../backoff.js';
import { poisonRecordError } from '../record-fault.js';
import type { LabelEvaluator } from './label-evaluator.js';
import { decodeLabel, encodeLabel } from './label-payload.js';
import type { LabelMonitorSummary } from './label-summary.js';
import type { LabelWindowState } from './label-window-state.js';

/** The stream name of ground-truth batches from a source without partitions (replay). */
export const LABELS_STREAM = 'labels';

export interface LabelIngressDeps {
  settings: MonitorSettings & { labels: LabelSettings };
  /** Facet and group columns the evaluators need from each prediction (bias). */
  predictionFields: Pick<PredictionFields, 'facets' | 'groupVariable'>;
  evaluators: readonly LabelEvaluator[];
  windows: LabelWindows<LabelWindowState>;
  /** The monitor's summary: the ingress counts into it. */
  summary: LabelMonitorSummary;
  labelMetrics: Pick<LabelJoinMetrics, 'latency'>;
  /** A record that cannot be used: dead-letter it (`error`: what processing it threw). */
  reject(reason: RecordErrorReason, batch: RawBatch, i: number, error?: string): void;
  /** A joined example an evaluator could not count (not a record of its own: counted only). */
  count(reason: RecordErrorReason): void;
  /** Wraps the capture decoder (tests make chosen records throw with it). */
  wrapDecoder?: (decoder: RecordDecoder) => RecordDecoder;
}

export class LabelIngress {
  /** Records of the batch read last whose processing threw (dead-lettered), and the first of them. */
  batchPoisoned = 0;
  firstPoison: { source: string; error: string } | undefined;
  private readonly name: string;
  private readonly labelTopics: Set<string>;
  private readonly maxLineLength: number;
  private readonly decoder: RecordDecoder;
  private readonly extractor: PredictionExtractor;
  private readonly groundTruth = new GroundTruthDecoder();
  private readonly windows: LabelWindows<LabelWindowState>;
  private readonly summary: LabelMonitorSummary;

  // per-batch and per-record scratch (the decoder calls onRow once per row of a record)
  private store: JoinStore | undefined;
  private backoff: BackoffController | undefined;
  private sampling = false;
  private rowIndex = 0;
  private rowReason: RecordErrorReason | undefined;
  /** Event times beyond this (wall-clock now + maxFutureSkew) are rejected. */
  private futureLimitMs = Number.POSITIVE_INFINITY;
  /** The batch's partition clock (undefined in a replay), and the current record's time if it was used (else NaN). */
  private clock: StreamClock | undefined;
  private recordTimeMs = Number.NaN;
  /**
   * A row is between its first and last write to join or window state: a throw now leaves that
   * state half-updated. Rows of a record stored before its throw stay, as rows a record is
   * dead-lettered for already do: each row is a prediction of its own (rowId), and the store
   * takes each ID once.
   */
  private inState = false;
  private readonly onRow = (row: FeatureRow): void => this.prediction(row);

  constructor(private readonly deps: LabelIngressDeps) {
    const s = deps.settings;
    this.name = s.name;
    this.labelTopics = new Set(s.labels.topics);
    this.maxLineLength = s.maxLineLength;
    const registry = new FeatureRegistry(s.maxFeatures);
    this.extractor = new PredictionExtractor(
      {
        inferenceAttribute: s.labels.inferenceAttribute,
        probabilityAttribute: s.labels.probabilityAttribute,
        probabilityThreshold: s.labels.probabilityThreshold,
        ...deps.predictionFields,
      },
      registry,
    );
    const decoder = createDecoder(s.record, registry);
    this.decoder = deps.wrapDecoder?.(decoder) ?? decoder;
    this.windows = deps.windows;
    this.summary = deps.summary;
  }

  /**
   * Join one batch's records; sampled out while `backoff` samples. Each record's event time
   * (inference time, label time) goes to `clock`, its partition's stream clock.
   */
  read(batch: RawBatch, store: JoinStore, backoff: BackoffController | undefined, clock: StreamClock | undefined, nowMs: number): void {
    const isLabels = batch.partition === undefined ? batch.stream === LABELS_STREAM : this.labelTopics.has(batch.partition.position.topic);
    this.store = store;
    this.backoff = backoff;
    this.sampling = backoff !== undefined && backoff.ratio < 1;
    this.clock = clock;
    this.futureLimitMs = nowMs + this.deps.settings.maxFutureSkewMs;
    this.batchPoisoned = 0;
    this.firstPoison = undefined;
    // One try around the loop, none per record: a poison record is dead-lettered in the catch and
    // the loop resumes after it (record-fault.ts: what stops the monitor instead).
    let i = 0;
    this.inState = false;
    while (i < batch.records.length) {
      try {
        for (; i < batch.records.length; i++) {
          if (this.sampling) {
            const key = batch.key?.(i);
            if (key !== undefined && key !== null && key.length > 0 && !(backoff as BackoffController).keepBytes(key)) {
              this.summary.sampledOut++;
              continue;
            }
          }
          const reason = batch.rejected?.(i)?.reason ?? (isLabels ? this.labelRecord(batch, i, store) : this.predictionRecord(batch.records[i] as string));
          if (reason !== undefined) this.deps.reject(reason, batch, i);
        }
      } catch (e) {
        const source = batch.origin(i);
        const error = poisonRecordError(this.name, source, e, this.inState);
        this.deps.reject(RecordErrorReason.PROCESSING_ERROR, batch, i, error);
        this.batchPoisoned++;
        this.firstPoison ??= { source, error };
        i++;
      }
    }
  }

  private predictionRecord(line: string): RecordErrorReason | undefined {
    if (line.length > this.maxLineLength) return RecordErrorReason.LINE_TOO_LONG;
    this.rowIndex = 0;
    this.rowReason = undefined;
    this.recordTimeMs = Number.NaN;
    const reason = this.decoder.decode(line, this.onRow);
    // once per record: its rows share the inference time
    if (this.recordTimeMs === this.recordTimeMs) this.clock?.record(this.recordTimeMs);
    return reason ?? this.rowReason;
  }

  /** One decoded row of a capture record. */
  private prediction(row: FeatureRow): void {
    const k = this.rowIndex++;
    if (row.eventTimeMs > this.futureLimitMs) {
      this.rowReason = RecordErrorReason.EVENT_TIME_IN_FUTURE;
      return;
    }
    const base = row.inferenceId ?? row.eventId;
    if (base === undefined || base === '') {
      this.rowReason = RecordErrorReason.MISSING_EVENT_ID;
      return;
    }
    if (this.sampling && !(this.backoff as BackoffController).keep(base)) {
      this.summary.sampledOut++;
      return;
    }
    const p = this.extractor.extract(row);
    if (typeof p === 'string') {
      this.rowReason = p;
      return;
    }
    const t = row.eventTimeMs;
    this.recordTimeMs = t;
    if (!this.windows.accepts(t)) {
      this.summary.latePredictions++;
      return;
    }
    const id = rowId(base, k);
    if (tooLong(id)) {
      this.rowReason = RecordErrorReason.ID_TOO_LONG;
      return;
    }
    const payload = encodePrediction(p);
    this.inState = true;
    const outcome = (this.store as JoinStore).putPrediction({ id, timeMs: t, payload });
    if (outcome.kind === 'duplicate') {
      this.summary.duplicatePredictions++;
    } else {
      this.summary.predictions++;
      this.windows.prediction(t);
      if (outcome.kind === 'joined') this.joined(outcome.prediction, outcome.label);
    }
    this.inState = false;
  }

  private labelRecord(batch: RawBatch, i: number, store: JoinStore): RecordErrorReason | undefined {
    const line = batch.records[i] as string;
    if (line.length > this.maxLineLength) return RecordErrorReason.LINE_TOO_LONG;
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
    // the record's own time, else the broker's timestamp, else (replayed files) the upload hour of
    // SageMaker's ground-truth layout …/yyyy/mm/dd/HH/ (formats doc b.2); else unknown
    const timeMs = r.labelTimeMs ?? batch.timestampMs?.(i) ?? uploadHourMs(batch.origin(i)) ?? UNKNOWN_LABEL_TIME;
    if (timeMs > this.futureLimitMs) return RecordErrorReason.EVENT_TIME_IN_FUTURE;
    if (this.sampling && !(this.backoff as BackoffController).keep(r.eventId)) {
      this.summary.sampledOut++;
      return undefined;
    }
    if (timeMs !== UNKNOWN_LABEL_TIME) this.clock?.record(timeMs);
    // every label passed every check above, so nothing of the record's content can fail from here
    this.inState = true;
    r.labels.forEach((label, k) => {
      this.summary.labels++;
      const outcome = store.putLabel({ id: rowId(r.eventId, k), timeMs, payload: encodeLabel(label) });
      if (outcome.kind === 'duplicate') this.summary.duplicateLabels++;
      else if (outcome.kind === 'joined') this.joined(outcome.prediction, outcome.label);
    });
    this.inState = false;
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
    if (reason !== undefined) this.deps.count(reason);
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
