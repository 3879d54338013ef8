/**
 * Ground-truth records (labels) → { eventId, labels, labelTimeMs? }, or a per-record error.
 *
 * Two input shapes, told apart by the `groundTruthData` key:
 *
 *   SageMaker  {"groundTruthData":{"data":"1","encoding":"CSV"},"eventMetadata":{"eventId":"…"},"eventVersion":"0"}
 *   flat JSON  {"inferenceId":"…","label":1,"time":"2024-01-19T20:06:08Z"}      (field names configurable)
 *
 * SageMaker `groundTruthData.data` is the label in the shape the analysis dataset has it:
 *   CSV   one label per line ("1" → ["1"]; "1\n0" → ["1","0"]); a missing encoding means CSV;
 *   JSON  a JSON text: a bare value (`0`, `"cat"`), an array of values or of {"label": v} objects,
 *         {"label": v}, or {"instances": [ … ]} (the layout of AWS's multi-record examples).
 * Labels are strings or numbers, one per row of the invocation (same order as its predictions).
 * `eventMetadata.labelTime` (written by toSageMakerGroundTruth) is read as labelTimeMs.
 *
 * Flat JSON: the id is the first present of `idFields` (default inferenceId, then eventId; a
 * number becomes its text), the label `labelField` (default label: a value or an array of them),
 * the optional time `timeField` (default time: ISO-8601, or epoch milliseconds as a number or a
 * numeric string).
 *
 * Rejections (first found): not_json → missing_event_id → missing_ground_truth (no label, or a
 * null one) → unsupported_encoding → bad_payload (JSON data that does not parse, or no labels in
 * it) → empty_payload (data "") → bad_label (a null inside a list, a boolean, object or nested
 * array where a label should be) → bad_event_time.
 *
 * Hand-written rather than a schema validator: the consumer decodes every message of the
 * ground-truth topic with it, so it must not allocate more than the result, and it reuses
 * json-text.ts / iso-time.ts / splitCsvRecords so labels read exactly as capture payloads do.
 */
import { RecordErrorReason } from '../errors.js';
import { JsonNumber } from './classify.js';
import { parseIsoTimeMs } from './iso-time.js';
import { isJsonObject, parseJsonText, type JsonObject, type JsonValue } from './json-text.js';
import { splitCsvRecords, type CsvSpans } from './payload.js';

export type Label = string | number;

export interface GroundTruthRecord {
  eventId: string;
  /** One label per row of the invocation. */
  labels: Label[];
  /** When the label was given (flat `time`, or SageMaker eventMetadata.labelTime). */
  labelTimeMs?: number;
}

export type GroundTruthDecodeResult =
  | { ok: true; record: GroundTruthRecord }
  | { ok: false; reason: RecordErrorReason; message: string };

export interface GroundTruthFieldNames {
  /** Flat records: id fields tried in order (default inferenceId, eventId). */
  idFields?: readonly string[];
  /** Flat records: the label field (default label). */
  labelField?: string;
  /** Flat records: the optional label-time field (default time). */
  timeField?: string;
}

export const GROUND_TRUTH_DEFAULT_FIELDS = { idFields: ['inferenceId', 'eventId'], labelField: 'label', timeField: 'time' } as const;

/** Largest |epoch ms| a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;
const has = Object.prototype.hasOwnProperty;

function fail(reason: RecordErrorReason, message: string): GroundTruthDecodeResult {
  return { ok: false, reason, message };
}

function field(o: JsonObject, k: string): JsonValue | undefined {
  return has.call(o, k) ? o[k] : undefined;
}

function idText(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  if (v instanceof JsonNumber) return v.text;
  return undefined;
}

/** A scalar label, or undefined when v is not one. */
function scalarLabel(v: JsonValue | undefined): Label | undefined {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (v instanceof JsonNumber) return v.value;
  return undefined;
}

function describe(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof JsonNumber) return 'a number';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

export class GroundTruthDecoder {
  private readonly idFields: readonly string[];
  private readonly labelField: string;
  private readonly timeField: string;
  private readonly spans: CsvSpans = { starts: new Int32Array(16), ends: new Int32Array(16), count: 0 };

