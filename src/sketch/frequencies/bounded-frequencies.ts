/**
 * Categorical value counts: exact while at most `cap` distinct values have been seen, then a
 * Misra–Gries heavy-hitters summary with `cap` counters (weighted updates; merged as in Agarwal et
 * al., "Mergeable Summaries", 2012).
 *
 * Guarantee once inexact: for every value v, count(v) ≤ true(v) ≤ count(v) + errorBound(), and
 * errorBound() ≤ (total − Σ counters) / (cap + 1) ≤ total / (cap + 1). Hence every value with true
 * frequency > total / (cap + 1) (in particular > total / cap) is still reported by entries().
 * Merging keeps both inequalities (errors add; a reduction by d removes ≥ (cap + 1)·d).
 *
 * statistics.json lists entries() plus the rest's mass, total − Σ counters, as one more bucket
 * (OTHER_CATEGORY); since at most `cap` values are listed, errorBound() ≤ rest / (listed + 1) can be
 * recovered from the file alone. The categorical L∞ then errs by at most
 * min(|listed values of both sides| · errorBound(), rest) / total per side (linfCategoricalErrorBound).
 *
 * Why our own: we need the exact→bounded switch, weighted updates, a stated bound, and our
 * snapshot format; the update path is a single Map lookup (amortized O(1) reductions, see add()).
 * Each held value's count lives in a FrequencySlot that stays the same object while the value is
 * held, so a caller that sees the same texts again (a decoded block's dictionary ids) can count by
 * slot, without the lookup (addToSlot, valid while `generation` is unchanged).
 */
import { ByteReader, ByteWriter, corrupt, incompatible, type MergeableSketch } from '../mergeable.js';

const MAGIC = 'DMBF';
const VERSION = 1;

export const DEFAULT_FREQUENCY_CAP = 1000;

let nextGeneration = 1;

export interface FrequencyEntry {
  value: string;
  count: number;
}

/** The counter of one held value (see slotOf, addToSlot). */
export interface FrequencySlot {
  count: number;
}

