/**
 * Every metric checked against a direct computation from the raw rows, written here from the
 * formulas (not through the accumulator), including standard_deviation: the 5 subsamples are
 * rebuilt here from subsampleKey(key, j) < 0.8 and the metric recomputed on each.
 * Tolerances: confusion-based metrics 1e-12 absolute (same arithmetic, other order); regression
 * 1e-12 relative; AUC exact because scores sit at bin centres.
 */
import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../../errors.js';
import { rng } from '../../../test/support/random.js';
import { ModelQualityAccumulator, type ModelQualityExample } from './accumulator.js';
import type { ModelQualityStatistics } from '../../sagemaker/model-quality-model.js';
import { ProblemType } from '../../sagemaker/problem-type.js';
import { computeModelQualityStatistics } from './statistics.js';
import { subsampleKey } from './subsample.js';

const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);
const f = (p: number, r: number, b: number): number => (p + r === 0 ? 0 : ((1 + b * b) * p * r) / (b * b * p + r));
function std(xs: number[]): number {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}
function subsamples<T extends { sampleKey: string }>(rows: T[]): T[][] {
  return [0, 1, 2, 3, 4].map((j) => rows.filter((r) => subsampleKey(r.sampleKey, j) < 0.8));
}
function accumulate(problemType: ProblemType, rows: ModelQualityExample[]): ModelQualityAccumulator {
  const acc = new ModelQualityAccumulator(problemType);
  for (const r of rows) expect(acc.add(r)).toBeUndefined();
  return acc;
}
/** Checks value and standard_deviation of every metric `direct` computes. */
function expectMetrics(
  stats: ModelQualityStatistics,
  rows: ModelQualityExample[],
  direct: (rows: ModelQualityExample[]) => Record<string, number>,
  tol: (expected: number) => number,
): void {
  const full = direct(rows);
  const subs = subsamples(rows).map(direct);
  expect(Object.keys(stats.metrics).sort()).toEqual(Object.keys(full).sort());
  for (const [name, v] of Object.entries(full)) {
    const m = stats.metrics[name]!;
    expect(Math.abs(m.value - v), name).toBeLessThanOrEqual(tol(v));
    const sd = std(subs.map((s) => s[name]!));
    if (rows.length >= 200) expect(Math.abs(m.standardDeviation - sd), `${name} std`).toBeLessThanOrEqual(tol(sd) + 1e-12);
    else expect(m.standardDeviation, `${name} std`).toBeNaN();
  }
}

// ---- binary ---------------------------------------------------------------------------------

function binaryRows(seed: number, n: number): ModelQualityExample[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const y = r.next() < 0.35 ? 1 : 0;
    const raw = (y ? 0.62 : 0.42) + 0.2 * r.normal();
    const score = (Math.min(999, Math.max(0, Math.floor(raw * 1000))) + 0.5) / 1000; // a bin centre
    return { sampleKey: `inf-${seed}-${i}`, actual: y, predicted: score > 0.5 ? 1 : 0, score };
  });
}

function directBinary(rows: ModelQualityExample[]): Record<string, number> {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (const r of rows) {
    if (r.actual === 1) r.predicted === 1 ? tp++ : fn++;
    else r.predicted === 1 ? fp++ : tn++;
  }
  const n = rows.length;
  const P = tp + fn;
  const N = tn + fp;
  const recall = div(tp, P);
  const precision = div(tp, tp + fp);
  // Mann–Whitney by all pairs (ties ½)
  let wins = 0;
  const pos = rows.filter((r) => r.actual === 1).map((r) => r.score!);
  const neg = rows.filter((r) => r.actual === 0).map((r) => r.score!);
  for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
  const prev = P / n;
  const rb = P > 0 ? 1 : 0;
  return {
    recall, precision, accuracy: (tp + tn) / n,
    recall_best_constant_classifier: rb, precision_best_constant_classifier: prev, accuracy_best_constant_classifier: prev,
    true_positive_rate: recall, true_negative_rate: div(tn, N), false_positive_rate: div(fp, N), false_negative_rate: div(fn, P),
    auc: wins / pos.length / neg.length,
    f0_5: f(precision, recall, 0.5), f1: f(precision, recall, 1), f2: f(precision, recall, 2),
    f0_5_best_constant_classifier: f(prev, rb, 0.5), f1_best_constant_classifier: f(prev, rb, 1), f2_best_constant_classifier: f(prev, rb, 2),
  };
}