  constructor(fields: GroundTruthFieldNames = {}) {
    this.idFields = fields.idFields ?? GROUND_TRUTH_DEFAULT_FIELDS.idFields;
    this.labelField = fields.labelField ?? GROUND_TRUTH_DEFAULT_FIELDS.labelField;
    this.timeField = fields.timeField ?? GROUND_TRUTH_DEFAULT_FIELDS.timeField;
  }

  /** Decode one record's text (a JSON Lines line, or a Kafka message value). */
  decode(input: string | Uint8Array): GroundTruthDecodeResult {
    const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    const doc = parseJsonText(text);
    if (doc === undefined) return fail(RecordErrorReason.NOT_JSON, 'not valid JSON');
    return this.decodeValue(doc);
  }

  /** Decode an already-parsed record (an element of a JSON array body). */
  decodeValue(doc: JsonValue): GroundTruthDecodeResult {
    if (!isJsonObject(doc)) return fail(RecordErrorReason.NOT_JSON, `a ground-truth record must be a JSON object, not ${describe(doc)}`);
    return has.call(doc, 'groundTruthData') ? this.sageMaker(doc) : this.flat(doc);
  }

  private sageMaker(doc: JsonObject): GroundTruthDecodeResult {
    const meta = field(doc, 'eventMetadata');
    const eventId = isJsonObject(meta) ? idText(field(meta, 'eventId')) : undefined;
    if (eventId === undefined) return fail(RecordErrorReason.MISSING_EVENT_ID, 'eventMetadata.eventId is missing or empty (it must equal the capture\'s inferenceId, or its eventId)');
    const gt = field(doc, 'groundTruthData');
    const data = isJsonObject(gt) ? field(gt, 'data') : undefined;
    if (data === undefined || data === null) return fail(RecordErrorReason.MISSING_GROUND_TRUTH, 'groundTruthData.data is missing');
    const encoding = field(gt as JsonObject, 'encoding');
    const enc = encoding === undefined || encoding === null ? 'CSV' : typeof encoding === 'string' ? encoding.toUpperCase() : '';
    let labels: Label[] | GroundTruthDecodeResult;
    if (enc === 'CSV') {
      if (typeof data === 'string') labels = this.csvLabels(data);
      else {
        const one = scalarLabel(data);
        labels = one === undefined ? fail(RecordErrorReason.BAD_LABEL, `CSV groundTruthData.data must be a string, not ${describe(data)}`) : [one];
      }
    } else if (enc === 'JSON') {
      if (typeof data === 'string') {
        if (data.length === 0) return fail(RecordErrorReason.EMPTY_PAYLOAD, 'groundTruthData.data is empty');
        const parsed = parseJsonText(data);
        labels = parsed === undefined ? fail(RecordErrorReason.BAD_PAYLOAD, 'JSON groundTruthData.data is not valid JSON text') : this.jsonLabels(parsed, 'label');
      } else {
        labels = this.jsonLabels(data, 'label'); // tolerated: the JSON itself instead of its text
      }
    } else {
      return fail(RecordErrorReason.UNSUPPORTED_ENCODING, `groundTruthData.encoding ${JSON.stringify(encoding)} is not CSV or JSON`);
    }
    if (!Array.isArray(labels)) return labels;
    const labelTime = isJsonObject(meta) ? field(meta, 'labelTime') : undefined;
    return this.result(eventId, labels, labelTime, 'eventMetadata.labelTime');
  }

  private flat(doc: JsonObject): GroundTruthDecodeResult {
    let eventId: string | undefined;
    for (const f of this.idFields) {
      eventId = idText(field(doc, f));
      if (eventId !== undefined) break;
    }
    if (eventId === undefined) return fail(RecordErrorReason.MISSING_EVENT_ID, `no ${this.idFields.join(' or ')} (a non-empty string or a number)`);
    const v = field(doc, this.labelField);
    if (v === undefined || v === null) return fail(RecordErrorReason.MISSING_GROUND_TRUTH, `"${this.labelField}" is missing or null`);
    const labels = this.jsonLabels(v, this.labelField);
    if (!Array.isArray(labels)) return labels;
    return this.result(eventId, labels, field(doc, this.timeField), this.timeField);
  }

