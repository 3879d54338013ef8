/**
 * KernelSHAP against exact Shapley values computed by brute force (every coalition, the Shapley
 * formula) for small m, with fixed seeds. Tolerances: 1e-9 where the method is exact (all
 * coalitions enumerated, or an additive model), measured bounds where it samples.
 */
import { describe, expect, it } from 'vitest';
import { binomial, sampleCoalitions, shapleyKernelWeight } from './coalitions.js';
import { seededRandom } from '../seeded-random.js';
import { planRow, solveRow, syntheticRows, varyingFeatures, type FeatureValue } from './kernel-shap.js';
import { AggMethod } from '../../sagemaker/explainability-config.js';
import { aggregateShap, logit } from './global-shap.js';

type Model = (row: readonly number[]) => number;

/** v(S) = mean over baseline rows b of f(x on S, b elsewhere). */
function value(f: Model, x: readonly number[], baseline: readonly (readonly number[])[], inS: (i: number) => boolean): number {
  let s = 0;
  for (const b of baseline) s += f(x.map((xi, i) => (inS(i) ? xi : b[i]!)));
  return s / baseline.length;
}

/** φ_i = Σ_{S ⊆ N∖{i}} |S|!(m−|S|−1)!/m! · (v(S ∪ {i}) − v(S)), every subset enumerated. */
function bruteForceShapley(f: Model, x: readonly number[], baseline: readonly (readonly number[])[]): number[] {
  const m = x.length;
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const phi = new Array<number>(m).fill(0);
  for (let set = 0; set < 1 << m; set++) {
    const size = popcount(set);
    const v = value(f, x, baseline, (j) => ((set >> j) & 1) === 1);
    for (let i = 0; i < m; i++) {
      if (((set >> i) & 1) === 1) continue;
      const vi = value(f, x, baseline, (j) => j === i || ((set >> j) & 1) === 1);
      phi[i] = phi[i]! + ((fact(size) * fact(m - size - 1)) / fact(m)) * (vi - v);
    }
  }
  return phi;
}

function popcount(n: number): number {
  let c = 0;
  for (; n > 0; n >>= 1) c += n & 1;
  return c;
}

/** KernelSHAP of one row, the model called synchronously (as the baseline job does over HTTP). */
function kernelShap(f: Model, x: number[], baseline: number[][], numSamples: number, seed: number): Float64Array {
  const plan = planRow(x, baseline, numSamples, seededRandom(seed));
  const rows = syntheticRows(x, baseline, plan) as number[][];
  const ey = plan.coalitions.masks.map((_, c) => {
    let s = 0;
    for (let j = 0; j < baseline.length; j++) s += f(rows[c * baseline.length + j]!);
    return [s / baseline.length];
  });
  const fnull = baseline.reduce((s, b) => s + f(b), 0) / baseline.length;
  return solveRow(plan, x.length, ey, [f(x)], [fnull])[0]!;
}

function randomRows(n: number, m: number, seed: number): number[][] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round((r() * 4 - 2) * 100) / 100));
}

/** A model with interactions and non-linearity: the sampled estimate is not exact on it. */
const interacting: Model = (v) => v.reduce((s, x, i) => s + (i + 1) * 0.3 * x, 0) + 2 * v[0]! * v[1]! + Math.sin(v[2]! * v[3]!) + Math.max(0, v[4]! - v[0]!) + 0.5;