describe('binary classification metrics', () => {
  it('match a direct computation, standard_deviation over the 5 hash subsamples', () => {
    const rows = binaryRows(11, 1500);
    const stats = computeModelQualityStatistics(accumulate(ProblemType.BINARY_CLASSIFICATION, rows));
    expectMetrics(stats, rows, directBinary, () => 1e-12);
    const cm = stats.confusionMatrix!;
    const count = (a: number, p: number): number => rows.filter((r) => r.actual === a && r.predicted === p).length;
    expect([...cm.keys()]).toEqual(['0', '1']);
    expect(cm.get('0')).toEqual(new Map([['0', count(0, 0)], ['1', count(0, 1)]]));
    expect(cm.get('1')).toEqual(new Map([['0', count(1, 0)], ['1', count(1, 1)]]));
    expect(stats.itemCount).toBe(1500);
    expect(stats.receiverOperatingCharacteristicCurve!.truePositiveRates.at(-1)).toBe(1);
  });

  it('reproduces the docs example (confusion {"0":{"0":1,"1":2},"1":{"0":0,"1":1}})', () => {
    const rows = [[0, 0], [0, 1], [0, 1], [1, 1]].map(([a, p], i) => ({ sampleKey: String(i), actual: a!, predicted: p! }));
    const m = computeModelQualityStatistics(accumulate(ProblemType.BINARY_CLASSIFICATION, rows)).metrics;
    const v = (k: string): number => m[k]!.value;
    expect([v('precision'), v('recall'), v('accuracy'), v('false_positive_rate')]).toEqual([1 / 3, 1, 0.5, 2 / 3]);
    expect([v('precision_best_constant_classifier'), v('recall_best_constant_classifier'), v('f1_best_constant_classifier'), v('f2_best_constant_classifier')])
      .toEqual([0.25, 1, 0.4, 0.625]);
    expect(v('f0_5_best_constant_classifier')).toBeCloseTo(0.29411764705882, 13);
    expect(v('auc')).toBeNaN(); // no scores
  });

  it('standard_deviation is "NaN" below 200 rows and a number from 200 rows', () => {
    const rows = binaryRows(5, 200);
    const at199 = computeModelQualityStatistics(accumulate(ProblemType.BINARY_CLASSIFICATION, rows.slice(0, 199)));
    const at200 = computeModelQualityStatistics(accumulate(ProblemType.BINARY_CLASSIFICATION, rows));
    for (const m of Object.values(at199.metrics)) expect(m.standardDeviation).toBeNaN();
    for (const m of Object.values(at200.metrics)) expect(Number.isFinite(m.standardDeviation)).toBe(true);
    expectMetrics(at199, rows.slice(0, 199), directBinary, () => 1e-12);
    expectMetrics(at200, rows, directBinary, () => 1e-12);
  });
});

// ---- multiclass -----------------------------------------------------------------------------

const CLASSES = ['cat', 'dog', 'emu', 'fox'];
function multiclassRows(seed: number, n: number): ModelQualityExample[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const u = r.next();
    const actual = u < 0.4 ? 'dog' : u < 0.7 ? 'cat' : u < 0.9 ? 'fox' : 'emu';
    const predicted = r.next() < 0.6 ? actual : CLASSES[r.int(4)]!;
    return { sampleKey: `m${i}`, actual, predicted };
  });
}

