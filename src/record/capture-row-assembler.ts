/**
 * One capture record's fields → FeatureRows: the step both decode paths share.
 *
 * The fast path (CaptureDecoder, from line spans) and the reference path
 * (capture-reference-decoder.ts, from JSON.parse) each fill CaptureRecordParts; `assemble`
 * decodes every index's payload (payload.ts), pairs the two sides' rows and fills them
 * (row-filler.ts). Sharing this step is why the paths give identical rows. `assembleCsvInPlace`
 * is the common case cut short: every index CSV without escapes, parsed straight from the line.
 */
import { RecordErrorReason } from '../errors.js';
import type { CaptureLineSpans } from './capture-line-spans.js';
import type { PositionalNames } from './column-naming.js';
import type { FeatureRegistry } from './feature-registry.js';
import { parseIsoTimeMs } from './iso-time.js';
import { Encoding, SidePayload } from './payload.js';
import { FillStatus, RowFiller } from './row-filler.js';
import type { RowCallback } from './row.js';
import { Side, type ResolvedSchema } from './schema.js';

/** The record cannot be assembled from the fast path's parts: the reference path must decide. */
export const FALLBACK = 'fallback' as const;
export type AssembleOutcome = RecordErrorReason | undefined | typeof FALLBACK;

/** The fields of one capture record, per capture index (schema order) and from eventMetadata. */
export class CaptureRecordParts {
  readonly encoding: Encoding[] = [];
  readonly contentType: (string | undefined)[] = [];
  /** The text holding the data string (undefined: `data` is not a string), and the data's span in it. */
  readonly dataText: (string | undefined)[] = [];
  readonly dataStart: number[] = [];
  readonly dataEnd: number[] = [];
  /** The span is raw JSON string content without escapes, in place in the line (a CSV parsed there). */
  readonly dataInLine: boolean[] = [];
  eventId: string | undefined = undefined;
  inferenceId: string | undefined = undefined;
  /** The inference time is timeText[timeStart, timeEnd). */
  timeText = '';
  timeStart = 0;
  timeEnd = 0;

  constructor(indexCount: number) {
    for (let k = 0; k < indexCount; k++) {
      this.encoding.push(Encoding.NONE);
      this.contentType.push(undefined);
      this.dataText.push(undefined);
      this.dataStart.push(0);
      this.dataEnd.push(0);
      this.dataInLine.push(false);
    }
  }
}

export class CaptureRowAssembler {
  private readonly parts: CaptureRecordParts;
  private readonly filler: RowFiller;
  /** Capture side of each index. */
  private readonly sides: readonly Side[];
  private readonly payloads: SidePayload[];
  /** Index of the analysed row's first / second side (-1: that side is not captured). */
  private readonly firstIndex: number;
  private readonly secondIndex: number;
  private readonly firstSide: Side;
  /** One-entry inference-time cache (lines arrive in bursts with one time). */
  private cachedTime = '';
  private cachedTimeMs = 0;
  /** The last valid time's text up to its seconds (`YYYY-MM-DDTHH:MM:SS`, '' none), and its ms. */
  private cachedSeconds = '';
  private cachedSecondsMs = 0;

  constructor(schema: ResolvedSchema, registry: FeatureRegistry, parts: CaptureRecordParts, names?: PositionalNames) {
    this.parts = parts;
    this.filler = new RowFiller(registry, schema, names);
    this.sides = schema.captureSides;
    this.payloads = schema.captureIndexNames.map(() => new SidePayload(schema));
    this.firstSide = schema.outputsFirst ? Side.OUTPUT : Side.INPUT;
    this.firstIndex = schema.captureSides.indexOf(this.firstSide);
    this.secondIndex = schema.captureSides.indexOf(this.firstSide === Side.OUTPUT ? Side.INPUT : Side.OUTPUT);
  }

  /** From the parts to rows. Emits only when it returns undefined. */
  assemble(onRow: RowCallback): AssembleOutcome {
    const parts = this.parts;
    const eventTimeMs = this.timeMs(parts.timeText, parts.timeStart, parts.timeEnd);
    if (Number.isNaN(eventTimeMs)) return RecordErrorReason.BAD_EVENT_TIME;
    const sides = this.sides;
    for (let k = 0; k < this.payloads.length; k++) {
      const text = parts.dataText[k];
      if (text === undefined) return RecordErrorReason.BAD_PAYLOAD;
      const r = (this.payloads[k] as SidePayload).prepare(
        sides[k] as Side,
        parts.encoding[k] as Encoding,
        parts.contentType[k],
        text,
        parts.dataStart[k] as number,
        parts.dataEnd[k] as number,
        parts.dataInLine[k] as boolean,
      );
      if (r !== undefined) return r;
    }
    const first = this.firstIndex < 0 ? undefined : this.payloads[this.firstIndex];
    const second = this.secondIndex < 0 ? undefined : this.payloads[this.secondIndex];
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
    const eventId = parts.eventId;
    const inferenceId = parts.inferenceId !== undefined && parts.inferenceId !== '' ? parts.inferenceId : eventId;
    if (n === 1) {
      let s = this.fillRow(first, second, 0);
      if (s === FillStatus.NAMES_PENDING) s = this.nameColumns(first, second, 0);
      if (s < 0) return s === FillStatus.INVALID_RAW ? FALLBACK : RecordErrorReason.TOO_MANY_FEATURES;
      onRow(this.filler.end(eventTimeMs, eventId, inferenceId));
      return undefined;
    }
    // several rows: register every column first, so a full registry rejects before any emission
    for (let i = 0; i < n; i++) {
      let s = this.fillRow(first, second, i);
      if (s === FillStatus.NAMES_PENDING) s = this.nameColumns(first, second, i);
      if (s < 0) return s === FillStatus.INVALID_RAW ? FALLBACK : RecordErrorReason.TOO_MANY_FEATURES;
    }
    for (let i = 0; i < n; i++) {
      this.fillRow(first, second, i);
      onRow(this.filler.end(eventTimeMs, eventId, inferenceId));
    }
    return undefined;
  }

