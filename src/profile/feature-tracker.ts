/**
 * The mutable per-feature state of a DatasetProfile: Deequ type counts, and the sketches each kind
 * of value feeds — numbers → Moments + quantile sketch; strings/booleans (and numbers' text when the
 * registry keeps it) → BoundedFrequencies + HyperLogLog. Sketches are created on first use, so a
 * numeric feature never allocates frequency/HLL state and vice versa.
 *
 * Missing values are not counted here: a profile knows how many rows it saw (itemCount), and
 * missing = itemCount − present. That also covers rows decoded before the feature was registered
 * (their width did not reach its slot): for SageMaker those rows simply lack the column.
 */
import { InferredType, OTHER_CATEGORY, type CategoryCount, type FeatureStatistics, type TypeCounts } from '../sagemaker/data-quality-model.js';
import { BoundedFrequencies, type FrequencySlot } from '../sketch/frequencies/bounded-frequencies.js';
import { HyperLogLog } from '../sketch/hll/hyperloglog.js';
import { ByteReader, ByteWriter, corrupt } from '../sketch/mergeable.js';
import { Moments } from '../sketch/moments.js';
import type { QuantileSketch, QuantileSketchFactory } from '../sketch/quantile-sketch.js';
import { kllBuckets } from './buckets.js';
import { inferType } from './type-inference.js';

/** Settings shared by every tracker of a profile. */
export interface TrackerConfig {
  readonly quantiles: QuantileSketchFactory;
  readonly frequencyCap: number;
  readonly hllPrecision: number;
}

const HAS_MOMENTS = 1;
const HAS_QUANTILES = 2;
const HAS_FREQUENCIES = 4;
const HAS_DISTINCT = 8;
/** Added with the non-finite count: snapshots written before it lack the bit and read as 0. */
const HAS_NON_FINITE = 16;

export class FeatureTracker {
  integral = 0;
  fractional = 0;
  boolean = 0;
  string = 0;
  /**
   * Non-finite numbers (±Infinity, NaN, "1e400"): present, but in no type count and kept out of
   * the moments and quantiles (README "Non-finite numbers").
   */
  nonFinite = 0;
  /** Finite numeric values. */
  readonly moments = new Moments();
  quantiles: QuantileSketch | null = null;
  frequencies: BoundedFrequencies | null = null;
  distinct: HyperLogLog | null = null;
  /**
   * addCategoryId's cache: per id of `idDictionary` (one decoded block's texts), the frequencies'
   * slot of that text, valid where idStamps[id] === idStamp. A new stamp invalidates all: a new
   * block, or another frequencies generation (other frequencies, or a reduction that may have
   * dropped slots).
   */
  private idDictionary: readonly (string | undefined)[] | null = null;
  private idGeneration = 0;
  private idStamp = 0;
  private idStamps = NO_STAMPS;
  private idSlots: FrequencySlot[] = [];

  constructor(private readonly config: TrackerConfig) {}

  /** Non-missing values seen. */
  get present(): number {
    return this.integral + this.fractional + this.boolean + this.string + this.nonFinite;
  }

  /** A numeric value; `text` is its raw text when the registry keeps it (else undefined). */
  addNumber(x: number, integral: boolean, text: string | undefined): void {
    if (x - x === 0) {
      if (integral) this.integral++;
      else this.fractional++;
      this.moments.add(x);
      let q = this.quantiles;
      if (q === null) q = this.quantiles = this.config.quantiles.create();
      q.update(x);
    } else {
      this.nonFinite++;
    }
    if (text !== undefined) this.addCategory(text);
  }

  /** A BOOLEAN or STRING value. */
  addText(text: string | undefined, isBoolean: boolean): void {
    this.countText(isBoolean);
    if (text !== undefined) this.addCategory(text);
  }

  /** addText of a decoded block's text `dictionary[id]` (see addCategoryId). */
  addTextId(id: number, dictionary: readonly (string | undefined)[], isBoolean: boolean): void {
    this.countText(isBoolean);
    this.addCategoryId(id, dictionary);
  }

  private countText(isBoolean: boolean): void {
    if (isBoolean) this.boolean++;
    else this.string++;
  }

  /** Whether this feature saw numbers (non-finite ones too) and also BOOLEAN or STRING values. */
  get mixesNumbersWithText(): boolean {
    return this.integral + this.fractional + this.nonFinite > 0 && this.boolean + this.string > 0;
  }

