/**
 * Drift distances between two categorical distributions given as category → count maps (the
 * `string_statistics` buckets of statistics.json). Pure.
 *
 * Semantics follow Deequ's `Distance.categoricalDistance` (formats doc §c.4):
 *  - L∞: max_k |p_b(k) − p_c(k)| over the union of categories, p = count / sum of the listed
 *    counts; the robust variant is `linfRobust` from distance.ts with n, m = those sums.
 *  - χ²: Pearson goodness-of-fit of the current counts against the baseline proportions rescaled to
 *    the current total, counting only categories present in the baseline, after merging the rarest
 *    categories until Cochran's (2 categories) or Yates' (> 2) rule holds.
 * A count map whose total is 0 makes every distance NaN ("not computable").
 *
 * Truncated lists (more distinct values than the category cap) end with an OTHER_CATEGORY bucket
 * holding the rest's mass; it is one more category here, so mass moving to values the baseline
 * never listed shows as drift. The L∞ is then exact over the partition {listed values} ∪ {the
 * rest} up to `linfCategoricalErrorBound`.
 */
import { OTHER_CATEGORY, type CategoryCount, type StringStatistics } from '../sagemaker/data-quality-model.js';
import { jensenShannonFromProportions, psiFromProportions } from './divergence.js';
import { chiSquaredSurvival } from './special-functions.js';

export type CategoryCounts = ReadonlyMap<string, number>;

/** Category buckets → count map (duplicate values summed; non-positive or non-finite counts dropped). */
export function countsFromCategories(categories: readonly CategoryCount[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of categories) {
    if (!(c.count > 0) || !Number.isFinite(c.count)) continue;
    out.set(c.value, (out.get(c.value) ?? 0) + c.count);
  }
  return out;
}

/** Sum of the positive counts. */
export function totalCount(counts: CategoryCounts): number {
  let s = 0;
  for (const v of counts.values()) if (v > 0) s += v;
  return s;
}

