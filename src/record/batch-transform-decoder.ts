/**
 * SageMaker batch-transform output → FeatureRows, the same rows the endpoint capture decoder gives
 * (features, prediction, inference id, event time), so monitors, label joins and reports work
 * unchanged. A separate decoder, chosen by `record.format`; the endpoint path is not touched.
 *
 * With DataCaptureConfig.GenerateInferenceId=true, SageMaker appends to every output record an
 * inference id (the key ground truth must reference) and the job's start time:
 * - `batch-transform-csv`: one CSV record per line, two trailing columns `…,<uuid>,<time>`
 *   (spaces around them ignored). The columns before them are the analysed row, in the order of
 *   `outputsPosition`: `start` (default) the `outputs.length` output columns first, then inputs;
 *   `end` (SageMaker's join_source=Input layout) inputs, then the last `outputs.length` columns.
 *   Names as for capture CSV: `inputs`/`outputs`, else the baseline's features when the counts
 *   match, else `_cN`. Without declared outputs every column is read as an input.
 * - `batch-transform-jsonl`: one JSON value per line, any of
 *   - a transform output record: `SageMakerInferenceId` / `SageMakerInferenceTime` are the id and
 *     time; with join_source=Input the prediction is under `SageMakerOutput` and the other keys
 *     are the input record, else the other keys are the model's output. `inputPath`/`outputPath`
 *     (default instance keys as for capture JSON: instances, inputs, data, features /
 *     predictions, outputs, scores) select the instance inside each part; a list of instances
 *     (a whole-document job: `{"instances": […], "SageMakerOutput": {"predictions": […]}}`) gives
 *     one row per instance, paired by position;
 *   - a merged/batch capture envelope `{"captureData": {"batchTransformOutput": {data, encoding}},
 *     "eventMetadata": {…}}`: `data` (CSV, JSON or BASE64) holds transform output records, read as
 *     above; eventMetadata gives the id (inferenceId, else eventId) and time records lack;
 *   - a JSON array of such objects (observed in AWS's own notebook, in a .jsonl file).
 *
 * Every record of one job carries the same time (the job start): a job's rows all land in the
 * window holding that instant, however long the job ran.
 *
 * Rejections (nothing emitted): empty_payload (a blank CSV line, no values before the id/time
 * columns, an empty array or data) · not_json (not JSON, not an object or array of objects) ·
 * missing_capture_data (an envelope without batchTransformOutput.data) · unsupported_encoding /
 * bad_base64 / bad_payload (envelope data) · row_count_mismatch (instance lists of different
 * lengths) · missing_event_time (no time column / key) ·
 * bad_event_time · too_many_features. A line holding several records emits only once all of them
 * decoded (RecordDecoder contract).
 */
import { RecordErrorReason } from '../errors.js';
import { JsonNumber } from './classify.js';
import { PositionalNames, type ColumnNaming } from './column-naming.js';
import type { DecoderOptions, RecordDecoder } from './decoder.js';
import type { FeatureRegistry } from './feature-registry.js';
import { parseIsoTimeMs } from './iso-time.js';
import { isJsonObject, parseJsonText, type JsonObject, type JsonValue } from './json-text.js';
import { Encoding, csvFieldCount, decodeBase64Text, encodingCode, splitCsvRecords, type CsvSpans } from './payload.js';
import { FillStatus, RowFiller, resolvePath } from './row-filler.js';
import type { RowCallback } from './row.js';
import { DEFAULT_INPUT_PATHS, DEFAULT_OUTPUT_PATHS, RecordFormat, Side, resolveSchema, type DatasetSchema, type ResolvedSchema } from './schema.js';

/** SageMaker's reserved keys in JSON transform output. */
export const BATCH_ID_KEY = 'SageMakerInferenceId';
export const BATCH_TIME_KEY = 'SageMakerInferenceTime';
export const BATCH_OUTPUT_KEY = 'SageMakerOutput';
const RESERVED = new Set([BATCH_ID_KEY, BATCH_TIME_KEY, BATCH_OUTPUT_KEY]);

