/**
 * One side (input or output) of a captured invocation: from `data` + `encoding` +
 * `observedContentType` to a list of rows (CSV record spans or JSON instances), so that both
 * sides' row counts can be checked before any row is emitted.
 */
import { RecordErrorReason } from '../errors.js';
import { isJsonObject, parseJsonText, type JsonValue } from './json-text.js';
import { resolvePath, type RowFiller } from './row-filler.js';
import { DEFAULT_INPUT_PATHS, DEFAULT_OUTPUT_PATHS, Side, type ResolvedSchema } from './schema.js';

/** captureData.<index>.encoding, as a code. */
export const Encoding = {
  /** No encoding field: inferred from the content type. */
  NONE: 0,
  CSV: 1,
  JSON: 2,
  BASE64: 3,
  OTHER: 4,
} as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** Encoding code of an `encoding` value (case-insensitive). */
export function encodingCode(v: unknown): Encoding {
  if (v === undefined || v === null) return Encoding.NONE;
  if (typeof v !== 'string') return Encoding.OTHER;
  switch (v.length === 3 || v.length === 4 || v.length === 6 ? v.toUpperCase() : '') {
    case 'CSV':
      return Encoding.CSV;
    case 'JSON':
      return Encoding.JSON;
    case 'BASE64':
      return Encoding.BASE64;
    default:
      return Encoding.OTHER;
  }
}

export const PayloadFormat = {
  UNKNOWN: 0,
  CSV: 1,
  JSON: 2,
  JSON_LINES: 3,
} as const;
export type PayloadFormat = (typeof PayloadFormat)[keyof typeof PayloadFormat];

const JSON_LINES_TYPES = new Set([
  'application/jsonlines',
  'application/x-jsonlines',
  'application/jsonl',
  'application/x-jsonl',
  'application/json-lines',
  'application/x-json-lines',
  'application/ndjson',
  'application/x-ndjson',
]);

/** Payload format named by an observedContentType (parameters such as `; charset=utf-8` ignored). */
export function contentFormat(contentType: string | undefined): PayloadFormat {
  if (contentType === undefined) return PayloadFormat.UNKNOWN;
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (JSON_LINES_TYPES.has(media)) return PayloadFormat.JSON_LINES;
  if (media === 'text/csv' || media.endsWith('/csv') || media.endsWith('+csv')) return PayloadFormat.CSV;
  if (media === 'application/json' || media.endsWith('/json') || media.endsWith('+json')) return PayloadFormat.JSON;
  return PayloadFormat.UNKNOWN;
}

/**
 * Decode standard (or URL-safe) base64; ASCII whitespace is skipped, '=' padding optional but only
 * at the end. Returns undefined when the text is not base64. A leading UTF-8 BOM is dropped.
 */
export function decodeBase64Text(s: string): string | undefined {
  let n = 0;
  let pad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    if (c === 61) {
      pad++;
      continue;
    }
    if (pad !== 0) return undefined;
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95;
    if (!ok) return undefined;
    n++;
  }
  if (pad > 2 || n % 4 === 1 || (pad !== 0 && (n + pad) % 4 !== 0)) return undefined;
  const text = Buffer.from(s, 'base64').toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isScalar(v: JsonValue): boolean {
  return !Array.isArray(v) && !isJsonObject(v);
}

/** One side's rows for one record. Reused across records. */
export class SidePayload {
  side: Side = Side.INPUT;
  isCsv = false;
  /** CSV: the text, whether it is raw in-place JSON string content, and record spans. */
  text = '';
  raw = false;
  private readonly spans: CsvSpans = { starts: new Int32Array(16), ends: new Int32Array(16), count: 0 };
  /** JSON: one instance per row. */
  items: readonly JsonValue[] = [];
  count = 0;
  /** A whole-document JSON array of scalars: rows or one row, decided against the other side. */
  ambiguous = false;
  private ambiguousDoc: JsonValue[] = [];
  private readonly one: JsonValue[] = [null];
  private readonly lineItems: JsonValue[] = [];

  constructor(private readonly schema: ResolvedSchema) {}

