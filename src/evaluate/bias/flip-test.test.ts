/** Flip test against a direct computation (full sort of distances per row) on seeded data. */
import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/support/random.js';
import { BiasMetricError } from './bias-metrics.js';
import { flipTest } from './flip-test.js';

/** FT by sorting every a-row by distance (stable: ties keep row order) and voting over the first k. */
function direct(x: readonly Float64Array[], inD: readonly boolean[], pred: readonly boolean[]): number {
  const a = x.map((_, i) => i).filter((i) => !inD[i]);
  const d = x.map((_, i) => i).filter((i) => inD[i]);
  const k = a.length > 9 ? 5 : 1;
  let pos = 0;
  let neg = 0;
  for (const j of d) {
    const dist = (i: number): number => x[i]!.reduce((s, v, c) => s + (v - x[j]![c]!) ** 2, 0);
    const nearest = [...a].sort((p, q) => dist(p) - dist(q)).slice(0, k);
    const knn = nearest.filter((i) => pred[i]).length > k / 2;
    if (pred[j] && !knn) pos++;
    if (!pred[j] && knn) neg++;
  }
  return (pos - neg) / d.length;
}

function data(seed: number, n: number, dims: number, grid: boolean) {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => Float64Array.from({ length: dims }, () => (grid ? r.int(4) : r.normal())));
  const inD = x.map(() => r.next() < 0.4);
  const pred = x.map((v, i) => v[0]! + (inD[i] ? 0.5 : 0) + 0.5 * r.normal() > 0.3);
  return { x, inD, pred };
}

describe('flipTest', () => {
  it.each([
    [1, 300, 3, false],
    [2, 200, 2, true], // integer grid: many equal distances, ties by row order
    [3, 12, 2, false],
    [4, 8, 2, false], // facet a ≤ 9 rows: k = 1
  ])('seed %i, %i rows, %i features, grid %s: equals the direct computation', (seed, n, dims, grid) => {
    const { x, inD, pred } = data(seed, n, dims, grid);
    expect(flipTest(x, inD, pred)).toBe(direct(x, inD, pred));
  });

  it('hand example: one d row the model accepts while all its a-neighbours are rejected → 1/2', () => {
    const x = [[0], [0.1], [10], [10.1], [0.05], [10.05]].map((v) => Float64Array.from(v));
    const inD = [false, false, false, false, true, true];
    const pred = [false, false, true, true, true, true];
    expect(flipTest(x, inD, pred)).toBe(0.5);
  });

  it('empty facets are errors with Clarify’s texts', () => {
    const x = [Float64Array.of(1)];
    expect(() => flipTest(x, [false], [true])).toThrow(new BiasMetricError('Facet set is empty'));
    expect(() => flipTest(x, [true], [true])).toThrow(new BiasMetricError('Negated Facet set is empty'));
  });
});
