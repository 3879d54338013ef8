import { describe, expect, it } from 'vitest';
import { numericSample } from '../../test/support/drift-scenarios.js';
import { rng, type Rng } from '../../test/support/random.js';
import { OTHER_CATEGORY } from '../sagemaker/data-quality-model.js';
import { categoricalTest, driftVerdicts, holmAdjust, missingTest, numericTest, type FeatureSample } from './drift-verdict.js';
import { chiSquaredSurvival } from './special-functions.js';

function categoricalSide(n: number, shares: number[], r: Rng, names = shares.map((_, i) => `c${i}`)): FeatureSample {
  const cum: number[] = [];
  shares.reduce((a, s, i) => (cum[i] = a + s), 0);
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const u = r.next() * (cum.at(-1) as number);
    let k = 0;
    while (k < cum.length - 1 && u >= (cum[k] as number)) k++;
    const name = names[k] as string;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return { rows: n, missing: 0, categorical: { counts, countError: 0 } };
}

describe('holmAdjust', () => {
  it("gives Holm's step-down adjusted p-values in input order (monotone, capped at 1)", () => {
    // sorted 0.01, 0.02, 0.03, 0.5 with k = 4: 0.04, max(0.04, 0.06) = 0.06, max(0.06, 0.06) = 0.06, max(0.06, 0.5) = 0.5
    expect(holmAdjust([0.03, 0.5, 0.01, 0.02]).map((p) => +p.toFixed(12))).toEqual([0.06, 0.5, 0.04, 0.06]);
    expect(holmAdjust([0.9, 0.8])).toEqual([1, 1]);
    expect(holmAdjust([NaN, 0.001])).toEqual([1, 0.002]);
  });
});

describe('categoricalTest', () => {
  it('equals the direct 2 × K χ² homogeneity statistic when every category is well populated and counts are exact', () => {
    const b = new Map([['a', 500], ['b', 300], ['c', 200]]);
    const c = new Map([['a', 400], ['b', 350], ['c', 250]]);
    // direct: expected = row total × column total / grand total
    const n = 1000;
    const m = 1000;
    let x2 = 0;
    for (const k of ['a', 'b', 'c']) {
      const col = (b.get(k) ?? 0) + (c.get(k) ?? 0);
      for (const [obs, rowTotal] of [[b.get(k) ?? 0, n], [c.get(k) ?? 0, m]] as const) {
        const e = (rowTotal * col) / (n + m);
        x2 += ((obs - e) * (obs - e)) / e;
      }
    }
    const r = categoricalTest({ counts: b, countError: 0 }, { counts: c, countError: 0 });
    expect(r.pValue).toBeCloseTo(chiSquaredSurvival(x2, 2), 12);
    expect(r.effectSize).toBeCloseTo(0.1, 12); // TV = ½(0.1 + 0.05 + 0.05)
  });

  it('a new category counts, rare categories are pooled, and count errors are taken off the differences', () => {
    const b = new Map([['a', 9000], ['b', 1000]]);
    const c = new Map([['a', 8500], ['b', 1000], ['new', 500]]);
    const exact = categoricalTest({ counts: b, countError: 0 }, { counts: c, countError: 0 });
    expect(exact.pValue).toBeLessThan(1e-10);
    expect(exact.effectSize).toBeCloseTo(0.05, 12);
    // errors as large as the differences: no evidence left
    const blurred = categoricalTest({ counts: b, countError: 0 }, { counts: c, countError: 500 });
    expect(blurred.pValue).toBe(1);
    // a truncated list's rest bucket is one more category
    const rest = categoricalTest({ counts: new Map([['a', 900], [OTHER_CATEGORY, 100]]), countError: 0 }, { counts: new Map([['a', 500], [OTHER_CATEGORY, 500]]), countError: 0 });
    expect(rest.effectSize).toBeCloseTo(0.4, 12);
  });
});

describe('missingTest', () => {
  it('finds 1 % → 10 % missing and stays quiet on equal shares', () => {
    const moved = missingTest({ rows: 10_000, missing: 100 }, { rows: 10_000, missing: 1_000 });
    expect(moved.pValue).toBeLessThan(1e-50);
    expect(moved.effectSize).toBeCloseTo(0.09, 12);
    const same = missingTest({ rows: 10_000, missing: 100 }, { rows: 10_000, missing: 100 });
    expect(same.pValue).toBeCloseTo(1, 12);
  });
});

describe('numericTest on KLL sketches', () => {
  it('sketches of one distribution at 1M rows never give an adjusted p below 0.01 (100 seeds, 20 features a window)', () => {
    let lowest = 1;
    let largestEffect = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed);
      const base = numericSample(1_000_000, () => r.normal());
      const cur = numericSample(1_000_000, () => r.normal());
      const t = numericTest(base.numeric!, cur.numeric!);
      // Holm over a window of 20 features multiplies the smallest p by 20
      lowest = Math.min(lowest, Math.min(1, 20 * t.pValue));
      largestEffect = Math.max(largestEffect, t.effectSize ?? Infinity);
    }
    expect(lowest).toBeGreaterThanOrEqual(0.01);
    expect(largestEffect).toBeLessThan(0.1);
  }, 120_000);
});

describe('driftVerdicts', () => {
  it('raises exactly the practical shifts in a 10,000-row window and not the trivial one', () => {
    const r = rng(7);
    const n = 10_000;
    const features = [
      { name: 'same', baseline: numericSample(n, () => r.normal()), current: numericSample(n, () => r.normal()) },
      { name: 'mean_0.2sd', baseline: numericSample(n, () => r.normal()), current: numericSample(n, () => r.normal() + 0.2) },
      { name: 'spread_1.25', baseline: numericSample(n, () => r.normal()), current: numericSample(n, () => 1.25 * r.normal()) },
      { name: 'trivial_0.02sd', baseline: numericSample(n, () => r.normal()), current: numericSample(n, () => r.normal() + 0.02) },
      { name: 'share', baseline: categoricalSide(n, [0.4, 0.3, 0.2, 0.1], r), current: categoricalSide(n, [0.3, 0.4, 0.2, 0.1], r) },
      { name: 'new_cat', baseline: categoricalSide(n, [0.5, 0.5], r, ['a', 'b']), current: categoricalSide(n, [0.475, 0.475, 0.05], r, ['a', 'b', 'z']) },
      { name: 'missing', baseline: numericSample(n, () => r.normal(), 101), current: numericSample(n, () => r.normal(), 1_111) },
    ];
    const verdicts = driftVerdicts(features);
    expect(verdicts.filter((v) => v.detected).map((v) => v.feature)).toEqual(['mean_0.2sd', 'spread_1.25', 'share', 'new_cat', 'missing']);
    const missing = verdicts.find((v) => v.feature === 'missing');
    expect(missing?.missing?.detected).toBe(true);
    expect(missing?.distribution?.detected).toBe(false);
  });
});
