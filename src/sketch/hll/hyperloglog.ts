/**
 * HyperLogLog distinct counter (Flajolet et al. 2007) on a Uint8Array register file, with the
 * small-range (linear counting) correction and Ertl's bias-free raw estimator (see estimate()),
 * for `distinct_count` in statistics.json.
 *
 * Why our own instead of an npm package: it runs on the hot path for every string value, so it
 * must hash JS strings without encoding them to bytes first (no per-call allocation), keep its
 * registers in one typed array, and serialize in our snapshot format (SKETCH_CORRUPT on bad bytes).
 *
 * Hash: 64 bits from two 32-bit lanes, MurmurHash3-style. The string's UTF-16 code units are read
 * two at a time as one 32-bit block k; lane 1 absorbs k with MurmurHash3 x86_32's block step
 * (×0xcc9e2d51, rotl 15, ×0x1b873593; h = rotl(h ^ k, 13)·5 + 0xe6546b64), lane 2 absorbs the same
 * block with different constants (×0x85ebca6b, rotl 16, ×0xc2b2ae35; h = rotl(h ^ k, 17)·5 +
 * 0x561ccd1b). Finalization: xor the length into both, cross-add the lanes (h1 += h2, h2 += h1),
 * MurmurHash3's fmix32 avalanche on each, cross-add again — as MurmurHash3 x86_128 finishes. The
 * register index is the top p bits of lane 1; the rank is taken over the remaining 64 − p bits.
 * Numbers hash their IEEE-754 bits (lo word, hi word) through the same lanes (−0 is hashed as 0,
 * every NaN as the canonical NaN).
 */
import { ByteReader, ByteWriter, corrupt, incompatible, type MergeableSketch } from '../mergeable.js';
import { murmurBlock, murmurFmix32, murmurScramble } from '../murmur3.js';

const MAGIC = 'DMHL';
const VERSION = 1;
const FORMAT_DENSE = 0;
const FORMAT_SPARSE = 1;

export const HLL_MIN_PRECISION = 4;
export const HLL_MAX_PRECISION = 18;
export const HLL_DEFAULT_PRECISION = 14;

const C3 = 0x85ebca6b;
const C4 = 0xc2b2ae35;

// Results of the last hash (module-level so hashing allocates nothing).
let hashHi = 0;
let hashLo = 0;

const fmix32 = murmurFmix32;

function finish(h1: number, h2: number, len: number): void {
  h1 ^= len;
  h2 ^= len;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  hashHi = h1 >>> 0;
  hashLo = h2 >>> 0;
}

const absorb1 = murmurBlock;

function absorb2(h: number, k: number): number {
  k = Math.imul(k, C3);
  k = (k << 16) | (k >>> 16);
  k = Math.imul(k, C4);
  h ^= k;
  h = (h << 17) | (h >>> 15);
  return (Math.imul(h, 5) + 0x561ccd1b) | 0;
}

const SEED1 = 0x9747b28c;
const SEED2 = 0x3c6ef372;

