import { describe, expect, it } from 'vitest';
import { exactKs, lognormalSamples, normalSamples, rng } from '../../test/support/random.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import type { QuantileSketch, SortedView } from '../sketch/quantile-sketch.js';
import { PSI_EPSILON } from './divergence.js';
import {
  baselineQuantileBins,
  cAlphaOf,
  jensenShannon,
  ksPValue,
  linfRobust,
  linfSimple,
  psi,
  sketchStdDev,
  stepDistances,
  wasserstein,
  wassersteinNormalized,
} from './distance.js';
import { kolmogorovSurvival } from './special-functions.js';
import { ExactSketch } from './test-support/exact-sketch.js';

function sketchOf(values: ArrayLike<number>, make: () => QuantileSketch = () => new ExactSketch()): QuantileSketch {
  const s = make();
  for (let i = 0; i < values.length; i++) s.update(values[i] as number);
  return s;
}

/** Values with multiplicities expanded (a weighted item = that many copies). */
function expand(values: number[], weights: number[]): Float64Array {
  const out: number[] = [];
  values.forEach((v, i) => {
    for (let k = 0; k < (weights[i] as number); k++) out.push(v);
  });
  return Float64Array.from(out);
}

/** erf by its Maclaurin series (independent of the code under test); |error| < 1e-12 for |x| ≤ 4. */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17) break;
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const normalCdf = (x: number, mu = 0): number => 0.5 * (1 + erf((x - mu) / Math.SQRT2));

/** Standard normal quantile by bisection on normalCdf (|error| < 1e-12). */
function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Exact P(D_{n,m} ≥ d) for the two-sample KS statistic under H0, by dynamic programming over lattice paths. */
function exactTwoSampleSurvival(d: number, n: number, m: number): number {
  const inside = (i: number, j: number): boolean => Math.abs(i / n - j / m) < d - 1e-12;
  let prev = new Float64Array(m + 1);
  for (let i = 0; i <= n; i++) {
    const cur = new Float64Array(m + 1);
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) {
        cur[0] = 1;
        continue;
      }
      if (!inside(i, j)) continue;
      let p = 0;
      if (i > 0) p += ((prev[j] as number) * (n - i + 1)) / (n + m - i + 1 - j);
      if (j > 0) p += ((cur[j - 1] as number) * (m - j + 1)) / (n + m - i - j + 1);
      cur[j] = p;
    }
    prev = cur;
  }
  return 1 - (prev[m] as number);
}

describe('linfSimple', () => {
  it('equals the exact two-sample KS statistic for exact sketches (continuous and tied data)', () => {
    const r = rng(7);
    const ties = (seed: number, n: number): Float64Array => {
      const g = rng(seed);
      return Float64Array.from({ length: n }, () => g.int(20));
    };
    const pairs: [Float64Array, Float64Array][] = [
      [normalSamples(1, 5000), normalSamples(2, 3000, 0.1, 1)],
      [lognormalSamples(3, 4000), lognormalSamples(4, 4500, 0.2, 0.8)],
      [ties(5, 3000), ties(6, 1000)],
      [Float64Array.from({ length: 100 }, () => r.next()), Float64Array.from({ length: 1 }, () => r.next())],
    ];
    for (const [a, b] of pairs) {
      const d = linfSimple(sketchOf(a), sketchOf(b));
      expect(Math.abs(d - exactKs(a, b))).toBeLessThanOrEqual(1e-12);
      expect(linfSimple(sketchOf(b), sketchOf(a))).toBe(d);
    }
  });

  it('treats weighted items (KLL levels) as multiplicities', () => {
    const va = [1, 2, 3, 5, 8];
    const wa = [1, 2, 4, 1, 8];
    const vb = [2, 3, 4, 9];
    const wb = [2, 2, 1, 4];
    const d = linfSimple(ExactSketch.of(va, wa), ExactSketch.of(vb, wb));
    expect(Math.abs(d - exactKs(expand(va, wa), expand(vb, wb)))).toBeLessThanOrEqual(1e-12);
  });

  it('is 0 for identical sketches and NaN when either is empty', () => {
    const a = sketchOf(normalSamples(9, 1000));
    expect(linfSimple(a, a.clone())).toBe(0);
    expect(linfSimple(a, new ExactSketch())).toBeNaN();
    expect(linfSimple(new ExactSketch(), a)).toBeNaN();
  });

  it('from two KLL sketches of ~1M values is within 0.01 of the exact KS statistic', () => {
    // Tolerance 0.01 (absolute). Measured sketch − exact at these seeds: +0.00193 for N(0,1) vs
    // N(0.05,1) (exact 0.01993), +0.00186 for lognormal vs lognormal(μ=0.03) (exact 0.01279),
    // +0.00229 for N(0,1) 1M vs N(0,1) 900k (exact 0.00103) — well inside 0.01 and inside the sum
    // of the two sketches' deterministic rank-error bounds (≈ 0.0124 each at n = 1M).
    const n = 1_000_000;
    const cases: [string, Float64Array, Float64Array][] = [
      ['normal shift', normalSamples(11, n), normalSamples(12, n, 0.05, 1)],
      ['lognormal shift', lognormalSamples(21, n), lognormalSamples(22, n, 0.03, 1)],
      ['same distribution, unequal n', normalSamples(31, n), normalSamples(32, 900_000)],
    ];
    const kll = quantileSketchFactory('kll');
    for (const [name, a, b] of cases) {
      const sa = sketchOf(a, () => kll.create());
      const sb = sketchOf(b, () => kll.create());
      expect(sa.kind).toBe('kll');
      const d = linfSimple(sa, sb);
      const exact = exactKs(a, b);
      expect(Math.abs(d - exact), name).toBeLessThan(0.01);
      expect(Math.abs(d - exact), name).toBeLessThanOrEqual(sa.rankErrorBound() + sb.rankErrorBound());
    }
  });
});

