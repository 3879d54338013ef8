import { describe, expect, it } from 'vitest';
import { InferredType, type DatasetStatistics, type FeatureStatistics } from '../sagemaker/data-quality-model.js';
import { DriftmonError, ErrorCode } from '../errors.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { ValueKind, createRow, ensureRowCapacity, type FeatureRow } from '../record/row.js';
import { rng, type Rng } from '../../test/support/random.js';
import { describeMergeableContract } from '../sketch/mergeable.contract.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import { DatasetProfile, type DatasetProfileOptions } from './dataset-profile.js';

// KLL is exact below its level-0 capacity (2050 items), so bucket counts of small data are exact.
const kll = quantileSketchFactory('kll');
const options: DatasetProfileOptions = { quantiles: kll };

// ---------------------------------------------------------------------------------------------
// Generated data: every cell is kept by feature name so expectations are computed independently.

interface Cell {
  kind: ValueKind;
  x?: number;
  text?: string;
}
type Record_ = Map<string, Cell>;

const CATEGORIES = Array.from({ length: 25 }, (_, i) => `cat-${String.fromCharCode(97 + (i % 26))}${i}`);

/** Declared features, in declaration order, and how their values are drawn. */
const DECLARED: Array<[string, { keepText?: boolean; isOutput?: boolean }, (r: Rng) => Cell]> = [
  ['n_int', {}, (r) => (r.next() < 0.05 ? { kind: ValueKind.MISSING } : int(r.int(1000) - 300))],
  ['n_frac', {}, (r) => frac(Math.round(r.normal() * 1e4) / 100)],
  ['n_mixed', {}, (r) => (r.next() < 0.5 ? int(r.int(50)) : frac(r.next() * 50))],
  ['n_big', {}, (r) => frac(1e6 + r.normal())],
  ['s_cat', {}, (r) => (r.next() < 0.1 ? { kind: ValueKind.MISSING } : str(CATEGORIES[Math.floor(r.next() ** 2 * 25)] as string))],
  ['b_flag', {}, (r) => ({ kind: ValueKind.BOOLEAN, text: r.next() < 0.3 ? 'true' : 'false' })],
  ['bn_mix', { keepText: true }, (r) => (r.next() < 0.5 ? { kind: ValueKind.BOOLEAN, text: 'true' } : int(r.int(5)))],
  ['s_num', { keepText: true }, (r) => (r.next() < 0.02 ? str('n/a') : int(r.int(30)))],
  ['all_missing', {}, () => ({ kind: ValueKind.MISSING })],
  ['pred', { isOutput: true }, (r) => frac(r.next())],
  // ~3 % non-finite values in an integral column: counted apart, never in the moments or the type
  ['n_inf', { keepText: true }, (r) => (r.next() < 0.03 ? frac([Infinity, -Infinity, NaN][r.int(3)] as number) : int(r.int(100)))],
];
/**
 * Undeclared, registered when first met (after the profiles exist): 'extra' (strings and numbers,
 * text not kept) in ~20 % of the records; 'ghost' gets registered but never has a value.
 */

function int(v: number): Cell {
  return { kind: ValueKind.INTEGRAL, x: v, text: String(v) };
}
function frac(v: number): Cell {
  return { kind: ValueKind.FRACTIONAL, x: v, text: v.toFixed(3) };
}
function str(s: string): Cell {
  return { kind: ValueKind.STRING, text: s };
}

function newRegistry(order: 'forward' | 'reverse' = 'forward'): FeatureRegistry {
  const reg = new FeatureRegistry();
  const list = order === 'forward' ? DECLARED : [...DECLARED].reverse();
  for (const [name, o] of list) reg.declare(name, o);
  return reg;
}

/** One record; consumes `r` only (a pure function of the generator's state). */
function drawRecord(r: Rng): Record_ {
  const rec: Record_ = new Map();
  for (const [name, , draw] of DECLARED) rec.set(name, draw(r));
  if (r.next() < 0.2) rec.set('extra', r.next() < 0.5 ? str(`e${r.int(3)}`) : int(r.int(3)));
  if (r.next() < 0.01) rec.set('ghost', { kind: ValueKind.MISSING });
  return rec;
}

