/**
 * Every metric from counts against a direct computation over the raw rows (written here from the
 * formulas, row by row, without counts), on seeded random rows; merge of parts = one accumulator
 * over all rows; serialize round trip exact. Tolerance 1e-12 (the two computations sum in
 * different orders).
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/support/random.js';
import { ErrorCode, RecordErrorReason } from '../../errors.js';
import { parseAnalysisConfig } from '../../sagemaker/analysis-config.js';
import type { BiasAnalysis } from '../../sagemaker/analysis-json.js';
import { BiasAccumulator, type BiasRow } from './bias-accumulator.js';
import { NO_GROUP_VARIABLE_ERROR } from './bias-metrics.js';
import { ColumnKind, PredictionSource, resolveBiasSpec, type BiasSpec } from './bias-spec.js';

const TOLERANCE = 1e-12;

const CONFIG = parseAnalysisConfig({
  label: 'y',
  label_values_or_threshold: ['yes'],
  facet: [
    { name_or_index: 'sex', value_or_threshold: [1] },
    { name_or_index: 'color' },
    { name_or_index: 'age', value_or_threshold: [40] },
  ],
  group_variable: 'g',
});

function spec(predictions: PredictionSource, extra: Partial<BiasSpec> = {}): BiasSpec {
  return {
    ...resolveBiasSpec(CONFIG, {
      labelKind: ColumnKind.CATEGORICAL,
      facetKinds: { age: ColumnKind.CONTINUOUS },
      predictions,
    }),
    ...extra,
  };
}

interface Raw {
  y: string;
  yhat: string;
  score: number;
  sex: number;
  color: string;
  age: number;
  g: number;
}

function randomRows(seed: number, n: number, groups = 10): Raw[] {
  const r = rng(seed);
  const labels = ['yes', 'no', 'maybe'];
  const colors = ['red', 'green', 'blue', 'cyan'];
  return Array.from({ length: n }, () => {
    const sex = r.int(3);
    const y = labels[r.next() < 0.3 + 0.2 * (sex === 1 ? 1 : 0) ? 0 : 1 + r.int(2)]!;
    const score = r.next();
    return {
      y,
      yhat: r.next() < 0.8 ? y : labels[r.int(3)]!,
      score,
      sex,
      color: colors[r.int(colors.length)]!,
      age: Math.round(20 + 50 * r.next()),
      g: r.int(groups),
    };
  });
}

const toRow = (x: Raw, withScore = false): BiasRow => ({
  label: x.y,
  ...(withScore ? { score: x.score } : { predictedLabel: x.yhat }),
  facets: { sex: x.sex, color: x.color, age: x.age },
  group: x.g,
});

function accumulate(s: BiasSpec, rows: readonly Raw[], withScore = false): BiasAccumulator {
  const acc = new BiasAccumulator(s);
  for (const x of rows) expect(acc.add(toRow(x, withScore))).toBeUndefined();
  return acc;
}

// ---- the direct computation ------------------------------------------------------------------

const div = (a: number, b: number): number => (b === 0 ? (a === 0 ? 0 : a > 0 ? Infinity : -Infinity) : a / b);
const sub = (a: number, b: number): number => (a === Infinity && b === Infinity ? 0 : a - b);
const count = <T>(xs: readonly T[], f: (x: T) => boolean): number => xs.reduce((n, x) => n + (f(x) ? 1 : 0), 0);

interface Pt {
  d: boolean;
  y: boolean;
  p: boolean;
  g: number;
}

/** Every metric straight from rows (null where Clarify reports an error). */
function direct(points: readonly Pt[]): Record<string, number | null> {
  const A = points.filter((x) => !x.d);
  const D = points.filter((x) => x.d);
  const rate = (xs: readonly Pt[], num: (x: Pt) => boolean, den: (x: Pt) => boolean): number => div(count(xs, num), count(xs, den));
  const out: Record<string, number | null> = {};
  const both = A.length > 0 && D.length > 0;
  out['CI'] = both ? (A.length - D.length) / points.length : null;
  out['DPL'] = both ? count(A, (x) => x.y) / A.length - count(D, (x) => x.y) / D.length : null;
  // binarised label pdfs, categories non-zero in both
  const pa = [count(A, (x) => !x.y) / A.length, count(A, (x) => x.y) / A.length];
  const pd = [count(D, (x) => !x.y) / D.length, count(D, (x) => x.y) / D.length];
  const keep = [0, 1].filter((k) => pa[k]! > 0 && pd[k]! > 0);
  const ok = both && keep.length > 0;
  out['KL'] = ok ? keep.reduce((s, k) => s + pa[k]! * Math.log(pa[k]! / pd[k]!), 0) : null;
  out['JS'] = ok
    ? 0.5 *
      keep.reduce((s, k) => {
        const m = (pa[k]! + pd[k]!) / 2;
        return s + pa[k]! * Math.log(pa[k]! / m) + pd[k]! * Math.log(pd[k]! / m);
      }, 0)
    : null;
  out['LP'] = ok ? Math.hypot(...keep.map((k) => pa[k]! - pd[k]!)) : null;
  out['TVD'] = ok ? keep.reduce((s, k) => s + Math.abs(pa[k]! - pd[k]!), 0) / 2 : null;
  out['KS'] = ok ? Math.max(...keep.map((k) => Math.abs(pa[k]! - pd[k]!))) : null;
  const cdd = (pos: (x: Pt) => boolean): number | null => {
    if (count(points, pos) === 0 || count(points, (x) => !pos(x)) === 0) return null;
    const groups = [...new Set(points.map((x) => x.g))];
    let s = 0;
    for (const g of groups) {
      const G = points.filter((x) => x.g === g);
      const accepted = count(G, pos) === 0 ? 0 : count(G, (x) => x.d && pos(x)) / count(G, pos);
      const rejected = count(G, (x) => !pos(x)) === 0 ? 0 : count(G, (x) => x.d && !pos(x)) / count(G, (x) => !pos(x));
      s += G.length * (rejected - accepted);
    }
    return s / points.length;
  };
  out['CDDL'] = cdd((x) => x.y);
  out['CDDPL'] = cdd((x) => x.p);
  out['DPPL'] = both ? count(A, (x) => x.p) / A.length - count(D, (x) => x.p) / D.length : null;
  out['DI'] = both ? div(count(D, (x) => x.p) / D.length, count(A, (x) => x.p) / A.length) : null;
  const post = (f: (xs: readonly Pt[]) => number, dMinusA: boolean): number | null =>
    both ? (dMinusA ? sub(f(D), f(A)) : sub(f(A), f(D))) : null;
  out['DCA'] = post((xs) => rate(xs, (x) => x.y, (x) => x.p), false);
  out['DCR'] = post((xs) => rate(xs, (x) => !x.y, (x) => !x.p), true);
  out['DAR'] = post((xs) => rate(xs, (x) => x.y && x.p, (x) => x.p), false);
  out['DRR'] = post((xs) => rate(xs, (x) => !x.y && !x.p, (x) => !x.p), true);
  out['RD'] = post((xs) => rate(xs, (x) => x.y && x.p, (x) => x.y), false);
  out['SD'] = post((xs) => rate(xs, (x) => !x.y && !x.p, (x) => !x.y), true);
  out['AD'] = post((xs) => rate(xs, (x) => x.y === x.p, () => true), false);
  out['TE'] = post((xs) => rate(xs, (x) => x.y && !x.p, (x) => !x.y && x.p), true);
  const b = points.map((x) => (x.p ? 1 : 0) - (x.y ? 1 : 0) + 1);
  const mu = b.reduce((s, x) => s + x, 0) / b.length;
  out['GE'] = mu === 0 ? null : b.reduce((s, x) => s + (x / mu) ** 2 - 1, 0) / (2 * b.length);
  return out;
}

