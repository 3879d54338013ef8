/**
 * A strict structural scanner for one SageMaker capture line: it walks the JSON text once and
 * records where captureData.<index>.{data,encoding,observedContentType} and eventMetadata.{eventId,
 * inferenceId,inferenceTime} are (into CaptureLineSpans), skipping everything else without
 * building a value. It accepts only what JSON.parse accepts.
 *
 * Hand-written because JSON.parse gives values, not positions: the spans let an unescaped CSV
 * `data` string be parsed in place in the line, and let capture-templates.ts learn the line's
 * shape, which makes later lines of that shape the fastest case (a whole decode then takes about
 * 55–60 % of a bare JSON.parse of the line: bench/decode.bench.ts). It only ever succeeds: a key
 * with an escape, a non-string where a string is expected, a missing field or anything malformed
 * makes `scan` return false, and the caller hands the line to the reference path
 * (capture-reference-decoder.ts). Escapes inside a data string are not validated here: the
 * string is JSON.parsed when decoded.
 */
import type { CaptureLineSpans } from './capture-line-spans.js';

/** Nesting depth up to which skipped values are followed (deeper lines go to the reference path). */
const MAX_SKIP_DEPTH = 64;

export class CaptureLineScanner {
  private readonly indexNames: readonly string[];
  private readonly spans: CaptureLineSpans;
  /** Per capture index: 1 when its entry was found in the current captureData object. */
  private readonly indexSeen: Uint8Array;
  /** The line being scanned. */
  private line = '';
  /** Position of a backslash at or after the scan position, or -1 when there is none. */
  private nextBackslash = -1;
  /** Whether the last stringEnd() met an escape. */
  private lastStringEscaped = false;

  constructor(indexNames: readonly string[], spans: CaptureLineSpans) {
    this.indexNames = indexNames;
    this.spans = spans;
    this.indexSeen = new Uint8Array(indexNames.length);
  }

  /** Scan `line` into the spans; true when every needed field was found in a shape the fast path handles. */
  scan(line: string): boolean {
    this.line = line;
    const ok = this.scanLine(line);
    this.line = '';
    return ok;
  }

  private scanLine(line: string): boolean {
    const spans = this.spans;
    this.nextBackslash = line.indexOf('\\');
    spans.eventIdStart = spans.inferenceIdStart = spans.timeStart = -1;
    this.indexSeen.fill(0);
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
    if (spans.timeStart < 0) return false;
    const dataStart = spans.dataStart;
    for (let k = 0; k < this.indexNames.length; k++) if (this.indexSeen[k] !== 1 || (dataStart[k] as number) < 0) return false;
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

  /** From the first content character of a JSON string: index of its closing quote (-1 if none); sets `lastStringEscaped`. */
  private stringEnd(p: number): number {
    const line = this.line;
    let q = line.indexOf('"', p);
    if (q < 0) return -1;
    let bs = this.nextBackslash;
    if (bs !== -1 && bs < p) {
      bs = line.indexOf('\\', p);
      this.nextBackslash = bs;
    }
    if (bs === -1 || bs > q) {
      this.lastStringEscaped = false;
      return q;
    }
    this.lastStringEscaped = true;
    for (;;) {
      let n = 0;
      while (line.charCodeAt(q - 1 - n) === 92) n++;
      if ((n & 1) === 0) return q;
      q = line.indexOf('"', q + 1);
      if (q < 0) return -1;
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

  /** Any JSON value from p; index after it, or -1 if invalid (or nested deeper than MAX_SKIP_DEPTH). */
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

  /** The captureData object at p ('{' expected): each configured index's entry; index after it, or -1. */
  private captureData(p: number): number {
    const line = this.line;
    if (line.charCodeAt(p) !== 123) return -1;
    // a repeated captureData key replaces the earlier one (JSON.parse semantics)
    this.indexSeen.fill(0);
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

  /** Capture index k's entry object at p: its data, encoding and observedContentType; index after it, or -1. */
  private captureIndex(p: number, k: number): number {
    const line = this.line;
    const spans = this.spans;
    if (line.charCodeAt(p) !== 123) return -1;
    this.indexSeen[k] = 1;
    spans.dataStart[k] = -1;
    spans.encodingStart[k] = -1;
    spans.contentTypeStart[k] = -1;
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
        spans.encodingStart[k] = p + 1;
        spans.encodingEnd[k] = q;
        p = q + 1;
      } else if (klen === 19 && line.startsWith('observedContentType', ks)) {
        if (line.charCodeAt(p) === 34) {
          const q = this.plainString(p + 1);
          if (q < 0) return -1;
          spans.contentTypeStart[k] = p + 1;
          spans.contentTypeEnd[k] = q;
          p = q + 1;
        } else if (line.startsWith('null', p)) {
          spans.contentTypeStart[k] = -1;
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
    // escapes are validated when the string is decoded (JSON.parse of the literal)
    const spans = this.spans;
    spans.dataStart[k] = s;
    spans.dataEnd[k] = q;
    spans.dataEscaped[k] = this.lastStringEscaped ? 1 : 0;
    return q + 1;
  }

  /** The eventMetadata object at p: eventId, inferenceId and inferenceTime; index after it, or -1. */
  private metadata(p: number): number {
    const line = this.line;
    const spans = this.spans;
    if (line.charCodeAt(p) !== 123) return -1;
    spans.eventIdStart = spans.inferenceIdStart = spans.timeStart = -1;
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
          spans.eventIdStart = p + 1;
          spans.eventIdEnd = q;
        } else if (which === 2) {
          spans.inferenceIdStart = p + 1;
          spans.inferenceIdEnd = q;
        } else {
          spans.timeStart = p + 1;
          spans.timeEnd = q;
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