describe('coalitions', () => {
  it('the Shapley kernel weight', () => {
    expect(shapleyKernelWeight(4, 1)).toBeCloseTo(3 / (4 * 1 * 3), 15);
    expect(shapleyKernelWeight(5, 2)).toBeCloseTo(4 / (10 * 2 * 3), 15);
    expect(binomial(10, 3)).toBe(120);
    expect(binomial(52, 5)).toBe(2598960);
  });

  it('enumerates all 2^m − 2 coalitions once when the budget allows, weights summing to 1, each its kernel weight', () => {
    for (const m of [2, 3, 4, 5, 6, 7]) {
      const c = sampleCoalitions(m, 2 ** m - 2, seededRandom(1));
      expect(c.exact).toBe(true);
      expect(c.masks).toHaveLength(2 ** m - 2);
      expect(new Set(c.masks.map((z) => z.join(''))).size).toBe(2 ** m - 2);
      expect(c.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const total = Array.from({ length: m - 1 }, (_, s) => binomial(m, s + 1) * shapleyKernelWeight(m, s + 1)).reduce((a, b) => a + b, 0);
      c.masks.forEach((z, i) => {
        const s = z.reduce((a, b) => a + b, 0);
        expect(c.weights[i]).toBeCloseTo(shapleyKernelWeight(m, s) / total, 12);
      });
    }
  });

  it('samples within the budget, pairing complements; the same seed gives the same coalitions', () => {
    const a = sampleCoalitions(12, 200, seededRandom(42));
    const b = sampleCoalitions(12, 200, seededRandom(42));
    const c = sampleCoalitions(12, 200, seededRandom(43));
    expect(a.exact).toBe(false);
    expect(a.masks.length).toBe(200);
    expect(a.masks.map((z) => z.join(''))).toEqual(b.masks.map((z) => z.join('')));
    expect(a.masks.map((z) => z.join(''))).not.toEqual(c.masks.map((z) => z.join('')));
    expect(a.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    const keys = new Set(a.masks.map((z) => z.join('')));
    expect(keys.size).toBe(200);
    // sizes 1 and 11 (24 coalitions) are enumerated first; every sampled coalition of a paired size has its complement
    for (const z of a.masks) {
      const s = z.reduce((x, y) => x + y, 0);
      if (s !== 6) expect(keys.has(z.map((v) => 1 - v).join(''))).toBe(true);
    }
  });
});

describe('KernelSHAP against brute-force Shapley values', () => {
  it('all coalitions enumerated: exact (1e-9) for a non-linear model with interactions, m = 2 … 7, several baseline rows', () => {
    for (const m of [2, 3, 5, 7]) {
      const baseline = randomRows(3, m, 100 + m);
      const f: Model = m >= 5 ? interacting : (v) => v[0]! * v[m - 1]! + Math.exp(v[1]! / 3);
      for (const x of randomRows(4, m, 200 + m)) {
        const exact = bruteForceShapley(f, x, baseline);
        const phi = kernelShap(f, x, baseline, 2 ** m - 2, 7);
        exact.forEach((e, i) => expect(Math.abs(phi[i]! - e)).toBeLessThan(1e-9));
      }
    }
  });

  it('sampled (m = 10, largest |φ| 5.43): efficiency to 1e-9; the error shrinks with the budget (measured: 300 → worst 0.136, mean 0.033; 1000 → 0.027, 0.007)', () => {
    const m = 10;
    const baseline = randomRows(2, m, 11);
    const fnull = baseline.reduce((s, b) => s + interacting(b), 0) / baseline.length;
    const errors = (numSamples: number): { worst: number; mean: number } => {
      let worst = 0;
      let sum = 0;
      let n = 0;
      for (const x of randomRows(5, m, 12)) {
        const exact = bruteForceShapley(interacting, x, baseline);
        const phi = kernelShap(interacting, x, baseline, numSamples, 3);
        expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (interacting(x) - fnull))).toBeLessThan(1e-9);
        exact.forEach((e, i) => {
          const d = Math.abs(phi[i]! - e);
          worst = Math.max(worst, d);
          sum += d;
          n++;
        });
      }
      return { worst, mean: sum / n };
    };
    const few = errors(300);
    const more = errors(1000);
    expect(few.worst).toBeLessThan(0.2);
    expect(few.mean).toBeLessThan(0.05);
    expect(more.worst).toBeLessThan(0.05);
    expect(more.mean).toBeLessThan(0.5 * few.mean);
  });

  it('an additive model is explained exactly even when sampled (m = 12, 100 coalitions): φ_i = w_i (x_i − mean_b b_i)', () => {
    const m = 12;
    const w = Array.from({ length: m }, (_, i) => (i % 2 === 0 ? 1 : -1) * (i + 1) * 0.25);
    const f: Model = (v) => 3 + v.reduce((s, x, i) => s + w[i]! * x, 0);
    const baseline = randomRows(4, m, 21);
    for (const x of randomRows(3, m, 22)) {
      const phi = kernelShap(f, x, baseline, 100, 5);
      x.forEach((xi, i) => {
        const mean = baseline.reduce((s, b) => s + b[i]!, 0) / baseline.length;
        expect(Math.abs(phi[i]! - w[i]! * (xi - mean))).toBeLessThan(1e-9);
      });
    }
  });

  it('too few coalitions to tell features apart: counted as singular, efficiency still exact', () => {
    const m = 8;
    const baseline = randomRows(1, m, 31);
    const x = randomRows(1, m, 32)[0]!;
    const plan = planRow(x, baseline, 4, seededRandom(9));
    expect(plan.coalitions.masks).toHaveLength(4);
    const ey = plan.coalitions.masks.map((z) => [value(interacting, x, baseline, (i) => z[i] === 1)]);
    const stats = { singular: 0 };
    const phi = solveRow(plan, m, ey, [interacting(x)], [interacting(baseline[0]!)], stats)[0]!;
    expect(stats.singular).toBe(1);
    expect(phi.every(Number.isFinite)).toBe(true);
    expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (interacting(x) - interacting(baseline[0]!)))).toBeLessThan(1e-9);
    solveRow(planRow(x, baseline, 254, seededRandom(9)), m, Array.from({ length: 254 }, () => [0]), [1], [0], stats);
    expect(stats.singular).toBe(1);
  });

  it('features equal to every baseline row get 0 and take no part; one varying feature gets f(x) − E[f]', () => {
    const baseline: FeatureValue[][] = [[1, 'a', 3]];
    expect(varyingFeatures([1, 'b', 3], baseline)).toEqual([1]);
    const f: Model = (v) => v[0]! * 10 + v[1]! * v[2]!;
    const phi = kernelShap(f, [1, 5, 3], [[1, 2, 3]], 100, 1);
    expect(Array.from(phi)).toEqual([0, 15 - 6, 0]);
    const plan = planRow([1, 5, 7], [[1, 2, 3]], 100, seededRandom(1));
    expect(plan.varying).toEqual([1, 2]);
    expect(plan.coalitions.masks.map((z) => Array.from(z))).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(syntheticRows([1, 5, 7], [[1, 2, 3]], plan)).toEqual([
      [1, 5, 3],
      [1, 2, 7],
    ]);
  });
});

describe('global SHAP and the logit link', () => {
  const local = [Float64Array.of(1, -2), Float64Array.of(-3, 4), Float64Array.of(2, 0)];
  it('mean_abs, median and mean_sq over rows', () => {
    expect(Array.from(aggregateShap(local, 2, AggMethod.MEAN_ABS))).toEqual([2, 2]);
    expect(Array.from(aggregateShap(local, 2, AggMethod.MEDIAN))).toEqual([1, 0]);
    expect(Array.from(aggregateShap(local, 2, AggMethod.MEAN_SQ))).toEqual([14 / 3, 20 / 3]);
    expect(Array.from(aggregateShap(local.slice(0, 2), 2, AggMethod.MEDIAN))).toEqual([-1, 1]);
  });
  it('logit', () => {
    expect(logit(0.5)).toBe(0);
    expect(logit(0.75)).toBeCloseTo(Math.log(3), 15);
    expect(logit(1)).toBe(Infinity);
  });
});