/** Metric values of one facet entry of an analysis, by name. */
function metricsOf(analysis: BiasAnalysis, facet: string, value: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const stage of [analysis.preTraining, analysis.postTraining]) {
    const v = stage?.facets.find((f) => f.name === facet)?.values.find((x) => x.valueOrThreshold === value);
    for (const m of v?.metrics ?? []) out[m.name] = m.value;
  }
  return out;
}

function expectClose(actual: Record<string, number | null>, expected: Record<string, number | null>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, e] of Object.entries(expected)) {
    const a = actual[k];
    if (e === null || !Number.isFinite(e)) expect(a, k).toBe(e);
    else expect(Math.abs((a as number) - e), `${k}: ${a} vs ${e}`).toBeLessThanOrEqual(TOLERANCE);
  }
}

describe('BiasAccumulator metrics = direct computation over rows', () => {
  const rows = randomRows(42, 3000);
  const analysis = accumulate(spec(PredictionSource.LABEL), rows).toAnalysis();
  const point = (x: Raw, d: boolean): Pt => ({ d, y: x.y === 'yes', p: x.yhat === 'yes', g: x.g });

  it('categorical facet with values (sex = 1)', () => {
    expect(analysis.preTraining?.facets.map((f) => f.name)).toEqual(['sex', 'color', 'age']);
    expectClose(metricsOf(analysis, 'sex', '1'), direct(rows.map((x) => point(x, x.sex === 1))));
  });

  it('continuous facet (age > 40), reported as (40, max] with integers', () => {
    const max = Math.max(...rows.map((x) => x.age));
    expectClose(metricsOf(analysis, 'age', `(40, ${max}]`), direct(rows.map((x) => point(x, x.age > 40))));
  });

  it('one-vs-rest facet: one entry per value, in order of first appearance', () => {
    const order = [...new Set(rows.map((x) => x.color))];
    expect(analysis.preTraining?.facets[1]?.values.map((v) => v.valueOrThreshold)).toEqual(order);
    for (const c of order) expectClose(metricsOf(analysis, 'color', c), direct(rows.map((x) => point(x, x.color === c))));
  });

  it('probability scores: predicted positive when score > probability_threshold', () => {
    const s = spec(PredictionSource.PROBABILITY, { probabilityThreshold: 0.7 });
    const a = accumulate(s, rows, true).toAnalysis();
    const points = rows.map((x) => ({ d: x.sex === 1, y: x.y === 'yes', p: x.score > 0.7, g: x.g }));
    expectClose(metricsOf(a, 'sex', '1'), direct(points));
  });

  it('tiny windows: infinities, zero-over-zero and errors as Clarify gives them', () => {
    const seen = { infinite: 0, nulls: 0 };
    for (let seed = 1; seed <= 60; seed++) {
      const small = randomRows(seed, 3 + (seed % 6), 3);
      const a = accumulate(spec(PredictionSource.LABEL), small).toAnalysis();
      const values = a.preTraining?.facets[0]?.values[0];
      expect(values?.valueOrThreshold).toBe('1');
      const m = metricsOf(a, 'sex', '1');
      expectClose(m, direct(small.map((x) => point(x, x.sex === 1))));
      for (const v of Object.values(m)) {
        if (v === null) seen.nulls++;
        else if (!Number.isFinite(v)) seen.infinite++;
      }
    }
    // the edge cases were really exercised
    expect(seen.infinite).toBeGreaterThan(0);
    expect(seen.nulls).toBeGreaterThan(0);
  });

  it('an empty facet d gives null values with Clarify error texts', () => {
    const only0 = randomRows(7, 50).map((x) => ({ ...x, sex: 0 }));
    const a = accumulate(spec(PredictionSource.LABEL), only0).toAnalysis();
    const pre = a.preTraining?.facets[0]?.values[0]?.metrics ?? [];
    expect(pre.find((m) => m.name === 'CI')).toMatchObject({ value: null, error: 'CI: facet set is empty. Check that x[facet] has non-zero length.' });
    expect(pre.find((m) => m.name === 'KL')).toMatchObject({ value: null, error: 'No instance of common facet found, dataset may be too small' });
    const post = a.postTraining?.facets[0]?.values[0]?.metrics ?? [];
    expect(post.find((m) => m.name === 'DCA')).toMatchObject({ value: null, error: 'DCO: Facet set is empty' });
    expect(post.find((m) => m.name === 'GE')?.value).toEqual(expect.any(Number));
  });

  it('metric order is alphabetical; without group_variable CDDL/CDDPL are null with Clarify’s error', () => {
    const noGroup = resolveBiasSpec(parseAnalysisConfig({ label: 'y', label_values_or_threshold: ['yes'], facet: [{ name_or_index: 'sex', value_or_threshold: [1] }] }), {
      labelKind: ColumnKind.CATEGORICAL,
      facetKinds: {},
      predictions: PredictionSource.LABEL,
    });
    const a = accumulate(noGroup, rows).toAnalysis();
    const pre = a.preTraining?.facets[0]?.values[0]?.metrics ?? [];
    const post = a.postTraining?.facets[0]?.values[0]?.metrics ?? [];
    expect(pre.map((m) => m.name)).toEqual(['CDDL', 'CI', 'DPL', 'JS', 'KL', 'KS', 'LP', 'TVD']);
    expect(post.map((m) => m.name)).toEqual(['AD', 'CDDPL', 'DAR', 'DCA', 'DCR', 'DI', 'DPPL', 'DRR', 'GE', 'RD', 'SD', 'TE']);
    expect(pre[0]).toEqual({ name: 'CDDL', description: 'Conditional Demographic Disparity in Labels (CDDL)', value: null, error: NO_GROUP_VARIABLE_ERROR });
    expect(post[1]).toMatchObject({ name: 'CDDPL', value: null, error: NO_GROUP_VARIABLE_ERROR });
  });
});

