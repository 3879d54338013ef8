/**
 * PSI and Jensen–Shannon divergence of two discrete distributions given as aligned proportion
 * vectors (bins or categories). Shared by the numeric (distance.ts) and categorical
 * (categorical-distance.ts) versions. Pure.
 */

/**
 * Proportion substituted for an empty bin/category in PSI, whose ln(p/q) term is otherwise
 * infinite. A proportion p < PSI_EPSILON is replaced by PSI_EPSILON on both sides (no
 * renormalisation); a bin empty on both sides therefore contributes exactly 0. 1e-4 is the
 * customary choice in credit-risk practice (it caps an empty bin's term at ≈ p·ln(p/1e-4)).
 */
export const PSI_EPSILON = 1e-4;

/** Population stability index Σ (q_i − p_i)·ln(q_i/p_i), p = baseline, q = current, with PSI_EPSILON for empty bins. */
export function psiFromProportions(baseline: ArrayLike<number>, current: ArrayLike<number>): number {
  if (baseline.length !== current.length) return NaN;
  let sum = 0;
  for (let i = 0; i < baseline.length; i++) {
    const p = Math.max(baseline[i] as number, PSI_EPSILON);
    const q = Math.max(current[i] as number, PSI_EPSILON);
    sum += (q - p) * Math.log(q / p);
  }
  return sum;
}

/**
 * Jensen–Shannon divergence with base-2 logarithms, so the result is in [0, 1]:
 * JS = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2, with 0·log 0 = 0 (no smoothing needed).
 * This is the divergence, not its square root (the JS distance).
 */
export function jensenShannonFromProportions(baseline: ArrayLike<number>, current: ArrayLike<number>): number {
  if (baseline.length !== current.length) return NaN;
  let sum = 0;
  for (let i = 0; i < baseline.length; i++) {
    const p = baseline[i] as number;
    const q = current[i] as number;
    const m = (p + q) / 2;
    if (p > 0) sum += p * Math.log2(p / m);
    if (q > 0) sum += q * Math.log2(q / m);
  }
  const js = sum / 2;
  return js < 0 ? 0 : js > 1 ? 1 : js;
}
