/**
 * KernelSHAP for one explained row, the pure part: which features vary, the synthetic rows to send
 * to the model, and the weighted linear regression with the efficiency constraint that turns the
 * model's answers into SHAP values. The model call itself is the caller's (baseline/ does HTTP).
 *
 * Follows the shap library's KernelExplainer (Lundberg & Lee 2017, shap `_kernel.py`
 * `varying_groups`, `solve`), which Clarify's SHAP analysis is built on:
 *
 * - Only features whose value in x differs from some baseline row can change the model's output:
 *   the others get φ = 0 exactly and the coalitions range over the varying ones.
 * - The value of a coalition S is the model's output on x_S completed by each baseline row b,
 *   averaged over the baseline rows (then passed through the link: identity or logit).
 * - φ solves min Σ w_z (v(z) − E − Σ_i z_i φ_i)² subject to Σ φ_i = f(x) − E: the last varying
 *   feature is eliminated (φ_last = Δ − Σ others), leaving an unconstrained weighted least squares
 *   solved through its normal equations. shap's optional L1 feature selection is not applied.
 */
import type { FeatureValue } from '../../sagemaker/explainability-config.js';
import { defaultNumSamples, sampleCoalitions, type Coalitions } from './coalitions.js';

export type { FeatureValue };

export interface RowPlan {
  /** Indices (into the feature list) of the features that vary against the baseline. */
  readonly varying: readonly number[];
  readonly coalitions: Coalitions;
}

