/**
 * The profile of one window (or of one baseline dataset): a FeatureTracker per feature slot of the
 * FeatureRegistry, fed one decoded FeatureRow at a time, mergeable, snapshot-able, and viewable as
 * the DatasetStatistics that statistics.json holds.
 *
 * Hot path: updateRow is one loop over the row's typed arrays; trackers are created when the
 * registry grows (once per new feature), sketches on first use; nothing else allocates.
 *
 * Snapshots name features rather than slots: after a restart the registry may number features
 * discovered in traffic differently, so deserialize maps names to the current registry (registering
 * undeclared ones as it goes).
 */
import type { DatasetStatistics, FeatureStatistics } from '../sagemaker/data-quality-model.js';
import { DriftmonError, ErrorCode } from '../errors.js';
import type { FeatureRegistry, FeatureSpec } from '../record/feature-registry.js';
import { ValueKind, type FeatureRow } from '../record/row.js';
import { DEFAULT_FREQUENCY_CAP } from '../sketch/frequencies/bounded-frequencies.js';
import { HLL_DEFAULT_PRECISION } from '../sketch/hll/hyperloglog.js';
import { ByteReader, ByteWriter, corrupt, incompatible, type MergeableSketch } from '../sketch/mergeable.js';
import type { QuantileSketchFactory } from '../sketch/quantile-sketch.js';
import type { DecodedRows } from './decoded-rows.js';
import { FeatureTracker, type TrackerConfig } from './feature-tracker.js';

export interface DatasetProfileOptions {
  /** Quantile sketch kind for numeric features (callers default to KLL). */
  quantiles: QuantileSketchFactory;
  /** Distinct categories counted exactly per feature before switching to heavy hitters (default 1000). */
  frequencyCap?: number;
  /** HyperLogLog precision p for distinct counts, m = 2^p registers (default 14). */
  hllPrecision?: number;
}

const MAGIC = 'DMDP';
const VERSION = 1;

const MISSING = ValueKind.MISSING;
const INTEGRAL = ValueKind.INTEGRAL;
const FRACTIONAL = ValueKind.FRACTIONAL;
const BOOLEAN = ValueKind.BOOLEAN;

export class DatasetProfile implements MergeableSketch<DatasetProfile> {
  readonly registry: FeatureRegistry;
  private readonly config: TrackerConfig;
  /** The registry's live feature list (it grows in place). */
  private readonly specs: readonly FeatureSpec[];
  private trackers: FeatureTracker[] = [];
  private items = 0;

  constructor(registry: FeatureRegistry, options: DatasetProfileOptions) {
    this.registry = registry;
    this.specs = registry.features;
    this.config = {
      quantiles: options.quantiles,
      frequencyCap: options.frequencyCap ?? DEFAULT_FREQUENCY_CAP,
      hllPrecision: options.hllPrecision ?? HLL_DEFAULT_PRECISION,
    };
    this.grow(registry.size);
  }

  /** Rows profiled. */
  get itemCount(): number {
    return this.items;
  }

  /** The tracker of feature slot `index` (undefined when this profile never reached that slot). */
  tracker(index: number): FeatureTracker | undefined {
    return this.trackers[index];
  }

  private grow(width: number): FeatureTracker[] {
    const trackers = this.trackers;
    while (trackers.length < width) trackers.push(new FeatureTracker(this.config));
    return trackers;
  }

  /** Profile one row (the row is the decoder's reusable object: nothing of it is kept but strings). */
  updateRow(row: FeatureRow): void {
    this.items++;
    const width = row.width;
    let trackers = this.trackers;
    if (trackers.length < width) trackers = this.grow(width);
    const kinds = row.kinds;
    const numbers = row.numbers;
    const strings = row.strings;
    const specs = this.specs;
    for (let i = 0; i < width; i++) {
      const kind = kinds[i];
      if (kind === MISSING) continue;
      const t = trackers[i] as FeatureTracker;
      if (kind === INTEGRAL || kind === FRACTIONAL) {
        t.addNumber(numbers[i] as number, kind === INTEGRAL, specs[i]?.keepText === true ? strings[i] : undefined);
      } else {
        t.addText(strings[i], kind === BOOLEAN);
      }
    }
  }

  /**
   * Profile row `rows.row` of a decoded block, read in place: the same counts and sketches as
   * updateRow on that row replayed into a FeatureRow (decoded-rows.test.ts holds them equal).
   */
  updateDecoded(rows: DecodedRows): void {
    this.items++;
    const r = rows.row;
    const width = rows.widths[r] as number;
    let trackers = this.trackers;
    if (trackers.length < width) trackers = this.grow(width);
    const kinds = rows.kinds;
    const numbers = rows.numbers;
    const textIds = rows.textIds;
    const dictionary = rows.dictionary;
    const specs = this.specs;
    const base = r * rows.stride;
    let text = rows.text;
    for (let i = 0; i < width; i++) {
      const kind = kinds[base + i];
      if (kind === MISSING) continue;
      const t = trackers[i] as FeatureTracker;
      if (kind === INTEGRAL || kind === FRACTIONAL) {
        t.addNumber(numbers[base + i] as number, kind === INTEGRAL, undefined);
        if (specs[i]?.keepText === true) t.addCategoryId(textIds[text++] as number, dictionary);
      } else {
        t.addTextId(textIds[text++] as number, dictionary, kind === BOOLEAN);
      }
    }
    rows.textEnd = text;
  }

