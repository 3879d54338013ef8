import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/support/random.js';
import { attributionNdcg } from './ndcg.js';

/** DCG averaged over every order of the features tied in live attribution: the definition, by brute force. */
function bruteForce(baseline: Map<string, number>, live: Map<string, number>): number {
  const features = [...baseline.keys()];
  const score = (f: string): number => live.get(f) ?? 0;
  const disc = (i: number): number => 1 / Math.log2(i + 2);
  const idcg = features.map((f) => baseline.get(f) as number).sort((a, b) => b - a).reduce((s, a, i) => s + a * disc(i), 0);
  const permutations = (xs: string[]): string[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
  let total = 0;
  let count = 0;
  for (const p of permutations(features)) {
    // only orders that rank by live attribution (any order within ties)
    if (p.some((f, i) => i > 0 && score(p[i - 1] as string) < score(f))) continue;
    total += p.reduce((s, f, i) => s + (baseline.get(f) as number) * disc(i), 0);
    count++;
  }
  return total / count / idcg;
}

describe('attribution nDCG (SageMaker feature_attribution_drift_check)', () => {
  it("reproduces the Developer Guide's worked example: baseline SAT 0.70, GPA 0.50, rank 0.05 ranked rank, GPA, SAT live ≈ 0.69", () => {
    const baseline = new Map([['SAT', 0.7], ['GPA', 0.5], ['rank', 0.05]]);
    const live = new Map([['rank', 0.9], ['GPA', 0.5], ['SAT', 0.1]]);
    const disc = (i: number): number => 1 / Math.log2(i + 1);
    const exact = (0.05 * disc(1) + 0.5 * disc(2) + 0.7 * disc(3)) / (0.7 * disc(1) + 0.5 * disc(2) + 0.05 * disc(3));
    expect(attributionNdcg(baseline, live)).toBeCloseTo(exact, 12);
    expect(attributionNdcg(baseline, live)).toBeCloseTo(0.69, 2);
  });

  it('is 1 for the same ranking, whatever the live magnitudes', () => {
    const baseline = new Map([['a', 3], ['b', 2], ['c', 1]]);
    expect(attributionNdcg(baseline, new Map([['a', 0.3], ['b', 0.29], ['c', 0]]))).toBe(1);
  });

  it('equals the average over every order of live ties, on 300 seeded cases with ties and missing features', () => {
    const r = rng(5);
    for (let c = 0; c < 300; c++) {
      const m = 2 + r.int(5);
      const baseline = new Map<string, number>();
      const live = new Map<string, number>();
      for (let i = 0; i < m; i++) {
        baseline.set(`f${i}`, r.int(4) === 0 ? 0 : r.next());
        const v = r.int(5);
        if (v > 0) live.set(`f${i}`, v === 1 ? 0.5 : r.next()); // 0.5 makes ties; absent counts as 0
      }
      if ([...baseline.values()].every((a) => a === 0)) continue;
      expect(attributionNdcg(baseline, live)).toBeCloseTo(bruteForce(baseline, live), 12);
    }
  });

  it('is NaN without a positive baseline attribution, and refuses a negative one', () => {
    expect(attributionNdcg(new Map([['a', 0]]), new Map([['a', 1]]))).toBeNaN();
    expect(() => attributionNdcg(new Map([['a', -1]]), new Map())).toThrow(/not a number ≥ 0/);
  });
});
