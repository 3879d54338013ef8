/**
 * A JSON array of doubles in Jackson's layout (`[ 1.0, 0.25 ]`, `[ ]`), each item as
 * javaDoubleToString prints it and NaN/±Infinity as Jackson's strings, built in one reused byte
 * buffer and turned into a string once. Why: a window's statistics.json holds thousands of KLL
 * items per feature, and making strings per item (the digits, their pieces, the joins) was most of
 * the time writing the file took, and much of the garbage of a window.
 *
 * The common items are written from their digits here: whole numbers and short decimals
 * (m / 10^k, the same test as java-double.ts's shortDecimal) in [1e-3, 1e7); others are copied
 * from javaDoubleToString. doubles-text.test.ts holds the bytes equal to javaDoubleToString's.
 */
import { javaDoubleToString } from './java-double.js';

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
const ZERO = 0x30;
const DOT = 0x2e;
const MINUS = 0x2d;
const COMMA = 0x2c;
const SPACE = 0x20;
/** Bytes an item may take with its separator ("-1.7976931348623157E308, " is 25). */
const ITEM_BYTES = 32;

/** Bytes of the array being written (grown as needed; one per process, the writer is synchronous). */
let scratch = Buffer.allocUnsafe(1 << 16);
/** Digits of one integer, least significant first. */
const digits = new Uint8Array(16);

/** `[ x0, x1, … ]` (`[ ]` when empty), Jackson's layout of a double[]. */
export function doublesArrayText(xs: ArrayLike<number>): string {
  const n = xs.length;
  if (n === 0) return '[ ]';
  if (scratch.length < ITEM_BYTES * n + 4) scratch = Buffer.allocUnsafe(Math.max(2 * scratch.length, ITEM_BYTES * n + 4));
  const b = scratch;
  b[0] = 0x5b; // [
  b[1] = SPACE;
  let at = putDouble(b, 2, xs[0] as number);
  for (let i = 1; i < n; i++) {
    b[at++] = COMMA;
    b[at++] = SPACE;
    at = putDouble(b, at, xs[i] as number);
  }
  b[at++] = SPACE;
  b[at++] = 0x5d; // ]
  return b.toString('latin1', 0, at);
}

function putAscii(b: Buffer, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[at++] = s.charCodeAt(i);
  return at;
}

/** Writes x at b[at…]; returns where it ends. */
function putDouble(b: Buffer, at: number, x: number): number {
  if (x !== x) return putAscii(b, at, '"NaN"');
  if (x === Infinity) return putAscii(b, at, '"Infinity"');
  if (x === -Infinity) return putAscii(b, at, '"-Infinity"');
  if (x === 0) return putAscii(b, at, Object.is(x, -0) ? '-0.0' : '0.0');
  const ax = Math.abs(x);
  if (ax >= 1e-3 && ax < 1e7) {
    if (Number.isInteger(ax)) return putDecimal(b, at, x < 0, ax, 0);
    for (let k = 1; k < POW10.length; k++) {
      const p = POW10[k] as number;
      const m = ax * p;
      if (m !== Math.floor(m)) continue;
      if (m >= 1e15 || m / p !== ax) break;
      const end = putDecimal(b, at, x < 0, m, k);
      // a trailing zero: the product rounded onto an integer at too large a k (leave it to String)
      if (end >= 0) return end;
      break;
    }
  }
  return putAscii(b, at, javaDoubleToString(x));
}

/**
 * The decimal m / 10^k (m a whole number < 1e15; k = 0: "m.0"), as String would print it; -1
 * (nothing written) when k > 0 and m ends in 0.
 */
function putDecimal(b: Buffer, at: number, negative: boolean, m: number, k: number): number {
  // digits of m: its two halves below 1e8 in int32 arithmetic (the split is exact: m < 2^53)
  const hi = Math.floor(m / 1e8);
  let lo = (m - hi * 1e8) | 0;
  let count = 0;
  if (hi === 0) {
    do {
      const q = (lo / 10) | 0;
      digits[count++] = lo - q * 10;
      lo = q;
    } while (lo > 0);
  } else {
    for (let i = 0; i < 8; i++) {
      const q = (lo / 10) | 0;
      digits[count++] = lo - q * 10;
      lo = q;
    }
    let h = hi | 0;
    while (h > 0) {
      const q = (h / 10) | 0;
      digits[count++] = h - q * 10;
      h = q;
    }
  }
  if (k > 0 && digits[0] === 0) return -1;
  if (negative) b[at++] = MINUS;
  if (k === 0) {
    for (let i = count - 1; i >= 0; i--) b[at++] = ZERO + (digits[i] as number);
    b[at++] = DOT;
    b[at++] = ZERO;
    return at;
  }
  const whole = count - k; // digits before the point (≤ 0: "0.00ddd")
  if (whole <= 0) {
    b[at++] = ZERO;
    b[at++] = DOT;
    for (let i = whole; i < 0; i++) b[at++] = ZERO;
  }
  for (let i = count - 1; i >= 0; i--) {
    if (i === k - 1 && whole > 0) b[at++] = DOT;
    b[at++] = ZERO + (digits[i] as number);
  }
  return at;
}