  /**
   * Prepare from a capture entry. `text[start, end)` is the data; `raw` when it is a JSON
   * string's unescaped content in place in the line (CSV only). Returns a reason when the payload
   * cannot be decoded.
   */
  prepare(
    side: Side,
    encoding: Encoding,
    contentType: string | undefined,
    text: string,
    start: number,
    end: number,
    raw: boolean,
  ): RecordErrorReason | undefined {
    this.side = side;
    this.ambiguous = false;
    this.count = 0;
    let format: PayloadFormat;
    switch (encoding) {
      case Encoding.CSV:
        return this.prepareCsv(text, start, end, raw);
      case Encoding.JSON:
        format = contentFormat(contentType) === PayloadFormat.JSON_LINES ? PayloadFormat.JSON_LINES : PayloadFormat.JSON;
        break;
      case Encoding.BASE64: {
        const decoded = decodeBase64Text(start === 0 && end === text.length ? text : text.slice(start, end));
        if (decoded === undefined) return RecordErrorReason.BAD_BASE64;
        format = contentFormat(contentType);
        if (format === PayloadFormat.UNKNOWN) return RecordErrorReason.UNSUPPORTED_ENCODING;
        text = decoded;
        start = 0;
        end = decoded.length;
        break;
      }
      case Encoding.NONE:
        format = contentFormat(contentType);
        if (format === PayloadFormat.UNKNOWN) return RecordErrorReason.UNSUPPORTED_ENCODING;
        break;
      default:
        return RecordErrorReason.UNSUPPORTED_ENCODING;
    }
    if (format === PayloadFormat.CSV) return this.prepareCsv(text, start, end, false);
    if (format === PayloadFormat.JSON_LINES) return this.prepareJsonLines(text, start, end);
    return this.prepareJson(text, start, end);
  }

  private prepareCsv(text: string, start: number, end: number, raw: boolean): RecordErrorReason | undefined {
    this.isCsv = true;
    this.text = text;
    this.raw = raw;
    const spans = this.spans;
    if (raw) {
      // no escapes ⇒ no newline: one record (a raw control character is caught while filling)
      spans.count = 0;
      if (start < end) {
        spans.starts[0] = start;
        spans.ends[0] = end;
        spans.count = 1;
      }
    } else {
      splitCsvRecords(text, start, end, spans);
    }
    this.count = spans.count;
    return this.count === 0 ? RecordErrorReason.EMPTY_PAYLOAD : undefined;
  }

  private instancesPath(): readonly string[] | undefined {
    return this.side === Side.OUTPUT ? this.schema.outputPath : this.schema.inputPath;
  }

  /** The instances value inside a document: explicit path, else a default key, else undefined. */
  private locate(doc: JsonValue): { found: boolean; value: JsonValue | undefined } {
    const path = this.instancesPath();
    if (path !== undefined) return { found: true, value: resolvePath(doc, path) };
    if (isJsonObject(doc)) {
      for (const key of this.side === Side.OUTPUT ? DEFAULT_OUTPUT_PATHS : DEFAULT_INPUT_PATHS) {
        const v = Object.prototype.hasOwnProperty.call(doc, key) ? doc[key] : undefined;
        if (v !== undefined && v !== null) return { found: true, value: v };
      }
    }
    return { found: false, value: doc };
  }

  private prepareJson(text: string, start: number, end: number): RecordErrorReason | undefined {
    this.isCsv = false;
    const doc = parseJsonText(text, start, end);
    if (doc === undefined) return RecordErrorReason.BAD_PAYLOAD;
    const { found, value } = this.locate(doc);
    if (value === undefined) return RecordErrorReason.BAD_PAYLOAD;
    if (Array.isArray(value)) {
      if (!found && value.length > 0 && value.every(isScalar)) {
        this.ambiguous = true;
        this.ambiguousDoc = value;
      }
      this.items = value;
    } else {
      this.one[0] = value;
      this.items = this.one;
    }
    this.count = this.items.length;
    return this.count === 0 ? RecordErrorReason.EMPTY_PAYLOAD : undefined;
  }

  private prepareJsonLines(text: string, start: number, end: number): RecordErrorReason | undefined {
    this.isCsv = false;
    const items = this.lineItems;
    items.length = 0;
    let p = start;
    while (p < end) {
      let nl = text.indexOf('\n', p);
      if (nl < 0 || nl > end) nl = end;
      if (!isBlank(text, p, nl)) {
        const doc = parseJsonText(text, p, nl);
        if (doc === undefined) return RecordErrorReason.BAD_PAYLOAD;
        const { value } = this.locate(doc);
        if (value === undefined) return RecordErrorReason.BAD_PAYLOAD;
        items.push(value);
      }
      p = nl + 1;
    }
    this.items = items;
    this.count = items.length;
    return this.count === 0 ? RecordErrorReason.EMPTY_PAYLOAD : undefined;
  }