/** What an envelope supplies to the records inside it. */
interface Defaults {
  eventId: string | undefined;
  inferenceId: string | undefined;
  time: JsonValue | undefined;
}
const NO_DEFAULTS: Defaults = { eventId: undefined, inferenceId: undefined, time: undefined };

/** One row of a line: a JSON record's input and output instances, or a CSV record text[a, b). */
type Unit = { json: JsonObject; input: JsonValue | undefined; output: JsonValue | undefined; defaults: Defaults } | { text: string; a: number; b: number; defaults: Defaults };

export class BatchTransformDecoder implements RecordDecoder {
  readonly schema: ResolvedSchema;
  private readonly csv: boolean;
  private readonly filler: RowFiller;
  private readonly names: PositionalNames;
  private readonly spans: CsvSpans = { starts: new Int32Array(8), ends: new Int32Array(8), count: 0 };
  private cachedTime = '';
  private cachedTimeMs = 0;
  /** The current unit's decoded id and time (set by fill). */
  private eventId: string | undefined;
  private inferenceId: string | undefined;
  private timeMs = 0;

  constructor(schema: DatasetSchema, registry: FeatureRegistry, options: DecoderOptions = {}) {
    this.csv = schema.format === RecordFormat.BATCH_TRANSFORM_CSV;
    this.schema = resolveSchema(schema, registry);
    const unnamed = this.schema.inputNames.length === 0 && this.schema.outputNames.length === 0;
    this.names = new PositionalNames(unnamed ? options.baselineNames : undefined);
    this.filler = new RowFiller(registry, this.schema, this.names);
  }

  columnNaming(): ColumnNaming | undefined {
    return this.names.outcome;
  }

  adoptColumnNaming(naming: ColumnNaming): void {
    this.names.decide(naming.columns);
  }

  decode(line: string, onRow: RowCallback): RecordErrorReason | undefined {
    if (this.csv) {
      const b = trimEnd(line, 0, line.length);
      if (b === 0) return RecordErrorReason.EMPTY_PAYLOAD;
      const r = this.fillCsv(line, 0, b, NO_DEFAULTS);
      if (r !== undefined) return r;
      onRow(this.filler.end(this.timeMs, this.eventId, this.inferenceId));
      return undefined;
    }
    const doc = parseJsonText(line);
    if (doc === undefined) return RecordErrorReason.NOT_JSON;
    const units: Unit[] = [];
    const r = this.collect(doc, units, true);
    if (r !== undefined) return r;
    if (units.length === 0) return RecordErrorReason.EMPTY_PAYLOAD;
    if (units.length > 1) {
      // several records: all must decode before the first is emitted
      for (const u of units) {
        const bad = this.fill(u);
        if (bad !== undefined) return bad;
      }
    }
    for (const u of units) {
      const bad = this.fill(u);
      if (bad !== undefined) return bad; // only a single unit can fail here: several were all filled once above
      onRow(this.filler.end(this.timeMs, this.eventId, this.inferenceId));
    }
    return undefined;
  }

  /** The records a JSON line holds, into `units`. */
  private collect(doc: JsonValue, units: Unit[], top: boolean): RecordErrorReason | undefined {
    if (Array.isArray(doc) && top) {
      for (const item of doc) {
        const r = this.collect(item, units, false);
        if (r !== undefined) return r;
      }
      return undefined;
    }
    if (!isJsonObject(doc)) return RecordErrorReason.NOT_JSON;
    if (!Object.prototype.hasOwnProperty.call(doc, 'captureData')) {
      return this.collectRecord(doc, NO_DEFAULTS, units);
    }
    return this.collectEnvelope(doc, units);
  }