  /** Count `text` in the categories only (the type counts untouched): see replaceCategories. */
  addCategory(text: string): void {
    let f = this.frequencies;
    if (f === null) f = this.frequencies = new BoundedFrequencies(this.config.frequencyCap);
    // A value the frequencies hold entered the distinct counter with them (merges and snapshots
    // keep both together), and HyperLogLog ignores a value it has: skip its hash.
    if (f.add(text)) return;
    let h = this.distinct;
    if (h === null) h = this.distinct = new HyperLogLog(this.config.hllPrecision);
    h.addString(text);
  }

  /**
   * addCategory(dictionary[id]) (nothing when that is undefined), for texts of a decoded block: a
   * text met before in the same block is counted in its frequencies slot, without the Map lookup;
   * it is held, so the distinct counter has it already (as addCategory would skip its hash).
   */
  addCategoryId(id: number, dictionary: readonly (string | undefined)[]): void {
    const f = this.frequencies;
    if (dictionary !== this.idDictionary || (f === null ? 0 : f.generation) !== this.idGeneration) this.newIdEpoch(dictionary);
    if (this.idStamps[id] === this.idStamp) {
      (f as BoundedFrequencies).addToSlot(this.idSlots[id] as FrequencySlot);
      return;
    }
    const text = dictionary[id];
    if (text === undefined) return;
    this.addCategory(text);
    const g = this.frequencies as BoundedFrequencies;
    if (g.generation !== this.idGeneration) this.newIdEpoch(dictionary);
    const slot = g.slotOf(text);
    if (slot === undefined) return;
    this.idStamps[id] = this.idStamp;
    this.idSlots[id] = slot;
  }

  private newIdEpoch(dictionary: readonly (string | undefined)[]): void {
    this.idDictionary = dictionary;
    this.idGeneration = this.frequencies?.generation ?? 0;
    if (this.idStamps.length < dictionary.length) {
      const n = Math.max(dictionary.length, 2 * this.idStamps.length);
      this.idStamps = new Int32Array(n); // zeros: no stamp (stamps start at 1)
      this.idSlots = new Array<FrequencySlot>(n).fill(NO_SLOT);
    }
    if (++this.idStamp === 0x7fffffff) {
      this.idStamps.fill(0);
      this.idStamp = 1;
    }
  }

  /** A tracker with this one's settings and nothing counted. */
  emptyLike(): FeatureTracker {
    return new FeatureTracker(this.config);
  }

  /** Take `other`'s categories (frequencies and distinct counter) in place of this tracker's. */
  replaceCategories(other: FeatureTracker): void {
    this.frequencies = other.frequencies;
    this.distinct = other.distinct;
  }

  merge(other: FeatureTracker): void {
    this.integral += other.integral;
    this.fractional += other.fractional;
    this.boolean += other.boolean;
    this.string += other.string;
    this.nonFinite += other.nonFinite;
    this.moments.merge(other.moments);
    if (other.quantiles !== null) {
      if (this.quantiles === null) this.quantiles = other.quantiles.clone();
      else this.quantiles.merge(other.quantiles);
    }
    if (other.frequencies !== null) {
      if (this.frequencies === null) this.frequencies = other.frequencies.clone();
      else this.frequencies.merge(other.frequencies);
    }
    if (other.distinct !== null) {
      if (this.distinct === null) this.distinct = other.distinct.clone();
      else this.distinct.merge(other.distinct);
    }
  }

  typeCounts(itemCount: number): TypeCounts {
    return {
      integral: this.integral,
      fractional: this.fractional,
      boolean: this.boolean,
      string: this.string,
      missing: Math.max(0, itemCount - this.present),
      nonFinite: this.nonFinite,
    };
  }

  /**
   * The statistics.json view of this feature: Integral/Fractional → numerical statistics (with the
   * 10 KLL buckets and a copy of the quantile sketch); String/Boolean → string statistics
   * (distinct count exact while the frequencies are, else HyperLogLog's); Unknown → type counts only.
   */
  toStatistics(name: string, itemCount: number): FeatureStatistics {
    const typeCounts = this.typeCounts(itemCount);
    const inferredType = inferType(typeCounts);
    const out: FeatureStatistics = { name, inferredType, typeCounts };
    const present = this.present;
    const numMissing = typeCounts.missing;
    if (inferredType === InferredType.INTEGRAL || inferredType === InferredType.FRACTIONAL) {
      const m = this.moments;
      const sketch = this.quantiles !== null ? this.quantiles.clone() : this.config.quantiles.create();
      out.numerical = {
        numPresent: present,
        numMissing,
        mean: m.mean,
        sum: m.sum,
        stdDev: m.stdDev,
        min: m.min,
        max: m.max,
        buckets: kllBuckets(sketch, m.min, m.max),
        sketch,
      };
    } else if (inferredType === InferredType.STRING || inferredType === InferredType.BOOLEAN) {
      const f = this.frequencies;
      let distinctCount = 0;
      if (f !== null) distinctCount = f.isExact ? f.size : Math.round((this.distinct as HyperLogLog).estimate());
      out.string = { numPresent: present, numMissing, distinctCount, categories: [], categoriesComplete: true };
      if (f !== null) {
        if (f.isExact) out.string.categories = f.entries();
        else {
          out.string.categories = categoriesWithOther(f);
          out.string.categoriesComplete = false;
          out.string.categoryCountError = f.errorBound();
        }
      }
    }
    return out;
  }