describe('linfRobust', () => {
  it('subtracts c_α·√((n+m)/(nm)) and clamps at 0', () => {
    const n = 1000;
    const m = 400;
    const crit = 1.8 * Math.sqrt((n + m) / (n * m));
    expect(linfRobust(0.2, n, m)).toBeCloseTo(0.2 - crit, 15);
    expect(linfRobust(0.2, n, m, { cAlpha: 1.2 })).toBeCloseTo(0.2 - 1.2 * Math.sqrt((n + m) / (n * m)), 15);
    expect(linfRobust(crit / 2, n, m)).toBe(0);
    expect(linfRobust(0, n, m)).toBe(0);
  });

  it('derives c_α from α as √(−ln(α/2)/2), matching the published KS critical-value coefficients', () => {
    // Published c(α): 1.224 (α = 0.10), 1.358 (0.05), 1.628 (0.01), 1.949 (0.001); 1.8 ↔ α ≈ 0.003.
    expect(cAlphaOf({ alpha: 0.1 })).toBeCloseTo(1.224, 3);
    expect(cAlphaOf({ alpha: 0.05 })).toBeCloseTo(1.358, 3);
    expect(cAlphaOf({ alpha: 0.01 })).toBeCloseTo(1.628, 3);
    expect(cAlphaOf({ alpha: 0.001 })).toBeCloseTo(1.949, 3);
    expect(Math.abs(cAlphaOf({ alpha: 0.003 }) - 1.8)).toBeLessThan(0.01);
    expect(cAlphaOf()).toBe(1.8);
    expect(linfRobust(0.3, 50, 60, { alpha: 0.05 })).toBeCloseTo(0.3 - cAlphaOf({ alpha: 0.05 }) * Math.sqrt(110 / 3000), 15);
  });

  it('rejects invalid α / c_α and propagates NaN', () => {
    expect(() => cAlphaOf({ alpha: 0 })).toThrow();
    expect(() => cAlphaOf({ alpha: 1.5 })).toThrow();
    expect(() => cAlphaOf({ cAlpha: -1 })).toThrow();
    expect(linfRobust(NaN, 10, 10)).toBeNaN();
    expect(linfRobust(0.5, 0, 10)).toBeNaN();
  });
});

