/**
 * Deequ's value classification (the DataType analyzer's per-value test), done by char-code
 * scanning instead of regular expressions because it runs for every feature of every record.
 *
 * Deequ (`StatefulDataType`) matches each value's text, in this order, against
 *   FRACTIONAL  ^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$
 *   INTEGRAL    ^(-|\+)? ?\d+$
 *   BOOLEAN     ^(true|false)$
 * and counts anything else as String; null counts as Unknown. Consequences we follow exactly:
 * "1e5" and "1.5E-3" are FRACTIONAL; "1.", ".5", "1 ", "--1", "0x10" and "TRUE" are STRING
 * (Deequ also types "nan", "inf", "NaN" and "Infinity" STRING: driftmon reads them as non-finite
 * numbers, see classifyText); "+5", "- 5" and " 5" (one space after the optional sign) are
 * INTEGRAL; "007" is INTEGRAL (7). `\d` is ASCII 0-9 only (Java's default). We additionally treat
 * the empty string as MISSING (Spark's CSV reader reads an empty field as null).
 *
 * The parsed number is what `Number()` gives for the digits after the optional sign and space
 * (so "- 5" → -5, "-0" → -0, "1e400" → Infinity); it is computed exactly (correctly rounded) from
 * the scanned digits when the value has at most 15 significant digits and a decimal exponent
 * within ±22 (both operands exact, one rounding), and by `Number()` on the digit substring otherwise.
 */
import { ValueKind } from './row.js';

/** Out-parameter of the scanners (one per caller, reused: no allocation per value). */
export interface ScanResult {
  /** The parsed number when the scan returned INTEGRAL or FRACTIONAL. */
  value: number;
  /** Index just after the last character the number scanner consumed. */
  pos: number;
}

export function createScanResult(): ScanResult {
  return { value: 0, pos: 0 };
}

/** Exact powers of ten for the fast path (shared with classify-bytes.ts). */
export const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const CH_SPACE = 32;
const CH_PLUS = 43;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_0 = 48;
const CH_E = 69;
const CH_e = 101;

/**
 * Scan the longest prefix of text[start, end) that has Deequ's numeric shape
 * `(-|\+)? ?\d+(\.\d+)?([Ee][-+]?\d+)?`. Returns INTEGRAL or FRACTIONAL (with `out.value` and
 * `out.pos` = end of the match), or STRING when no digit follows the optional sign and space.
 * The caller decides whether the match must reach the end of the value (classifyText) or may
 * stop at a delimiter (CSV). A '.' or exponent not followed by a digit is not consumed: "1." stops
 * before the '.', so a whole-value caller sees a leftover character and classifies STRING.
 */
export function scanNumber(text: string, start: number, end: number, out: ScanResult): ValueKind {
  let p = start;
  if (p >= end) return ValueKind.STRING;
  let c = text.charCodeAt(p);
  let negative = false;
  if (c === CH_MINUS || c === CH_PLUS) {
    negative = c === CH_MINUS;
    if (++p >= end) return ValueKind.STRING;
    c = text.charCodeAt(p);
  }
  if (c === CH_SPACE) {
    if (++p >= end) return ValueKind.STRING;
    c = text.charCodeAt(p);
  }
  let d = c - CH_0;
  if (d < 0 || d > 9) return ValueKind.STRING;
  const digitsStart = p;
  // mantissa = all digits (integer and fraction parts) as an integer; sig = significant digits in it
  let mantissa = 0;
  let sig = 0;
  do {
    if (sig !== 0 || d !== 0) {
      mantissa = mantissa * 10 + d;
      sig++;
    }
    if (++p >= end) break;
    d = text.charCodeAt(p) - CH_0;
  } while (d >= 0 && d <= 9);
  let kind: ValueKind = ValueKind.INTEGRAL;
  let exp10 = 0;
  if (p < end) {
    c = text.charCodeAt(p);
    if (c === CH_DOT && p + 1 < end) {
      d = text.charCodeAt(p + 1) - CH_0;
      if (d >= 0 && d <= 9) {
        kind = ValueKind.FRACTIONAL;
        p++;
        do {
          if (sig !== 0 || d !== 0) {
            mantissa = mantissa * 10 + d;
            sig++;
          }
          exp10--;
          if (++p >= end) break;
          d = text.charCodeAt(p) - CH_0;
        } while (d >= 0 && d <= 9);
        c = p < end ? text.charCodeAt(p) : 0;
      }
    }
    if ((c === CH_E || c === CH_e) && p + 1 < end) {
      let q = p + 1;
      let ec = text.charCodeAt(q);
      let expNegative = false;
      if (ec === CH_MINUS || ec === CH_PLUS) {
        expNegative = ec === CH_MINUS;
        q++;
        ec = q < end ? text.charCodeAt(q) : 0;
      }
      let ed = ec - CH_0;
      if (ed >= 0 && ed <= 9) {
        kind = ValueKind.FRACTIONAL;
        let e = 0;
        do {
          if (e < 100_000) e = e * 10 + ed;
          if (++q >= end) break;
          ed = text.charCodeAt(q) - CH_0;
        } while (ed >= 0 && ed <= 9);
        p = q;
        exp10 += expNegative ? -e : e;
      }
    }
  }
  out.pos = p;
  let value: number;
  if (mantissa === 0) {
    value = 0;
  } else if (sig <= 15 && exp10 >= -22 && exp10 <= 22) {
    value = exp10 === 0 ? mantissa : exp10 > 0 ? mantissa * (POW10[exp10] as number) : mantissa / (POW10[-exp10] as number);
  } else {
    value = Number(text.slice(digitsStart, p));
  }
  out.value = negative ? -value : value;
  return kind;
}