/** Sorted union of both maps' keys (code-unit order, so results never depend on insertion order). */
function unionKeys(a: CategoryCounts, b: CategoryCounts): string[] {
  const keys = new Set<string>();
  for (const k of a.keys()) keys.add(k);
  for (const k of b.keys()) keys.add(k);
  return [...keys].sort(compareCodeUnits);
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function proportionsOverUnion(
  baseline: CategoryCounts,
  current: CategoryCounts,
): { baseline: Float64Array; current: Float64Array } | null {
  const nb = totalCount(baseline);
  const nc = totalCount(current);
  if (!(nb > 0) || !(nc > 0)) return null;
  const keys = unionKeys(baseline, current);
  const pb = new Float64Array(keys.length);
  const pc = new Float64Array(keys.length);
  keys.forEach((k, i) => {
    pb[i] = Math.max(0, baseline.get(k) ?? 0) / nb;
    pc[i] = Math.max(0, current.get(k) ?? 0) / nc;
  });
  return { baseline: pb, current: pc };
}

/** Simple categorical L∞: max over the union of categories of |p_b(k) − p_c(k)|. */
export function linfCategorical(baseline: CategoryCounts, current: CategoryCounts): number {
  const p = proportionsOverUnion(baseline, current);
  if (p === null) return NaN;
  let d = 0;
  for (let i = 0; i < p.baseline.length; i++) {
    const diff = Math.abs((p.baseline[i] as number) - (p.current[i] as number));
    if (diff > d) d = diff;
  }
  return d;
}

/** How a count map was made: complete (exact counts), or truncated with the listed counts' error. */
export interface CategoryCountAccuracy {
  complete: boolean;
  /** Max undercount of any value (Misra–Gries); undefined: other / (listed + 1), which the sketch guarantees too. */
  countError?: number;
}

/**
 * Bound on |linfCategorical(b, c) − the same L∞ from exact counts| over the partition L ∪ {rest},
 * L the values listed on either side. Per side s with total N, other mass O and count error e,
 * every count is at most e low, so each listed cell's proportion is at most e/N low, and the rest
 * cell (1 − Σ listed) at most min(|L|·e, O)/N high. Both sides err in the same direction, so the
 * difference's error is the larger side's: max over sides of min(|L|·e, O)/N (0 when both are
 * complete). The robust L∞ subtracts a constant and clamps at 0, so the same bound holds for it.
 */
export function linfCategoricalErrorBound(
  baseline: CategoryCounts,
  current: CategoryCounts,
  baselineAccuracy: CategoryCountAccuracy,
  currentAccuracy: CategoryCountAccuracy,
): number {
  if (baselineAccuracy.complete && currentAccuracy.complete) return 0;
  const listed = new Set<string>();
  for (const m of [baseline, current]) for (const [k, v] of m) if (v > 0 && k !== OTHER_CATEGORY) listed.add(k);
  return Math.max(sideError(baseline, baselineAccuracy, listed.size), sideError(current, currentAccuracy, listed.size));
}

function sideError(counts: CategoryCounts, accuracy: CategoryCountAccuracy, union: number): number {
  if (accuracy.complete) return 0;
  const n = totalCount(counts);
  if (!(n > 0)) return 0;
  const other = Math.max(0, counts.get(OTHER_CATEGORY) ?? 0);
  return Math.min(union * categoryCountError(counts, accuracy), other) / n;
}

/** What statistics say of their category counts' accuracy. */
export function accuracyOf(s: StringStatistics): CategoryCountAccuracy {
  return s.categoryCountError === undefined ? { complete: s.categoriesComplete } : { complete: s.categoriesComplete, countError: s.categoryCountError };
}

/**
 * How far any listed count (or an unlisted value's 0) may fall below the truth: 0 for a complete
 * list; else the sketch's count error, or when unknown (read from a file) other / (listed + 1),
 * which the heavy-hitter sketch also guarantees.
 */
export function categoryCountError(counts: CategoryCounts, accuracy: CategoryCountAccuracy): number {
  if (accuracy.complete) return 0;
  let listed = 0;
  for (const [k, v] of counts) if (v > 0 && k !== OTHER_CATEGORY) listed++;
  return accuracy.countError ?? Math.max(0, counts.get(OTHER_CATEGORY) ?? 0) / (listed + 1);
}

/** PSI over the union of categories (PSI_EPSILON for a category absent on one side). */
export function psiCategorical(baseline: CategoryCounts, current: CategoryCounts): number {
  const p = proportionsOverUnion(baseline, current);
  return p === null ? NaN : psiFromProportions(p.baseline, p.current);
}

/** Jensen–Shannon divergence (base 2, in [0, 1]) over the union of categories. */
export function jensenShannonCategorical(baseline: CategoryCounts, current: CategoryCounts): number {
  const p = proportionsOverUnion(baseline, current);
  return p === null ? NaN : jensenShannonFromProportions(p.baseline, p.current);
}

export interface ChiSquaredOptions {
  /** Yates (> 2 categories): expected counts below this are "small" (default 5). */
  absThresholdYates?: number;
  /** Yates: at most floor(this × categories) small expected counts are allowed (default 0.2). */
  percThresholdYates?: number;
  /** Cochran (exactly 2 categories): every expected count must be ≥ this (default 10). */
  absThresholdCochran?: number;
}

export const CHI_SQUARED_DEFAULTS = Object.freeze({
  absThresholdYates: 5,
  percThresholdYates: 0.2,
  absThresholdCochran: 10,
} as const);

export interface ChiSquaredResult {
  /** Pearson χ² statistic Σ (o − e)²/e over the categories left after merging; NaN when < 2 remain. */
  statistic: number;
  /** Categories after merging − 1 (0 when the test is not computable). */
  degreesOfFreedom: number;
  /** P(χ²_df > statistic); NaN when not computable. */
  pValue: number;
  /** Number of categories the test ran on after merging. */
  categories: number;
}

export interface RegroupedCounts {
  observed: Map<string, number>;
  expected: Map<string, number>;
}

/** Smallest-expected key; ties broken by code-unit order of the key (deterministic, unlike Deequ's hash order). */
function minExpectedKey(expected: ReadonlyMap<string, number>, exclude?: string): string | undefined {
  let best: string | undefined;
  let bestValue = Infinity;
  for (const [k, v] of expected) {
    if (k === exclude) continue;
    if (v < bestValue || (v === bestValue && best !== undefined && compareCodeUnits(k, best) < 0)) {
      best = k;
      bestValue = v;
    }
  }
  return best;
}

/**
 * Merge the rarest categories until the χ² approximation's rule of thumb holds: with exactly 2
 * categories, every expected count ≥ absThresholdCochran (Cochran 1952); with more, at most
 * floor(percThresholdYates × categories) expected counts < absThresholdYates (Yates, Moore & McCabe
 * 1999). Each step removes the category with the smallest expected count and adds its expected and
 * observed counts to the (then) smallest remaining one, which keeps its key; the rule is re-checked
 * with the new number of categories. Stops when fewer than 2 categories remain. Returns new maps.
 * Observed categories absent from `expected` are left untouched (the test ignores them).
 */
export function regroupCategories(
  observed: CategoryCounts,
  expected: CategoryCounts,
  options: ChiSquaredOptions = {},
): RegroupedCounts {
  const o = new Map(observed);
  const e = new Map(expected);
  const absYates = options.absThresholdYates ?? CHI_SQUARED_DEFAULTS.absThresholdYates;
  const percYates = options.percThresholdYates ?? CHI_SQUARED_DEFAULTS.percThresholdYates;
  const absCochran = options.absThresholdCochran ?? CHI_SQUARED_DEFAULTS.absThresholdCochran;
  for (;;) {
    const k = e.size;
    if (k < 2) break;
    const threshold = k === 2 ? absCochran : absYates;
    // 1e-9 guards floor() against 0.2·k landing just below an integer in binary floating point.
    const maxBelow = k === 2 ? 0 : Math.floor(percYates * k + 1e-9);
    let below = 0;
    for (const v of e.values()) if (v < threshold) below++;
    if (below <= maxBelow) break;
    const smallest = minExpectedKey(e) as string;
    const target = minExpectedKey(e, smallest) as string;
    e.set(target, (e.get(target) as number) + (e.get(smallest) as number));
    o.set(target, (o.get(target) ?? 0) + (o.get(smallest) ?? 0));
    e.delete(smallest);
    o.delete(smallest);
  }
  return { observed: o, expected: e };
}

/**
 * χ² goodness-of-fit of `current` against `baseline` proportions (Deequ semantics): only baseline
 * categories count; expected(k) = p_b(k) × (current count over baseline categories); rarest
 * categories merged per `regroupCategories`; df = categories − 1; p-value from the χ² survival
 * function. NaN statistic and p-value when fewer than 2 categories remain or when no current value
 * falls in a baseline category.
 */
export function chiSquared(
  baseline: CategoryCounts,
  current: CategoryCounts,
  options: ChiSquaredOptions = {},
): ChiSquaredResult {
  const notComputable = (categories: number): ChiSquaredResult => ({
    statistic: NaN,
    degreesOfFreedom: 0,
    pValue: NaN,
    categories,
  });
  const baselineTotal = totalCount(baseline);
  let currentInBaseline = 0;
  for (const [k, v] of current) if (v > 0 && (baseline.get(k) ?? 0) > 0) currentInBaseline += v;
  if (!(baselineTotal > 0) || !(currentInBaseline > 0)) return notComputable(0);

  const keys = [...baseline.keys()].filter((k) => (baseline.get(k) as number) > 0).sort(compareCodeUnits);
  const expected = new Map<string, number>();
  const observed = new Map<string, number>();
  for (const k of keys) {
    expected.set(k, ((baseline.get(k) as number) / baselineTotal) * currentInBaseline);
    observed.set(k, Math.max(0, current.get(k) ?? 0));
  }
  const regrouped = regroupCategories(observed, expected, options);
  const k = regrouped.expected.size;
  if (k < 2) return notComputable(k);
  let statistic = 0;
  for (const [key, e] of regrouped.expected) {
    const o = regrouped.observed.get(key) ?? 0;
    statistic += ((o - e) * (o - e)) / e;
  }
  const degreesOfFreedom = k - 1;
  return { statistic, degreesOfFreedom, pValue: chiSquaredSurvival(statistic, degreesOfFreedom), categories: k };
}