/** Decode a record into the reusable row the way a decoder would (registering new keys). */
function fillRow(row: FeatureRow, reg: FeatureRegistry, rec: Record_): void {
  for (const name of rec.keys()) if (reg.get(name) === undefined) reg.indexOf(name);
  ensureRowCapacity(row, reg.size);
  row.width = reg.size;
  row.kinds.fill(ValueKind.MISSING, 0, reg.size);
  for (let i = 0; i < reg.size; i++) row.strings[i] = 'STALE';
  for (const [name, cell] of rec) {
    const spec = reg.get(name)!;
    const i = spec.index;
    row.kinds[i] = cell.kind;
    if (cell.kind === ValueKind.INTEGRAL || cell.kind === ValueKind.FRACTIONAL) {
      row.numbers[i] = cell.x as number;
      if (spec.keepText) row.strings[i] = cell.text;
    } else if (cell.kind !== ValueKind.MISSING) {
      row.strings[i] = cell.text;
    }
  }
}

function generate(seed: number, n: number): Record_[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => drawRecord(r));
}

function profileOf(reg: FeatureRegistry, records: Record_[], profile = new DatasetProfile(reg, options)): DatasetProfile {
  const row = createRow(4);
  for (const rec of records) {
    fillRow(row, reg, rec);
    profile.updateRow(row);
  }
  return profile;
}

// ---------------------------------------------------------------------------------------------
// Exact expectations

function fsum(xs: number[]): number {
  const partials: number[] = [];
  for (let x of xs) {
    let j = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[j++] = lo;
      x = hi;
    }
    partials.length = j;
    partials.push(x);
  }
  return partials.reduce((a, b) => a + b, 0);
}

const close = (a: number, b: number, rel = 1e-12): boolean => a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

function expectExact(stats: DatasetStatistics, reg: FeatureRegistry, records: Record_[]): void {
  const N = records.length;
  expect(stats.itemCount).toBe(N);
  const expectedNames = reg.features
    .filter((f) => f.declared || records.some((rec) => (rec.get(f.name)?.kind ?? ValueKind.MISSING) !== ValueKind.MISSING))
    .map((f) => f.name);
  expect(stats.features.map((f) => f.name)).toEqual(expectedNames);
  for (const fs of stats.features) {
    const cells = records.map((rec) => rec.get(fs.name) ?? { kind: ValueKind.MISSING });
    const finite = (c: Cell): boolean => c.x === undefined || Number.isFinite(c.x);
    const count = (k: ValueKind): number => cells.filter((c) => c.kind === k && finite(c)).length;
    const tc = {
      integral: count(ValueKind.INTEGRAL),
      fractional: count(ValueKind.FRACTIONAL),
      boolean: count(ValueKind.BOOLEAN),
      string: count(ValueKind.STRING),
      missing: count(ValueKind.MISSING),
      nonFinite: cells.filter((c) => !finite(c)).length,
    };
    expect(fs.typeCounts, fs.name).toEqual(tc);
    const present = N - tc.missing;
    if (fs.inferredType === InferredType.INTEGRAL || fs.inferredType === InferredType.FRACTIONAL) {
      const xs = cells.filter((c) => c.x !== undefined && finite(c)).map((c) => c.x as number);
      const num = fs.numerical!;
      const sum = fsum(xs);
      const mean = sum / xs.length;
      const std = Math.sqrt(fsum(xs.map((x) => (x - mean) ** 2)) / xs.length);
      const min = Math.min(...xs);
      const max = Math.max(...xs);
      expect(num.numPresent).toBe(present);
      expect(num.numMissing).toBe(tc.missing);
      expect(close(num.sum, sum), `${fs.name} sum ${num.sum} vs ${sum}`).toBe(true);
      expect(close(num.mean, mean), `${fs.name} mean`).toBe(true);
      expect(close(num.stdDev, std), `${fs.name} std ${num.stdDev} vs ${std}`).toBe(true);
      expect(num.min).toBe(min);
      expect(num.max).toBe(max);
      expect(num.sketch.count).toBe(xs.length);
      // bucket counts, exact for small data
      expect(num.buckets).toHaveLength(10);
      const counts = new Array<number>(10).fill(0);
      for (const x of xs) {
        let i = Math.floor(((x - min) / (max - min)) * 10);
        // place by the bounds actually reported (edges are [lower, upper) except the last)
        i = num.buckets.findIndex((b, j) => x >= b.lowerBound && (j === 9 ? x <= b.upperBound : x < b.upperBound));
        counts[i]!++;
      }
      expect(num.buckets.map((b) => b.count), fs.name).toEqual(counts);
      expect(num.buckets[0]!.lowerBound).toBe(min);
      expect(num.buckets[9]!.upperBound).toBe(max);
      expect(fs.string).toBeUndefined();
    } else if (fs.inferredType === InferredType.STRING || fs.inferredType === InferredType.BOOLEAN) {
      // categories see strings and booleans, and numbers only when the registry keeps their text
      const keepText = reg.get(fs.name)!.keepText;
      const texts = cells
        .filter((c) => c.kind === ValueKind.STRING || c.kind === ValueKind.BOOLEAN || (c.kind !== ValueKind.MISSING && keepText))
        .map((c) => c.text as string);
      const freq = new Map<string, number>();
      for (const t of texts) freq.set(t, (freq.get(t) ?? 0) + 1);
      const categories = [...freq]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      const s = fs.string!;
      expect(s.numPresent).toBe(present);
      expect(s.numMissing).toBe(tc.missing);
      expect(s.distinctCount).toBe(freq.size);
      expect(s.categories).toEqual(categories);
      expect(s.categoriesComplete).toBe(true);
      expect(fs.numerical).toBeUndefined();
    } else {
      expect(present).toBe(0);
      expect(fs.numerical).toBeUndefined();
      expect(fs.string).toBeUndefined();
    }
  }
}