function byCountThenValue(a: FrequencyEntry, b: FrequencyEntry): number {
  if (a.count !== b.count) return b.count - a.count;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export class BoundedFrequencies implements MergeableSketch<BoundedFrequencies> {
  readonly cap: number;
  private counts = new Map<string, FrequencySlot>();
  private totalWeight = 0;
  /** Σ of the amounts subtracted from every counter by reductions: the additive error bound. */
  private err = 0;
  private exact = true;
  /** Scratch for reductions (grown once to cap + 1). */
  private scratch: Float64Array;
  /**
   * Changes whenever a held value's slot may have been dropped (a reduction): slots taken before
   * are stale. Unique across instances, so it also tells one BoundedFrequencies from another.
   */
  generation = nextGeneration++;

  constructor(cap = DEFAULT_FREQUENCY_CAP) {
    if (!Number.isInteger(cap) || cap < 1 || cap > 0xffffffff) throw new RangeError(`frequency cap must be a positive integer: ${cap}`);
    this.cap = cap;
    this.scratch = new Float64Array(0);
  }

  /** Total weight offered. */
  get total(): number {
    return this.totalWeight;
  }

  /** True while counts are exact (never more than `cap` distinct values held). */
  get isExact(): boolean {
    return this.exact;
  }

  /** Number of values currently held (the exact distinct count while isExact). */
  get size(): number {
    return this.counts.size;
  }

  /** Max amount by which any count() underestimates the true count (0 while exact). */
  errorBound(): number {
    return this.err;
  }

  /**
   * Offer `value` with `weight` (> 0; 0 is a no-op). Amortized O(1): a reduction costs O(cap) but
   * subtracts at least (cap + 1)·min-weight from the counters, which can only have been added.
   * Returns whether the value was held already (so a companion sketch fed on insertion has it).
   */
  add(value: string, weight = 1): boolean {
    if (!(weight >= 0 && weight < Infinity)) throw new RangeError(`frequency weight must be finite and ≥ 0: ${weight}`);
    if (weight === 0) return false;
    this.totalWeight += weight;
    const counts = this.counts;
    const c = counts.get(value);
    if (c !== undefined) {
      c.count += weight;
      return true;
    }
    counts.set(value, { count: weight });
    if (counts.size > this.cap) this.reduce();
    return false;
  }

  /** The slot of a held value (undefined if not held): valid while `generation` stays the same. */
  slotOf(value: string): FrequencySlot | undefined {
    return this.counts.get(value);
  }

  /** add(value, 1) for the value whose slot, taken at this `generation`, is `slot`. */
  addToSlot(slot: FrequencySlot): void {
    this.totalWeight++;
    slot.count++;
  }

  /** Lower-bound estimate of value's weight (exact while isExact). */
  count(value: string): number {
    return this.counts.get(value)?.count ?? 0;
  }

  /** Upper bound of value's true weight. */
  countUpperBound(value: string): number {
    return this.count(value) + this.err;
  }

  /** Held values, most frequent first, ties by value (code-unit order). */
  entries(): FrequencyEntry[] {
    const out: FrequencyEntry[] = [];
    for (const [value, slot] of this.counts) out.push({ value, count: slot.count });
    out.sort(byCountThenValue);
    return out;
  }

  /**
   * Misra–Gries reduction to at most `cap` counters: subtract the (cap+1)-th largest count from
   * every counter and drop those at ≤ 0.
   */
  private reduce(): void {
    const counts = this.counts;
    const k = this.cap;
    if (counts.size <= k) return;
    if (this.scratch.length < counts.size) this.scratch = new Float64Array(Math.max(counts.size, k + 1));
    const values = this.scratch.subarray(0, counts.size);
    let i = 0;
    for (const c of counts.values()) values[i++] = c.count;
    const d = kthLargest(values, k + 1);
    this.generation = nextGeneration++;
    for (const [v, c] of counts) {
      const left = c.count - d;
      if (left > 0) c.count = left;
      else counts.delete(v);
    }
    this.err += d;
    this.exact = false;
  }

  merge(other: BoundedFrequencies): void {
    if (other.cap !== this.cap) throw incompatible('BoundedFrequencies', `cap ${this.cap} vs ${other.cap}`);
    if (other === this) throw incompatible('BoundedFrequencies', 'cannot merge a sketch into itself');
    const counts = this.counts;
    for (const [v, c] of other.counts) {
      const mine = counts.get(v);
      if (mine !== undefined) mine.count += c.count;
      else counts.set(v, { count: c.count });
    }
    this.totalWeight += other.totalWeight;
    this.err += other.err;
    if (!other.exact) this.exact = false;
    this.reduce();
  }

  clone(): BoundedFrequencies {
    const c = new BoundedFrequencies(this.cap);
    for (const [v, slot] of this.counts) c.counts.set(v, { count: slot.count });
    c.totalWeight = this.totalWeight;
    c.err = this.err;
    c.exact = this.exact;
    return c;
  }

  /** magic "DMBF", version, cap u32, exact u8, total f64, err f64, n u32, n × (string, count f64) in entries() order. */
  serialize(): Uint8Array {
    const entries = this.entries();
    const w = new ByteWriter(32 + entries.length * 24);
    w.header(MAGIC, VERSION).u32(this.cap).u8(this.exact ? 1 : 0).f64(this.totalWeight).f64(this.err).u32(entries.length);
    for (const e of entries) w.string(e.value).f64(e.count);
    return w.finish();
  }

  static deserialize(bytes: Uint8Array): BoundedFrequencies {
    const what = 'BoundedFrequencies';
    const r = new ByteReader(bytes, what);
    r.header(MAGIC, VERSION);
    const cap = r.u32();
    if (cap < 1) throw corrupt(what, `cap ${cap}`);
    const exactByte = r.u8();
    if (exactByte > 1) throw corrupt(what, `exact flag ${exactByte}`);
    const total = r.count('total');
    const err = r.count('error bound');
    const n = r.length(12, 'entries');
    if (n > cap) throw corrupt(what, `${n} entries exceed the cap ${cap}`);
    const f = new BoundedFrequencies(cap);
    let sum = 0;
    let prev: FrequencyEntry | undefined;
    for (let i = 0; i < n; i++) {
      const value = r.string('value');
      const count = r.f64();
      if (!(count > 0 && count < Infinity)) throw corrupt(what, `count ${count}`);
      const e = { value, count };
      if (prev !== undefined && byCountThenValue(prev, e) >= 0) throw corrupt(what, 'entries out of order or repeated');
      prev = e;
      f.counts.set(value, { count });
      sum += count;
    }
    r.end();
    if (exactByte === 1 && err !== 0) throw corrupt(what, 'exact sketch with a non-zero error bound');
    // counters never exceed the total (relative slack for floating-point sums)
    if (sum > total * (1 + 1e-9) + 1e-9) throw corrupt(what, 'counts exceed the total');
    f.exact = exactByte === 1;
    f.totalWeight = total;
    f.err = err;
    return f;
  }
}

/** The k-th largest of `a` (1-based; 1 ≤ k ≤ a.length), by quickselect. Reorders `a`. */
function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) > pivot) i++;
      while ((a[j] as number) < pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target] as number;
  }
  return a[lo] as number;
}