describe('ksPValue', () => {
  it('uses the Kolmogorov distribution: published quantiles K(0.90) = 1.2238, K(0.95) = 1.3581, K(0.99) = 1.6276', () => {
    // λ rounded to 4 decimals ⇒ |ΔQ| ≤ 0.3·5e-5; tolerance 1e-4.
    expect(kolmogorovSurvival(1.2238)).toBeCloseTo(0.1, 4);
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSurvival(1.6276)).toBeCloseTo(0.01, 4);
    // Huge samples: the small-sample correction vanishes.
    expect(ksPValue(1.3581 * Math.sqrt(2 / 1e12), 1e12, 1e12)).toBeCloseTo(0.05, 4);
  });

  it('both series forms agree with the directly summed alternating series (1e-12)', () => {
    for (let lambda = 0.3; lambda <= 3; lambda += 0.01) {
      let direct = 0;
      for (let j = 1; j <= 400; j++) direct += (j % 2 === 1 ? 2 : -2) * Math.exp(-2 * j * j * lambda * lambda);
      expect(Math.abs(kolmogorovSurvival(lambda) - direct)).toBeLessThan(1e-12);
    }
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(0.05)).toBe(1);
    expect(kolmogorovSurvival(10)).toBeLessThan(1e-80);
  });

  it('approximates the exact two-sample distribution P(D ≥ d) (Stephens-corrected asymptotic)', () => {
    // Worst absolute errors over p ∈ [1e-4, 0.5] were measured with the exact lattice-path
    // distribution: ≤ 0.015 for clearly unequal sizes; equal sizes are the worst case for the
    // correction (0.06 at n = m = 20, 0.026 at n = m = 100) because D then lives on a coarse
    // lattice. Tolerances: 0.02 and 0.07 respectively.
    const cases: [number, number, number][] = [
      [30, 70, 0.02],
      [50, 200, 0.02],
      [100, 1000, 0.02],
      [20, 20, 0.07],
      [100, 100, 0.07],
    ];
    for (const [n, m, tol] of cases) {
      for (let d = 0.02; d < 0.6; d += 0.01) {
        // Snap d to an attainable value |i/n − j/m| so P(D ≥ d) is evaluated at a jump.
        const i = Math.round(d * n);
        const dd = i / n;
        const exact = exactTwoSampleSurvival(dd, n, m);
        if (exact > 0.5 || exact < 1e-4) continue;
        expect(Math.abs(ksPValue(dd, n, m) - exact), `n=${n} m=${m} d=${dd}`).toBeLessThan(tol);
      }
    }
  });

  it('is 1 at d = 0, decreasing in d, NaN for bad input', () => {
    expect(ksPValue(0, 100, 100)).toBe(1);
    let prev = 1;
    for (let d = 0.01; d <= 1; d += 0.01) {
      const p = ksPValue(d, 200, 300);
      expect(p).toBeLessThanOrEqual(prev);
      prev = p;
    }
    expect(ksPValue(NaN, 10, 10)).toBeNaN();
    expect(ksPValue(0.1, 0, 10)).toBeNaN();
  });
});

