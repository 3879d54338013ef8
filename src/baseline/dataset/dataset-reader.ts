/**
 * Reads a baseline dataset (CSV, JSON Lines or Parquet) row by row into one reusable FeatureRow,
 * registering columns in a FeatureRegistry (with keepAllText, so String statistics can be built)
 * and classifying every value the way SageMaker's analyzer (Spark + Deequ) would:
 *
 * CSV (papaparse, streamed):
 * - RFC 4180 quoting, `,` by default; empty lines skipped; a UTF-8 BOM is dropped; an empty field
 *   is missing (Spark reads it as null); values are classified from their text (classify.ts).
 * - `header: true | false | 'auto'` (default 'auto'). Without a header columns are named `_c0`,
 *   `_c1`, … (Spark). Header names follow Spark's makeSafeHeader: an empty name becomes `_c<i>`,
 *   names that occur more than once (case-insensitively) get their column index appended.
 * - 'auto' decides from the first row and up to 100 following rows: the first row is a header
 *   when its fields are all non-empty, distinct and non-numeric, and at least one column whose
 *   header cell is text holds only numbers (or empty fields) below it; with no following rows, a
 *   non-numeric first row is a header. So an all-text dataset without a header is read as having
 *   one — pass `header: false` for those.
 * - The column count is fixed by the first row (Spark's behaviour): shorter rows leave the rest
 *   missing, extra fields are ignored; both are counted in `raggedRows`. Malformed quoting is an
 *   error (INPUT_UNREADABLE, every bad record listed up to a limit).
 *
 * JSON Lines: one JSON object per line (blank lines skipped), parsed with json-text.ts so number
 * literals keep Deequ's kind ("3" Integral, "3.0" Fractional). By default (`nested: 'json'`) a
 * nested value is one String feature holding its JSON text — what the live flat-JSON decoder
 * produces for nested values no featurePath extracts, so baseline and traffic agree on names.
 * With `nested: 'flatten'` nested objects become dotted names (`{"a":{"b":1}}` → `a.b`) and
 * arrays positional names (`{"v":[1,2]}` → `v.0`, `v.1`) with per-position statistics
 * (SageMaker itself only analyses flat records). A line that is not a JSON object is an error
 * (INPUT_UNREADABLE, bad lines listed).
 *
 * Parquet (hyparquet + hyparquet-compressors): read one row group at a time (never the whole
 * file as objects). Typed columns give Deequ's "known types": INT32/INT64 → Integral,
 * FLOAT/DOUBLE/DECIMAL → Fractional, BOOLEAN → Boolean, whatever the values look like; text
 * columns are classified from their text; timestamps and dates become String values (ISO text;
 * Deequ maps Spark timestamps to String); binary values become base64 String values. Nested
 * structs and lists are flattened like JSON Lines.
 *
 * Format: by extension (.csv/.txt, .tsv (tab-delimited), .jsonl/.ndjson/.json, .parquet/.pq)
 * unless given.
 * A progress bar (cli-progress, stderr) is shown when `progress` is on, stderr is a TTY and the
 * input is larger than 50 MB; it advances with the bytes read.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type SchemaTree,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import Papa from 'papaparse';
import { DriftmonError, ErrorCode } from '../../errors.js';
import {
  classifyJson,
  classifyText,
  createJsonClassification,
  createScanResult,
  JsonNumber,
} from '../../record/classify.js';
import type { FeatureRegistry } from '../../record/feature-registry.js';
import { parseJsonText, isJsonObject, type JsonValue } from '../../record/json-text.js';
import { createRow, ensureRowCapacity, ValueKind, type FeatureRow, type RowCallback } from '../../record/row.js';

export const DatasetFormat = { CSV: 'csv', JSONL: 'jsonl', PARQUET: 'parquet' } as const;
export type DatasetFormat = (typeof DatasetFormat)[keyof typeof DatasetFormat];
export const DATASET_FORMATS: readonly DatasetFormat[] = Object.values(DatasetFormat);

export type HeaderOption = boolean | 'auto';

export interface ReadDatasetOptions {
  /** Registry the columns are registered in (keepAllText is switched on). */
  registry: FeatureRegistry;
  /** Default: from the file extension. */
  format?: DatasetFormat;
  /** CSV only. Default 'auto' (see the module comment). */
  header?: HeaderOption;
  /** CSV only. Default ',' (tab for a .tsv file). */
  delimiter?: string;
  /**
   * JSON Lines / Parquet: 'json' (default) keeps a nested object or array as one String value
   * holding its JSON text, which is what the live flat-JSON decoder does with nested values that
   * no featurePath extracts, so baseline and traffic name features alike; 'flatten' names nested
   * values `a.b` and `v.0` (module comment).
   */
  nested?: NestedOption;
  /** Allow a progress bar on stderr (shown only on a TTY for inputs > 50 MB). Default true. */
  progress?: boolean;
}

