import { describe, expect, it } from 'vitest';
import {
  chiSquared,
  countsFromCategories,
  jensenShannonCategorical,
  linfCategorical,
  psiCategorical,
  regroupCategories,
  totalCount,
  linfCategoricalErrorBound,
} from './categorical-distance.js';
import { OTHER_CATEGORY } from '../sagemaker/data-quality-model.js';
import { linfRobust } from './distance.js';
import { PSI_EPSILON } from './divergence.js';
import { chiSquaredSurvival } from './special-functions.js';

const counts = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));

/** Union-of-categories proportions, computed directly. */
function proportions(b: Record<string, number>, c: Record<string, number>): { keys: string[]; p: number[]; q: number[] } {
  const keys = [...new Set([...Object.keys(b), ...Object.keys(c)])];
  const nb = Object.values(b).reduce((s, v) => s + v, 0);
  const nc = Object.values(c).reduce((s, v) => s + v, 0);
  return { keys, p: keys.map((k) => (b[k] ?? 0) / nb), q: keys.map((k) => (c[k] ?? 0) / nc) };
}

describe('linfCategorical', () => {
  const b = { a: 50, b: 30, c: 20 };
  const c = { a: 20, b: 30, d: 10 };

  it('is max |p_b − p_c| over the union of categories', () => {
    const { p, q } = proportions(b, c);
    const direct = Math.max(...p.map((pi, i) => Math.abs(pi - (q[i] as number))));
    expect(linfCategorical(counts(b), counts(c))).toBeCloseTo(direct, 15);
    expect(linfCategorical(counts(b), counts(b))).toBe(0);
  });

  it('takes the robust adjustment with n, m = the count totals', () => {
    const simple = linfCategorical(counts(b), counts(c));
    const robust = linfRobust(simple, totalCount(counts(b)), totalCount(counts(c)));
    expect(robust).toBeCloseTo(Math.max(0, simple - 1.8 * Math.sqrt((100 + 60) / (100 * 60))), 15);
  });

  it('is NaN when a side has no counts', () => {
    expect(linfCategorical(counts(b), new Map())).toBeNaN();
    expect(linfCategorical(counts({ a: 0 }), counts(b))).toBeNaN();
  });

  it('countsFromCategories sums duplicates and drops non-positive counts', () => {
    const m = countsFromCategories([
      { value: 'x', count: 2 },
      { value: 'y', count: 0 },
      { value: 'x', count: 3 },
    ]);
    expect([...m]).toEqual([['x', 5]]);
  });
});

describe('PSI and Jensen–Shannon over categories', () => {
  it('match direct computation (ε for a category missing on one side)', () => {
    const b = { a: 50, b: 30, c: 20 };
    const c = { a: 25, b: 45, d: 30 };
    const { p, q } = proportions(b, c);
    let psi = 0;
    let js = 0;
    p.forEach((pi, i) => {
      const qi = q[i] as number;
      const pe = Math.max(pi, PSI_EPSILON);
      const qe = Math.max(qi, PSI_EPSILON);
      psi += (qe - pe) * Math.log(qe / pe);
      const m = (pi + qi) / 2;
      if (pi > 0) js += 0.5 * pi * Math.log2(pi / m);
      if (qi > 0) js += 0.5 * qi * Math.log2(qi / m);
    });
    expect(psiCategorical(counts(b), counts(c))).toBeCloseTo(psi, 14);
    expect(jensenShannonCategorical(counts(b), counts(c))).toBeCloseTo(js, 14);
    expect(jensenShannonCategorical(counts({ x: 3 }), counts({ y: 4 }))).toBe(1);
    expect(psiCategorical(counts(b), counts(b))).toBe(0);
  });
});