/** Statistics without the sketch objects (compared separately by their CDF). */
function plain(stats: DatasetStatistics): unknown {
  return {
    itemCount: stats.itemCount,
    features: stats.features.map((f: FeatureStatistics) => ({
      ...f,
      numerical: f.numerical === undefined ? undefined : { ...f.numerical, sketch: f.numerical.sketch.count },
    })),
  };
}

function expectSameStatistics(a: DatasetStatistics, b: DatasetStatistics, rel = 1e-12): void {
  expect(a.itemCount).toBe(b.itemCount);
  expect(a.features.map((f) => f.name)).toEqual(b.features.map((f) => f.name));
  for (let i = 0; i < a.features.length; i++) {
    const fa = a.features[i]!;
    const fb = b.features[i]!;
    expect(fa.inferredType).toBe(fb.inferredType);
    expect(fa.typeCounts).toEqual(fb.typeCounts);
    expect(fa.string).toEqual(fb.string);
    if (fa.numerical === undefined || fb.numerical === undefined) {
      expect(fa.numerical).toEqual(fb.numerical);
      continue;
    }
    const na = fa.numerical;
    const nb = fb.numerical;
    for (const k of ['numPresent', 'numMissing', 'min', 'max'] as const) expect(na[k]).toBe(nb[k]);
    for (const k of ['sum', 'mean', 'stdDev'] as const) expect(close(na[k], nb[k], rel), `${fa.name}.${k}`).toBe(true);
    const slack = (na.sketch.rankErrorBound() + nb.sketch.rankErrorBound()) * 2 * na.sketch.count;
    expect(na.buckets.length).toBe(nb.buckets.length);
    for (let j = 0; j < na.buckets.length; j++) {
      expect(na.buckets[j]!.lowerBound).toBe(nb.buckets[j]!.lowerBound);
      expect(Math.abs(na.buckets[j]!.count - nb.buckets[j]!.count)).toBeLessThanOrEqual(slack);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('DatasetProfile', () => {
  const N = 2000;
  const records = generate(1, N);

  it('equals exact computation (counts, type counts, moments, buckets, categories)', () => {
    const reg = newRegistry();
    const p = profileOf(reg, records);
    const stats = p.toStatistics();
    expectExact(stats, reg, records);
    const byName = new Map(stats.features.map((f) => [f.name, f]));
    expect(byName.get('n_int')!.inferredType).toBe(InferredType.INTEGRAL);
    expect(byName.get('n_frac')!.inferredType).toBe(InferredType.FRACTIONAL);
    expect(byName.get('n_mixed')!.inferredType).toBe(InferredType.FRACTIONAL);
    expect(byName.get('s_cat')!.inferredType).toBe(InferredType.STRING);
    expect(byName.get('b_flag')!.inferredType).toBe(InferredType.BOOLEAN);
    expect(byName.get('bn_mix')!.inferredType).toBe(InferredType.STRING);
    expect(byName.get('s_num')!.inferredType).toBe(InferredType.STRING);
    expect(byName.get('all_missing')!.inferredType).toBe(InferredType.UNKNOWN);
    expect(byName.get('extra')!.inferredType).toBe(InferredType.STRING);
    expect(byName.get('extra')!.typeCounts!.missing).toBeGreaterThan(N / 2); // incl. rows decoded before it existed
    expect(byName.has('ghost')).toBe(false); // undeclared and never present
    expect(reg.get('ghost')).toBeDefined();
  });

  it('handles features registered after the profile was created', () => {
    const reg = newRegistry();
    const p = new DatasetProfile(reg, options);
    const q = new DatasetProfile(reg, options); // never sees a row
    profileOf(reg, records, p);
    expectExact(p.toStatistics(), reg, records);
    const empty = q.toStatistics();
    expect(empty.itemCount).toBe(0);
    expect(empty.features.map((f) => f.name)).toEqual(DECLARED.map(([n]) => n));
    for (const f of empty.features) expect(f.inferredType).toBe(InferredType.UNKNOWN);
  });

  it('merging the profiles of two halves equals the profile of the whole', () => {
    const reg = newRegistry();
    const whole = profileOf(reg, records);
    const first = profileOf(reg, records.slice(0, N / 2));
    const second = profileOf(reg, records.slice(N / 2));
    first.merge(second);
    // same up to the last bits of std_dev (Chan's merge rounds differently from streaming)
    expectSameStatistics(first.toStatistics(), whole.toStatistics());
    expectExact(first.toStatistics(), reg, records);
    // merging into an empty profile created before any feature beyond the declared ones existed
    const reg2 = newRegistry();
    const empty = new DatasetProfile(reg2, options);
    const a = profileOf(reg2, records.slice(0, 700));
    const b = profileOf(reg2, records.slice(700));
    empty.merge(b);
    empty.merge(a);
    expectExact(empty.toStatistics(), reg2, records);
  });

  it('merges profiles built over different registries by feature name', () => {
    const regA = newRegistry('forward');
    const regB = newRegistry('reverse');
    const a = profileOf(regA, records.slice(0, 1200));
    const b = profileOf(regB, records.slice(1200));
    a.merge(b);
    expectExact(a.toStatistics(), regA, records);
  });

  it('snapshot round trip (same registry, and a fresh registry after a "restart")', () => {
    const reg = newRegistry();
    const p = profileOf(reg, records);
    const bytes = p.serialize();
    const q = DatasetProfile.deserialize(bytes, reg, options);
    expect(plain(q.toStatistics())).toEqual(plain(p.toStatistics()));
    expect(q.serialize()).toEqual(bytes);
    // after a restart: only declared features are known, in another order
    const fresh = newRegistry('reverse');
    const r = DatasetProfile.deserialize(bytes, fresh, options);
    expect(fresh.get('extra')?.declared).toBe(false);
    expectExact(r.toStatistics(), fresh, records);
    // and the restored profile keeps accumulating
    const more = generate(2, 100);
    profileOf(reg, more, q);
    profileOf(reg, more, p);
    expect(q.serialize()).toEqual(p.serialize());
  });

  it('rejects snapshots taken with other options, and merges of incompatible profiles', () => {
    const reg = newRegistry();
    const p = profileOf(reg, records.slice(0, 50));
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof DriftmonError ? e.code : 'other';
      }
      return undefined;
    };
    expect(code(() => DatasetProfile.deserialize(p.serialize(), reg, { ...options, frequencyCap: 10 }))).toBe(ErrorCode.SKETCH_INCOMPATIBLE);
    expect(code(() => DatasetProfile.deserialize(p.serialize(), reg, { ...options, hllPrecision: 10 }))).toBe(ErrorCode.SKETCH_INCOMPATIBLE);
    const tdigest = quantileSketchFactory('tdigest');
    expect(code(() => DatasetProfile.deserialize(p.serialize(), reg, { quantiles: tdigest }))).toBe(ErrorCode.SKETCH_INCOMPATIBLE);
    expect(code(() => p.merge(new DatasetProfile(reg, { quantiles: tdigest })))).toBe(ErrorCode.SKETCH_INCOMPATIBLE);
    expect(code(() => p.merge(new DatasetProfile(reg, { ...options, frequencyCap: 10 })))).toBe(ErrorCode.SKETCH_INCOMPATIBLE);
    // a registry too small for the snapshot's features
    const tiny = new FeatureRegistry(2);
    expect(code(() => DatasetProfile.deserialize(p.serialize(), tiny, options))).toBe(ErrorCode.SNAPSHOT_INVALID);
  });

  it('frequency cap and HLL take over for high-cardinality string features', () => {
    const reg = new FeatureRegistry();
    reg.declare('id');
    const p = new DatasetProfile(reg, { quantiles: kll, frequencyCap: 50 });
    const row = createRow(1);
    row.width = 1;
    row.kinds[0] = ValueKind.STRING;
    for (let i = 0; i < 20_000; i++) {
      row.strings[0] = i % 2 === 0 ? 'hot' : `id-${i}`;
      p.updateRow(row);
    }
    const s = p.toStatistics().features[0]!.string!;
    expect(s.categoriesComplete).toBe(false);
    expect(s.categories[0]!.value).toBe('hot');
    expect(s.categories[0]!.count).toBeGreaterThanOrEqual(10_000 - 20_000 / 51);
    expect(Math.abs(s.distinctCount - 10_001) / 10_001).toBeLessThan(0.03);
    expect(Number.isInteger(s.distinctCount)).toBe(true);
  });

  it('keeps non-finite numbers out of the sketches and the type counts, counts them present and apart', () => {
    const reg = new FeatureRegistry();
    reg.declare('x');
    reg.declare('n');
    reg.declare('only');
    const p = new DatasetProfile(reg, options);
    const row = createRow(3);
    row.width = 3;
    const xs = [1, Infinity, 3, NaN, -Infinity];
    for (let j = 0; j < xs.length; j++) {
      row.kinds[0] = ValueKind.FRACTIONAL;
      row.numbers[0] = xs[j]!;
      // an integral column with non-finite values (FRACTIONAL by Deequ's pattern, like "1e400")
      row.kinds[1] = Number.isFinite(xs[j]) ? ValueKind.INTEGRAL : ValueKind.FRACTIONAL;
      row.numbers[1] = xs[j]!;
      row.kinds[2] = j < 2 ? ValueKind.FRACTIONAL : ValueKind.MISSING;
      row.numbers[2] = j === 0 ? NaN : Infinity;
      p.updateRow(row);
    }
    const [f, n, only] = p.toStatistics().features;
    expect(f!.typeCounts).toEqual({ integral: 0, fractional: 2, boolean: 0, string: 0, missing: 0, nonFinite: 3 });
    expect(f!.numerical!.numPresent).toBe(5);
    expect(f!.numerical!.mean).toBe(2);
    expect(f!.numerical!.sum).toBe(4);
    expect(f!.numerical!.max).toBe(3);
    expect(f!.numerical!.sketch.count).toBe(2);
    expect(n!.inferredType).toBe(InferredType.INTEGRAL);
    expect(n!.typeCounts).toEqual({ integral: 2, fractional: 0, boolean: 0, string: 0, missing: 0, nonFinite: 3 });
    // a column of non-finite values only is Fractional (doubles), with no finite statistics
    expect(only!.inferredType).toBe(InferredType.FRACTIONAL);
    expect(only!.typeCounts).toEqual({ integral: 0, fractional: 0, boolean: 0, string: 0, missing: 3, nonFinite: 2 });
    expect(only!.numerical!.numPresent).toBe(2);
    expect(only!.numerical!.sketch.count).toBe(0);
    // the count survives a snapshot and a merge
    const q = DatasetProfile.deserialize(p.serialize(), reg, options);
    q.merge(p);
    expect(q.toStatistics().features[0]!.typeCounts!.nonFinite).toBe(6);
  });

  it('reads a snapshot written before the non-finite count (no flag bit) as count 0', () => {
    const reg = new FeatureRegistry();
    reg.declare('x');
    const p = new DatasetProfile(reg, options);
    const row = createRow(1);
    row.width = 1;
    row.kinds[0] = ValueKind.INTEGRAL;
    row.numbers[0] = 7;
    p.updateRow(row);
    // with no non-finite value the flag bit is unset: the bytes are the old format's
    const q = DatasetProfile.deserialize(p.serialize(), reg, options);
    expect(q.toStatistics().features[0]!.typeCounts).toEqual({ integral: 1, fractional: 0, boolean: 0, string: 0, missing: 0, nonFinite: 0 });
  });
});

// The profile is itself a mergeable sketch: run the shared contract on it too, with both kinds.
for (const kind of ['kll', 'tdigest'] as const) {
  const contractRegistry = newRegistry();
  const contractOptions: DatasetProfileOptions = { quantiles: quantileSketchFactory(kind), frequencyCap: 30 };
  describeMergeableContract(`DatasetProfile (${kind})`, {
    create: () => new DatasetProfile(contractRegistry, contractOptions),
    fill: (p, r, n) => {
      const row = createRow(4);
      for (let i = 0; i < n; i++) {
        fillRow(row, contractRegistry, drawRecord(r));
        p.updateRow(row);
      }
    },
    deserialize: (b) => DatasetProfile.deserialize(b, contractRegistry, contractOptions),
    equivalent: (a, b) => {
      expectSameStatistics(a.toStatistics(), b.toStatistics());
      return true;
    },
    sizes: [0, 1, 100, 1500],
  });
}