export type NestedOption = 'flatten' | 'json';

export interface ReadDatasetResult {
  format: DatasetFormat;
  rows: number;
  bytes: number;
  /** CSV: whether the first row was taken as a header. */
  header?: boolean;
  /** CSV: rows with fewer or more fields than columns. */
  raggedRows?: number;
}

/** Inputs larger than this get a progress bar (when allowed and stderr is a TTY). */
export const PROGRESS_MIN_BYTES = 50 * 1024 * 1024;
/** How many following rows the CSV header detection looks at. */
export const HEADER_SNIFF_ROWS = 100;
/** At most this many bad records are listed in an INPUT_UNREADABLE error. */
const MAX_LISTED_PROBLEMS = 20;

const EXTENSIONS: Readonly<Record<string, DatasetFormat>> = {
  '.csv': DatasetFormat.CSV,
  '.tsv': DatasetFormat.CSV,
  '.txt': DatasetFormat.CSV,
  '.jsonl': DatasetFormat.JSONL,
  '.ndjson': DatasetFormat.JSONL,
  '.json': DatasetFormat.JSONL,
  '.parquet': DatasetFormat.PARQUET,
  '.pq': DatasetFormat.PARQUET,
};

/** The format implied by a file name's extension, or undefined. */
export function formatFromPath(path: string): DatasetFormat | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

/**
 * Read `input`, calling `onRow` once per data row with the reused FeatureRow (copy what you keep).
 * Throws INPUT_NOT_FOUND (missing file), INPUT_UNREADABLE (unknown format, unreadable content,
 * too many features).
 */
export async function readDataset(
  input: string,
  onRow: RowCallback,
  options: ReadDatasetOptions,
): Promise<ReadDatasetResult> {
  let size: number;
  try {
    const s = await stat(input);
    if (!s.isFile()) throw new DriftmonError(ErrorCode.INPUT_NOT_FOUND, `${input} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof DriftmonError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    throw new DriftmonError(
      missing ? ErrorCode.INPUT_NOT_FOUND : ErrorCode.INPUT_UNREADABLE,
      missing ? `${input} does not exist` : `cannot read ${input}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const format = options.format ?? formatFromPath(input);
  if (format === undefined) {
    throw new DriftmonError(
      ErrorCode.INPUT_UNREADABLE,
      `cannot tell the format of ${input} from its extension; give the format (${DATASET_FORMATS.join(', ')})`,
    );
  }
  options.registry.keepAllText();
  const progress = createProgress(size, options.progress ?? true);
  const sink = new RowSink(options.registry, onRow, input);
  try {
    let extra: Partial<ReadDatasetResult>;
    switch (format) {
      case DatasetFormat.CSV:
        extra = await readCsv(input, sink, progress, options);
        break;
      case DatasetFormat.JSONL:
        await readJsonLines(input, sink, progress, options.nested ?? 'json');
        extra = {};
        break;
      case DatasetFormat.PARQUET:
        await readParquet(input, sink, progress, options.nested ?? 'json');
        extra = {};
        break;
      default:
        throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `unknown dataset format ${String(format)}`);
    }
    return { format, rows: sink.rows, bytes: size, ...extra };
  } catch (e) {
    if (e instanceof DriftmonError) throw e;
    throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `cannot read ${input}: ${(e as Error).message}`, { cause: e });
  } finally {
    progress.stop();
  }
}

