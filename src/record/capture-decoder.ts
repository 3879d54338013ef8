/**
 * SageMaker data-capture lines → FeatureRows: picks the decode path for each line.
 *
 * Two paths that give identical results:
 * - the fast path never builds the envelope object. It locates the strings it needs in the line
 *   (CaptureLineSpans): first through a learned template (capture-templates.ts: lines from one
 *   endpoint differ only in their data, ids and time), else with the strict structural scanner
 *   (capture-line-scanner.ts), whose result teaches a template. An unescaped CSV `data` is parsed
 *   in place in the line (no substring per field); inference times go through a one-entry cache;
 * - the reference path (capture-reference-decoder.ts) JSON.parses the line and reads the same fields.
 * The fast path only ever succeeds: whenever it meets something it does not handle (a key with
 * an escape, a non-string where a string is expected, a missing field, any malformed record) it
 * hands the line to the reference path, which alone decides rejection reasons. Both paths feed
 * the same row assembly (capture-row-assembler.ts), so correctness never depends on the fast path.
 * The fast path is ours because it decodes a line in about 55–60 % of the time a bare JSON.parse
 * of it takes, while the reference path (a JSON.parse plus the same row assembly) takes 1.5–2×
 * a bare JSON.parse (bench/decode.bench.ts).
 *
 * Rejection order: not_json → missing_capture_data (each configured index: entry or data
 * absent/null) → missing_event_time / bad_event_time → per index in configured order:
 * unsupported_encoding / bad_base64 / bad_payload (also `data` not a string) / empty_payload →
 * row_count_mismatch → too_many_features.
 */
import { RecordErrorReason } from '../errors.js';
import { CaptureLineScanner } from './capture-line-scanner.js';
import { CaptureLineSpans } from './capture-line-spans.js';
import { parseCaptureRecord } from './capture-reference-decoder.js';
import { CaptureRecordParts, CaptureRowAssembler, FALLBACK } from './capture-row-assembler.js';
import { CaptureTemplates, type CaptureTemplate } from './capture-templates.js';
import { PositionalNames, type ColumnNaming } from './column-naming.js';
import type { DecoderOptions, RecordDecoder } from './decoder.js';
import type { FeatureRegistry } from './feature-registry.js';
import { Encoding, encodingCode } from './payload.js';
import type { RowCallback } from './row.js';
import { resolveSchema, type DatasetSchema, type ResolvedSchema } from './schema.js';

/** Counters, for metrics and tests. */
export interface CaptureDecoderStats {
  /** Lines fully decoded by the fast path. */
  fast: number;
  /** ... of which matched a learned envelope template. */
  template: number;
  /** Lines handed to the reference (JSON.parse) path. */
  fallback: number;
}

export class CaptureDecoder implements RecordDecoder {
  readonly schema: ResolvedSchema;
  readonly stats: CaptureDecoderStats = { fast: 0, template: 0, fallback: 0 };
  private readonly indexNames: readonly string[];
  /** Fast path: where the current line's strings are (set by a template match or the scanner). */
  private readonly spans: CaptureLineSpans;
  private readonly templates: CaptureTemplates;
  private readonly scanner: CaptureLineScanner;
  /** The current record's fields, from either path, for the assembler. */
  private readonly parts: CaptureRecordParts;
  private readonly assembler: CaptureRowAssembler;
  private readonly names: PositionalNames;

  constructor(schema: DatasetSchema, registry: FeatureRegistry, options: DecoderOptions = {}) {
    this.schema = resolveSchema(schema, registry);
    // explicit names always win: the baseline names columns only when the schema names none
    const unnamed = this.schema.inputNames.length === 0 && this.schema.outputNames.length === 0;
    this.names = new PositionalNames(unnamed ? options.baselineNames : undefined);
    this.indexNames = this.schema.captureIndexNames;
    const n = this.indexNames.length;
    this.spans = new CaptureLineSpans(n);
    this.templates = new CaptureTemplates(this.spans);
    this.scanner = new CaptureLineScanner(this.indexNames, this.spans);
    this.parts = new CaptureRecordParts(n);
    this.assembler = new CaptureRowAssembler(this.schema, registry, this.parts, this.names);
  }

  columnNaming(): ColumnNaming | undefined {
    return this.names.outcome;
  }

  adoptColumnNaming(naming: ColumnNaming): void {
    this.names.decide(naming.columns);
  }

