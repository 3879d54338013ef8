/**
 * SageMaker data-capture lines → FeatureRows.
 *
 * Two paths that give identical results:
 * - the fast path never builds the envelope object. Its first step is a learned template: lines
 *   from one endpoint differ only in their data, ids and time, so the shape of a scanned line is
 *   compiled into one anchored regular expression that checks a whole later line natively and
 *   then those strings are located (see Template). Lines that match no template are walked once by a
 *   strict structural scanner (it accepts only what JSON.parse accepts) that records where
 *   captureData.<index>.{data,encoding,observedContentType} and eventMetadata.{eventId,
 *   inferenceId,inferenceTime} are and skips everything else. An unescaped CSV `data` is parsed
 *   in place in the line (no substring per field); inference times go through a one-entry cache;
 * - the reference path JSON.parses the line and reads the same fields.
 * The fast path only ever succeeds: whenever it meets something it does not handle (a key with
 * an escape, a non-string where a string is expected, a missing field, any malformed record) it
 * hands the line to the reference path, which alone decides rejection reasons. Both paths feed
 * the same payload code (payload.ts, row-filler.ts), so correctness never depends on the fast path.
 *
 * Rejection order: not_json → missing_capture_data (each configured index: entry or data
 * absent/null) → missing_event_time / bad_event_time → per index in configured order:
 * unsupported_encoding / bad_base64 / bad_payload (also `data` not a string) / empty_payload →
 * row_count_mismatch → too_many_features.
 */
import { RecordErrorReason } from '../errors.js';
import type { RecordDecoder } from './decoder.js';
import type { FeatureRegistry } from './feature-registry.js';
import { parseIsoTimeMs } from './iso-time.js';
import { Encoding, SidePayload, encodingCode } from './payload.js';
import { FillStatus, RowFiller } from './row-filler.js';
import type { RowCallback } from './row.js';
import { Side, resolveSchema, type DatasetSchema, type ResolvedSchema } from './schema.js';

/** Internal: the fast path must hand the line to the reference path. */
const FALLBACK = 'fallback' as const;
type Outcome = RecordErrorReason | undefined | typeof FALLBACK;

const MAX_SKIP_DEPTH = 64;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Counters, for metrics and tests. */
export interface CaptureDecoderStats {
  /** Lines fully decoded by the fast path. */
  fast: number;
  /** ... of which matched a learned envelope template. */
  template: number;
  /** Lines handed to the reference (JSON.parse) path. */
  fallback: number;
}

/** Variable-string codes in a template (0..n-1: data of capture index k). */
const VAR_EVENT_ID = -1;
const VAR_INFERENCE_ID = -2;
const VAR_TIME = -3;

/**
 * An envelope shape learned from a fully scanned line: the line's text with the variable strings
 * (each index's data, eventId, inferenceId, inferenceTime) cut out. Capture lines of one endpoint
 * differ only there. The shape is compiled into one anchored regular expression — the constant
 * text literally, each variable as a capture group of JSON string content (no quote, backslash
 * or control character; for a data string learned with escapes, valid escapes too) — so a single
 * native call checks a whole line exactly (it matches only if the line is valid JSON with the
 * same structure). Encodings and content types are constants of the template.
 *
 * Locating the variables: when no group admits escapes (`plain`, the common case) a variable holds
 * no quote and the constant text after it starts with its closing quote, so it ends at the first
 * quote after its start: `re.test` plus one `indexOf` per variable, with no match array and no
 * capture substrings (ids are sliced only for an emitted row, the time is compared in place).
 * Otherwise `re.exec` and the group lengths locate them.
 *
 * (A hand-written matcher — `startsWith`, `indexOf` or `===` on a slice per constant segment,
 * `indexOf` per variable, a control-character loop over ids — measured 10–100 % slower than the
 * regular expression on Node 20: irregexp checks the ~300 constant characters in native code.)
 */
interface Template {
  readonly re: RegExp;
  /** Length of the constant segment before each variable. */
  readonly segLen: Int32Array;
  /** No group admits escapes: variables are located by their closing quotes (see above). */
  readonly plain: boolean;
  /** Variable codes, in line order. */
  readonly vars: Int32Array;
  /** Per variable: its group admits escapes. */
  readonly escapes: Uint8Array;
  readonly enc: readonly Encoding[];
  readonly ctype: readonly (string | undefined)[];
  /** Every index is CSV-encoded and no group admits escapes: decodeCsvPlain applies. */
  readonly csvPlain: boolean;
}