describe('PSI and Jensen–Shannon on baseline-quantile bins', () => {
  // Baseline 1..1000: its deciles are exactly 100, 200, …, 900, so bins are (−∞,100], (100,200], …
  const baseline = sketchOf(Float64Array.from({ length: 1000 }, (_, i) => i + 1));
  /** A current sample with the given count in each baseline decile bin. */
  const currentWithBinCounts = (counts: number[]): QuantileSketch => {
    const s = new ExactSketch();
    counts.forEach((c, bin) => {
      for (let k = 0; k < c; k++) s.update(bin * 100 + 1 + (k % 100));
    });
    return s;
  };
  const directPsi = (p: number[], q: number[]): number =>
    p.reduce((acc, pi, i) => {
      const a = Math.max(pi, PSI_EPSILON);
      const b = Math.max(q[i] as number, PSI_EPSILON);
      return acc + (b - a) * Math.log(b / a);
    }, 0);
  const directJs = (p: number[], q: number[]): number => {
    let s = 0;
    p.forEach((pi, i) => {
      const qi = q[i] as number;
      const mi = (pi + qi) / 2;
      if (pi > 0) s += 0.5 * pi * Math.log2(pi / mi);
      if (qi > 0) s += 0.5 * qi * Math.log2(qi / mi);
    });
    return s;
  };

  it('bins on the baseline deciles', () => {
    const b = baselineQuantileBins(baseline, baseline, 10);
    expect(b?.edges).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900]);
    for (const share of b?.baseline ?? []) expect(share).toBeCloseTo(0.1, 15);
  });

  it('match direct computation from the bin shares (incl. an empty bin)', () => {
    const counts = [50, 80, 100, 120, 150, 100, 0, 100, 100, 200];
    const total = counts.reduce((a, b) => a + b, 0);
    const q = counts.map((c) => c / total);
    const p = counts.map(() => 0.1);
    const current = currentWithBinCounts(counts);
    expect(Math.abs(psi(baseline, current) - directPsi(p, q))).toBeLessThan(1e-12);
    expect(Math.abs(jensenShannon(baseline, current, 10) - directJs(p, q))).toBeLessThan(1e-12);
    expect(psi(baseline, baseline)).toBe(0);
    expect(jensenShannon(baseline, baseline)).toBe(0);
  });

  it('JS stays in [0, 1] for far-apart distributions', () => {
    const far = sketchOf(Float64Array.from({ length: 100 }, (_, i) => 5000 + i));
    // All of `far` falls in the last bin, where the baseline has 10 %.
    const js = jensenShannon(baseline, far);
    expect(js).toBeGreaterThan(0);
    expect(js).toBeLessThanOrEqual(1);
    const two = sketchOf([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(jensenShannon(two, sketchOf([5, 5]), 2)).toBeCloseTo(directJs([0.5, 0.5], [0, 1]), 15);
  });

  it('match the analytic values for N(0,1) vs N(0.5,1) (200k samples each, tolerance 0.01)', () => {
    // Analytic: baseline deciles e_i = Φ⁻¹(i/10); p_i = 0.1; q_i = Φ(e_i − 0.5) − Φ(e_{i−1} − 0.5).
    // Sampling error: each bin share has s.e. ≈ √(0.09/200k) ≈ 7e-4; over 10 bins the PSI/JS error
    // stays below ~0.005; tolerance 0.01.
    const edges = Array.from({ length: 9 }, (_, i) => normalQuantile((i + 1) / 10));
    const cdfs = [0, ...edges.map((e) => normalCdf(e, 0.5)), 1];
    const q = Array.from({ length: 10 }, (_, i) => (cdfs[i + 1] as number) - (cdfs[i] as number));
    const p = q.map(() => 0.1);
    const a = sketchOf(normalSamples(41, 200_000));
    const b = sketchOf(normalSamples(42, 200_000, 0.5, 1));
    expect(Math.abs(psi(a, b) - directPsi(p, q))).toBeLessThan(0.01);
    expect(Math.abs(jensenShannon(a, b) - directJs(p, q))).toBeLessThan(0.01);
  });

  it('are NaN for an empty sketch', () => {
    expect(psi(baseline, new ExactSketch())).toBeNaN();
    expect(jensenShannon(new ExactSketch(), baseline)).toBeNaN();
  });
});

