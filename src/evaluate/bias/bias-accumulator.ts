/**
 * Per-window counts from which every Clarify bias metric follows (bias-metrics.ts), mergeable and
 * serializable for checkpoints. Memory is bounded: 4 counts (label ± × predicted ±) per group
 * value for all rows, and per group value for each facet-d definition.
 *
 * - Group values: at most `maxGroups` are tracked; rows of further values go to an "untracked"
 *   bucket that still counts for every metric except CDDL/CDDPL, which then report an error.
 *   Rows with a missing group value are counted everywhere but belong to no group (Clarify: NaN
 *   matches no group, so they weigh nothing in CDD).
 * - One-vs-rest facets (no value_or_threshold): at most `maxFacetValues` distinct values are
 *   tracked, in order of first appearance, and reported; rows of further values count in facet a
 *   of every tracked value (exactly as Clarify counts them) and in `overflowRows`. Merging keeps
 *   every tracked value exact: a value tracked on one side only is kept only when the other side
 *   tracked every value it saw (no overflow), otherwise its rows move to `overflowRows` too.
 * - Missing facet values belong to facet a (pandas compares NaN as unequal and not greater).
 */
import { incompatible, ByteReader, ByteWriter, corrupt } from '../../sketch/mergeable.js';
import { RecordErrorReason } from '../../errors.js';
import type { BiasAnalysis, BiasStageAnalysis, FacetValueAnalysis } from '../../sagemaker/analysis-json.js';
import { ANALYSIS_VERSION } from '../../sagemaker/analysis-json.js';
import {
  NO_GROUP_VARIABLE_ERROR,
  postTrainingMetrics,
  preTrainingMetrics,
  type Confusion,
  type FacetCounts,
  type GroupCounts,
} from './bias-metrics.js';
import {
  ColumnKind,
  configValueText,
  intervalText,
  numericValue,
  PredictionSource,
  valueKey,
  type BiasSpec,
  type BiasValue,
} from './bias-spec.js';

/** One joined row: observed label, prediction (label or score), facet values, group value. */
export interface BiasRow {
  readonly label: BiasValue;
  /** The predicted label (predictions: 'label'). */
  readonly predictedLabel?: BiasValue;
  /** The score compared with probability_threshold (predictions: 'probability'). */
  readonly score?: number | null;
  readonly facets: Readonly<Record<string, BiasValue>>;
  readonly group?: BiasValue;
}

/** Cell of a (label, predicted) pair: 0 = TN, 1 = FP, 2 = FN, 3 = TP. */
const CELLS = 4;
const cell = (label: boolean, predicted: boolean): number => (label ? 2 : 0) + (predicted ? 1 : 0);
/** Bucket 0 holds rows with a missing or untracked group value (and every row without group_variable). */
const NO_GROUP = 0;

const MAGIC = 'DMBA';
const VERSION = 1;
const WHAT = 'BiasAccumulator';

class FacetState {
  /** Entry keys (one-vs-rest: the value keys; otherwise one entry ""). */
  keys: string[] = [];
  index = new Map<string, number>();
  /** counts[entry][group * 4 + cell]. */
  counts: number[][] = [];
  overflowRows = 0;
  max = -Infinity;
  allIntegral = true;

  addEntry(k: string, width: number): number {
    const i = this.keys.length;
    this.keys.push(k);
    this.index.set(k, i);
    this.counts.push(new Array<number>(width).fill(0));
    return i;
  }

  rebuildIndex(): void {
    this.index = new Map(this.keys.map((k, i) => [k, i]));
  }
}

/** Extra inputs when building an analysis (the baseline job's flip test). */
export interface AnalysisExtras {
  /** FT for a facet-d definition: `inD` tells whether a facet value is in facet d. */
  flipTest?: (facet: string, inD: (v: BiasValue) => boolean) => number;
}