  /** `{"captureData": {"batchTransformOutput": {data, encoding}}, "eventMetadata": {…}}`. */
  private collectEnvelope(doc: JsonObject, units: Unit[]): RecordErrorReason | undefined {
    const bto = resolvePath(doc, ['captureData', 'batchTransformOutput']);
    const data = isJsonObject(bto) && Object.prototype.hasOwnProperty.call(bto, 'data') ? bto['data'] : undefined;
    if (data === undefined || data === null) return RecordErrorReason.MISSING_CAPTURE_DATA;
    if (typeof data !== 'string') return RecordErrorReason.BAD_PAYLOAD;
    const meta = resolvePath(doc, ['eventMetadata']);
    const text = (k: string): string | undefined => (isJsonObject(meta) ? idText(meta[k]) : undefined);
    const eventId = text('eventId');
    const defaults: Defaults = { eventId, inferenceId: text('inferenceId') ?? eventId, time: isJsonObject(meta) ? meta['inferenceTime'] : undefined };
    let payload = data;
    let enc = encodingCode((bto as JsonObject)['encoding']);
    if (enc === Encoding.BASE64) {
      const decoded = decodeBase64Text(data);
      if (decoded === undefined) return RecordErrorReason.BAD_BASE64;
      payload = decoded;
      const first = payload.trimStart().charCodeAt(0);
      enc = first === 123 || first === 91 ? Encoding.JSON : Encoding.CSV;
    }
    if (enc === Encoding.CSV) {
      splitCsvRecords(payload, 0, payload.length, this.spans);
      const before = units.length;
      for (let i = 0; i < this.spans.count; i++) {
        const a = this.spans.starts[i] as number;
        const b = trimEnd(payload, a, this.spans.ends[i] as number);
        if (b > a) units.push({ text: payload, a, b, defaults });
      }
      return units.length === before ? RecordErrorReason.EMPTY_PAYLOAD : undefined;
    }
    if (enc !== Encoding.JSON) return RecordErrorReason.UNSUPPORTED_ENCODING;
    // one JSON document (an object, or an array of records), else JSON Lines
    const whole = parseJsonText(payload);
    const docs: JsonValue[] = whole !== undefined ? (Array.isArray(whole) ? whole : [whole]) : [];
    if (whole === undefined) {
      for (const l of payload.split('\n')) {
        if (l.trim() === '') continue;
        const v = parseJsonText(l);
        if (v === undefined) return RecordErrorReason.BAD_PAYLOAD;
        docs.push(v);
      }
    }
    if (docs.length === 0) return RecordErrorReason.EMPTY_PAYLOAD;
    for (const d of docs) {
      if (!isJsonObject(d)) return RecordErrorReason.BAD_PAYLOAD;
      const r = this.collectRecord(d, defaults, units);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /**
   * A JSON transform output record's rows. Without SageMakerOutput the record's other keys are the
   * model's output; with it they are the input. A side holding a list of instances (an array of
   * arrays or objects, e.g. `instances` / `predictions` of a whole-document job) gives one row per
   * instance, paired by position with the other side's array (row_count_mismatch when the lengths
   * differ).
   */
  private collectRecord(rec: JsonObject, defaults: Defaults, units: Unit[]): RecordErrorReason | undefined {
    const rest: JsonObject = Object.create(null) as JsonObject;
    for (const k in rec) if (!RESERVED.has(k)) rest[k] = rec[k] as JsonValue;
    const s = this.schema;
    const joined = Object.prototype.hasOwnProperty.call(rec, BATCH_OUTPUT_KEY);
    const input = joined ? instance(rest, s.inputPath, DEFAULT_INPUT_PATHS) : undefined;
    const output = instance(joined ? (rec[BATCH_OUTPUT_KEY] as JsonValue) : rest, s.outputPath, DEFAULT_OUTPUT_PATHS);
    const n = isInstanceList(input) ? input.length : isInstanceList(output) ? output.length : 0;
    if (n === 0) {
      units.push({ json: rec, input, output, defaults });
      return undefined;
    }
    const paired = (v: JsonValue | undefined): boolean => v === undefined || (Array.isArray(v) && v.length === n);
    if (!paired(input) || !paired(output)) return RecordErrorReason.ROW_COUNT_MISMATCH;
    for (let i = 0; i < n; i++) units.push({ json: rec, input: (input as JsonValue[] | undefined)?.[i], output: (output as JsonValue[] | undefined)?.[i], defaults });
    return undefined;
  }

  private fill(u: Unit): RecordErrorReason | undefined {
    return 'json' in u ? this.fillJson(u.json, u.input, u.output, u.defaults) : this.fillCsv(u.text, u.a, u.b, u.defaults);
  }

  /** A CSV record text[a, b) with its trailing id and time columns into the row. */
  private fillCsv(text: string, a: number, b: number, d: Defaults): RecordErrorReason | undefined {
    const lastComma = text.lastIndexOf(',', b - 1);
    if (lastComma < a) return RecordErrorReason.MISSING_EVENT_TIME;
    const timeMs = this.isoTime(text, lastComma + 1, b);
    if (typeof timeMs !== 'number') return timeMs;
    const idComma = lastComma === a ? -1 : text.lastIndexOf(',', lastComma - 1);
    if (idComma < a) return RecordErrorReason.EMPTY_PAYLOAD; // only the id and time columns
    this.timeMs = timeMs;
    this.eventId = d.eventId;
    this.inferenceId = unquote(text, idComma + 1, lastComma) ?? d.inferenceId;
    const r = this.fillCsvColumns(text, a, idComma);
    if (r !== FillStatus.NAMES_PENDING) return r;
    this.names.decide(csvFieldCount(text, a, idComma, false));
    return this.fillCsvColumns(text, a, idComma) as RecordErrorReason | undefined;
  }

  /** The analysed row text[a, b) into the row: outputs and inputs split by outputsPosition. */
  private fillCsvColumns(text: string, a: number, b: number): RecordErrorReason | undefined | typeof FillStatus.NAMES_PENDING {
    const f = this.filler;
    const s = this.schema;
    const nOut = s.outputNames.length;
    f.begin();
    let first: Side = Side.INPUT;
    let split = b; // end of the first side's columns
    if (nOut > 0) {
      const total = csvFieldCount(text, a, b, false);
      const firstCount = s.outputsFirst ? Math.min(nOut, total) : Math.max(0, total - nOut);
      first = s.outputsFirst ? Side.OUTPUT : Side.INPUT;
      split = firstCount === total ? b : skipFields(text, a, b, firstCount) - 1;
      if (firstCount === 0) {
        return status(f.fillCsvRow(text, a, b, false, first === Side.OUTPUT ? Side.INPUT : Side.OUTPUT, 0));
      }
    }
    const n = f.fillCsvRow(text, a, split, false, first, 0);
    if (n < 0 || split === b) return status(n);
    return status(f.fillCsvRow(text, split + 1, b, false, first === Side.OUTPUT ? Side.INPUT : Side.OUTPUT, n));
  }

  /** One row of a JSON transform output record into the row: its id and time, then its instances. */
  private fillJson(rec: JsonObject, input: JsonValue | undefined, output: JsonValue | undefined, d: Defaults): RecordErrorReason | undefined {
    const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(rec, k);
    const time = has(BATCH_TIME_KEY) ? rec[BATCH_TIME_KEY] : d.time;
    if (time === undefined || time === null) return RecordErrorReason.MISSING_EVENT_TIME;
    if (typeof time !== 'string') return RecordErrorReason.BAD_EVENT_TIME;
    const timeMs = this.isoTime(time, 0, time.length);
    if (typeof timeMs !== 'number') return timeMs;
    this.timeMs = timeMs;
    this.eventId = d.eventId;
    this.inferenceId = (has(BATCH_ID_KEY) ? idText(rec[BATCH_ID_KEY]) : undefined) ?? d.inferenceId;
    let r = this.fillJsonSides(input, output);
    if (r === FillStatus.NAMES_PENDING) {
      this.names.decide(columnCount(input) + columnCount(output));
      r = this.fillJsonSides(input, output);
    }
    return r as RecordErrorReason | undefined;
  }

  private fillJsonSides(input: JsonValue | undefined, output: JsonValue | undefined): RecordErrorReason | undefined | typeof FillStatus.NAMES_PENDING {
    const f = this.filler;
    f.begin();
    const outFirst = this.schema.outputsFirst;
    const [x, sx, y, sy] = outFirst ? [output, Side.OUTPUT, input, Side.INPUT] : [input, Side.INPUT, output, Side.OUTPUT];
    let base = 0;
    if (x !== undefined) {
      base = f.fillJsonItem(x, sx, 0);
      if (base < 0) return status(base);
    }
    return y === undefined ? undefined : status(f.fillJsonItem(y, sy, base));
  }

  /** ISO-8601 time in text[a, b) (spaces and quotes around it ignored): epoch ms, or why not. */
  private isoTime(text: string, a: number, b: number): number | RecordErrorReason {
    while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 34)) a++;
    while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 34)) b--;
    if (a === b) return RecordErrorReason.MISSING_EVENT_TIME;
    const t = a === 0 && b === text.length ? text : text.slice(a, b);
    if (t === this.cachedTime) return this.cachedTimeMs;
    const ms = parseIsoTimeMs(t, 0, t.length);
    if (Number.isNaN(ms)) return RecordErrorReason.BAD_EVENT_TIME;
    this.cachedTime = t;
    this.cachedTimeMs = ms;
    return ms;
  }
}