  private result(eventId: string, labels: Label[], time: JsonValue | undefined, timeName: string): GroundTruthDecodeResult {
    if (time === undefined || time === null) return { ok: true, record: { eventId, labels } };
    const labelTimeMs = timeMs(time);
    if (Number.isNaN(labelTimeMs)) return fail(RecordErrorReason.BAD_EVENT_TIME, `${timeName} ${JSON.stringify(time)} is not ISO-8601 or epoch milliseconds`);
    return { ok: true, record: { eventId, labels, labelTimeMs } };
  }

  private csvLabels(data: string): Label[] | GroundTruthDecodeResult {
    const s = this.spans;
    splitCsvRecords(data, 0, data.length, s);
    if (s.count === 0) return fail(RecordErrorReason.EMPTY_PAYLOAD, 'groundTruthData.data holds no label');
    if (s.count === 1 && s.starts[0] === 0 && s.ends[0] === data.length) return [data];
    const out: Label[] = new Array(s.count);
    for (let i = 0; i < s.count; i++) out[i] = data.slice(s.starts[i], s.ends[i]);
    return out;
  }

  /** Labels from a JSON value: a scalar, an array, {"instances": […]}, or {"<labelKey>": …}. */
  private jsonLabels(v: JsonValue, labelKey: string): Label[] | GroundTruthDecodeResult {
    const one = scalarLabel(v);
    if (one !== undefined) return [one];
    let items: JsonValue[];
    if (Array.isArray(v)) items = v;
    else if (isJsonObject(v)) {
      const instances = field(v, 'instances');
      if (Array.isArray(instances)) items = instances;
      else if (has.call(v, labelKey)) items = [v];
      else return fail(RecordErrorReason.BAD_PAYLOAD, `JSON labels must be a value, an array, {"instances": […]} or {"${labelKey}": …}`);
    } else {
      return fail(RecordErrorReason.BAD_LABEL, `a label must be a string or a number, not ${describe(v)}`);
    }
    if (items.length === 0) return fail(RecordErrorReason.EMPTY_PAYLOAD, 'no labels (empty array)');
    const out: Label[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const l = scalarLabel(isJsonObject(item) ? field(item, labelKey) : item);
      if (l === undefined) {
        const what = isJsonObject(item) ? `"${labelKey}" of item ${i}` : `item ${i}`;
        return fail(RecordErrorReason.BAD_LABEL, `${what} is ${describe(isJsonObject(item) ? field(item, labelKey) : item)}, not a string or a number`);
      }
      out[i] = l;
    }
    return out;
  }
}

function timeMs(v: JsonValue): number {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (v instanceof JsonNumber) ms = v.value;
  else if (typeof v === 'string') ms = isEpochText(v) ? Number(v) : parseIsoTimeMs(v, 0, v.length);
  else return NaN;
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS ? Math.trunc(ms) : NaN;
}

/** `-?\d+(\.\d+)?` — epoch milliseconds written as a string. */
function isEpochText(t: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(t);
}

/** True when a string label reads back the same from one CSV line (no separator, quote, line break, edge blanks). */
function csvSafe(l: Label): boolean {
  return typeof l === 'string' && l.length > 0 && !/[,"\r\n]/.test(l) && l.trim() === l;
}

/**
 * The SageMaker ground-truth record for a decoded one (what goes on the ground-truth topic).
 * String labels that CSV carries unchanged go as CSV, one per line (what SageMaker labelers
 * send); anything else (numbers keep their type) as JSON: a bare value, or an array. So
 * decoding the result gives back the same record. labelTimeMs, when known, is
 * kept as eventMetadata.labelTime (ISO-8601; not a SageMaker field, ignored by its merge job).
 */
export function toSageMakerGroundTruth(r: GroundTruthRecord): string {
  const csv = r.labels.every(csvSafe);
  const data = csv ? r.labels.map(String).join('\n') : JSON.stringify(r.labels.length === 1 ? r.labels[0] : r.labels);
  const meta: Record<string, string> = { eventId: r.eventId };
  if (r.labelTimeMs !== undefined) meta.labelTime = new Date(r.labelTimeMs).toISOString();
  return JSON.stringify({ groundTruthData: { data, encoding: csv ? 'CSV' : 'JSON' }, eventMetadata: meta, eventVersion: '0' });
}