// ---- row assembly --------------------------------------------------------------------------

/** Fills the reusable row: slot lookup, classification, keepText. */
class RowSink {
  readonly row: FeatureRow = createRow(16);
  rows = 0;
  private readonly scan = createScanResult();
  private readonly json = createJsonClassification();

  constructor(
    readonly registry: FeatureRegistry,
    private readonly onRow: RowCallback,
    private readonly input: string,
  ) {}

  /**
   * Slot of `name`. A dataset's columns are its schema, so new names are registered as declared
   * features (a column that is null in every row is still listed, as Unknown). Throws when the
   * registry is full.
   */
  slot(name: string): number {
    const known = this.registry.get(name);
    if (known !== undefined) return known.index;
    if (this.registry.size >= this.registry.maxFeatures) {
      throw new DriftmonError(
        ErrorCode.INPUT_UNREADABLE,
        `${this.input} has more than ${this.registry.maxFeatures} features (at ${JSON.stringify(name)})`,
      );
    }
    return this.registry.declare(name, { keepText: true }).index;
  }

  /** Start a row whose slots are all missing. */
  begin(): void {
    const r = this.row;
    const w = this.registry.size;
    ensureRowCapacity(r, w);
    r.kinds.fill(ValueKind.MISSING, 0, w);
    r.strings.fill(undefined, 0, w);
    r.width = w;
  }

  /** Make sure slot i exists in the current row (a feature registered mid-row). */
  private widen(i: number): void {
    const r = this.row;
    if (i < r.width) return;
    ensureRowCapacity(r, i + 1);
    r.kinds.fill(ValueKind.MISSING, r.width, i + 1);
    r.strings.fill(undefined, r.width, i + 1);
    r.width = i + 1;
  }

  setMissing(i: number): void {
    this.widen(i);
    this.row.kinds[i] = ValueKind.MISSING;
    this.row.strings[i] = undefined;
  }

  /** A value given as text (CSV cell, text column). */
  setText(i: number, text: string): void {
    this.widen(i);
    const r = this.row;
    const kind = classifyText(text, 0, text.length, this.scan);
    r.kinds[i] = kind;
    if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
      r.numbers[i] = this.scan.value;
      r.strings[i] = this.registry.at(i).keepText ? text : undefined;
    } else {
      r.strings[i] = kind === ValueKind.MISSING ? undefined : text;
    }
  }

  /** A JSON leaf (json-text.ts value that is not an object or array). */
  setJson(i: number, v: JsonValue): void {
    this.widen(i);
    const r = this.row;
    const kind = classifyJson(v, this.json, this.scan);
    r.kinds[i] = kind;
    if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
      r.numbers[i] = this.json.value;
      r.strings[i] = this.registry.at(i).keepText ? (this.json.text ?? String(this.json.value)) : undefined;
    } else {
      r.strings[i] = kind === ValueKind.MISSING ? undefined : this.json.text;
    }
  }

  /** A typed value whose kind is known (Parquet numeric and boolean columns). */
  setTyped(i: number, kind: ValueKind, value: number, text: string): void {
    this.widen(i);
    const r = this.row;
    r.kinds[i] = kind;
    if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
      r.numbers[i] = value;
      r.strings[i] = this.registry.at(i).keepText ? text : undefined;
    } else {
      r.strings[i] = text;
    }
  }

  emit(): void {
    this.rows++;
    this.onRow(this.row);
  }
}

/** Collects per-record problems; throws INPUT_UNREADABLE listing them at the end. */
class RecordProblems {
  readonly list: string[] = [];
  count = 0;

  add(message: string): void {
    this.count++;
    if (this.list.length < MAX_LISTED_PROBLEMS) this.list.push(message);
  }

  throwIfAny(input: string, what: string): void {
    if (this.count === 0) return;
    const details = [...this.list];
    if (this.count > this.list.length) details.push(`… and ${this.count - this.list.length} more`);
    throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `${input}: ${this.count} ${what}`, { details });
  }
}