function hashStringInto(s: string): void {
  let h1 = SEED1;
  let h2 = SEED2;
  const n = s.length;
  const even = n & ~1;
  for (let i = 0; i < even; i += 2) {
    const k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    h1 = absorb1(h1, k);
    h2 = absorb2(h2, k);
  }
  if (n & 1) {
    // tail block: the last code unit, tagged so "a" and "a\0" differ (the length also differs)
    const k = s.charCodeAt(n - 1) | 0x10000;
    h1 ^= murmurScramble(k);
    let k2 = Math.imul(k, C3);
    k2 = Math.imul((k2 << 16) | (k2 >>> 16), C4);
    h2 ^= k2;
  }
  finish(h1, h2, n);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// little-endian hosts store the low word first; Node on big-endian hosts is out of scope but handled
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

function hashNumberInto(x: number): void {
  f64[0] = x === 0 ? 0 : x !== x ? NaN : x;
  const lo = u32[LO] as number;
  const hi = u32[HI] as number;
  let h1 = absorb1(SEED1 ^ 0x5bd1e995, lo);
  let h2 = absorb2(SEED2 ^ 0x5bd1e995, lo);
  h1 = absorb1(h1, hi);
  h2 = absorb2(h2, hi);
  finish(h1, h2, 8);
}

/** The 64-bit hash of a string as [high 32 bits, low 32 bits] (exposed for tests). */
export function hash64String(s: string): [number, number] {
  hashStringInto(s);
  return [hashHi, hashLo];
}

/** The 64-bit hash of a double's bits as [high 32 bits, low 32 bits] (exposed for tests). */
export function hash64Number(x: number): [number, number] {
  hashNumberInto(x);
  return [hashHi, hashLo];
}

const ALPHA_INF = 1 / (2 * Math.LN2);

/** σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1), for the empty registers (x = V/m). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

/** τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^−k) / 3, for the saturated registers. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === prev) return z / 3;
  }
}

export class HyperLogLog implements MergeableSketch<HyperLogLog> {
  readonly precision: number;
  /** Number of registers, 2^precision. */
  readonly m: number;
  private readonly registers: Uint8Array;
  private readonly maxRank: number;
  private readonly idxShift: number;
  /** Scratch for estimate(): count of registers per value. */
  private readonly histogram: Float64Array;

  constructor(precision = HLL_DEFAULT_PRECISION) {
    if (!Number.isInteger(precision) || precision < HLL_MIN_PRECISION || precision > HLL_MAX_PRECISION) {
      throw new RangeError(`HyperLogLog precision must be an integer in [${HLL_MIN_PRECISION}, ${HLL_MAX_PRECISION}]: ${precision}`);
    }
    this.precision = precision;
    this.m = 1 << precision;
    this.registers = new Uint8Array(this.m);
    this.maxRank = 64 - precision + 1;
    this.idxShift = 32 - precision;
    this.histogram = new Float64Array(this.maxRank + 1);
  }

  /** The standard error of estimate(): 1.04/√m. */
  get relativeStandardError(): number {
    return 1.04 / Math.sqrt(this.m);
  }

  addString(s: string): void {
    hashStringInto(s);
    this.addHash(hashHi, hashLo);
  }

  addNumber(x: number): void {
    hashNumberInto(x);
    this.addHash(hashHi, hashLo);
  }

  /** Offer a precomputed 64-bit hash (hi, lo: unsigned 32-bit halves). */
  addHash(hi: number, lo: number): void {
    const p = this.precision;
    const idx = hi >>> this.idxShift;
    const rest = (hi << p) >>> 0;
    let rank: number;
    if (rest !== 0) rank = Math.clz32(rest) + 1;
    else rank = Math.min(this.idxShift + Math.clz32(lo) + 1, this.maxRank);
    const regs = this.registers;
    if (rank > (regs[idx] as number)) regs[idx] = rank;
  }

  /**
   * Estimated number of distinct values offered.
   *
   * Raw estimate: Ertl's "improved raw estimator" (O. Ertl, New cardinality estimation algorithms
   * for HyperLogLog sketches, 2017), computed from the histogram of register values. It is the
   * classic α·m²/Σ2^−M[j] with the empty and saturated registers replaced by their expected
   * contributions (σ and τ below), which removes the classic estimator's bias between 2.5·m and
   * 5·m without HLL++'s empirical bias tables. Small range: while registers are still empty and
   * the estimate is ≤ 2.5·m, linear counting m·ln(m/V) (V = empty registers).
   */
  estimate(): number {
    const m = this.m;
    const q = this.maxRank - 1;
    const hist = this.histogram;
    hist.fill(0);
    const regs = this.registers;
    for (let j = 0; j < m; j++) {
      const v = regs[j] as number;
      hist[v] = (hist[v] as number) + 1;
    }
    const zeros = hist[0] as number;
    if (zeros === m) return 0;
    let z = m * tau(1 - (hist[q + 1] as number) / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + (hist[k] as number));
    z += m * sigma(zeros / m);
    const estimate = (ALPHA_INF * m * m) / z;
    if (zeros > 0 && estimate <= 2.5 * m) return m * Math.log(m / zeros);
    return estimate;
  }

  isEmpty(): boolean {
    const regs = this.registers;
    for (let j = 0; j < regs.length; j++) if (regs[j] !== 0) return false;
    return true;
  }

  /** Union: register-wise maximum. */
  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) {
      throw incompatible('HyperLogLog', `precision ${this.precision} vs ${other.precision}`);
    }
    const a = this.registers;
    const b = other.registers;
    for (let j = 0; j < a.length; j++) {
      const v = b[j] as number;
      if (v > (a[j] as number)) a[j] = v;
    }
  }

  clone(): HyperLogLog {
    const c = new HyperLogLog(this.precision);
    c.registers.set(this.registers);
    return c;
  }

  /** Registers are equal (exposed for tests and the contract's `equivalent`). */
  equals(other: HyperLogLog): boolean {
    if (other.precision !== this.precision) return false;
    const a = this.registers;
    const b = other.registers;
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
    return true;
  }

  /**
   * magic "DMHL", version, precision, format; dense: m register bytes; sparse (chosen when smaller):
   * u32 count, then count × (u32 index, u8 value) with strictly increasing indices.
   */
  serialize(): Uint8Array {
    const regs = this.registers;
    let nonZero = 0;
    for (let j = 0; j < regs.length; j++) if (regs[j] !== 0) nonZero++;
    const sparse = 4 + 5 * nonZero < regs.length;
    const w = new ByteWriter(8 + (sparse ? 4 + 5 * nonZero : regs.length));
    w.header(MAGIC, VERSION).u8(this.precision).u8(sparse ? FORMAT_SPARSE : FORMAT_DENSE);
    if (sparse) {
      w.u32(nonZero);
      for (let j = 0; j < regs.length; j++) {
        const v = regs[j] as number;
        if (v !== 0) w.u32(j).u8(v);
      }
    } else {
      w.bytes(regs);
    }
    return w.finish();
  }

  static deserialize(bytes: Uint8Array): HyperLogLog {
    const r = new ByteReader(bytes, 'HyperLogLog');
    r.header(MAGIC, VERSION);
    const p = r.u8();
    if (p < HLL_MIN_PRECISION || p > HLL_MAX_PRECISION) throw corrupt('HyperLogLog', `precision ${p}`);
    const h = new HyperLogLog(p);
    const format = r.u8();
    const maxRank = h.maxRank;
    if (format === FORMAT_DENSE) {
      const regs = r.bytesView(h.m);
      for (let j = 0; j < regs.length; j++) {
        if ((regs[j] as number) > maxRank) throw corrupt('HyperLogLog', `register value ${regs[j]}`);
      }
      h.registers.set(regs);
    } else if (format === FORMAT_SPARSE) {
      const n = r.length(5, 'sparse registers');
      let last = -1;
      for (let i = 0; i < n; i++) {
        const j = r.u32();
        const v = r.u8();
        if (j <= last || j >= h.m) throw corrupt('HyperLogLog', `sparse register index ${j}`);
        if (v === 0 || v > maxRank) throw corrupt('HyperLogLog', `register value ${v}`);
        h.registers[j] = v;
        last = j;
      }
      // the writer only picks sparse when it is smaller; anything else is not our encoding
      if (4 + 5 * n >= h.m) throw corrupt('HyperLogLog', 'sparse encoding larger than dense');
    } else {
      throw corrupt('HyperLogLog', `unknown register format ${format}`);
    }
    r.end();
    return h;
  }
}