  private checkCompatible(other: DatasetProfile): void {
    const a = this.config;
    const b = other.config;
    if (a.quantiles.kind !== b.quantiles.kind) throw incompatible('DatasetProfile', `quantile sketch ${a.quantiles.kind} vs ${b.quantiles.kind}`);
    if (a.frequencyCap !== b.frequencyCap) throw incompatible('DatasetProfile', `frequency cap ${a.frequencyCap} vs ${b.frequencyCap}`);
    if (a.hllPrecision !== b.hllPrecision) throw incompatible('DatasetProfile', `HyperLogLog precision ${a.hllPrecision} vs ${b.hllPrecision}`);
  }

  /**
   * Fold `other` in. Profiles over the same registry merge slot by slot; over different registries,
   * by feature name (features unknown here are registered as undeclared; SNAPSHOT_INVALID if the
   * registry is full).
   */
  merge(other: DatasetProfile): void {
    this.checkCompatible(other);
    if (other === this) throw incompatible('DatasetProfile', 'cannot merge a profile into itself');
    const theirs = other.trackers;
    if (other.registry === this.registry) {
      const trackers = this.grow(theirs.length);
      for (let i = 0; i < theirs.length; i++) (trackers[i] as FeatureTracker).merge(theirs[i] as FeatureTracker);
    } else {
      for (let i = 0; i < theirs.length; i++) {
        const t = theirs[i] as FeatureTracker;
        if (t.present === 0) continue;
        const spec = other.specs[i];
        if (spec === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `profile slot ${i} has no feature in its registry`);
        (this.trackers[this.slotFor(spec.name, spec.isOutput)] as FeatureTracker).merge(t);
      }
    }
    this.items += other.items;
  }

  /** This registry's slot for `name`, registering it (undeclared) if new; grows the trackers. */
  private slotFor(name: string, isOutput: boolean): number {
    const index = this.registry.get(name)?.index ?? this.registry.indexOf(name, isOutput);
    if (index < 0) {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `feature registry is full (${this.registry.maxFeatures}); cannot add "${name}"`);
    }
    this.grow(index + 1);
    return index;
  }

  /**
   * magic "DMDP", version, itemCount f64, frequencyCap u32, hllPrecision u8, quantile kind
   * (string), then the trackers that saw a value: u32 count × (name, isOutput u8, tracker state).
   */
  serialize(): Uint8Array {
    const w = new ByteWriter(1024);
    w.header(MAGIC, VERSION).f64(this.items).u32(this.config.frequencyCap).u8(this.config.hllPrecision).string(this.config.quantiles.kind);
    let n = 0;
    for (const t of this.trackers) if (t.present > 0) n++;
    w.u32(n);
    for (let i = 0; i < this.trackers.length; i++) {
      const t = this.trackers[i] as FeatureTracker;
      if (t.present === 0) continue;
      const spec = this.specs[i];
      if (spec === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `profile slot ${i} has no feature in its registry`);
      w.string(spec.name).u8(spec.isOutput ? 1 : 0);
      t.writeTo(w);
    }
    return w.finish();
  }

  /**
   * Restore a profile serialized by `serialize`, against `registry` (features are matched by name;
   * unknown ones are registered as undeclared). SKETCH_CORRUPT for bad bytes, SKETCH_INCOMPATIBLE
   * when the options differ from the snapshot's, SNAPSHOT_INVALID when the registry is full.
   */
  static deserialize(bytes: Uint8Array, registry: FeatureRegistry, options: DatasetProfileOptions): DatasetProfile {
    const what = 'DatasetProfile';
    const r = new ByteReader(bytes, what);
    r.header(MAGIC, VERSION);
    const items = r.count('item count');
    if (!Number.isInteger(items)) throw corrupt(what, `item count ${items}`);
    const cap = r.u32();
    const precision = r.u8();
    const kind = r.string('quantile kind');
    const p = new DatasetProfile(registry, options);
    const c = p.config;
    if (kind !== c.quantiles.kind) throw incompatible(what, `snapshot quantile sketch ${kind} vs ${c.quantiles.kind}`);
    if (cap !== c.frequencyCap) throw incompatible(what, `snapshot frequency cap ${cap} vs ${c.frequencyCap}`);
    if (precision !== c.hllPrecision) throw incompatible(what, `snapshot HyperLogLog precision ${precision} vs ${c.hllPrecision}`);
    const n = r.length(4 + 1 + 32 + 1, 'features');
    const seen = new Set<string>();
    // Parse everything before touching the registry, so corrupt bytes register nothing.
    const parsed: Array<[string, boolean, FeatureTracker]> = [];
    for (let i = 0; i < n; i++) {
      const name = r.string('feature name');
      if (seen.has(name)) throw corrupt(what, `feature "${name}" appears twice`);
      seen.add(name);
      const flag = r.u8();
      if (flag > 1) throw corrupt(what, `isOutput flag ${flag}`);
      const t = FeatureTracker.readFrom(r, c);
      if (t.present === 0 || t.present > items) throw corrupt(what, `feature "${name}" counts ${t.present} values in ${items} rows`);
      parsed.push([name, flag === 1, t]);
    }
    r.end();
    for (const [name, isOutput, t] of parsed) p.trackers[p.slotFor(name, isOutput)] = t;
    p.items = items;
    return p;
  }

  /**
   * The statistics.json view: features in registry order. Declared features are always listed
   * (Unknown when this profile saw no value of them); undeclared ones only when this profile saw
   * at least one non-missing value, so a column discovered in one window is not reported as an
   * extra column by every later one.
   */
  toStatistics(): DatasetStatistics {
    const features: FeatureStatistics[] = [];
    const specs = this.specs;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i] as FeatureSpec;
      const t = this.trackers[i];
      if (!spec.declared && (t === undefined || t.present === 0)) continue;
      features.push((t ?? new FeatureTracker(this.config)).toStatistics(spec.name, this.items));
    }
    return { itemCount: this.items, features };
  }
}