// ---- progress ------------------------------------------------------------------------------

interface Progress {
  add(bytes: number): void;
  stop(): void;
}

function createProgress(total: number, allowed: boolean): Progress {
  if (!allowed || total <= PROGRESS_MIN_BYTES || process.stderr.isTTY !== true) {
    return { add: () => undefined, stop: () => undefined };
  }
  const mb = (b: number): string => (b / 1048576).toFixed(0);
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'baseline |{bar}| {percentage}% | {done}/{size} MB | eta {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  let done = 0;
  bar.start(total, 0, { done: '0', size: mb(total) });
  return {
    add(bytes: number): void {
      done = Math.min(total, done + bytes);
      bar.update(done, { done: mb(done) });
    },
    stop(): void {
      bar.stop();
    },
  };
}

function countingStream(input: string, progress: Progress): ReturnType<typeof createReadStream> {
  const stream = createReadStream(input);
  stream.on('data', (chunk) => progress.add(chunk.length));
  return stream;
}

// ---- CSV -----------------------------------------------------------------------------------

/** Spark's column names for a header row (CSVUtils.makeSafeHeader, case-insensitive). */
export function safeHeader(fields: readonly string[]): string[] {
  const lower = fields.map((f) => f.toLowerCase());
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const f of lower) {
    if (f === '') continue;
    if (seen.has(f)) dup.add(f);
    seen.add(f);
  }
  return fields.map((f, i) => (f === '' ? `_c${i}` : dup.has(f.toLowerCase()) ? `${f}${i}` : f));
}

/**
 * The 'auto' header rule (module comment): `first` is the first row, `rest` the following rows
 * (up to HEADER_SNIFF_ROWS).
 */
export function looksLikeHeader(first: readonly string[], rest: readonly (readonly string[])[]): boolean {
  const scan = createScanResult();
  const numeric = (s: string): boolean => {
    const k = classifyText(s, 0, s.length, scan);
    return k === ValueKind.INTEGRAL || k === ValueKind.FRACTIONAL;
  };
  if (first.length === 0 || first.some((f) => f === '' || numeric(f))) return false;
  if (new Set(first).size !== first.length) return false;
  if (rest.length === 0) return true;
  for (let j = 0; j < first.length; j++) {
    let sawNumber = false;
    let allNumeric = true;
    for (const row of rest) {
      const v = row[j];
      if (v === undefined || v === '') continue;
      if (numeric(v)) sawNumber = true;
      else {
        allNumeric = false;
        break;
      }
    }
    if (allNumeric && sawNumber) return true;
  }
  return false;
}

async function readCsv(
  input: string,
  sink: RowSink,
  progress: Progress,
  options: ReadDatasetOptions,
): Promise<Pick<ReadDatasetResult, 'header' | 'raggedRows'>> {
  const headerOption = options.header ?? 'auto';
  const problems = new RecordProblems();
  let record = 0;
  let slots: number[] | undefined;
  let header: boolean | undefined;
  let ragged = 0;
  const pending: string[][] = [];

  const start = (first: string[], rest: readonly string[][]): void => {
    header = headerOption === 'auto' ? looksLikeHeader(first, rest) : headerOption;
    const names = header ? safeHeader(first) : first.map((_, i) => `_c${i}`);
    slots = names.map((n) => sink.slot(n));
    if (!header) dataRow(first);
  };

  const dataRow = (fields: readonly string[]): void => {
    const s = slots as number[];
    if (fields.length !== s.length) ragged++;
    sink.begin();
    for (let j = 0; j < s.length; j++) {
      const v = fields[j];
      if (v === undefined || v === '') sink.setMissing(s[j] as number);
      else sink.setText(s[j] as number, v);
    }
    sink.emit();
  };

  const onFields = (fields: string[]): void => {
    if (slots !== undefined) {
      dataRow(fields);
      return;
    }
    if (record === 1 && fields.length > 0 && fields[0]?.charCodeAt(0) === 0xfeff) {
      fields[0] = (fields[0] as string).slice(1);
    }
    if (headerOption !== 'auto') {
      start(fields, []);
      return;
    }
    pending.push(fields);
    if (pending.length > HEADER_SNIFF_ROWS) flushPending();
  };

  const flushPending = (): void => {
    const [first, ...rest] = pending;
    pending.length = 0;
    if (first === undefined) return;
    start(first, rest);
    for (const r of rest) dataRow(r);
  };

  await new Promise<void>((resolve, reject) => {
    const stream = countingStream(input, progress);
    stream.on('error', reject);
    Papa.parse<string[]>(stream, {
      header: false,
      delimiter: options.delimiter ?? (extname(input).toLowerCase() === '.tsv' ? '\t' : ','),
      skipEmptyLines: true,
      dynamicTyping: false,
      step: (result, parser) => {
        record++;
        try {
          if (result.errors.length > 0) {
            for (const err of result.errors) problems.add(`record ${record}: ${err.message}`);
            return;
          }
          onFields(result.data);
        } catch (e) {
          // reject first: abort() calls complete() at once, whose resolve() would otherwise win
          reject(e as Error);
          parser.abort();
        }
      },
      complete: () => resolve(),
      error: (err: Error) => reject(err),
    });
  });
  problems.throwIfAny(input, 'malformed CSV records');
  if (slots === undefined) flushPending();
  return header === undefined ? { raggedRows: ragged } : { header, raggedRows: ragged };
}

