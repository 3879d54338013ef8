/**
 * Special functions the drift tests need: log-gamma, the regularized incomplete gamma functions,
 * the χ² survival function and the Kolmogorov distribution. Pure numerics, no dependencies.
 *
 * Algorithms (textbook, implemented here from their definitions):
 *  - ln Γ(x): Lanczos approximation (g = 7, 9 coefficients), with the reflection formula below 0.5;
 *    relative error ≈ 1e-15 for x > 0.
 *  - P(a, x) = γ(a, x)/Γ(a): power series when x < a + 1; Q(a, x) = Γ(a, x)/Γ(a): continued
 *    fraction (modified Lentz) otherwise, so each is computed where it converges fast and the
 *    other is its complement.
 *  - Kolmogorov survival Q_KS(λ) = P(K > λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}; for λ < 1.18 the
 *    equivalent theta-function form 1 − (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)} is used because the
 *    alternating series converges slowly there.
 */

const LANCZOS_G = 7;
// Lanczos coefficients for g = 7, n = 9 (published constants).
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const MAX_ITERATIONS = 10_000;
const EPS = 1e-16;
const TINY = 1e-300;

/** ln Γ(x) for x > 0 (and non-integer x ≤ 0 via reflection, returning ln |Γ(x)|). NaN for x ≤ 0 integers. */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0 && Number.isInteger(x)) return NaN;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) {
    sum += (LANCZOS_COEFFICIENTS[i] as number) / (z + i);
  }
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Series for P(a, x); valid (fast) for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < MAX_ITERATIONS; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Continued fraction for Q(a, x) (modified Lentz); valid (fast) for x ≥ a + 1. */
function gammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a), a > 0, x ≥ 0. NaN outside the domain. */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaPSeries(a, x) : 1 - gammaQContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), a > 0, x ≥ 0. NaN outside the domain. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQContinuedFraction(a, x);
}

/** P(χ²_df > x): the χ² survival function (upper-tail p-value). df > 0. */
export function chiSquaredSurvival(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return clamp01(regularizedGammaQ(degreesOfFreedom / 2, x / 2));
}

/** P(K > λ) for the Kolmogorov distribution K (the limit law of √n·D_n). */
export function kolmogorovSurvival(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const y = Math.exp((-Math.PI * Math.PI) / (8 * lambda * lambda));
    if (y === 0) return 1;
    let sum = 0;
    for (let j = 1; j < 100; j++) {
      const k = 2 * j - 1;
      const term = Math.pow(y, k * k);
      sum += term;
      if (term <= sum * EPS) break;
    }
    return clamp01(1 - (Math.sqrt(2 * Math.PI) / lambda) * sum);
  }
  let sum = 0;
  for (let j = 1; j < 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 === 1 ? term : -term;
    if (term <= Math.abs(sum) * EPS) break;
  }
  return clamp01(2 * sum);
}

export function clamp01(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
