/**
 * classify.ts's number scan over UTF-8 bytes, for the byte-level CSV reader: most cells of a
 * training CSV are numbers, and scanning them in place spares a string per cell.
 *
 * Only the common case is decided here: the whole of bytes[start, end) has Deequ's numeric shape
 * and its value is computed exactly by the fast path of scanNumber (at most 15 significant digits,
 * decimal exponent within ±22). Anything else returns STRING, meaning "not decided: classify the
 * text" (classifyText on the decoded cell), so the result is always classifyText's.
 */
import { POW10, type ScanResult } from './classify.js';
import { ValueKind } from './row.js';

/**
 * INTEGRAL or FRACTIONAL with `out.value` when bytes[start, end) is entirely a number the fast
 * path decides (see the module comment); STRING when the text must be classified instead.
 */
export function scanWholeNumberBytes(b: Uint8Array, start: number, end: number, out: ScanResult): ValueKind {
  let p = start;
  if (p >= end) return ValueKind.STRING;
  let c = b[p] as number;
  let negative = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    if (++p >= end) return ValueKind.STRING;
    c = b[p] as number;
  }
  if (c === 32 /* space */) {
    if (++p >= end) return ValueKind.STRING;
    c = b[p] as number;
  }
  let d = c - 48;
  if (d < 0 || d > 9) return ValueKind.STRING;
  let mantissa = 0;
  let sig = 0;
  for (;;) {
    if (sig !== 0 || d !== 0) {
      mantissa = mantissa * 10 + d;
      sig++;
    }
    if (++p >= end) break;
    d = (b[p] as number) - 48;
    if (d < 0 || d > 9) break;
  }
  let kind: ValueKind = ValueKind.INTEGRAL;
  let exp10 = 0;
  if (p < end && b[p] === 46 /* . */) {
    // a '.' must be followed by a digit, and then the digits run on
    if (++p >= end) return ValueKind.STRING;
    d = (b[p] as number) - 48;
    if (d < 0 || d > 9) return ValueKind.STRING;
    kind = ValueKind.FRACTIONAL;
    for (;;) {
      if (sig !== 0 || d !== 0) {
        mantissa = mantissa * 10 + d;
        sig++;
      }
      exp10--;
      if (++p >= end) break;
      d = (b[p] as number) - 48;
      if (d < 0 || d > 9) break;
    }
  }
  if (p < end) {
    c = b[p] as number;
    if (c !== 69 /* E */ && c !== 101 /* e */) return ValueKind.STRING;
    if (++p >= end) return ValueKind.STRING;
    c = b[p] as number;
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      if (++p >= end) return ValueKind.STRING;
      c = b[p] as number;
    }
    d = c - 48;
    if (d < 0 || d > 9) return ValueKind.STRING;
    let e = 0;
    for (;;) {
      if (e < 100_000) e = e * 10 + d;
      if (++p >= end) break;
      d = (b[p] as number) - 48;
      if (d < 0 || d > 9) return ValueKind.STRING;
    }
    kind = ValueKind.FRACTIONAL;
    exp10 += expNegative ? -e : e;
  }
  let value: number;
  if (mantissa === 0) value = 0;
  else if (sig <= 15 && exp10 >= -22 && exp10 <= 22) {
    value = exp10 === 0 ? mantissa : exp10 > 0 ? mantissa * (POW10[exp10] as number) : mantissa / (POW10[-exp10] as number);
  } else return ValueKind.STRING;
  out.value = negative ? -value : value;
  return kind;
}