  decode(line: string, onRow: RowCallback): RecordErrorReason | undefined {
    const t = this.templates.match(line);
    if (t !== undefined && t.csvInPlace && this.assembler.assembleCsvInPlace(line, this.spans, onRow)) {
      this.stats.fast++;
      this.stats.template++;
      return undefined;
    }
    let located = true;
    if (t !== undefined) {
      this.encodingsFromTemplate(t);
    } else if (this.scanner.scan(line)) {
      this.encodingsFromSpans(line);
      this.templates.scanned(line, this.parts.encoding, this.parts.contentType);
    } else {
      located = false;
    }
    if (located && this.dataFromSpans(line)) {
      const r = this.assembler.assemble(onRow);
      if (r === undefined) {
        this.stats.fast++;
        if (t !== undefined) this.stats.template++;
        return undefined;
      }
      // an error (or a raw control character): the reference path decides; nothing was emitted
    }
    this.stats.fallback++;
    return this.decodeReference(line, onRow);
  }

  /** The JSON.parse-based path (exposed for tests and benchmarks). */
  decodeReference(line: string, onRow: RowCallback): RecordErrorReason | undefined {
    const reason = parseCaptureRecord(line, this.indexNames, this.parts);
    if (reason !== undefined) return reason;
    const r = this.assembler.assemble(onRow);
    return r === FALLBACK ? RecordErrorReason.NOT_JSON : r;
  }

  private encodingsFromTemplate(t: CaptureTemplate): void {
    const parts = this.parts;
    for (let k = 0; k < this.indexNames.length; k++) {
      parts.encoding[k] = t.encodings[k] as Encoding;
      parts.contentType[k] = t.contentTypes[k];
    }
  }

  /** Encodings and content types from the scanned spans (a template carries them instead). */
  private encodingsFromSpans(line: string): void {
    const spans = this.spans;
    const parts = this.parts;
    for (let k = 0; k < this.indexNames.length; k++) {
      const es = spans.encodingStart[k] as number;
      const ee = spans.encodingEnd[k] as number;
      let enc: Encoding;
      if (es < 0) enc = Encoding.NONE;
      else if (ee - es === 3 && line.startsWith('CSV', es)) enc = Encoding.CSV;
      else if (ee - es === 4 && line.startsWith('JSON', es)) enc = Encoding.JSON;
      else if (ee - es === 6 && line.startsWith('BASE64', es)) enc = Encoding.BASE64;
      else enc = encodingCode(line.slice(es, ee));
      parts.encoding[k] = enc;
      const cs = spans.contentTypeStart[k] as number;
      parts.contentType[k] = cs < 0 ? undefined : line.slice(cs, spans.contentTypeEnd[k]);
    }
  }

  /** Data strings, ids and time from the spans into the parts. False → fall back. */
  private dataFromSpans(line: string): boolean {
    const spans = this.spans;
    const parts = this.parts;
    for (let k = 0; k < this.indexNames.length; k++) {
      const s = spans.dataStart[k] as number;
      const e = spans.dataEnd[k] as number;
      if (spans.dataEscaped[k] === 1) {
        let text: unknown;
        try {
          text = JSON.parse(line.slice(s - 1, e + 1));
        } catch {
          return false;
        }
        if (typeof text !== 'string') return false;
        parts.dataText[k] = text;
        parts.dataStart[k] = 0;
        parts.dataEnd[k] = text.length;
        parts.dataInLine[k] = false;
      } else if (parts.encoding[k] === Encoding.CSV) {
        parts.dataText[k] = line;
        parts.dataStart[k] = s;
        parts.dataEnd[k] = e;
        parts.dataInLine[k] = true;
      } else {
        if (hasControlChar(line, s, e)) return false;
        parts.dataText[k] = line.slice(s, e);
        parts.dataStart[k] = 0;
        parts.dataEnd[k] = e - s;
        parts.dataInLine[k] = false;
      }
    }
    parts.eventId = spans.eventIdStart < 0 ? undefined : line.slice(spans.eventIdStart, spans.eventIdEnd);
    parts.inferenceId = spans.inferenceIdStart < 0 ? undefined : line.slice(spans.inferenceIdStart, spans.inferenceIdEnd);
    parts.timeText = line;
    parts.timeStart = spans.timeStart;
    parts.timeEnd = spans.timeEnd;
    return true;
  }
}

/** Whether text[a, b) holds a character below U+0020 (not allowed raw inside a JSON string). */
function hasControlChar(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (text.charCodeAt(i) < 32) return true;
  return false;
}