export class BiasAccumulator {
  private rowCount = 0;
  private groupKeys: string[] = [''];
  private groupIndex = new Map<string, number>();
  private untrackedGroupRows = 0;
  private totals: number[] = new Array<number>(CELLS).fill(0);
  private labelMax = -Infinity;
  private labelAllIntegral = true;
  private readonly facets: FacetState[];
  private readonly positiveKeys: ReadonlySet<string>;
  private readonly facetKeys: (ReadonlySet<string> | undefined)[];
  readonly fingerprint: string;

  constructor(readonly spec: BiasSpec) {
    this.fingerprint = fingerprintOf(spec);
    this.positiveKeys = keySet(spec.positiveLabelValues);
    this.facetKeys = spec.facets.map((f) => (f.kind === ColumnKind.CATEGORICAL && f.values ? keySet(f.values) : undefined));
    this.facets = spec.facets.map((f) => {
      const s = new FacetState();
      if (f.kind === ColumnKind.CONTINUOUS || f.values !== undefined) s.addEntry('', CELLS);
      return s;
    });
  }

  /** Rows added (and merged). */
  get rows(): number {
    return this.rowCount;
  }

  /** Rows whose group value was not tracked (more than maxGroups distinct values). */
  get untrackedGroupValueRows(): number {
    return this.untrackedGroupRows;
  }

  /** Per facet: rows of one-vs-rest values that are not reported (cap reached). */
  overflowRows(facet: string): number {
    const i = this.spec.facets.findIndex((f) => f.name === facet);
    return i < 0 ? 0 : (this.facets[i] as FacetState).overflowRows;
  }

  /** Count one row; returns why it was rejected, or undefined. */
  add(row: BiasRow): RecordErrorReason | undefined {
    const spec = this.spec;
    if (row.label === undefined || row.label === null) return RecordErrorReason.MISSING_GROUND_TRUTH;
    const label = this.isPositive(row.label);
    if (label === undefined) return RecordErrorReason.BAD_LABEL;
    let predicted = false;
    if (spec.predictions !== PredictionSource.NONE) {
      const p = this.predictedPositive(row);
      if (p === undefined) return RecordErrorReason.MISSING_PREDICTION;
      predicted = p;
    }
    if (spec.labelKind === ColumnKind.CONTINUOUS) {
      const x = numericValue(row.label) as number;
      if (x > this.labelMax) this.labelMax = x;
      if (!Number.isInteger(x)) this.labelAllIntegral = false;
    }
    const g = this.groupOf(row.group);
    const at = g * CELLS + cell(label, predicted);
    this.rowCount++;
    (this.totals[at] as number)++;
    for (let i = 0; i < this.facets.length; i++) {
      const f = spec.facets[i]!;
      const s = this.facets[i]!;
      const v = row.facets[f.name];
      let entry = -1;
      if (f.kind === ColumnKind.CONTINUOUS) {
        const x = numericValue(v);
        if (x !== undefined) {
          if (x > s.max) s.max = x;
          if (!Number.isInteger(x)) s.allIntegral = false;
          if (x > (f.threshold as number)) entry = 0;
        }
      } else {
        const k = valueKey(v);
        if (k === undefined) continue;
        const set = this.facetKeys[i];
        if (set !== undefined) entry = set.has(k) ? 0 : -1;
        else {
          entry = s.index.get(k) ?? -1;
          if (entry < 0) {
            if (s.keys.length < spec.maxFacetValues) entry = s.addEntry(k, this.totals.length);
            else s.overflowRows++;
          }
        }
      }
      if (entry >= 0) (s.counts[entry]![at] as number)++;
    }
    return undefined;
  }

  /** Whether the row's prediction is positive (as `add` decides it); undefined without a usable prediction. */
  predictedPositive(row: BiasRow): boolean | undefined {
    const spec = this.spec;
    if (spec.predictions === PredictionSource.LABEL) return this.isPositive(row.predictedLabel);
    if (spec.predictions === PredictionSource.NONE) return undefined;
    const s = row.score;
    return typeof s === 'number' && Number.isFinite(s) ? s > spec.probabilityThreshold : undefined;
  }