/** A fill result as a rejection reason (column counts are success). */
function status(n: number): RecordErrorReason | undefined | typeof FillStatus.NAMES_PENDING {
  if (n === FillStatus.TOO_MANY_FEATURES) return RecordErrorReason.TOO_MANY_FEATURES;
  if (n === FillStatus.NAMES_PENDING) return FillStatus.NAMES_PENDING;
  return n < 0 ? RecordErrorReason.BAD_PAYLOAD : undefined;
}

/** The instance inside one part: the configured path, else the first default key present, else the part. */
function instance(part: JsonValue, path: readonly string[] | undefined, defaults: readonly string[]): JsonValue | undefined {
  if (path !== undefined) return resolvePath(part, path);
  if (isJsonObject(part)) for (const k of defaults) if (Object.prototype.hasOwnProperty.call(part, k)) return part[k];
  return part;
}

/** An array of instances (arrays or objects), not one instance's positional values. */
function isInstanceList(v: JsonValue | undefined): v is JsonValue[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => Array.isArray(x) || isJsonObject(x));
}

/** Columns a JSON instance contributes to the analysed row (as RowFiller counts them). */
function columnCount(v: JsonValue | undefined): number {
  if (v === undefined) return 0;
  if (Array.isArray(v)) return v.length;
  if (isJsonObject(v)) return Object.keys(v).length;
  return 1;
}