// ---- JSON Lines ----------------------------------------------------------------------------

async function readJsonLines(
  input: string,
  sink: RowSink,
  progress: Progress,
  nested: NestedOption,
): Promise<void> {
  const problems = new RecordProblems();
  const stream = countingStream(input, progress);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  // readline does not forward input errors to its iterator: close it and rethrow after the loop.
  let streamError: Error | undefined;
  stream.on('error', (e) => {
    streamError = e;
    lines.close();
  });
  let lineNo = 0;

  const leaf = (name: string, v: JsonValue): void => {
    if (nested === 'json') {
      sink.setJson(sink.slot(name), v); // objects and arrays classify as String (their JSON text)
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) leaf(`${name}.${i}`, v[i] as JsonValue);
    } else if (isJsonObject(v)) {
      for (const k of Object.keys(v)) leaf(`${name}.${k}`, v[k] as JsonValue);
    } else {
      sink.setJson(sink.slot(name), v);
    }
  };

  for await (const line of lines) {
    lineNo++;
    let start = 0;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) start = 1;
    if (line.trim() === '') continue;
    const v = parseJsonText(line, start);
    if (v === undefined || !isJsonObject(v)) {
      problems.add(`line ${lineNo}: ${v === undefined ? 'not valid JSON' : 'not a JSON object'}`);
      continue;
    }
    sink.begin();
    for (const k of Object.keys(v)) leaf(k, v[k] as JsonValue);
    sink.emit();
  }
  if (streamError !== undefined) throw streamError;
  problems.throwIfAny(input, 'lines that are not JSON objects');
}

// ---- Parquet -------------------------------------------------------------------------------

/** How a Parquet leaf column's values are typed (Deequ "known types" from the Spark schema). */
const Typed = { INTEGRAL: 0, FRACTIONAL: 1, BOOLEAN: 2, TEXT: 3, TIME: 4, DATE: 5, OTHER: 6 } as const;
type Typed = (typeof Typed)[keyof typeof Typed];

function typedOf(node: SchemaTree | undefined): Typed {
  const e = node?.element;
  if (e === undefined || node?.children.length) return Typed.OTHER;
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  if (logical === 'DECIMAL' || converted === 'DECIMAL') return Typed.FRACTIONAL;
  if (logical === 'DATE' || converted === 'DATE') return Typed.DATE;
  if (
    logical === 'TIMESTAMP' ||
    logical === 'TIME' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    converted === 'TIME_MILLIS' ||
    converted === 'TIME_MICROS' ||
    e.type === 'INT96'
  ) {
    return Typed.TIME;
  }
  switch (e.type) {
    case 'INT32':
    case 'INT64':
      return Typed.INTEGRAL;
    case 'FLOAT':
    case 'DOUBLE':
      return Typed.FRACTIONAL;
    case 'BOOLEAN':
      return Typed.BOOLEAN;
    case 'BYTE_ARRAY':
      return Typed.TEXT;
    default:
      return logical === 'FLOAT16' ? Typed.FRACTIONAL : Typed.OTHER;
  }
}