describe('chiSquared', () => {
  it('statistic and p-value equal direct Pearson computation (no merging needed)', () => {
    // Baseline proportions × current total (current categories not in the baseline are ignored).
    const b = { a: 400, b: 300, c: 200, d: 100, e: 100 };
    const c = { a: 90, b: 80, c: 40, d: 30, e: 20, unseen: 10 };
    const nb = 1100;
    const nc = 90 + 80 + 40 + 30 + 20;
    let direct = 0;
    for (const k of Object.keys(b)) {
      const e = ((b[k as keyof typeof b] as number) / nb) * nc;
      const o = c[k as keyof typeof c] as number;
      direct += ((o - e) * (o - e)) / e;
    }
    const r = chiSquared(counts(b), counts(c));
    expect(r.statistic).toBeCloseTo(direct, 12);
    expect(r.degreesOfFreedom).toBe(4);
    expect(r.categories).toBe(5);
    // df = 4: P(χ²₄ > x) = e^{−x/2}(1 + x/2).
    expect(r.pValue).toBeCloseTo(Math.exp(-direct / 2) * (1 + direct / 2), 12);
  });

  it('gives p ≈ 0.05 at the published critical value (df = 1, χ² = 3.841)', () => {
    // Two categories, expected 50/50 of 400 = 200 each; observed 200 ± δ gives χ² = 2δ²/200.
    const delta = Math.sqrt((3.841 * 200) / 2);
    const r = chiSquared(counts({ x: 1, y: 1 }), counts({ x: 200 + delta, y: 200 - delta }));
    expect(r.statistic).toBeCloseTo(3.841, 10);
    expect(Math.abs(r.pValue - 0.05)).toBeLessThan(2e-4);
    expect(r.pValue).toBe(chiSquaredSurvival(r.statistic, 1));
  });

  it('Cochran (2 categories): keeps them when every expected count ≥ 10, else merges to 1 ⇒ NaN', () => {
    const ok = chiSquared(counts({ x: 10, y: 90 }), counts({ x: 15, y: 85 }));
    expect(ok.categories).toBe(2);
    expect(ok.degreesOfFreedom).toBe(1);
    const small = chiSquared(counts({ x: 9, y: 91 }), counts({ x: 15, y: 85 }));
    expect(small.categories).toBe(1);
    expect(small.statistic).toBeNaN();
    expect(small.pValue).toBeNaN();
    expect(small.degreesOfFreedom).toBe(0);
  });

  it('Yates (> 2 categories): at most 20 % of expected counts < 5, rarest merged into the next rarest', () => {
    // 10 categories: floor(0.2·10) = 2 small counts allowed.
    const big = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`big${i}`, 100]));
    const twoSmall = regroupCategories(new Map(), counts({ ...big, s1: 4, s2: 3, s3: 100 }));
    expect(twoSmall.expected.size).toBe(10);
    const threeSmallExpected = counts({ ...big, s1: 4, s2: 3, s3: 2 });
    const threeSmallObserved = counts({ ...big, s1: 6, s2: 1, s3: 5, other: 9 });
    const r = regroupCategories(threeSmallObserved, threeSmallExpected);
    // The smallest (s3) went into the next smallest (s2); then 9 categories allow floor(1.8) = 1 small.
    expect(r.expected.has('s3')).toBe(false);
    expect(r.expected.get('s2')).toBe(3 + 2);
    expect(r.observed.get('s2')).toBe(1 + 5);
    expect(r.expected.size).toBe(9);
    const below = [...r.expected.values()].filter((v) => v < 5).length;
    expect(below).toBeLessThanOrEqual(Math.floor(0.2 * r.expected.size));
    // Totals preserved; observed categories outside the expected set untouched.
    expect(totalCount(r.expected)).toBe(totalCount(threeSmallExpected));
    expect(r.observed.get('other')).toBe(9);
    // Inputs are not mutated.
    expect(threeSmallExpected.get('s3')).toBe(2);
  });

  it('keeps merging while the rule fails and ends in a state where it holds', () => {
    const expected = counts({ a: 1, b: 1, c: 2, d: 2, e: 3, f: 3, g: 4, h: 50 });
    const r = regroupCategories(new Map(), expected);
    const k = r.expected.size;
    const values = [...r.expected.values()];
    if (k === 2) expect(Math.min(...values)).toBeGreaterThanOrEqual(10);
    else expect(values.filter((v) => v < 5).length).toBeLessThanOrEqual(Math.floor(0.2 * k));
    expect(totalCount(r.expected)).toBe(66);
  });

  it('is deterministic under insertion order (ties broken by category name)', () => {
    const e1 = counts({ a: 2, b: 2, c: 2, d: 40, e: 40 });
    const e2 = new Map([...e1].reverse());
    const o = counts({ a: 1, b: 2, c: 3, d: 40, e: 41 });
    const r1 = regroupCategories(o, e1);
    const r2 = regroupCategories(new Map([...o].reverse()), e2);
    expect(Object.fromEntries(r1.expected)).toEqual(Object.fromEntries(r2.expected));
    expect(Object.fromEntries(r1.observed)).toEqual(Object.fromEntries(r2.observed));
  });

  it('is NaN when no current value falls in a baseline category or there is < 2 categories', () => {
    expect(chiSquared(counts({ a: 10 }), counts({ a: 10 })).pValue).toBeNaN();
    expect(chiSquared(counts({ a: 50, b: 50 }), counts({ z: 10 })).pValue).toBeNaN();
    expect(chiSquared(new Map(), counts({ a: 1 })).statistic).toBeNaN();
  });
});

describe('linfCategoricalErrorBound', () => {
  const baseline = new Map([['a', 5], ['b', 5]]);
  const current = new Map([['a', 2], [OTHER_CATEGORY, 8]]);
  it('is 0 when both lists are complete', () => {
    expect(linfCategoricalErrorBound(baseline, baseline, { complete: true }, { complete: true })).toBe(0);
  });
  it('a truncated side: min(|listed values of both sides| × count error, rest) / total', () => {
    // L = {a, b}: min(2 × 1, 8) / 10
    expect(linfCategoricalErrorBound(baseline, current, { complete: true }, { complete: false, countError: 1 })).toBeCloseTo(0.2, 15);
    // count error unknown (read from a file): rest / (listed + 1) = 4 → min(8, 8) / 10
    expect(linfCategoricalErrorBound(baseline, current, { complete: true }, { complete: false })).toBeCloseTo(0.8, 15);
    // both truncated: the larger side's
    expect(linfCategoricalErrorBound(current, new Map([['b', 1], [OTHER_CATEGORY, 1]]), { complete: false, countError: 1 }, { complete: false, countError: 0.5 })).toBeCloseTo(0.5, 15);
  });
});