/** The features of x that differ from at least one baseline row. */
export function varyingFeatures(x: readonly FeatureValue[], baseline: readonly (readonly FeatureValue[])[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (baseline.some((b) => !Object.is(b[i], x[i]))) out.push(i);
  return out;
}

/**
 * The coalitions KernelSHAP evaluates for x (none when fewer than two features vary); the budget
 * defaults as shap's to 2·m + 2048 for m varying features.
 */
export function planRow(
  x: readonly FeatureValue[],
  baseline: readonly (readonly FeatureValue[])[],
  numSamples: number | undefined,
  random: () => number,
): RowPlan {
  const varying = varyingFeatures(x, baseline);
  const m = varying.length;
  return { varying, coalitions: sampleCoalitions(m, numSamples ?? defaultNumSamples(m), random) };
}

/**
 * The synthetic rows for a plan, coalition-major: for coalition c and baseline row j the row at
 * c · baseline.length + j holds x's values on the coalition's features, b_j's elsewhere.
 */
export function syntheticRows(
  x: readonly FeatureValue[],
  baseline: readonly (readonly FeatureValue[])[],
  plan: RowPlan,
): FeatureValue[][] {
  const rows: FeatureValue[][] = [];
  for (const mask of plan.coalitions.masks) {
    for (const b of baseline) {
      const row = b.slice();
      plan.varying.forEach((f, i) => {
        if (mask[i] === 1) row[f] = x[f]!;
      });
      rows.push(row);
    }
  }
  return rows;
}

/** Counts kept across rows: regressions the coalitions could not determine (solved with a ridge). */
export interface SolveStats {
  singular: number;
}

/**
 * SHAP values of one row for each model output (label): result[k][f] for output k and feature f
 * (of `features` features). `ey[c][k]` is the (linked) value of coalition c, `fx[k]` the (linked)
 * output on x, `fnull[k]` the (linked) expected value.
 */
export function solveRow(
  plan: RowPlan,
  features: number,
  ey: readonly ArrayLike<number>[],
  fx: ArrayLike<number>,
  fnull: ArrayLike<number>,
  stats?: SolveStats,
): Float64Array[] {
  const outputs = fx.length;
  const phi = Array.from({ length: outputs }, () => new Float64Array(features));
  const { varying } = plan;
  const m = varying.length;
  if (m === 0) return phi;
  if (m === 1) {
    for (let k = 0; k < outputs; k++) phi[k]![varying[0]!] = fx[k]! - fnull[k]!;
    return phi;
  }
  const { masks, weights } = plan.coalitions;
  const last = m - 1;
  // normal equations of the reduced problem: A = Xᵀ W X (last × last), one right side per output
  const a = new Float64Array(last * last);
  const rhs = Array.from({ length: outputs }, () => new Float64Array(last));
  const delta = Float64Array.from({ length: outputs }, (_, k) => fx[k]! - fnull[k]!);
  const row = new Float64Array(last);
  masks.forEach((z, c) => {
    const w = weights[c]!;
    const zl = z[last]!;
    for (let j = 0; j < last; j++) row[j] = z[j]! - zl;
    for (let i = 0; i < last; i++) {
      const wi = w * row[i]!;
      if (wi === 0) continue;
      for (let j = 0; j < last; j++) a[i * last + j] = a[i * last + j]! + wi * row[j]!;
    }
    for (let k = 0; k < outputs; k++) {
      const y = ey[c]![k]! - fnull[k]! - zl * delta[k]!;
      const r = rhs[k]!;
      for (let i = 0; i < last; i++) r[i] = r[i]! + w * row[i]! * y;
    }
  });
  const { solve, ridged } = factor(a, last);
  if (ridged && stats !== undefined) stats.singular++;
  for (let k = 0; k < outputs; k++) {
    const beta = solve(rhs[k]!);
    let sum = 0;
    for (let j = 0; j < last; j++) {
      phi[k]![varying[j]!] = beta[j]!;
      sum += beta[j]!;
    }
    phi[k]![varying[last]!] = delta[k]! - sum;
  }
  return phi;
}

/**
 * LU with partial pivoting of the n × n matrix a (row-major); returns a solver. A singular system
 * (coalitions too few to tell some features apart) gets a tiny ridge, 1e-10 of the mean diagonal,
 * so every feature still gets a value (close to the minimum-norm least-squares solution, which is
 * what shap falls back to, with a warning); `ridged` says so.
 */
function factor(a: Float64Array, n: number): { solve: (b: Float64Array) => Float64Array; ridged: boolean } {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i]!;
  const scale = trace / n || 1;
  const lu = Float64Array.from(a);
  const piv = Int32Array.from({ length: n }, (_, i) => i);
  const tryFactor = (): boolean => {
    for (let col = 0; col < n; col++) {
      let best = col;
      for (let r = col + 1; r < n; r++) if (Math.abs(lu[r * n + col]!) > Math.abs(lu[best * n + col]!)) best = r;
      if (Math.abs(lu[best * n + col]!) <= 1e-12 * scale) return false;
      if (best !== col) {
        for (let j = 0; j < n; j++) {
          const t = lu[col * n + j]!;
          lu[col * n + j] = lu[best * n + j]!;
          lu[best * n + j] = t;
        }
        const t = piv[col]!;
        piv[col] = piv[best]!;
        piv[best] = t;
      }
      const d = lu[col * n + col]!;
      for (let r = col + 1; r < n; r++) {
        const f = lu[r * n + col]! / d;
        lu[r * n + col] = f;
        if (f !== 0) for (let j = col + 1; j < n; j++) lu[r * n + j] = lu[r * n + j]! - f * lu[col * n + j]!;
      }
    }
    return true;
  };
  const ridged = !tryFactor();
  if (ridged) {
    lu.set(a);
    piv.forEach((_, i) => (piv[i] = i));
    for (let i = 0; i < n; i++) lu[i * n + i] = lu[i * n + i]! + 1e-10 * scale;
    if (!tryFactor()) throw new Error('KernelSHAP: the regression is singular even with a ridge');
  }
  const solve = (b: Float64Array): Float64Array => {
    const x = Float64Array.from({ length: n }, (_, i) => b[piv[i]!]!);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) x[i] = x[i]! - lu[i * n + j]! * x[j]!;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = i + 1; j < n; j++) x[i] = x[i]! - lu[i * n + j]! * x[j]!;
      x[i] = x[i]! / lu[i * n + i]!;
    }
    return x;
  };
  return { solve, ridged };
}