function directMulticlass(rows: ModelQualityExample[]): Record<string, number> {
  const n = rows.length;
  const out: Record<string, number> = {};
  const support = (c: string): number => rows.filter((r) => r.actual === c).length;
  const labels = CLASSES.filter((c) => support(c) > 0);
  const w = { recall: 0, precision: 0, f0_5: 0, f1: 0, f2: 0 };
  for (const c of labels) {
    const tp = rows.filter((r) => r.actual === c && r.predicted === c).length;
    const p = div(tp, rows.filter((r) => r.predicted === c).length);
    const rc = tp / support(c);
    const wt = support(c) / n;
    w.recall += wt * rc;
    w.precision += wt * p;
    w.f0_5 += wt * f(p, rc, 0.5);
    w.f1 += wt * f(p, rc, 1);
    w.f2 += wt * f(p, rc, 2);
  }
  out['accuracy'] = rows.filter((r) => r.actual === r.predicted).length / n;
  for (const [k, v] of Object.entries(w)) out[`weighted_${k}`] = v;
  // best constant: always the most frequent actual class (first in label order on ties)
  const best = labels.reduce((a, b) => (support(b) > support(a) ? b : a));
  const s = support(best) / n;
  out['accuracy_best_constant_classifier'] = s;
  out['weighted_recall_best_constant_classifier'] = s;
  out['weighted_precision_best_constant_classifier'] = s * s;
  for (const b of [0.5, 1, 2]) out[`weighted_f${b === 0.5 ? '0_5' : b}_best_constant_classifier`] = s * f(s, 1, b);
  return out;
}

describe('multiclass classification metrics', () => {
  it('match a direct computation, standard_deviation over the 5 hash subsamples', () => {
    const rows = multiclassRows(21, 1200);
    const stats = computeModelQualityStatistics(accumulate(ProblemType.MULTICLASS_CLASSIFICATION, rows));
    expectMetrics(stats, rows, directMulticlass, () => 1e-12);
    const cm = stats.confusionMatrix!;
    expect([...cm.keys()]).toEqual(CLASSES);
    for (const a of CLASSES) {
      for (const p of CLASSES) expect(cm.get(a)!.get(p)).toBe(rows.filter((r) => r.actual === a && r.predicted === p).length);
    }
  });

  it('numbers and numeric text are one class; the class cap rejects new labels', () => {
    const acc = new ModelQualityAccumulator(ProblemType.MULTICLASS_CLASSIFICATION);
    acc.add({ sampleKey: 'a', actual: 1, predicted: '1.0' });
    acc.add({ sampleKey: 'b', actual: '2', predicted: 1 });
    const cm = computeModelQualityStatistics(acc).confusionMatrix!;
    expect(cm).toEqual(new Map([['1', new Map([['1', 1], ['2', 0]])], ['2', new Map([['1', 1], ['2', 0]])]]));
    const big = new ModelQualityAccumulator(ProblemType.MULTICLASS_CLASSIFICATION);
    for (let i = 0; i < 1000; i++) expect(big.add({ sampleKey: `${i}`, actual: `c${i}`, predicted: `c${i}` })).toBeUndefined();
    expect(big.add({ sampleKey: 'x', actual: 'new', predicted: 'c1' })).toBe(RecordErrorReason.BAD_LABEL);
    expect(big.add({ sampleKey: 'y', actual: 'c2', predicted: 'c1' })).toBeUndefined();
  });
});

// ---- regression -----------------------------------------------------------------------------

function regressionRows(seed: number, n: number): ModelQualityExample[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const y = 1000 + 3 * r.normal();
    return { sampleKey: `r${i}`, actual: y, predicted: y + 0.5 * r.normal() + 0.1 };
  });
}

