/**
 * driftmon's drift verdict: one yes/no per feature and window that stays quiet on sampling noise and
 * sketch error at any window size and fires on practical change. It sits beside SageMaker's
 * baseline_drift_check (unchanged) and raises no SageMaker violation. Pure.
 *
 * A feature drifts when, for one of its tests, both hold:
 *  - evidence: the test's p-value, adjusted by Holm over every test of the window (so the chance
 *    that a window without drift raises any feature is at most `alpha`), is below `alpha`;
 *  - effect: the effect size reaches the practical floor.
 *
 * Tests (each accounts for both sample sizes — the baseline is a sample too — and for the sketches'
 * own error, so sketch error alone can never make evidence):
 *  - numeric: two-sample Kolmogorov–Smirnov on the KLL sketches. The sketched L∞ is within
 *    εb + εw of the exact one, ε each sketch's deterministic rank-error bound (kll-sketch.ts), so
 *    the p-value is taken at max(0, D̂ − εb − εw). Ties (counts, binary, narrow ranges) only make
 *    the asymptotic p-value conservative. Effect: Wasserstein-1 in baseline standard deviations.
 *  - categorical: χ² test of homogeneity on the 2 × K table of category counts (the truncated
 *    list's rest is one more category; new categories count), each |p_b − p_c| first reduced by the
 *    counts' error bound; categories expected fewer than 10 times in the smaller sample are pooled,
 *    so the χ² approximation holds for long tails and small windows. Effect: total variation.
 *  - missing values: two-proportion z-test on the missing share (exact counts). Effect: the
 *    absolute change of the share.
 *
 * Default floors (calibrated in src/evaluate/drift-verdict.calibration.test.ts and bench/):
 * numeric 0.1 sd (a 0.2 sd mean shift is 0.2, a spread ×1.25 ≈ 0.2, a 0.02 sd shift 0.02);
 * categorical 0.04 (a new category at 5 % is 0.05, a share moving 0.1 is 0.1); missing 0.02.
 */
import { OTHER_CATEGORY, type FeatureStatistics } from '../sagemaker/data-quality-model.js';
import type { SortedView } from '../sketch/quantile-sketch.js';
import { accuracyOf, categoryCountError, countsFromCategories, totalCount, type CategoryCounts } from './categorical-distance.js';
import { ksPValue, linfSimple, wassersteinNormalized } from './distance.js';
import { chiSquaredSurvival, regularizedGammaQ } from './special-functions.js';

export const DriftTest = {
  KS: 'ks_sketch_bounded',
  CHI_SQUARED: 'chi_squared_homogeneity',
  MISSING: 'missing_share_z',
} as const;
export type DriftTest = (typeof DriftTest)[keyof typeof DriftTest];

export const EffectName = {
  WASSERSTEIN: 'wasserstein_normalized',
  TOTAL_VARIATION: 'total_variation',
  MISSING_SHARE: 'missing_share_change',
} as const;
export type EffectName = (typeof EffectName)[keyof typeof EffectName];

/** Per-feature floors; any left out take the monitor's. */
export interface EffectFloors {
  numeric?: number;
  categorical?: number;
  missing?: number;
}

export interface VerdictOptions {
  /** Family-wise error rate per window (Holm over every test of the window). Default 0.005. */
  alpha?: number;
  floors?: EffectFloors;
  /** Feature name → floors for that feature. */
  featureFloors?: ReadonlyMap<string, EffectFloors>;
}

/**
 * alpha 0.005: with tests close to exact at small windows (where effects of pure noise pass the
 * floors), Holm holds the window's false-alarm rate near alpha; half of the 1 % target leaves room
 * for the χ² and KS approximations at 500 rows (measured: calibration test and bench).
 */
export const DEFAULT_VERDICT = { alpha: 0.005, numeric: 0.1, categorical: 0.04, missing: 0.02 } as const;

/** Categories expected fewer times than this in the smaller sample are pooled into one cell. */
const MIN_EXPECTED = 10;

/** Evidence and effect of one test, before the window's multiple-testing adjustment. */
export interface TestResult {
  test: DriftTest;
  /** Unadjusted p-value (1 when not computable). */
  pValue: number;
  effectName: EffectName;
  /** Null when not computable. */
  effectSize: number | null;
}