/** "true" / "false" exactly (Deequ's BOOLEAN pattern is case-sensitive). */
export function isBooleanText(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n === 4) return text.startsWith('true', start);
  if (n === 5) return text.startsWith('false', start);
  return false;
}

/** Lower-case ASCII letters of `word` equal text[p, p + word.length) case-insensitively. */
function matchesWord(text: string, p: number, end: number, word: string): boolean {
  if (end - p !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((text.charCodeAt(p + i) | 32) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The non-finite literals Spark's cast of a string to double reads (the cast SageMaker's analyzer
 * applies to a numeric column), case-insensitively: `inf`, `infinity` (optionally signed) and
 * `nan`. Returns ±Infinity or NaN, or 0 when text[start, end) is none of them. Deequ's regex
 * types these String; driftmon reads them as non-finite numbers instead, so one of them cannot
 * retype a numeric column (README "Non-finite numbers").
 */
export function nonFiniteLiteral(text: string, start: number, end: number): number {
  const n = end - start;
  if (n < 3 || n > 9) return 0;
  let p = start;
  const c = text.charCodeAt(p);
  if (c === CH_MINUS || c === CH_PLUS) p++;
  const lead = text.charCodeAt(p) | 32;
  if (lead === 110 /* n */) return p === start && matchesWord(text, p, end, 'nan') ? NaN : 0;
  if (lead !== 105 /* i */) return 0;
  if (!matchesWord(text, p, end, 'inf') && !matchesWord(text, p, end, 'infinity')) return 0;
  return c === CH_MINUS ? -Infinity : Infinity;
}

/**
 * Classify text[start, end) the way Deequ does (see the module comment); MISSING when empty.
 * For INTEGRAL/FRACTIONAL the number is left in `out.value`. One departure: a non-finite
 * literal (nonFiniteLiteral) is FRACTIONAL with its value, not STRING.
 */
export function classifyText(text: string, start: number, end: number, out: ScanResult): ValueKind {
  if (start >= end) return ValueKind.MISSING;
  const kind = scanNumber(text, start, end, out);
  if (kind !== ValueKind.STRING && out.pos === end) return kind;
  if (isBooleanText(text, start, end)) return ValueKind.BOOLEAN;
  const special = nonFiniteLiteral(text, start, end);
  if (special === 0) return ValueKind.STRING;
  out.value = special;
  return ValueKind.FRACTIONAL;
}

/**
 * A JSON number literal whose Deequ kind cannot be recovered from its value alone: an integer
 * value written with '.' or an exponent ("3.0", "1e5" → FRACTIONAL although Number.isInteger), or
 * an integer literal too large to be finite. Our JSON text parser (json-text.ts) produces these;
 * every other number literal is a plain `number` whose kind is INTEGRAL iff Number.isInteger.
 */
export class JsonNumber {
  constructor(
    readonly value: number,
    readonly kind: ValueKind,
    /** The literal as written. */
    readonly text: string,
  ) {}

  toJSON(): number {
    return this.value;
  }
}

/** Result of classifyJson. */
export interface JsonClassification {
  value: number;
  /** The text for BOOLEAN / STRING (and for numbers, see classifyJson), else undefined. */
  text: string | undefined;
}

export function createJsonClassification(): JsonClassification {
  return { value: 0, text: undefined };
}

/**
 * Classify a JSON value (as produced by JSON.parse or by json-text.ts):
 * - number: INTEGRAL iff Number.isInteger(value), else FRACTIONAL. JSON.parse loses how a number
 *   was written, so 3.0 from JSON.parse is INTEGRAL; json-text.ts keeps the distinction by
 *   returning a JsonNumber for integer values written with '.' or an exponent, so text parsed by
 *   driftmon classifies exactly like Deequ on the literal ("3" INTEGRAL, "3.0" and "1e5" FRACTIONAL).
 *   `out.text` is the literal for a JsonNumber and undefined for a plain number (callers that keep
 *   text use String(value), JavaScript's shortest round-trip form).
 * - boolean → BOOLEAN ("true"/"false"); null/undefined → MISSING;
 * - string → classifyText of its content (so "3" is INTEGRAL, "" MISSING, "abc" STRING);
 * - object / array → STRING holding its JSON.stringify text.
 */
export function classifyJson(v: unknown, out: JsonClassification, scratch: ScanResult): ValueKind {
  switch (typeof v) {
    case 'number':
      out.value = v;
      out.text = undefined;
      return Number.isInteger(v) ? ValueKind.INTEGRAL : ValueKind.FRACTIONAL;
    case 'string': {
      const kind = classifyText(v, 0, v.length, scratch);
      out.text = v;
      if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) out.value = scratch.value;
      return kind;
    }
    case 'boolean':
      out.text = v ? 'true' : 'false';
      return ValueKind.BOOLEAN;
    case 'object':
      if (v === null) return ValueKind.MISSING;
      if (v instanceof JsonNumber) {
        out.value = v.value;
        out.text = v.text;
        return v.kind;
      }
      out.text = JSON.stringify(v);
      return ValueKind.STRING;
    default:
      return ValueKind.MISSING;
  }
}