describe('BiasAccumulator merge and serialization', () => {
  const rows = randomRows(9, 2000);
  const s = spec(PredictionSource.LABEL);

  it('merging parts equals one accumulator over all rows (bytes and analysis)', () => {
    const whole = accumulate(s, rows);
    const parts = [rows.slice(0, 300), rows.slice(300, 1100), rows.slice(1100)].map((p) => accumulate(s, p));
    const merged = parts[0]!;
    merged.merge(parts[1]!);
    merged.merge(parts[2]!);
    expect(merged.rows).toBe(2000);
    expect(merged.toAnalysis()).toEqual(whole.toAnalysis());
    expect(Buffer.from(merged.serialize())).toEqual(Buffer.from(whole.serialize()));
  });

  it('serialize → deserialize is exact, and the copy keeps accumulating identically', () => {
    const acc = accumulate(s, rows.slice(0, 1000));
    const copy = BiasAccumulator.deserialize(acc.serialize(), s);
    expect(Buffer.from(copy.serialize())).toEqual(Buffer.from(acc.serialize()));
    for (const x of rows.slice(1000)) {
      acc.add(toRow(x));
      copy.add(toRow(x));
    }
    expect(copy.toAnalysis()).toEqual(acc.toAnalysis());
    expect(copy.toAnalysis()).toEqual(accumulate(s, rows).toAnalysis());
  });

  it('corrupt bytes and a different spec are rejected', () => {
    const bytes = accumulate(s, rows.slice(0, 10)).serialize();
    expect(() => BiasAccumulator.deserialize(bytes.slice(0, bytes.length - 3), s)).toThrow(expect.objectContaining({ code: ErrorCode.SKETCH_CORRUPT }));
    const other = spec(PredictionSource.PROBABILITY);
    expect(() => BiasAccumulator.deserialize(bytes, other)).toThrow(expect.objectContaining({ code: ErrorCode.SKETCH_INCOMPATIBLE }));
    expect(() => new BiasAccumulator(s).merge(new BiasAccumulator(other))).toThrow(expect.objectContaining({ code: ErrorCode.SKETCH_INCOMPATIBLE }));
  });

  it('one-vs-rest cap: values past it are counted, not reported; tracked values stay exact across merges', () => {
    const capped = spec(PredictionSource.LABEL, { maxFacetValues: 2 });
    const a = accumulate(capped, rows.slice(0, 500));
    const b = accumulate(capped, rows.slice(500));
    const firstTwo = [...new Set(rows.slice(0, 500).map((x) => x.color))].slice(0, 2);
    expect(a.toAnalysis().preTraining?.facets[1]?.values.map((v) => v.valueOrThreshold)).toEqual(firstTwo);
    expect(a.overflowRows('color')).toBe(rows.slice(0, 500).filter((x) => !firstTwo.includes(x.color)).length);
    expect(b.overflowRows('color')).toBeGreaterThan(0);
    a.merge(b);
    const reported = a.toAnalysis();
    expect(reported.preTraining?.facets[1]?.values.length).toBeGreaterThan(0);
    const point = (x: Raw, c: string): Pt => ({ d: x.color === c, y: x.y === 'yes', p: x.yhat === 'yes', g: x.g });
    for (const v of reported.preTraining?.facets[1]?.values ?? []) {
      expectClose(metricsOf(reported, 'color', v.valueOrThreshold), direct(rows.map((x) => point(x, v.valueOrThreshold))));
    }
  });

  it('group cap: CDDL/CDDPL become errors, the other metrics stay exact', () => {
    const capped = spec(PredictionSource.LABEL, { maxGroups: 4 });
    const acc = accumulate(capped, rows);
    expect(acc.untrackedGroupValueRows).toBeGreaterThan(0);
    const m = metricsOf(acc.toAnalysis(), 'sex', '1');
    const full = direct(rows.map((x) => ({ d: x.sex === 1, y: x.y === 'yes', p: x.yhat === 'yes', g: x.g })));
    expect(m['CDDL']).toBeNull();
    expect(m['CDDPL']).toBeNull();
    expectClose({ ...m, CDDL: null, CDDPL: null }, { ...full, CDDL: null, CDDPL: null });
  });

  it('rejects rows without a label or prediction, by reason', () => {
    const acc = new BiasAccumulator(s);
    expect(acc.add({ label: null, predictedLabel: 'yes', facets: {} })).toBe(RecordErrorReason.MISSING_GROUND_TRUTH);
    expect(acc.add({ label: 'yes', facets: {} })).toBe(RecordErrorReason.MISSING_PREDICTION);
    const scored = new BiasAccumulator(spec(PredictionSource.PROBABILITY));
    expect(scored.add({ label: 'yes', score: Number.NaN, facets: {} })).toBe(RecordErrorReason.MISSING_PREDICTION);
    expect(acc.rows).toBe(0);
  });
});