export interface TestVerdict extends TestResult {
  /** Holm-adjusted p-value over the window's tests. */
  adjustedPValue: number;
  effectFloor: number;
  detected: boolean;
}

export interface FeatureVerdict {
  feature: string;
  detected: boolean;
  /** The distribution test (numeric or categorical), if both sides had one. */
  distribution: TestVerdict | null;
  /** The missing-share test, if both sides have rows. */
  missing: TestVerdict | null;
}

/** What the verdict needs of one feature on one side. */
export interface FeatureSample {
  /** Rows in the dataset (present + missing). */
  rows: number;
  missing: number;
  numeric?: { view: SortedView; rankError: number; stdDev?: number };
  categorical?: { counts: CategoryCounts; countError: number };
}

/**
 * One side of a feature as the verdict sees it, from its statistics: a numeric sketch, or category
 * counts with their error bound (0 when the list is complete; for a truncated list read from a file
 * without it, rest / (listed + 1), which the heavy-hitter sketch guarantees).
 */
export function sampleOf(stats: FeatureStatistics): FeatureSample {
  const num = stats.numerical;
  if (num !== undefined) {
    const view = num.sketch.sortedView();
    const numeric = { view, rankError: num.sketch.rankErrorBound(), ...(Number.isFinite(num.stdDev) ? { stdDev: num.stdDev } : {}) };
    return { rows: num.numPresent + num.numMissing, missing: num.numMissing, ...(view.total > 0 ? { numeric } : {}) };
  }
  const str = stats.string;
  if (str === undefined) return { rows: 0, missing: 0 };
  const counts = countsFromCategories(str.categories);
  const countError = categoryCountError(counts, accuracyOf(str));
  return { rows: str.numPresent + str.numMissing, missing: str.numMissing, ...(counts.size > 0 ? { categorical: { counts, countError } } : {}) };
}

/** KS on sketches, the p-value taken at the sketched L∞ minus both sketches' rank-error bounds. */
export function numericTest(
  baseline: NonNullable<FeatureSample['numeric']>,
  current: NonNullable<FeatureSample['numeric']>,
): TestResult {
  const n = baseline.view.total;
  const m = current.view.total;
  const d = linfSimple(baseline.view, current.view);
  const pValue = Number.isNaN(d) ? 1 : ksPValue(Math.max(0, d - baseline.rankError - current.rankError), n, m);
  const w = wassersteinNormalized(baseline.view, current.view, baseline.stdDev);
  return { test: DriftTest.KS, pValue, effectName: EffectName.WASSERSTEIN, effectSize: Number.isFinite(w) ? w : null };
}

/** χ² homogeneity on category counts (see the file comment); counts listed on either side plus each side's OTHER_CATEGORY rest. */
export function categoricalTest(
  baseline: NonNullable<FeatureSample['categorical']>,
  current: NonNullable<FeatureSample['categorical']>,
): TestResult {
  const keys = new Set<string>([...baseline.counts.keys(), ...current.counts.keys()]);
  const n = totalCount(baseline.counts);
  const m = totalCount(current.counts);
  const none: TestResult = { test: DriftTest.CHI_SQUARED, pValue: 1, effectName: EffectName.TOTAL_VARIATION, effectSize: null };
  if (!(n > 0) || !(m > 0)) return none;
  const listedB = baseline.counts.size - (baseline.counts.has(OTHER_CATEGORY) ? 1 : 0);
  const listedC = current.counts.size - (current.counts.has(OTHER_CATEGORY) ? 1 : 0);
  const small = Math.min(n, m);
  let tv = 0;
  let statistic = 0;
  let cells = 0;
  // pooled: the categories too rare for χ² (and their shrunken differences), as one cell
  let pooledP = 0;
  let pooledQ = 0;
  let pooledErr = 0;
  for (const k of keys) {
    const p = (baseline.counts.get(k) ?? 0) / n;
    const q = (current.counts.get(k) ?? 0) / m;
    tv += Math.abs(p - q);
    // a listed count is at most `countError` below the truth; the rest at most listed × that
    const other = k === OTHER_CATEGORY;
    const err = (other ? listedB * baseline.countError : baseline.countError) / n + (other ? listedC * current.countError : current.countError) / m;
    const s = (p * n + q * m) / (n + m);
    if (s * small < MIN_EXPECTED) {
      pooledP += p;
      pooledQ += q;
      pooledErr += err;
      continue;
    }
    const diff = Math.max(0, Math.abs(p - q) - err);
    statistic += ((n * m) / (n + m)) * ((diff * diff) / s);
    cells++;
  }
  const pooledS = (pooledP * n + pooledQ * m) / (n + m);
  if (pooledS > 0) {
    const diff = Math.max(0, Math.abs(pooledP - pooledQ) - pooledErr);
    statistic += ((n * m) / (n + m)) * ((diff * diff) / pooledS);
    cells++;
  }
  const pValue = cells < 2 ? 1 : chiSquaredSurvival(statistic, cells - 1);
  return { test: DriftTest.CHI_SQUARED, pValue, effectName: EffectName.TOTAL_VARIATION, effectSize: Math.min(1, tv / 2) };
}