function directRegression(rows: ModelQualityExample[]): Record<string, number> {
  const ys = rows.map((r) => r.actual as number);
  const es = rows.map((r) => (r.actual as number) - (r.predicted as number));
  const n = rows.length;
  // two-pass, with a long-double-free but careful order: sort magnitudes ascending before summing
  const sum = (xs: number[]): number => [...xs].sort((a, b) => Math.abs(a) - Math.abs(b)).reduce((s, x) => s + x, 0);
  const mean = sum(ys) / n;
  const sst = sum(ys.map((y) => (y - mean) ** 2));
  const sse = sum(es.map((e) => e * e));
  return { mae: sum(es.map(Math.abs)) / n, mse: sse / n, rmse: Math.sqrt(sse / n), r2: 1 - sse / sst };
}

describe('regression metrics', () => {
  it('match a two-pass computation to 1e-12 relative (values near 1000: compensated sums matter)', () => {
    const rows = regressionRows(31, 5000);
    const stats = computeModelQualityStatistics(accumulate(ProblemType.REGRESSION, rows));
    expectMetrics(stats, rows, directRegression, (x) => 1e-12 * Math.abs(x));
  });

  it('rejects unreadable labels and predictions without counting them', () => {
    const acc = new ModelQualityAccumulator(ProblemType.REGRESSION);
    expect(acc.add({ sampleKey: 'a', actual: 'abc', predicted: 1 })).toBe(RecordErrorReason.BAD_LABEL);
    expect(acc.add({ sampleKey: 'a', actual: 1, predicted: undefined })).toBe(RecordErrorReason.MISSING_PREDICTION);
    expect(acc.add({ sampleKey: 'a', actual: '2.5', predicted: ' 2 ' })).toBeUndefined();
    expect(acc.count).toBe(1);
    const bin = new ModelQualityAccumulator(ProblemType.BINARY_CLASSIFICATION);
    expect(bin.add({ sampleKey: 'a', actual: 2, predicted: 1 })).toBe(RecordErrorReason.BAD_LABEL);
    expect(bin.add({ sampleKey: 'a', actual: 'true', predicted: '0.0' })).toBeUndefined();
  });
});

// ---- merge and checkpoints ------------------------------------------------------------------

describe('merge and serialize', () => {
  const cases: [ProblemType, ModelQualityExample[]][] = [
    [ProblemType.BINARY_CLASSIFICATION, binaryRows(41, 900)],
    [ProblemType.MULTICLASS_CLASSIFICATION, multiclassRows(42, 900)],
    [ProblemType.REGRESSION, regressionRows(43, 900)],
  ];
  for (const [type, rows] of cases) {
    it(`${type}: 3 merged parts give the statistics of one accumulator; serialize round-trips exactly`, () => {
      const one = accumulate(type, rows);
      const parts = [0, 1, 2].map((k) => accumulate(type, rows.filter((_, i) => i % 3 === k)));
      const merged = new ModelQualityAccumulator(type);
      for (const p of parts) merged.merge(p);
      const a = computeModelQualityStatistics(one);
      const b = computeModelQualityStatistics(merged);
      for (const [name, m] of Object.entries(a.metrics)) {
        const tol = type === ProblemType.REGRESSION ? 1e-12 * Math.abs(m.value) : 0;
        expect(Math.abs(b.metrics[name]!.value - m.value), name).toBeLessThanOrEqual(tol);
        expect(Math.abs(b.metrics[name]!.standardDeviation - m.standardDeviation), name).toBeLessThanOrEqual(tol + 1e-15);
      }
      const bytes = merged.serialize();
      const back = ModelQualityAccumulator.deserialize(bytes);
      expect(back.serialize()).toEqual(bytes);
      expect(computeModelQualityStatistics(back)).toEqual(b);
      expect(() => ModelQualityAccumulator.deserialize(bytes.subarray(0, bytes.length - 3))).toThrow(/corrupt/);
    });
  }

  it('refuses to merge different problem types', () => {
    expect(() => new ModelQualityAccumulator(ProblemType.REGRESSION).merge(new ModelQualityAccumulator(ProblemType.BINARY_CLASSIFICATION))).toThrow(/cannot merge/);
  });
});