/** The element node of a LIST-annotated group (3-level or legacy 2-level layout). */
function listElement(node: SchemaTree | undefined): SchemaTree | undefined {
  const repeated = node?.children[0];
  if (repeated === undefined) return undefined;
  return repeated.children.length === 1 ? repeated.children[0] : repeated;
}

function childNamed(node: SchemaTree | undefined, name: string): SchemaTree | undefined {
  return node?.children.find((c) => c.element.name === name);
}

function bytesToBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** JSON text of an assembled Parquet value (bigints as numbers, dates as ISO text, bytes as base64). */
function parquetJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? Number(x) : x instanceof Uint8Array ? bytesToBase64(x) : x,
  );
}

async function readParquet(
  input: string,
  sink: RowSink,
  progress: Progress,
  nested: NestedOption,
): Promise<void> {
  const base = await asyncBufferFromFile(input);
  const file: AsyncBuffer = {
    byteLength: base.byteLength,
    slice(start: number, end?: number) {
      const r = base.slice(start, end);
      const count = (buf: ArrayBuffer): ArrayBuffer => {
        progress.add(buf.byteLength);
        return buf;
      };
      return r instanceof Promise ? r.then(count) : count(r);
    },
  };
  const metadata = await parquetMetadataAsync(file);
  const tree = parquetSchema(metadata);
  const columns = tree.children.map((c) => c.element.name);
  const slots = columns.map((n) => sink.slot(n));

  const put = (name: string, slot: number | undefined, v: unknown, node: SchemaTree | undefined): void => {
    if (v === null || v === undefined) {
      if (slot !== undefined) sink.setMissing(slot);
      return;
    }
    const typed = typedOf(node);
    if (typeof v === 'number') {
      const i = slot ?? sink.slot(name);
      if (typed === Typed.FRACTIONAL) sink.setTyped(i, ValueKind.FRACTIONAL, v, String(v));
      else if (typed === Typed.INTEGRAL) sink.setTyped(i, ValueKind.INTEGRAL, v, String(v));
      else sink.setJson(i, v);
    } else if (typeof v === 'bigint') {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.INTEGRAL, Number(v), v.toString());
    } else if (typeof v === 'boolean') {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.BOOLEAN, 0, v ? 'true' : 'false');
    } else if (typeof v === 'string') {
      sink.setText(slot ?? sink.slot(name), v);
    } else if (v instanceof Date) {
      const iso = Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
      sink.setTyped(slot ?? sink.slot(name), ValueKind.STRING, 0, typed === Typed.DATE ? iso.slice(0, 10) : iso);
    } else if (v instanceof Uint8Array) {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.STRING, 0, bytesToBase64(v));
    } else if (nested === 'json' && typeof v === 'object' && !(v instanceof JsonNumber)) {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.STRING, 0, parquetJson(v));
    } else if (Array.isArray(v)) {
      const element = listElement(node);
      for (let i = 0; i < v.length; i++) put(`${name}.${i}`, undefined, v[i], element);
    } else if (v instanceof JsonNumber) {
      sink.setJson(slot ?? sink.slot(name), v);
    } else if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) put(`${name}.${k}`, undefined, o[k], childNamed(node, k));
    } else {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.STRING, 0, String(v));
    }
  };

  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    if (rowEnd > rowStart) {
      let rows: unknown[][] = [];
      await parquetRead({
        file,
        metadata,
        compressors,
        columns,
        rowStart,
        rowEnd,
        rowFormat: 'array',
        onComplete: (r) => {
          rows = r;
        },
      });
      for (const values of rows) {
        sink.begin();
        for (let j = 0; j < columns.length; j++) {
          put(columns[j] as string, slots[j] as number, values[j], tree.children[j]);
        }
        sink.emit();
      }
      rows = [];
    }
    rowStart = rowEnd;
  }
}