/** Two-proportion z-test on the missing share (two-sided), effect = |share change|. */
export function missingTest(baseline: FeatureSample, current: FeatureSample): TestResult {
  const none: TestResult = { test: DriftTest.MISSING, pValue: 1, effectName: EffectName.MISSING_SHARE, effectSize: null };
  if (!(baseline.rows > 0) || !(current.rows > 0)) return none;
  const p1 = baseline.missing / baseline.rows;
  const p2 = current.missing / current.rows;
  const pooled = (baseline.missing + current.missing) / (baseline.rows + current.rows);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / baseline.rows + 1 / current.rows));
  const effectSize = Math.abs(p2 - p1);
  if (!(se > 0)) return { ...none, effectSize };
  const z = effectSize / se;
  // two-sided normal tail: erfc(z/√2) = Q(½, z²/2)
  return { test: DriftTest.MISSING, pValue: regularizedGammaQ(0.5, (z * z) / 2), effectName: EffectName.MISSING_SHARE, effectSize };
}

/** Holm's step-down adjusted p-values, in the input's order. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const k = pValues.length;
  const order = pValues.map((p, i) => ({ p: Number.isNaN(p) ? 1 : p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const out = new Array<number>(k);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (k - rank) * p));
    out[i] = running;
  });
  return out;
}

/** The verdict for every feature of one window, given both sides' samples by feature name. */
export function driftVerdicts(
  features: ReadonlyArray<{ name: string; baseline: FeatureSample; current: FeatureSample }>,
  options: VerdictOptions = {},
): FeatureVerdict[] {
  const alpha = options.alpha ?? DEFAULT_VERDICT.alpha;
  const tests: { feature: number; slot: 'distribution' | 'missing'; result: TestResult }[] = [];
  features.forEach(({ baseline, current }, f) => {
    if (baseline.numeric !== undefined && current.numeric !== undefined) tests.push({ feature: f, slot: 'distribution', result: numericTest(baseline.numeric, current.numeric) });
    else if (baseline.categorical !== undefined && current.categorical !== undefined) tests.push({ feature: f, slot: 'distribution', result: categoricalTest(baseline.categorical, current.categorical) });
    tests.push({ feature: f, slot: 'missing', result: missingTest(baseline, current) });
  });
  const adjusted = holmAdjust(tests.map((t) => t.result.pValue));
  const verdicts: FeatureVerdict[] = features.map(({ name }) => ({ feature: name, detected: false, distribution: null, missing: null }));
  tests.forEach((t, i) => {
    const v = verdicts[t.feature] as FeatureVerdict;
    const effectFloor = floorFor(v.feature, t.result.effectName, options);
    const adjustedPValue = adjusted[i] as number;
    const effect = t.result.effectSize;
    const detected = adjustedPValue < alpha && effect !== null && effect >= effectFloor;
    v[t.slot] = { ...t.result, adjustedPValue, effectFloor, detected };
    if (detected) v.detected = true;
  });
  return verdicts;
}

function floorFor(feature: string, effect: EffectName, options: VerdictOptions): number {
  const key = effect === EffectName.WASSERSTEIN ? 'numeric' : effect === EffectName.TOTAL_VARIATION ? 'categorical' : 'missing';
  return options.featureFloors?.get(feature)?.[key] ?? options.floors?.[key] ?? DEFAULT_VERDICT[key];
}