/** JSON string content without escapes, and with valid escapes (regex source). */
const PLAIN_STRING = '([^"\\\\\\x00-\\x1f]*)';
const ESCAPED_STRING = '((?:[^"\\\\\\x00-\\x1f]|\\\\["\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4})*)';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const MAX_TEMPLATES = 4;
/** Longest template regex source (the envelope's constant text is a few hundred characters). */
const MAX_TEMPLATE_SOURCE = 16_384;
/** evS marker: ids and time were set from a template match. */
const VIA_TEMPLATE = -2;

export class CaptureDecoder implements RecordDecoder {
  readonly schema: ResolvedSchema;
  readonly stats: CaptureDecoderStats = { fast: 0, template: 0, fallback: 0 };
  /** Learned envelope shapes, most recently used first. */
  private readonly templates: Template[] = [];
  /** Full scans since a template last matched (template learning backs off exponentially). */
  private scansSinceHit = 0;
  /** The last template match: start and end (closing quote) of each variable, in line order. */
  private readonly mS: Int32Array;
  private readonly mE: Int32Array;
  /** Whether the last stringEnd() met an escape. */
  private esc = false;
  private readonly filler: RowFiller;
  private readonly indexNames: readonly string[];
  private readonly nIdx: number;
  private readonly payloads: SidePayload[];
  /** Payload of the first / second side of the analysed row (undefined: side not captured). */
  private readonly firstIdx: number;
  private readonly secondIdx: number;
  private readonly firstSide: Side;

  // ---- extracted parts (filled by either path, consumed by assemble) ----
  private readonly enc: Encoding[] = [];
  private readonly ctype: (string | undefined)[] = [];
  private readonly dtext: (string | undefined)[] = [];
  private readonly dstart: number[] = [];
  private readonly dend: number[] = [];
  private readonly draw: boolean[] = [];
  private eventId: string | undefined = undefined;
  private inferenceId: string | undefined = undefined;
  private timeText = '';
  private timeStart = 0;
  private timeEnd = 0;

  // ---- one-entry time cache ----
  private cachedTime = '';
  private cachedTimeMs = 0;

  // ---- fast scanner state ----
  private line = '';
  /** Position of a backslash at or after the scan position, or -1 when there is none. */
  private bs = -1;
  private readonly seen: Uint8Array;
  private readonly sDataS: Int32Array;
  private readonly sDataE: Int32Array;
  private readonly sDataEsc: Uint8Array;
  private readonly sEncS: Int32Array;
  private readonly sEncE: Int32Array;
  private readonly sCtS: Int32Array;
  private readonly sCtE: Int32Array;
  private evS = -1;
  private evE = -1;
  private infS = -1;
  private infE = -1;
  private tS = -1;
  private tE = -1;

  constructor(schema: DatasetSchema, registry: FeatureRegistry) {
    this.schema = resolveSchema(schema, registry);
    this.filler = new RowFiller(registry, this.schema);
    this.indexNames = this.schema.captureIndexNames;
    const n = (this.nIdx = this.indexNames.length);
    this.payloads = this.indexNames.map(() => new SidePayload(this.schema));
    this.firstSide = this.schema.outputsFirst ? Side.OUTPUT : Side.INPUT;
    this.firstIdx = this.schema.captureSides.indexOf(this.firstSide);
    this.secondIdx = this.schema.captureSides.indexOf(this.firstSide === Side.OUTPUT ? Side.INPUT : Side.OUTPUT);
    for (let k = 0; k < n; k++) {
      this.enc.push(Encoding.NONE);
      this.ctype.push(undefined);
      this.dtext.push(undefined);
      this.dstart.push(0);
      this.dend.push(0);
      this.draw.push(false);
    }
    this.seen = new Uint8Array(n);
    this.sDataS = new Int32Array(n);
    this.sDataE = new Int32Array(n);
    this.sDataEsc = new Uint8Array(n);
    this.sEncS = new Int32Array(n);
    this.sEncE = new Int32Array(n);
    this.sCtS = new Int32Array(n);
    this.sCtE = new Int32Array(n);
    this.mS = new Int32Array(n + 3);
    this.mE = new Int32Array(n + 3);
  }