/** The index just after `n` CSV fields from a, and the ',' that ends the last of them (quotes honoured). */
function skipFields(text: string, a: number, b: number, n: number): number {
  let p = a;
  for (let k = 0; k < n; k++) {
    if (p < b && text.charCodeAt(p) === 34) {
      p++;
      while (p < b) {
        if (text.charCodeAt(p) !== 34) p++;
        else if (p + 1 < b && text.charCodeAt(p + 1) === 34) p += 2;
        else {
          p++;
          break;
        }
      }
    }
    while (p < b && text.charCodeAt(p) !== 44) p++;
    p++;
  }
  return p;
}

/** text[a, b) without spaces and one pair of quotes around it; undefined when empty. */
function unquote(text: string, a: number, b: number): string | undefined {
  while (a < b && text.charCodeAt(a) === 32) a++;
  while (b > a && text.charCodeAt(b - 1) === 32) b--;
  if (b - a >= 2 && text.charCodeAt(a) === 34 && text.charCodeAt(b - 1) === 34) {
    a++;
    b--;
  }
  return a === b ? undefined : text.slice(a, b);
}

/** End of text[a, b) without trailing whitespace and '\r'. */
function trimEnd(text: string, a: number, b: number): number {
  while (b > a) {
    const c = text.charCodeAt(b - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    b--;
  }
  return b;
}

function idText(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  if (v instanceof JsonNumber) return v.text;
  return undefined;
}
