/**
 * Fast in-place ascending sort of a Float64Array prefix, for the KLL compactor.
 *
 * Why: compacting level 0 sorts ~2,000–2,400 fresh values per ~2,000 updates, so the sort IS the
 * amortized update cost. The engine's `Float64Array.prototype.sort` (a comparison sort) costs
 * ~65–70 ns per item at that size on the 2-core CI machine; this one ~25 ns:
 *  1. map each double to its order-preserving unsigned 64-bit key (flip all bits of negatives,
 *     the sign bit of the others) and find the highest bit in which the keys differ;
 *  2. LSD radix-sort (2 passes of 11 bits) on the 22 key bits from that bit down: branch-free,
 *     and exact whenever the values differ within those bits (relative resolution ~2^-21 of the
 *     data's magnitude range);
 *  3. an insertion pass fixes the items that tie on those bits but differ below (~0.1 moves per
 *     item on normal/lognormal data; with a work budget: past it, fall back to the native sort).
 * Works for any finite or infinite values and -0 (ordered before +0, as the native sort does);
 * callers never pass NaN. Falls back to the native sort on big-endian hosts and for short inputs.
 *
 * The same algorithm compiled to WebAssembly (wasm/radix-sort.ts) runs about twice as fast again,
 * copies in and out included (~8 against ~16 ns per item at 600–2,048 items), so sortFloat64 uses
 * it wherever WebAssembly is available (each thread instantiates its own, on first use) and this
 * file's JavaScript (sortFloat64Portable) elsewhere; a test holds both to the native sort's result.
 */
import { wasmSorts } from './wasm-sorts.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many items the native sort wins (radix has fixed per-call costs). */
const MIN_RADIX = 256;

/** Key bits radix-sorted (two 11-bit digits); ties on them are fixed by the insertion pass. */
const WINDOW = 22;
const WINDOW_MASK = (1 << WINDOW) - 1;

// Keys are kept as int32, so V8 never widens them to doubles.
let keysA = new Int32Array(4096);
let keysB = new Int32Array(4096);
let valsB = new Float64Array(4096);
const counts = new Int32Array(2 * 2048);

function ensureScratch(n: number): void {
  if (keysA.length >= n) return;
  let cap = keysA.length;
  while (cap < n) cap *= 2;
  keysA = new Int32Array(cap);
  keysB = new Int32Array(cap);
  valsB = new Float64Array(cap);
}

/** Whether sortFloat64 runs the WebAssembly module in this thread. */
export function sortsWithWebAssembly(): boolean {
  return wasmSorts() !== null;
}

/** Sort buf[0, len) ascending in place. No NaN allowed. */
export function sortFloat64(buf: Float64Array, len: number): void {
  if (len < MIN_RADIX || !LITTLE_ENDIAN) {
    buf.subarray(0, len).sort();
    return;
  }
  const m = wasmSorts();
  if (m === null) {
    sortFloat64Portable(buf, len);
    return;
  }
  // values, scratch values, two key arrays, two histograms (wasm/radix-sort.ts)
  const values = m.reserve(24 * len + 16_384).values;
  values.set(len === buf.length ? buf : buf.subarray(0, len));
  if (m.sortValues(len) !== 0) values.subarray(0, len).sort();
  buf.set(values.subarray(0, len));
}

/** sortFloat64 in JavaScript: where WebAssembly is not available, and the wasm path's reference. */
export function sortFloat64Portable(buf: Float64Array, len: number): void {
  if (len < MIN_RADIX || !LITTLE_ENDIAN) {
    buf.subarray(0, len).sort();
    return;
  }
  const words = new Int32Array(buf.buffer, buf.byteOffset, 2 * len);

  // 1. Highest bit in which the order-preserving keys differ. The key of a double is its bits with
  //    all bits flipped when negative, else only the sign bit: key = word ^ (sign mask | 0x80000000)
  //    (branch-free). Flipping both words of two negatives keeps their XOR, and a sign difference is
  //    the top bit either way, so the raw words give the same highest differing bit.
  const hi0 = words[1] as number;
  let diffHi = 0;
  for (let i = 0; i < len; i++) diffHi |= (words[2 * i + 1] as number) ^ hi0;
  let top: number;
  if (diffHi !== 0) {
    top = 63 - Math.clz32(diffHi);
  } else {
    const lo0 = words[0] as number;
    let diffLo = 0;
    for (let i = 0; i < len; i++) diffLo |= (words[2 * i] as number) ^ lo0;
    if (diffLo === 0) return; // all identical
    top = 31 - Math.clz32(diffLo);
  }
  // Window [shift, shift + 21] of the 64-bit key holds the highest differing bit at its top.
  const shift = top < WINDOW ? 0 : top - (WINDOW - 1);

  // 2. Window keys + the two 11-bit digit histograms in one pass.
  ensureScratch(len);
  const kA = keysA;
  const kB = keysB;
  const vB = valsB;
  const cnt = counts;
  cnt.fill(0);
  if (shift >= 32) {
    // the window lies in the high word (e.g. values of both signs): the low word is not read
    const hs = shift - 32;
    for (let i = 0; i < len; i++) {
      const hi = words[2 * i + 1] as number;
      const key = ((hi ^ ((hi >> 31) | 0x80000000)) >>> hs) & WINDOW_MASK;
      kA[i] = key;
      cnt[key & 2047] = (cnt[key & 2047] as number) + 1;
      cnt[2048 + (key >>> 11)] = (cnt[2048 + (key >>> 11)] as number) + 1;
    }
  } else {
    const ls = shift;
    const hs = 32 - shift;
    for (let i = 0; i < len; i++) {
      const hi = words[2 * i + 1] as number;
      const mask = hi >> 31;
      const lo = (words[2 * i] as number) ^ mask;
      const key = (ls === 0 ? lo : (lo >>> ls) | ((hi ^ (mask | 0x80000000)) << hs)) & WINDOW_MASK;
      kA[i] = key;
      cnt[key & 2047] = (cnt[key & 2047] as number) + 1;
      cnt[2048 + (key >>> 11)] = (cnt[2048 + (key >>> 11)] as number) + 1;
    }
  }
  for (let d = 0; d < 2 * 2048; d += 2048) {
    let sum = 0;
    for (let b = d; b < d + 2048; b++) {
      const c = cnt[b] as number;
      cnt[b] = sum;
      sum += c;
    }
  }
  // LSD passes: (kA, buf) → (kB, vB) → buf.
  for (let i = 0; i < len; i++) {
    const key = kA[i] as number;
    const at = cnt[key & 2047] as number;
    cnt[key & 2047] = at + 1;
    kB[at] = key;
    vB[at] = buf[i] as number;
  }
  for (let i = 0; i < len; i++) {
    const b = 2048 + ((kB[i] as number) >>> 11);
    const at = cnt[b] as number;
    cnt[b] = at + 1;
    buf[at] = vB[i] as number;
  }

  // 3. Fix ties on the window (values that differ only below it); bounded work.
  if (shift === 0) return; // the window held every differing bit: exact already
  let budget = 4 * len;
  for (let i = 1; i < len; i++) {
    const v = buf[i] as number;
    if (!(v < (buf[i - 1] as number))) continue;
    let j = i - 1;
    while (j >= 0 && (buf[j] as number) > v) {
      buf[j + 1] = buf[j] as number;
      j--;
    }
    buf[j + 1] = v;
    budget -= i - j;
    if (budget < 0) {
      buf.subarray(0, len).sort();
      return;
    }
  }
}
