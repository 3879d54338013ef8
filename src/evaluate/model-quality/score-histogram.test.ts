import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/support/random.js';
import { ModelQualityAccumulator } from './accumulator.js';
import { BinaryCounts } from './binary.js';
import { ProblemType } from '../../sagemaker/problem-type.js';
import { ScoreHistogram, scoreBin, TOTAL_BINS, CURVE_RESOLUTION } from './score-histogram.js';

/** Exact Mann–Whitney AUC (ties ½) by sorting each class and walking both lists. */
function exactAuc(pos: Float64Array, neg: Float64Array): number {
  const p = Float64Array.from(pos).sort();
  const n = Float64Array.from(neg).sort();
  let below = 0; // negatives < current score
  let sum = 0;
  for (let i = 0; i < p.length; ) {
    const s = p[i]!;
    let k = i;
    while (k < p.length && p[k] === s) k++;
    while (below < n.length && n[below]! < s) below++;
    let eq = below;
    while (eq < n.length && n[eq] === s) eq++;
    sum += (k - i) * (below + 0.5 * (eq - below));
    i = k;
  }
  return sum / p.length / n.length;
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

describe('ScoreHistogram AUC (must-show: 1M scored records)', () => {
  it('streaming AUC is within 0.005 of the exact Mann–Whitney AUC, also after merging 10 partial accumulators', () => {
    const N = 1_000_000;
    const r = rng(20240601);
    const label = new Uint8Array(N);
    const score = new Float64Array(N);
    let nPos = 0;
    for (let i = 0; i < N; i++) {
      const y = r.next() < 0.3 ? 1 : 0; // 30 % positives
      label[i] = y;
      nPos += y;
      // two overlapping logistic-transformed normals
      score[i] = logistic(y === 1 ? 0.9 + 1.2 * r.normal() : -0.4 + 1.2 * r.normal());
    }
    const pos = new Float64Array(nPos);
    const neg = new Float64Array(N - nPos);
    for (let i = 0, a = 0, b = 0; i < N; i++) {
      if (label[i] === 1) pos[a++] = score[i]!;
      else neg[b++] = score[i]!;
    }
    const exact = exactAuc(pos, neg);

    const single = new ModelQualityAccumulator(ProblemType.BINARY_CLASSIFICATION);
    const parts = Array.from({ length: 10 }, () => new ModelQualityAccumulator(ProblemType.BINARY_CLASSIFICATION));
    for (let i = 0; i < N; i++) {
      const ex = { sampleKey: `id-${i}`, actual: label[i]!, predicted: score[i]! > 0.5 ? 1 : 0, score: score[i]! };
      single.add(ex);
      parts[i % 10]!.add(ex);
    }
    const merged = new ModelQualityAccumulator(ProblemType.BINARY_CLASSIFICATION);
    for (const p of parts) merged.merge(p);

    const hist = (single.counts as BinaryCounts).scores;
    const auc = hist.auc();
    const mergedAuc = (merged.counts as BinaryCounts).scores.auc();
    expect(exact).toBeGreaterThan(0.7);
    expect(exact).toBeLessThan(0.85);
    expect(Math.abs(auc - exact)).toBeLessThan(0.005);
    expect(Math.abs(auc - exact)).toBeLessThanOrEqual(hist.aucErrorBound());
    expect(mergedAuc).toBe(auc); // bin counts add exactly
    expect(Math.abs(mergedAuc - exact)).toBeLessThan(0.005);
    // and it survives a checkpoint
    const restored = ModelQualityAccumulator.deserialize(merged.serialize());
    expect((restored.counts as BinaryCounts).scores.auc()).toBe(auc);
  });

  it('is exact when every score sits in its own bin (ties only between equal scores)', () => {
    const r = rng(7);
    const pos: number[] = [];
    const neg: number[] = [];
    const h = new ScoreHistogram();
    for (let i = 0; i < 20_000; i++) {
      const y = r.next() < 0.4;
      const s = (Math.min(999, Math.floor((y ? 0.6 + 0.25 * r.normal() : 0.4 + 0.25 * r.normal()) * 1000 + 0.5) ) + 0.5) / 1000;
      const c = Math.max(0.0005, s);
      (y ? pos : neg).push(c);
      h.add(c, y);
    }
    expect(h.auc()).toBeCloseTo(exactAuc(Float64Array.from(pos), Float64Array.from(neg)), 12);
  });

  it('bins are monotone over all reals, scores outside [0, 1] included', () => {
    const xs = [-Infinity, -1e9, -5, -1, -1e-9, 0, 1e-9, 0.001, 0.4999, 0.5, 0.999, 1, 1 + 1e-9, 2, 1e9, Infinity];
    const bins = xs.map(scoreBin);
    for (let i = 1; i < bins.length; i++) expect(bins[i]!).toBeGreaterThanOrEqual(bins[i - 1]!);
    expect(bins[0]).toBe(0);
    expect(bins[bins.length - 1]).toBe(TOTAL_BINS - 1);
    // margins (log-odds) give the same AUC as their probabilities when bins separate them
    const a = new ScoreHistogram();
    const b = new ScoreHistogram();
    for (const [s, y] of [[-3, false], [-0.5, true], [2.5, true], [4, false], [6, true]] as const) {
      a.add(s, y);
      b.add(logistic(s), y);
    }
    expect(a.auc()).toBe(b.auc());
    expect(a.auc()).toBeCloseTo(exactAuc(Float64Array.from([-0.5, 2.5, 6]), Float64Array.from([-3, 4])), 15);
  });

  it('AUC is NaN with one class; curves are bounded and run from (0,0) to (1,1)', () => {
    const h = new ScoreHistogram();
    h.add(0.3, true);
    expect(h.auc()).toBeNaN();
    const r = rng(3);
    const big = new ScoreHistogram();
    for (let i = 0; i < 100_000; i++) big.add(r.next(), r.next() < 0.5);
    const { roc, pr } = big.curves();
    expect(roc.falsePositiveRates.length).toBe(roc.truePositiveRates.length);
    expect(roc.falsePositiveRates.length).toBeLessThanOrEqual(2 * CURVE_RESOLUTION + 2);
    expect(roc.falsePositiveRates.length).toBeGreaterThan(50);
    expect([roc.falsePositiveRates[0], roc.truePositiveRates[0]]).toEqual([0, 0]);
    expect([roc.falsePositiveRates.at(-1), roc.truePositiveRates.at(-1)]).toEqual([1, 1]);
    expect([pr.recalls[0], pr.precisions[0]]).toEqual([0, 1]);
    expect(pr.recalls.at(-1)).toBe(1);
    for (let i = 1; i < roc.truePositiveRates.length; i++) {
      expect(roc.truePositiveRates[i]!).toBeGreaterThanOrEqual(roc.truePositiveRates[i - 1]!);
      expect(roc.falsePositiveRates[i]!).toBeGreaterThanOrEqual(roc.falsePositiveRates[i - 1]!);
    }
    // the precision at the last point is the prevalence
    expect(pr.precisions.at(-1)).toBeCloseTo(big.positives / (big.positives + big.negatives), 15);
  });
});