  /**
   * The common case, straight from a template match (`spans` of `line`): every index CSV without
   * escapes, so each data string is one CSV record parsed in place. False (nothing emitted) when
   * anything is off (empty data, bad time, full registry, …): the general path then decides.
   */
  assembleCsvInPlace(line: string, spans: CaptureLineSpans, onRow: RowCallback): boolean {
    const ds = spans.dataStart;
    const de = spans.dataEnd;
    for (let k = 0; k < ds.length; k++) if (ds[k] === de[k]) return false;
    const eventTimeMs = this.timeMs(line, spans.timeStart, spans.timeEnd);
    if (Number.isNaN(eventTimeMs)) return false;
    const filler = this.filler;
    const sides = this.sides;
    filler.begin();
    let base: number;
    const f = this.firstIndex;
    if (f >= 0) {
      base = filler.fillCsvRow(line, ds[f] as number, de[f] as number, true, sides[f] as Side, 0);
      if (base < 0) return false;
    } else {
      base = filler.declaredCount(this.firstSide);
    }
    const g = this.secondIndex;
    if (g >= 0 && filler.fillCsvRow(line, ds[g] as number, de[g] as number, true, sides[g] as Side, base) < 0) return false;
    // ids only now: nothing is sliced for a line that falls back
    const evS = spans.eventIdStart;
    const infS = spans.inferenceIdStart;
    const infE = spans.inferenceIdEnd;
    const eventId = evS < 0 ? undefined : line.slice(evS, spans.eventIdEnd);
    const inferenceId = infS < 0 || infS === infE ? eventId : line.slice(infS, infE);
    onRow(filler.end(eventTimeMs, eventId, inferenceId));
    return true;
  }

  /** Decide how unnamed columns are named from row i's column count, then fill it again. */
  private nameColumns(first: SidePayload | undefined, second: SidePayload | undefined, i: number): number {
    const firstColumns = first !== undefined ? first.columns(i) : this.filler.declaredCount(this.firstSide);
    this.filler.names?.decide(firstColumns + (second !== undefined ? second.columns(i) : 0));
    return this.fillRow(first, second, i);
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

  /** Epoch ms of the ISO time text[s, e) (NaN if invalid). */
  private timeMs(text: string, s: number, e: number): number {
    // Times a few ms apart share their text up to the seconds: `YYYY-MM-DDTHH:MM:SS` then `.fffZ`
    // is the prefix's ms plus the milliseconds, as parseIsoTimeMs adds them. Checked first: it
    // covers an unchanged time of that shape too. Caches are compared in place (no substring
    // unless the time changed): indexOf (a native search that succeeds at s at once when the text
    // is there) measured cheaper than `startsWith`, a charCodeAt loop or `===` on a slice.
    const secs = this.cachedSeconds;
    if (e - s === SECONDS_LENGTH + 5 && secs !== '' && text.charCodeAt(e - 1) === 90 /* Z */ && text.charCodeAt(s + SECONDS_LENGTH) === 46 /* . */) {
      const f = fractionMs(text, s + SECONDS_LENGTH + 1);
      if (f >= 0 && text.indexOf(secs, s) === s) return this.cachedSecondsMs + f;
    }
    const cached = this.cachedTime;
    if (e - s === cached.length && cached !== '' && text.indexOf(cached, s) === s) return this.cachedTimeMs;
    const ms = parseIsoTimeMs(text, s, e);
    if (!Number.isNaN(ms)) {
      this.cachedTime = s === 0 && e === text.length ? text : text.slice(s, e);
      this.cachedTimeMs = ms;
      this.learnSeconds(text, s, e, ms);
    }
    return ms;
  }

  /** A valid time of the `YYYY-MM-DDTHH:MM:SS.fffZ` shape: keep its text up to the seconds and their ms. */
  private learnSeconds(text: string, s: number, e: number, ms: number): void {
    // parseIsoTimeMs accepted it: with this length, '.' and 'Z', the prefix is a date, 'T' (or
    // 't' or ' ') and HH:MM:SS, and the fraction three digits
    if (e - s !== SECONDS_LENGTH + 5 || text.charCodeAt(e - 1) !== 90 || text.charCodeAt(s + SECONDS_LENGTH) !== 46) return;
    this.cachedSeconds = text.slice(s, s + SECONDS_LENGTH);
    this.cachedSecondsMs = ms - fractionMs(text, s + SECONDS_LENGTH + 1);
  }
}

/** Length of `YYYY-MM-DDTHH:MM:SS`. */
const SECONDS_LENGTH = 19;

/** The three digits text[p, p + 3) as a number, or -1. */
function fractionMs(text: string, p: number): number {
  const a = text.charCodeAt(p) - 48;
  const b = text.charCodeAt(p + 1) - 48;
  const c = text.charCodeAt(p + 2) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9 || c < 0 || c > 9) return -1;
  return a * 100 + b * 10 + c;
}