  /** Append this tracker's state (counts, then the sketches it has, each as a length-prefixed blob). */
  writeTo(w: ByteWriter): void {
    w.f64(this.integral).f64(this.fractional).f64(this.boolean).f64(this.string);
    const flags =
      (this.moments.count > 0 ? HAS_MOMENTS : 0) |
      (this.quantiles !== null ? HAS_QUANTILES : 0) |
      (this.frequencies !== null ? HAS_FREQUENCIES : 0) |
      (this.distinct !== null ? HAS_DISTINCT : 0) |
      (this.nonFinite > 0 ? HAS_NON_FINITE : 0);
    w.u8(flags);
    if (flags & HAS_NON_FINITE) w.f64(this.nonFinite);
    if (flags & HAS_MOMENTS) w.blob(this.moments.serialize());
    if (this.quantiles !== null) w.blob(this.quantiles.serialize());
    if (this.frequencies !== null) w.blob(this.frequencies.serialize());
    if (this.distinct !== null) w.blob(this.distinct.serialize());
  }

  /** Restore what writeTo wrote. Sub-sketch problems surface as their own SKETCH_CORRUPT errors. */
  static readFrom(r: ByteReader, config: TrackerConfig): FeatureTracker {
    const t = new FeatureTracker(config);
    t.integral = integer(r, 'integral count');
    t.fractional = integer(r, 'fractional count');
    t.boolean = integer(r, 'boolean count');
    t.string = integer(r, 'string count');
    const flags = r.u8();
    if (flags > 31) throw corrupt(r.what, `tracker flags ${flags}`);
    if (flags & HAS_NON_FINITE) t.nonFinite = integer(r, 'non-finite count');
    if (flags & HAS_MOMENTS) t.moments.merge(Moments.deserialize(r.blob('moments')));
    if (flags & HAS_QUANTILES) t.quantiles = config.quantiles.deserialize(r.blob('quantile sketch'));
    if (flags & HAS_FREQUENCIES) t.frequencies = BoundedFrequencies.deserialize(r.blob('frequencies'));
    if (flags & HAS_DISTINCT) t.distinct = HyperLogLog.deserialize(r.blob('distinct counter'));
    if (t.moments.count > t.integral + t.fractional) throw corrupt(r.what, 'more numeric values than numbers counted');
    if (t.frequencies !== null && t.frequencies.cap !== config.frequencyCap) throw corrupt(r.what, 'frequency cap differs from the header');
    if (t.distinct !== null && t.distinct.precision !== config.hllPrecision) throw corrupt(r.what, 'HyperLogLog precision differs from the header');
    if ((t.frequencies === null) !== (t.distinct === null)) throw corrupt(r.what, 'frequencies and distinct counter must come together');
    return t;
  }
}

/**
 * Heavy hitters (lower-bound counts) and, last, OTHER_CATEGORY with the mass of everything else, so
 * the buckets sum to the total: without it a window of 1M distinct values listed one bucket of
 * count 1, and its drift distance was computed on that one row.
 */
function categoriesWithOther(f: BoundedFrequencies): CategoryCount[] {
  const out: CategoryCount[] = [];
  let listed = 0;
  let other = 0;
  for (const e of f.entries()) {
    if (e.value === OTHER_CATEGORY) other += e.count;
    else {
      out.push(e);
      listed += e.count;
    }
  }
  other += Math.max(0, f.total - listed - other);
  if (other > 0) out.push({ value: OTHER_CATEGORY, count: other });
  return out;
}

const NO_STAMPS = new Int32Array(0);
const NO_SLOT: FrequencySlot = { count: 0 };

function integer(r: ByteReader, field: string): number {
  const x = r.count(field);
  if (!Number.isInteger(x)) throw corrupt(r.what, `${field} is ${x}`);
  return x;
}