describe('Wasserstein', () => {
  it('equals mean |a_(i) − b_(i)| of the sorted samples for equal sizes (exact, 1e-9 relative)', () => {
    const a = lognormalSamples(51, 20_000);
    const b = normalSamples(52, 20_000, 1, 2);
    const sa = Float64Array.from(a).sort();
    const sb = Float64Array.from(b).sort();
    let direct = 0;
    for (let i = 0; i < sa.length; i++) direct += Math.abs((sa[i] as number) - (sb[i] as number));
    direct /= sa.length;
    const w = wasserstein(sketchOf(a), sketchOf(b));
    expect(Math.abs(w - direct) / direct).toBeLessThan(1e-9);
  });

  it('is the mean shift for a shifted normal, normalized by the baseline σ (tolerance 0.02)', () => {
    // W₁(N(0,σ²), N(μ,σ²)) = |μ|; with σ = 2, μ = 0.6 the normalized value is 0.3. Empirical W₁
    // fluctuates by O(σ/√n) ≈ 0.006 at n = 100k; tolerance 0.02.
    const a = sketchOf(normalSamples(61, 100_000, 0, 2));
    const b = sketchOf(normalSamples(62, 100_000, 0.6, 2));
    expect(Math.abs(wasserstein(a, b) - 0.6)).toBeLessThan(0.02);
    expect(Math.abs(wassersteinNormalized(a, b) - 0.3)).toBeLessThan(0.02);
    expect(wassersteinNormalized(a, b, 4)).toBeCloseTo(wasserstein(a, b) / 4, 15);
  });

  it('falls back to the raw W₁ when the baseline σ is 0', () => {
    const constant = sketchOf([5, 5, 5, 5]);
    const cur = [4, 5, 7, 9];
    const direct = cur.reduce((s, x) => s + Math.abs(x - 5), 0) / cur.length;
    expect(wassersteinNormalized(constant, sketchOf(cur))).toBeCloseTo(direct, 15);
    expect(wassersteinNormalized(constant, sketchOf([5]))).toBe(0);
  });

  it('sketchStdDev is the population standard deviation of the (weighted) items', () => {
    const x = normalSamples(71, 5000, 3, 1.5);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    expect(sketchStdDev(sketchOf(x))).toBeCloseTo(sd, 12);
    const vals = [1, 2, 10];
    const w = [3, 1, 2];
    const ex = expand(vals, w);
    const m2 = ex.reduce((s, v) => s + v, 0) / ex.length;
    const sd2 = Math.sqrt(ex.reduce((s, v) => s + (v - m2) ** 2, 0) / ex.length);
    expect(sketchStdDev(ExactSketch.of(vals, w))).toBeCloseTo(sd2, 12);
  });

  it('is NaN for an empty sketch', () => {
    expect(wasserstein(sketchOf([1]), new ExactSketch())).toBeNaN();
    expect(wassersteinNormalized(new ExactSketch(), sketchOf([1]))).toBeNaN();
  });
});

/** L∞ and W₁ by the plain walk: both CDFs re-evaluated at every value of the union (the definition). */
function plainStepDistances(a: SortedView, b: SortedView): { linf: number; wasserstein: number } {
  const xs = [...new Set([...a.values, ...b.values])].sort((x, y) => x - y);
  const cdf = (v: SortedView, x: number): number => {
    let k = 0;
    while (k < v.values.length && (v.values[k] as number) <= x) k++;
    return k === 0 ? 0 : (v.cumWeights[k - 1] as number) / v.total;
  };
  let linf = 0;
  let area = 0;
  let prevX = NaN;
  let prevDiff = 0;
  for (const x of xs) {
    const diff = Math.abs(cdf(a, x) - cdf(b, x));
    if (diff > linf) linf = diff;
    if (!Number.isNaN(prevX)) area += prevDiff * (x - prevX);
    prevX = x;
    prevDiff = diff;
  }
  return { linf, wasserstein: area };
}

describe('stepDistances', () => {
  it('gives bit for bit the plain walk over the union of both views (KLL sketches, ties and disjoint ranges; seeded)', () => {
    const r = rng(5);
    const kll = quantileSketchFactory('kll', { k: 64 });
    for (let trial = 0; trial < 20; trial++) {
      const shift = trial % 5 === 4 ? 100 : r.normal();
      const ties = trial % 3 === 0;
      const a = sketchOf(Array.from({ length: 1 + r.int(3000) }, () => (ties ? r.int(20) : r.normal())), () => kll.create());
      const b = sketchOf(Array.from({ length: 1 + r.int(3000) }, () => (ties ? r.int(20) : r.normal()) + shift), () => kll.create());
      const got = stepDistances(a, b);
      const want = plainStepDistances(a.sortedView(), b.sortedView());
      expect(Object.is(got.linf, want.linf) && Object.is(got.wasserstein, want.wasserstein)).toBe(true);
    }
  });

  it('asked again, or for the same current view against another baseline, gives that pair\'s distances', () => {
    const a = sketchOf([1, 2, 3, 4]);
    const c = sketchOf([2, 3, 4, 5, 6]);
    const b = sketchOf([5, 6, 7]);
    const first = stepDistances(a, c);
    expect(stepDistances(a, c)).toEqual(first);
    expect(stepDistances(b, c)).toEqual(plainStepDistances(b.sortedView(), c.sortedView()));
    expect(stepDistances(a, c)).toEqual(plainStepDistances(a.sortedView(), c.sortedView()));
    expect(stepDistances(b, c).linf).not.toBe(first.linf);
  });
});