  /** Label or predicted label positive? undefined when it cannot be read (continuous, not a number). */
  private isPositive(v: BiasValue): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (this.spec.labelKind === ColumnKind.CONTINUOUS) {
      const x = numericValue(v);
      return x === undefined ? undefined : x > (this.spec.labelThreshold as number);
    }
    const k = valueKey(v);
    return k === undefined ? undefined : this.positiveKeys.has(k);
  }

  private groupOf(v: BiasValue): number {
    if (this.spec.groupVariable === undefined) return NO_GROUP;
    const k = valueKey(v);
    if (k === undefined) return NO_GROUP;
    return this.groupIndexFor(k, 1);
  }

  /** Index of group `k`, added if there is room; otherwise NO_GROUP with `rows` counted as untracked. */
  private groupIndexFor(k: string, rows: number): number {
    const known = this.groupIndex.get(k);
    if (known !== undefined) return known;
    if (this.groupKeys.length - 1 >= this.spec.maxGroups) {
      this.untrackedGroupRows += rows;
      return NO_GROUP;
    }
    const g = this.groupKeys.length;
    this.groupKeys.push(k);
    this.groupIndex.set(k, g);
    for (let c = 0; c < CELLS; c++) this.totals.push(0);
    for (const s of this.facets) for (const counts of s.counts) for (let c = 0; c < CELLS; c++) counts.push(0);
    return g;
  }

  /** Fold `other` (same spec) into this accumulator. */
  merge(other: BiasAccumulator): void {
    if (other.fingerprint !== this.fingerprint) throw incompatible(WHAT, 'different bias specs');
    const groupMap: number[] = [NO_GROUP];
    for (let j = 1; j < other.groupKeys.length; j++) {
      const rows = sumRange(other.totals, j * CELLS, CELLS);
      groupMap.push(this.groupIndexFor(other.groupKeys[j]!, rows));
    }
    this.untrackedGroupRows += other.untrackedGroupRows;
    addMapped(this.totals, other.totals, groupMap);
    this.rowCount += other.rowCount;
    this.labelMax = Math.max(this.labelMax, other.labelMax);
    this.labelAllIntegral &&= other.labelAllIntegral;
    this.facets.forEach((s, i) => {
      const o = other.facets[i]!;
      s.max = Math.max(s.max, o.max);
      s.allIntegral &&= o.allIntegral;
      if (this.facetKeys[i] !== undefined || this.spec.facets[i]!.kind === ColumnKind.CONTINUOUS) {
        addMapped(s.counts[0]!, o.counts[0]!, groupMap);
        return;
      }
      this.mergeOneVsRest(s, o, groupMap);
    });
  }

  private mergeOneVsRest(s: FacetState, o: FacetState, groupMap: readonly number[]): void {
    const thisOverflowed = s.overflowRows > 0;
    let dropped = 0;
    if (o.overflowRows > 0) {
      // values only this side tracked may have rows on the other side: no longer exact
      const keep: number[] = [];
      s.keys.forEach((k, e) => (o.index.has(k) ? keep.push(e) : (dropped += sumRange(s.counts[e]!, 0, s.counts[e]!.length))));
      s.keys = keep.map((e) => s.keys[e]!);
      s.counts = keep.map((e) => s.counts[e]!);
      s.rebuildIndex();
    }
    o.keys.forEach((k, e) => {
      const counts = o.counts[e]!;
      let mine = s.index.get(k);
      if (mine === undefined) {
        if (thisOverflowed || s.keys.length >= this.spec.maxFacetValues) {
          dropped += sumRange(counts, 0, counts.length);
          return;
        }
        mine = s.addEntry(k, this.totals.length);
      }
      addMapped(s.counts[mine]!, counts, groupMap);
    });
    s.overflowRows += o.overflowRows + dropped;
  }

  /** Counts of facet `facet` (index in spec.facets), entry `entry`, as the metrics take them. */
  facetCounts(facet: number, entry: number): FacetCounts {
    const counts = this.facets[facet]!.counts[entry]!;
    const d = confusionOf(counts, 0, this.groupKeys.length);
    const all = confusionOf(this.totals, 0, this.groupKeys.length);
    const a = { tp: all.tp - d.tp, fp: all.fp - d.fp, fn: all.fn - d.fn, tn: all.tn - d.tn };
    let groups: readonly GroupCounts[] | string;
    if (this.spec.groupVariable === undefined) groups = NO_GROUP_VARIABLE_ERROR;
    else if (this.untrackedGroupRows > 0) {
      groups = `more than ${this.spec.maxGroups} distinct values of the group variable ${this.spec.groupVariable}: not computed`;
    } else {
      const list: GroupCounts[] = [];
      for (let g = 1; g < this.groupKeys.length; g++) {
        list.push({ all: confusionOf(this.totals, g, g + 1), d: confusionOf(counts, g, g + 1) });
      }
      groups = list;
    }
    return { a, d, groups };
  }

  /** The analysis Clarify would write for the rows counted. */
  toAnalysis(extras: AnalysisExtras = {}): BiasAnalysis {
    const spec = this.spec;
    const stage = (metrics: (f: FacetCounts, facet: number, entry: number) => FacetValueAnalysis['metrics']): BiasStageAnalysis => ({
      label: spec.label,
      labelValueOrThreshold:
        spec.labelKind === ColumnKind.CONTINUOUS
          ? intervalText(spec.labelThreshold as number, this.labelMax, this.labelAllIntegral)
          : spec.positiveLabelValues.map(configValueText).join(','),
      facets: spec.facets.map((f, i) => ({
        name: f.name,
        values: this.facets[i]!.keys.map((_, e) => ({
          valueOrThreshold: this.facetValueText(i, e),
          metrics: metrics(this.facetCounts(i, e), i, e),
        })),
      })),
    });
    const pre = spec.preTrainingMethods.length > 0 ? stage((f) => preTrainingMetrics(f, spec.preTrainingMethods)) : undefined;
    const post =
      spec.predictions !== PredictionSource.NONE && spec.postTrainingMethods.length > 0
        ? stage((f, i, e) => {
            const ft = extras.flipTest;
            const name = spec.facets[i]!.name;
            return postTrainingMetrics(f, spec.postTrainingMethods, ft ? { flipTest: () => ft(name, this.inFacetD(i, e)) } : {});
          })
        : undefined;
    return { version: ANALYSIS_VERSION, ...(pre ? { preTraining: pre } : {}), ...(post ? { postTraining: post } : {}) };
  }

  /** The value_or_threshold text of a facet entry. */
  facetValueText(facet: number, entry: number): string {
    const f = this.spec.facets[facet]!;
    const s = this.facets[facet]!;
    if (f.kind === ColumnKind.CONTINUOUS) return intervalText(f.threshold as number, s.max, s.allIntegral);
    if (f.values !== undefined) return f.values.map(configValueText).join(',');
    return s.keys[entry]!;
  }

  /** Membership test of facet d for a facet entry (as `add` decides it). */
  inFacetD(facet: number, entry: number): (v: BiasValue) => boolean {
    const f = this.spec.facets[facet]!;
    if (f.kind === ColumnKind.CONTINUOUS) {
      const t = f.threshold as number;
      return (v) => {
        const x = numericValue(v);
        return x !== undefined && x > t;
      };
    }
    const set = this.facetKeys[facet] ?? new Set([this.facets[facet]!.keys[entry]!]);
    return (v) => {
      const k = valueKey(v);
      return k !== undefined && set.has(k);
    };
  }

  serialize(): Uint8Array {
    const w = new ByteWriter(256).header(MAGIC, VERSION).string(this.fingerprint);
    w.f64(this.rowCount).f64(this.labelMax).u8(this.labelAllIntegral ? 1 : 0).f64(this.untrackedGroupRows);
    w.u32(this.groupKeys.length);
    for (let g = 1; g < this.groupKeys.length; g++) w.string(this.groupKeys[g]!);
    for (const x of this.totals) w.f64(x);
    w.u32(this.facets.length);
    for (const s of this.facets) {
      w.f64(s.max).u8(s.allIntegral ? 1 : 0).f64(s.overflowRows).u32(s.keys.length);
      s.keys.forEach((k, e) => {
        w.string(k);
        for (const x of s.counts[e]!) w.f64(x);
      });
    }
    return w.finish();
  }

  /** Restore bytes written by `serialize` for the same spec (SKETCH_CORRUPT / SKETCH_INCOMPATIBLE otherwise). */
  static deserialize(bytes: Uint8Array, spec: BiasSpec): BiasAccumulator {
    const r = new ByteReader(bytes, WHAT);
    r.header(MAGIC, VERSION);
    const acc = new BiasAccumulator(spec);
    if (r.string('fingerprint') !== acc.fingerprint) throw incompatible(WHAT, 'bytes were written for a different bias spec');
    acc.rowCount = r.count('rows');
    acc.labelMax = r.f64();
    acc.labelAllIntegral = r.u8() === 1;
    acc.untrackedGroupRows = r.count('untracked group rows');
    const groups = r.length(4, 'groups');
    if (groups < 1) throw corrupt(WHAT, 'no group bucket');
    for (let g = 1; g < groups; g++) {
      const k = r.string('group');
      acc.groupKeys.push(k);
      acc.groupIndex.set(k, g);
    }
    const width = groups * CELLS;
    acc.totals = readCounts(r, width, 'totals');
    if (r.u32() !== acc.facets.length) throw corrupt(WHAT, 'facet count differs from the spec');
    for (const s of acc.facets) {
      s.max = r.f64();
      s.allIntegral = r.u8() === 1;
      s.overflowRows = r.count('overflow rows');
      const n = r.length(4, 'facet entries');
      s.keys = [];
      s.counts = [];
      for (let e = 0; e < n; e++) {
        s.keys.push(r.string('facet value'));
        s.counts.push(readCounts(r, width, 'facet counts'));
      }
      s.rebuildIndex();
    }
    if (r.remaining !== 0) throw corrupt(WHAT, `${r.remaining} trailing bytes`);
    return acc;
  }
}