  decode(line: string, onRow: RowCallback): RecordErrorReason | undefined {
    this.line = line;
    const t = this.matchTemplates();
    if (t !== undefined && t.csvPlain && this.decodeCsvPlain(t, onRow)) {
      this.line = '';
      this.scansSinceHit = 0;
      this.stats.fast++;
      this.stats.template++;
      return undefined;
    }
    let ok = t !== undefined && this.extractMatch(t);
    const viaTemplate = ok;
    if (ok) {
      this.scansSinceHit = 0;
    } else if (this.scanLine(line)) {
      ok = this.materializeScanned();
      // learn this shape — with back-off when shapes never repeat (a template costs a regex compile)
      const n = ++this.scansSinceHit;
      if ((n & (n - 1)) === 0) this.learnTemplate();
    }
    if (ok && this.materializeData()) {
      const r = this.assemble(onRow);
      if (r === undefined) {
        this.line = '';
        this.stats.fast++;
        if (viaTemplate) this.stats.template++;
        return undefined;
      }
      // an error (or a raw control character): the reference path decides; nothing was emitted
    }
    this.line = '';
    this.stats.fallback++;
    return this.decodeReference(line, onRow);
  }

  /** The JSON.parse-based path (exposed for tests and benchmarks). */
  decodeReference(line: string, onRow: RowCallback): RecordErrorReason | undefined {
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      return RecordErrorReason.NOT_JSON;
    }
    if (!isPlainObject(doc)) return RecordErrorReason.NOT_JSON;
    const cd = doc['captureData'];
    for (let k = 0; k < this.nIdx; k++) {
      const entry = isPlainObject(cd) ? cd[this.indexNames[k] as string] : undefined;
      if (!isPlainObject(entry)) return RecordErrorReason.MISSING_CAPTURE_DATA;
      const data = entry['data'];
      if (data === undefined || data === null) return RecordErrorReason.MISSING_CAPTURE_DATA;
      this.enc[k] = encodingCode(entry['encoding']);
      const ct = entry['observedContentType'];
      this.ctype[k] = typeof ct === 'string' ? ct : undefined;
      this.dtext[k] = typeof data === 'string' ? data : undefined;
      this.dstart[k] = 0;
      this.dend[k] = typeof data === 'string' ? data.length : 0;
      this.draw[k] = false;
    }
    const md = doc['eventMetadata'];
    const meta = isPlainObject(md) ? md : undefined;
    const time = meta?.['inferenceTime'];
    if (time === undefined || time === null) return RecordErrorReason.MISSING_EVENT_TIME;
    if (typeof time !== 'string') return RecordErrorReason.BAD_EVENT_TIME;
    this.timeText = time;
    this.timeStart = 0;
    this.timeEnd = time.length;
    const ev = meta?.['eventId'];
    const inf = meta?.['inferenceId'];
    this.eventId = typeof ev === 'string' ? ev : undefined;
    this.inferenceId = typeof inf === 'string' ? inf : undefined;
    const r = this.assemble(onRow);
    return r === FALLBACK ? RecordErrorReason.NOT_JSON : r;
  }

  // ------------------------------------------------------------------ shared core

  private timeMs(): number {
    const t = this.timeText;
    const s = this.timeStart;
    const e = this.timeEnd;
    // The cache is compared in place (no substring unless the time changed). indexOf (a native
    // search that succeeds at s at once when the time is unchanged) measured cheaper here than
    // `startsWith`, a charCodeAt loop or `===` on a slice.
    const cached = this.cachedTime;
    if (e - s === cached.length && cached !== '' && t.indexOf(cached, s) === s) return this.cachedTimeMs;
    const ms = parseIsoTimeMs(t, s, e);
    if (!Number.isNaN(ms)) {
      this.cachedTime = s === 0 && e === t.length ? t : t.slice(s, e);
      this.cachedTimeMs = ms;
    }
    return ms;
  }

  /** From extracted parts to rows. Emits only when it returns undefined. */
  private assemble(onRow: RowCallback): Outcome {
    const eventTimeMs = this.timeMs();
    if (Number.isNaN(eventTimeMs)) return RecordErrorReason.BAD_EVENT_TIME;
    const sides = this.schema.captureSides;
    for (let k = 0; k < this.nIdx; k++) {
      const text = this.dtext[k];
      if (text === undefined) return RecordErrorReason.BAD_PAYLOAD;
      const r = (this.payloads[k] as SidePayload).prepare(
        sides[k] as Side,
        this.enc[k] as Encoding,
        this.ctype[k],
        text,
        this.dstart[k] as number,
        this.dend[k] as number,
        this.draw[k] as boolean,
      );
      if (r !== undefined) return r;
    }
    const first = this.firstIdx < 0 ? undefined : this.payloads[this.firstIdx];
    const second = this.secondIdx < 0 ? undefined : this.payloads[this.secondIdx];
    if (first !== undefined && second !== undefined) {
      if (first.ambiguous && !second.ambiguous) first.settle(second.count);
      else if (second.ambiguous && !first.ambiguous) second.settle(first.count);
      first.settle(undefined);
      second.settle(undefined);
      if (first.count !== second.count) return RecordErrorReason.ROW_COUNT_MISMATCH;
    } else {
      first?.settle(undefined);
      second?.settle(undefined);
    }
    const n = (first ?? second)?.count ?? 0;
    const eventId = this.eventId;
    const inferenceId = this.inferenceId !== undefined && this.inferenceId !== '' ? this.inferenceId : eventId;
    if (n === 1) {
      const s = this.fillRow(first, second, 0);
      if (s < 0) return s === FillStatus.INVALID_RAW ? FALLBACK : RecordErrorReason.TOO_MANY_FEATURES;
      onRow(this.filler.end(eventTimeMs, eventId, inferenceId));
      return undefined;
    }
    // several rows: register every column first, so a full registry rejects before any emission
    for (let i = 0; i < n; i++) {
      const s = this.fillRow(first, second, i);
      if (s < 0) return s === FillStatus.INVALID_RAW ? FALLBACK : RecordErrorReason.TOO_MANY_FEATURES;
    }
    for (let i = 0; i < n; i++) {
      this.fillRow(first, second, i);
      onRow(this.filler.end(eventTimeMs, eventId, inferenceId));
    }
    return undefined;
  }

  private fillRow(first: SidePayload | undefined, second: SidePayload | undefined, i: number): number {
    const filler = this.filler;
    filler.begin();
    let base: number;
    if (first !== undefined) {
      base = first.fill(filler, i, 0);
      if (base < 0) return base;
    } else {
      base = filler.declaredCount(this.firstSide);
    }
    if (second !== undefined) {
      const s = second.fill(filler, i, base);
      if (s < 0) return s;
    }
    return 0;
  }

  // ------------------------------------------------------------------ fast path

  /** Encodings and content types from the scanned spans (a template carries them instead). */
  private materializeScanned(): boolean {
    const line = this.line;
    for (let k = 0; k < this.nIdx; k++) {
      const es = this.sEncS[k] as number;
      const ee = this.sEncE[k] as number;
      let enc: Encoding;
      if (es < 0) enc = Encoding.NONE;
      else if (ee - es === 3 && line.startsWith('CSV', es)) enc = Encoding.CSV;
      else if (ee - es === 4 && line.startsWith('JSON', es)) enc = Encoding.JSON;
      else if (ee - es === 6 && line.startsWith('BASE64', es)) enc = Encoding.BASE64;
      else enc = encodingCode(line.slice(es, ee));
      this.enc[k] = enc;
      const cs = this.sCtS[k] as number;
      this.ctype[k] = cs < 0 ? undefined : line.slice(cs, this.sCtE[k]);
    }
    return true;
  }

  /** Data strings, ids and time from the spans into parts for assemble(). False → fall back. */
  private materializeData(): boolean {
    const line = this.line;
    for (let k = 0; k < this.nIdx; k++) {
      const s = this.sDataS[k] as number;
      const e = this.sDataE[k] as number;
      if (this.sDataEsc[k] === 1) {
        let text: unknown;
        try {
          text = JSON.parse(line.slice(s - 1, e + 1));
        } catch {
          return false;
        }
        if (typeof text !== 'string') return false;
        this.dtext[k] = text;
        this.dstart[k] = 0;
        this.dend[k] = text.length;
        this.draw[k] = false;
      } else if (this.enc[k] === Encoding.CSV) {
        this.dtext[k] = line;
        this.dstart[k] = s;
        this.dend[k] = e;
        this.draw[k] = true;
      } else {
        if (hasControlChar(line, s, e)) return false;
        this.dtext[k] = line.slice(s, e);
        this.dstart[k] = 0;
        this.dend[k] = e - s;
        this.draw[k] = false;
      }
    }
    if (this.evS !== VIA_TEMPLATE) {
      this.eventId = this.evS < 0 ? undefined : line.slice(this.evS, this.evE);
      this.inferenceId = this.infS < 0 ? undefined : line.slice(this.infS, this.infE);
      this.timeText = line;
      this.timeStart = this.tS;
      this.timeEnd = this.tE;
    }
    return true;
  }

  // ------------------------------------------------------------------ templates

  /** Learn the shape of the line just scanned (after materializeScanned). */
  private learnTemplate(): void {
    const line = this.line;
    const spans: [number, number, number][] = [];
    for (let k = 0; k < this.nIdx; k++) spans.push([this.sDataS[k] as number, this.sDataE[k] as number, k]);
    if (this.evS >= 0) spans.push([this.evS, this.evE, VAR_EVENT_ID]);
    if (this.infS >= 0) spans.push([this.infS, this.infE, VAR_INFERENCE_ID]);
    spans.push([this.tS, this.tE, VAR_TIME]);
    spans.sort((a, b) => a[0] - b[0]);
    let source = '^';
    const segLen: number[] = [];
    const escapes: number[] = [];
    let prev = 0;
    for (const [s, e, v] of spans) {
      source += escapeRegExp(line.slice(prev, s));
      segLen.push(s - prev);
      const esc = v >= 0 && this.sDataEsc[v] === 1;
      source += esc ? ESCAPED_STRING : PLAIN_STRING;
      escapes.push(esc ? 1 : 0);
      prev = e;
    }
    source += `${escapeRegExp(line.slice(prev))}$`;
    if (source.length > MAX_TEMPLATE_SOURCE) return; // huge constant parts: not worth a template
    let re: RegExp;
    try {
      re = new RegExp(source);
    } catch {
      return;
    }
    const plain = escapes.every((e) => e === 0);
    const t: Template = {
      re,
      segLen: Int32Array.from(segLen),
      plain,
      vars: Int32Array.from(spans, (x) => x[2]),
      escapes: Uint8Array.from(escapes),
      enc: this.enc.slice(),
      ctype: this.ctype.slice(),
      csvPlain: plain && this.enc.every((e) => e === Encoding.CSV),
    };
    this.templates.unshift(t);
    if (this.templates.length > MAX_TEMPLATES) this.templates.pop();
  }

  /** The first template matching the line (moved to the front); its variables' spans in `mS` / `mE`. */
  private matchTemplates(): Template | undefined {
    const ts = this.templates;
    const line = this.line;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as Template;
      let ok: boolean;
      try {
        ok = t.plain ? this.matchPlain(t, line) : this.matchEscaped(t, line);
      } catch {
        // a huge line can exhaust the regex engine's backtrack stack (RangeError): scan it instead
        ok = false;
      }
      if (!ok) continue;
      if (i !== 0) {
        ts.splice(i, 1);
        ts.unshift(t);
      }
      return t;
    }
    return undefined;
  }

  /** A template without escape groups: `test`, then each variable ends at its closing quote. */
  private matchPlain(t: Template, line: string): boolean {
    if (!t.re.test(line)) return false;
    const segLen = t.segLen;
    const mS = this.mS;
    const mE = this.mE;
    let p = 0;
    for (let j = 0; j < segLen.length; j++) {
      p += segLen[j] as number;
      mS[j] = p;
      p = line.indexOf('"', p);
      mE[j] = p;
    }
    return true;
  }

  /** A template with escape groups: the group lengths locate the variables. */
  private matchEscaped(t: Template, line: string): boolean {
    const m = t.re.exec(line);
    if (m === null) return false;
    const segLen = t.segLen;
    let p = 0;
    for (let j = 0; j < segLen.length; j++) {
      p += segLen[j] as number;
      this.mS[j] = p;
      p += (m[j + 1] as string).length;
      this.mE[j] = p;
    }
    return true;
  }

  /** Spans, ids and time from a template match (for materializeData / assemble). */
  private extractMatch(t: Template): boolean {
    const line = this.line;
    for (let k = 0; k < this.nIdx; k++) {
      this.enc[k] = t.enc[k] as Encoding;
      this.ctype[k] = t.ctype[k];
    }
    this.eventId = undefined;
    this.inferenceId = undefined;
    const vars = t.vars;
    for (let j = 0; j < vars.length; j++) {
      const s = this.mS[j] as number;
      const e = this.mE[j] as number;
      const v = vars[j] as number;
      if (v >= 0) {
        this.sDataS[v] = s;
        this.sDataE[v] = e;
        let esc = 0;
        if (t.escapes[j] === 1) {
          const b = line.indexOf('\\', s);
          esc = b >= 0 && b < e ? 1 : 0;
        }
        this.sDataEsc[v] = esc;
      } else if (v === VAR_EVENT_ID) {
        this.eventId = line.slice(s, e);
      } else if (v === VAR_INFERENCE_ID) {
        this.inferenceId = line.slice(s, e);
      } else {
        this.timeText = line;
        this.timeStart = s;
        this.timeEnd = e;
      }
    }
    this.evS = VIA_TEMPLATE;
    return true;
  }

  /**
   * The common case, straight from a template match: every index CSV without escapes, so each
   * data string is one CSV record parsed in place. False (nothing emitted) when anything is off
   * (empty data, bad time, full registry, …): the general path then decides.
   */
  private decodeCsvPlain(t: Template, onRow: RowCallback): boolean {
    const line = this.line;
    const vars = t.vars;
    const mS = this.mS;
    const mE = this.mE;
    const ds = this.sDataS;
    const de = this.sDataE;
    let evJ = -1;
    let infJ = -1;
    for (let j = 0; j < vars.length; j++) {
      const s = mS[j] as number;
      const e = mE[j] as number;
      const v = vars[j] as number;
      if (v >= 0) {
        if (s === e) return false;
        ds[v] = s;
        de[v] = e;
      } else if (v === VAR_EVENT_ID) {
        evJ = j;
      } else if (v === VAR_INFERENCE_ID) {
        infJ = j;
      } else {
        this.timeText = line;
        this.timeStart = s;
        this.timeEnd = e;
      }
    }
    const eventTimeMs = this.timeMs();
    if (Number.isNaN(eventTimeMs)) return false;
    const filler = this.filler;
    const sides = this.schema.captureSides;
    filler.begin();
    let base: number;
    const f = this.firstIdx;
    if (f >= 0) {
      base = filler.fillCsvRow(line, ds[f] as number, de[f] as number, true, sides[f] as Side, 0);
      if (base < 0) return false;
    } else {
      base = filler.declaredCount(this.firstSide);
    }
    const g = this.secondIdx;
    if (g >= 0 && filler.fillCsvRow(line, ds[g] as number, de[g] as number, true, sides[g] as Side, base) < 0) return false;
    // ids only now: nothing is sliced for a line that falls back
    const eventId = evJ < 0 ? undefined : line.slice(mS[evJ], mE[evJ]);
    const inferenceId = infJ < 0 || mS[infJ] === mE[infJ] ? eventId : line.slice(mS[infJ], mE[infJ]);
    onRow(filler.end(eventTimeMs, eventId, inferenceId));
    return true;
  }

  /** From the first content character of a JSON string: index of its closing quote (-1 if none); sets `esc`. */
  private stringEnd(p: number): number {
    const line = this.line;
    let q = line.indexOf('"', p);
    if (q < 0) return -1;
    let bs = this.bs;
    if (bs !== -1 && bs < p) {
      bs = line.indexOf('\\', p);
      this.bs = bs;
    }
    if (bs === -1 || bs > q) {
      this.esc = false;
      return q;
    }
    this.esc = true;
    for (;;) {
      let n = 0;
      while (line.charCodeAt(q - 1 - n) === 92) n++;
      if ((n & 1) === 0) return q;
      q = line.indexOf('"', q + 1);
      if (q < 0) return -1;
    }
  }

  /** Scan the envelope; true when every needed field was found in a shape the fast path handles. */
  private scanLine(line: string): boolean {
    this.bs = line.indexOf('\\');
    this.evS = this.infS = this.tS = -1;
    this.seen.fill(0);
    let p = this.ws(0);
    if (line.charCodeAt(p) !== 123) return false;
    p = this.ws(p + 1);
    if (line.charCodeAt(p) === 125) return false; // {} has nothing we need
    for (;;) {
      if (line.charCodeAt(p) !== 34) return false;
      const ks = p + 1;
      const ke = this.plainString(ks);
      if (ke < 0) return false;
      p = this.ws(ke + 1);
      if (line.charCodeAt(p) !== 58) return false;
      p = this.ws(p + 1);
      const klen = ke - ks;
      if (klen === 11 && line.startsWith('captureData', ks)) p = this.captureData(p);
      else if (klen === 13 && line.startsWith('eventMetadata', ks)) p = this.metadata(p);
      else p = this.skipValue(p, 0);
      if (p < 0) return false;
      p = this.ws(p);
      const c = line.charCodeAt(p);
      if (c === 44) {
        p = this.ws(p + 1);
        continue;
      }
      if (c !== 125) return false;
      break;
    }
    if (this.ws(p + 1) !== line.length) return false;
    if (this.tS < 0) return false;
    for (let k = 0; k < this.nIdx; k++) if (this.seen[k] !== 1 || (this.sDataS[k] as number) < 0) return false;
    return true;
  }

  private ws(p: number): number {
    const line = this.line;
    for (;;) {
      const c = line.charCodeAt(p);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return p;
      p++;
    }
  }

  /** From just after an opening quote: index of the closing quote; -1 on a backslash or control char. */
  private plainString(p: number): number {
    const line = this.line;
    const n = line.length;
    for (; p < n; p++) {
      const c = line.charCodeAt(p);
      if (c === 34) return p;
      if (c === 92 || c < 32) return -1;
    }
    return -1;
  }

  /** From an opening quote: index after the closing quote, validating escapes; -1 if invalid. */
  private skipString(p: number): number {
    const line = this.line;
    const n = line.length;
    for (p++; p < n; p++) {
      const c = line.charCodeAt(p);
      if (c === 34) return p + 1;
      if (c < 32) return -1;
      if (c === 92) {
        const e = line.charCodeAt(p + 1);
        if (e === 117) {
          for (let i = 2; i < 6; i++) {
            const h = line.charCodeAt(p + i);
            if (!((h >= 48 && h <= 57) || (h >= 97 && h <= 102) || (h >= 65 && h <= 70))) return -1;
          }
          p += 5;
        } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
          p++;
        } else {
          return -1;
        }
      }
    }
    return -1;
  }

  /** A strict JSON number from p; index after it, or -1. */
  private skipNumber(p: number): number {
    const line = this.line;
    let c = line.charCodeAt(p);
    if (c === 45) c = line.charCodeAt(++p);
    if (c === 48) {
      c = line.charCodeAt(++p);
    } else if (c >= 49 && c <= 57) {
      do c = line.charCodeAt(++p);
      while (c >= 48 && c <= 57);
    } else {
      return -1;
    }
    if (c === 46) {
      c = line.charCodeAt(++p);
      if (!(c >= 48 && c <= 57)) return -1;
      do c = line.charCodeAt(++p);
      while (c >= 48 && c <= 57);
    }
    if (c === 101 || c === 69) {
      c = line.charCodeAt(++p);
      if (c === 43 || c === 45) c = line.charCodeAt(++p);
      if (!(c >= 48 && c <= 57)) return -1;
      do c = line.charCodeAt(++p);
      while (c >= 48 && c <= 57);
    }
    return p;
  }

  private skipValue(p: number, depth: number): number {
    const line = this.line;
    const c = line.charCodeAt(p);
    switch (c) {
      case 34:
        return this.skipString(p);
      case 123:
      case 91: {
        if (depth >= MAX_SKIP_DEPTH) return -1;
        const close = c === 123 ? 125 : 93;
        p = this.ws(p + 1);
        if (line.charCodeAt(p) === close) return p + 1;
        for (;;) {
          if (c === 123) {
            if (line.charCodeAt(p) !== 34) return -1;
            p = this.skipString(p);
            if (p < 0) return -1;
            p = this.ws(p);
            if (line.charCodeAt(p) !== 58) return -1;
            p = this.ws(p + 1);
          }
          p = this.skipValue(p, depth + 1);
          if (p < 0) return -1;
          p = this.ws(p);
          const d = line.charCodeAt(p);
          if (d === close) return p + 1;
          if (d !== 44) return -1;
          p = this.ws(p + 1);
        }
      }
      case 116:
        return line.startsWith('true', p) ? p + 4 : -1;
      case 102:
        return line.startsWith('false', p) ? p + 5 : -1;
      case 110:
        return line.startsWith('null', p) ? p + 4 : -1;
      default:
        return this.skipNumber(p);
    }
  }

  /** Members of an object at p ('{' expected); `member` handles each key and returns the end of its value. */
  private captureData(p: number): number {
    const line = this.line;
    if (line.charCodeAt(p) !== 123) return -1;
    // a repeated captureData key replaces the earlier one (JSON.parse semantics)
    this.seen.fill(0);
    p = this.ws(p + 1);
    if (line.charCodeAt(p) === 125) return p + 1;
    const names = this.indexNames;
    for (;;) {
      if (line.charCodeAt(p) !== 34) return -1;
      const ks = p + 1;
      const ke = this.plainString(ks);
      if (ke < 0) return -1;
      p = this.ws(ke + 1);
      if (line.charCodeAt(p) !== 58) return -1;
      p = this.ws(p + 1);
      const klen = ke - ks;
      let k = -1;
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        if (klen === name.length && line.startsWith(name, ks)) {
          k = i;
          break;
        }
      }
      p = k >= 0 ? this.captureIndex(p, k) : this.skipValue(p, 1);
      if (p < 0) return -1;
      p = this.ws(p);
      const c = line.charCodeAt(p);
      if (c === 125) return p + 1;
      if (c !== 44) return -1;
      p = this.ws(p + 1);
    }
  }

  private captureIndex(p: number, k: number): number {
    const line = this.line;
    if (line.charCodeAt(p) !== 123) return -1;
    this.seen[k] = 1;
    this.sDataS[k] = -1;
    this.sEncS[k] = -1;
    this.sCtS[k] = -1;
    p = this.ws(p + 1);
    if (line.charCodeAt(p) === 125) return p + 1;
    for (;;) {
      if (line.charCodeAt(p) !== 34) return -1;
      const ks = p + 1;
      const ke = this.plainString(ks);
      if (ke < 0) return -1;
      p = this.ws(ke + 1);
      if (line.charCodeAt(p) !== 58) return -1;
      p = this.ws(p + 1);
      const klen = ke - ks;
      if (klen === 4 && line.startsWith('data', ks)) {
        if (line.charCodeAt(p) !== 34) return -1;
        p = this.dataString(p + 1, k);
      } else if (klen === 8 && line.startsWith('encoding', ks)) {
        if (line.charCodeAt(p) !== 34) return -1;
        const q = this.plainString(p + 1);
        if (q < 0) return -1;
        this.sEncS[k] = p + 1;
        this.sEncE[k] = q;
        p = q + 1;
      } else if (klen === 19 && line.startsWith('observedContentType', ks)) {
        if (line.charCodeAt(p) === 34) {
          const q = this.plainString(p + 1);
          if (q < 0) return -1;
          this.sCtS[k] = p + 1;
          this.sCtE[k] = q;
          p = q + 1;
        } else if (line.startsWith('null', p)) {
          this.sCtS[k] = -1;
          p += 4;
        } else {
          return -1;
        }
      } else {
        p = this.skipValue(p, 2);
      }
      if (p < 0) return -1;
      p = this.ws(p);
      const c = line.charCodeAt(p);
      if (c === 125) return p + 1;
      if (c !== 44) return -1;
      p = this.ws(p + 1);
    }
  }

  /** The data string's content from s (after its opening quote); index after the closing quote. */
  private dataString(s: number, k: number): number {
    const q = this.stringEnd(s);
    if (q < 0) return -1;
    // escapes are validated when the string is decoded (materializeData: JSON.parse of the literal)
    this.sDataS[k] = s;
    this.sDataE[k] = q;
    this.sDataEsc[k] = this.esc ? 1 : 0;
    return q + 1;
  }

  private metadata(p: number): number {
    const line = this.line;
    if (line.charCodeAt(p) !== 123) return -1;
    this.evS = this.infS = this.tS = -1;
    p = this.ws(p + 1);
    if (line.charCodeAt(p) === 125) return p + 1;
    for (;;) {
      if (line.charCodeAt(p) !== 34) return -1;
      const ks = p + 1;
      const ke = this.plainString(ks);
      if (ke < 0) return -1;
      p = this.ws(ke + 1);
      if (line.charCodeAt(p) !== 58) return -1;
      p = this.ws(p + 1);
      const klen = ke - ks;
      const which =
        klen === 7 && line.startsWith('eventId', ks)
          ? 1
          : klen === 11 && line.startsWith('inferenceId', ks)
            ? 2
            : klen === 13 && line.startsWith('inferenceTime', ks)
              ? 3
              : 0;
      if (which !== 0) {
        if (line.charCodeAt(p) !== 34) return -1;
        const q = this.plainString(p + 1);
        if (q < 0) return -1;
        if (which === 1) {
          this.evS = p + 1;
          this.evE = q;
        } else if (which === 2) {
          this.infS = p + 1;
          this.infE = q;
        } else {
          this.tS = p + 1;
          this.tE = q;
        }
        p = q + 1;
      } else {
        p = this.skipValue(p, 1);
        if (p < 0) return -1;
      }
      p = this.ws(p);
      const c = line.charCodeAt(p);
      if (c === 125) return p + 1;
      if (c !== 44) return -1;
      p = this.ws(p + 1);
    }
  }
}

/** Whether text[a, b) holds a character below U+0020 (not allowed raw inside a JSON string). */
function hasControlChar(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (text.charCodeAt(i) < 32) return true;
  return false;
}