  /**
   * Settle an ambiguous whole-document array of scalars: one row per element when the other side
   * has that many rows (more than one), else one row with one column per element.
   */
  settle(otherCount: number | undefined): void {
    if (!this.ambiguous) return;
    this.ambiguous = false;
    if (otherCount !== undefined && otherCount > 1 && otherCount === this.ambiguousDoc.length) return;
    this.one[0] = this.ambiguousDoc;
    this.items = this.one;
    this.count = 1;
  }

  /** Fill row i of this side into the filler. Returns the column count or a FillStatus. */
  fill(filler: RowFiller, i: number, base: number): number {
    if (this.isCsv) {
      const spans = this.spans;
      return filler.fillCsvRow(this.text, spans.starts[i] as number, spans.ends[i] as number, this.raw, this.side, base);
    }
    return filler.fillJsonItem(this.items[i] as JsonValue, this.side, base);
  }

  /** Columns row i gives the analysed row (what fill() returns), without filling anything. */
  columns(i: number): number {
    if (this.isCsv) return csvFieldCount(this.text, this.spans.starts[i] as number, this.spans.ends[i] as number, this.raw);
    const item = this.items[i] as JsonValue;
    if (Array.isArray(item)) return item.length;
    if (!isJsonObject(item)) return 1;
    let n = 0;
    for (const _key in item) n++;
    return n;
  }
}

/**
 * Fields of the CSV record text[a, b), as RowFiller.fillCsvRow reads them: ',' separates, a field
 * starting with '"' is quoted ("" inside; in-place `raw` text has no quotes to honour).
 */
export function csvFieldCount(text: string, a: number, b: number, raw: boolean): number {
  let n = 1;
  let p = a;
  while (p < b) {
    if (!raw && text.charCodeAt(p) === 34) p = closingQuote(text, p, b);
    while (p < b && text.charCodeAt(p) !== 44) p++;
    if (p < b) {
      n++;
      p++;
    }
  }
  return n;
}

function isBlank(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

/** Record spans of a CSV payload (reused). */
export interface CsvSpans {
  starts: Int32Array;
  ends: Int32Array;
  count: number;
}

/**
 * Split CSV text[start, end) into records at '\n' outside quoted fields (a field is quoted when
 * it starts with '"'; "" inside is a quote). A trailing '\r' is dropped; blank records are skipped.
 */
export function splitCsvRecords(text: string, start: number, end: number, spans: CsvSpans): void {
  spans.count = 0;
  let recStart = start;
  let p = start;
  let fieldStart = true;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === 34 && fieldStart) {
      p = closingQuote(text, p, end) + 1;
      fieldStart = false;
      continue;
    }
    if (c === 10) {
      pushRecord(text, recStart, p, spans);
      recStart = p + 1;
      fieldStart = true;
    } else {
      fieldStart = c === 44;
    }
    p++;
  }
  if (recStart < end) pushRecord(text, recStart, end, spans);
}

/** Where the quoted field opening at text[p] ('"') closes ("" inside is a quote); `end` when it does not. */
function closingQuote(text: string, p: number, end: number): number {
  p++;
  while (p < end) {
    if (text.charCodeAt(p) === 34) {
      if (p + 1 < end && text.charCodeAt(p + 1) === 34) {
        p += 2;
        continue;
      }
      return p;
    }
    p++;
  }
  return end;
}

function pushRecord(text: string, a: number, b: number, spans: CsvSpans): void {
  if (b > a && text.charCodeAt(b - 1) === 13) b--;
  if (b <= a) return;
  const n = spans.count;
  if (n === spans.starts.length) {
    const starts = new Int32Array(n * 2);
    starts.set(spans.starts);
    spans.starts = starts;
    const ends = new Int32Array(n * 2);
    ends.set(spans.ends);
    spans.ends = ends;
  }
  spans.starts[n] = a;
  spans.ends[n] = b;
  spans.count = n + 1;
}
