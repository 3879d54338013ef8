/**
 * The label monitor's ingress: the records of one batch — capture lines from the inference topic,
 * ground-truth records from the ground-truth topic — decoded and checked into join records, which
 * go to a JoinInput: the join (label-join.ts) in one process, the keyed topic when scaled out.
 *
 *   inference    decode → prediction (inference/probability attribute) → input.prediction per row
 *   ground truth decode → labels (one per row) checked by every evaluator → input.label per row
 *
 * Back-off samples by the same MurmurHash of the ID on both topics, so a kept prediction's label
 * is kept too. Hot path: per record one decode call; counters go straight into the summary.
 */
import type { LabelSettings, MonitorSettings } from '../../config/load.js';
import { RecordErrorReason } from '../../errors.js';
import { MAX_ID_BYTES } from '../../join/join-store.js';
import type { RecordMetrics } from '../../observability/component-metrics.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import { createDecoder } from '../../record/create-decoder.js';
import type { RecordDecoder } from '../../record/decoder.js';
import { FeatureRegistry } from '../../record/feature-registry.js';
import { GroundTruthDecoder } from '../../record/ground-truth-decoder.js';
import { encodePrediction, PredictionExtractor, type PredictionFields } from '../../record/prediction.js';
import type { FeatureRow } from '../../record/row.js';
import type { RawBatch } from '../../source/source.js';
import type { StreamClock } from '../../window/stream-clock.js';
import type { BackoffController } from '../backoff.js';
import { poisonRecordError } from '../record-fault.js';
import type { LabelEvaluator } from './label-evaluator.js';
import { UNKNOWN_LABEL_TIME, type JoinInput } from './label-join.js';
import { encodeLabel } from './label-payload.js';
import type { LabelMonitorSummary } from './label-summary.js';

/** The stream name of ground-truth batches from a source without partitions (replay). */
export const LABELS_STREAM = 'labels';

export interface LabelIngressDeps {
  settings: MonitorSettings & { labels: LabelSettings };
  /** Facet and group columns the evaluators need from each prediction (bias). */
  predictionFields: Pick<PredictionFields, 'facets' | 'groupVariable'>;
  evaluators: readonly LabelEvaluator[];
  /** The monitor's summary: the ingress counts into it. */
  summary: LabelMonitorSummary;
  /** A record that cannot be used: dead-letter it (`error`: what processing it threw). */
  reject(reason: RecordErrorReason, batch: RawBatch, i: number, error?: string): void;
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
  private readonly summary: LabelMonitorSummary;

  // per-batch and per-record scratch (the decoder calls onRow once per row of a record)
  private input: JoinInput | undefined;
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
    this.summary = deps.summary;
  }

  /**
   * One batch's records into `input`; sampled out while `backoff` samples. Each record's event
   * time (inference time, label time) goes to `clock`, its partition's stream clock.
   */
  read(batch: RawBatch, input: JoinInput, backoff: BackoffController | undefined, clock: StreamClock | undefined, nowMs: number): void {
    const isLabels = batch.partition === undefined ? batch.stream === LABELS_STREAM : this.labelTopics.has(batch.partition.position.topic);
    this.input = input;
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
          const reason = batch.rejected?.(i)?.reason ?? (isLabels ? this.labelRecord(batch, i, input) : this.predictionRecord(batch.records[i] as string));
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
    const id = rowId(base, k);
    if (tooLong(id)) {
      this.rowReason = RecordErrorReason.ID_TOO_LONG;
      return;
    }
    const payload = encodePrediction(p);
    this.inState = true;
    (this.input as JoinInput).prediction(id, t, payload);
    this.inState = false;
  }

  private labelRecord(batch: RawBatch, i: number, input: JoinInput): RecordErrorReason | undefined {
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
    r.labels.forEach((label, k) => input.label(rowId(r.eventId, k), timeMs, encodeLabel(label)));
    this.inState = false;
    return undefined;
  }
}

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

/**
 * Where a label monitor's refused records go: counted by reason into its summary and metrics, and
 * dead-lettered with their origin, text and bytes.
 */
export function labelRejects(d: {
  monitor: string;
  summary: LabelMonitorSummary;
  deadLetters: DeadLetterSink;
  metrics: Pick<RecordMetrics, 'deadLettersTotal' | 'recordsInvalidTotal'>;
}): { reject: LabelIngressDeps['reject']; count: (reason: RecordErrorReason) => void } {
  const count = (reason: RecordErrorReason): void => {
    d.summary.invalid[reason] = (d.summary.invalid[reason] ?? 0) + 1;
    d.metrics.recordsInvalidTotal.labels(d.monitor, reason).inc();
  };
  const reject = (reason: RecordErrorReason, batch: RawBatch, i: number, error?: string): void => {
    count(reason);
    d.deadLetters.write({
      monitor: d.monitor,
      reason,
      source: batch.origin(i),
      record: batch.records[i] as string,
      recordBytes: batch.rejected?.(i)?.bytes,
      bytes: batch.bytes?.(i),
      key: batch.key?.(i),
      error,
    });
    d.metrics.deadLettersTotal.labels(d.monitor).inc();
  };
  return { reject, count };
}