function readCounts(r: ByteReader, n: number, field: string): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = r.count(field);
  return out;
}

function keySet(values: readonly BiasValue[]): ReadonlySet<string> {
  const s = new Set<string>();
  for (const v of values) {
    const k = valueKey(v);
    if (k !== undefined) s.add(k);
  }
  return s;
}

function sumRange(xs: readonly number[], from: number, n: number): number {
  let s = 0;
  for (let i = from; i < from + n; i++) s += xs[i] ?? 0;
  return s;
}

/** target[map[g]] += source[g] per group block of 4 cells. */
function addMapped(target: number[], source: readonly number[], groupMap: readonly number[]): void {
  for (let g = 0; g < groupMap.length; g++) {
    const to = groupMap[g]! * CELLS;
    for (let c = 0; c < CELLS; c++) (target[to + c] as number) += source[g * CELLS + c] ?? 0;
  }
}

/** Sum of groups [from, to) of a counts array. */
function confusionOf(counts: readonly number[], from: number, to: number): Confusion {
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  for (let g = from; g < to; g++) {
    const b = g * CELLS;
    tn += counts[b] ?? 0;
    fp += counts[b + 1] ?? 0;
    fn += counts[b + 2] ?? 0;
    tp += counts[b + 3] ?? 0;
  }
  return { tp, fp, fn, tn };
}

/** What the counts depend on (methods do not): accumulators merge only with equal fingerprints. */
function fingerprintOf(spec: BiasSpec): string {
  return JSON.stringify([
    spec.label,
    spec.labelKind,
    spec.positiveLabelValues,
    spec.labelThreshold ?? null,
    spec.facets.map((f) => [f.name, f.kind, f.values ?? null, f.threshold ?? null]),
    spec.groupVariable ?? null,
    spec.predictions,
    spec.probabilityThreshold,
    spec.maxFacetValues,
    spec.maxGroups,
  ]);
}
