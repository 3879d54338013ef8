import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../errors.js';
import { lognormalSamples, normalSamples, rng } from '../../../test/support/random.js';
import { quantileSketchFactory } from '../quantile-factory.js';
import {
  describeQuantileSketchContract,
  expectDriftmonError,
  fill,
  maxRankError,
  sortedCopy,
} from '../quantile-sketch.contract.js';
import { TDIGEST_EMPIRICAL_BOUND_FACTOR, TDigestSketch } from './tdigest-sketch.js';

// The t-digest is slower (~0.5–1 µs/update): keep the contract's sizes ≤ 20k.
describeQuantileSketchContract(quantileSketchFactory('tdigest'), { rank: 0.01 }, {
  label: 'delta=0.01',
  sizes: [1, 100, 2_000, 20_000],
  incompatible: () => [new TDigestSketch({ delta: 0.02 }), new TDigestSketch({ K: 10 })],
});

describe('TDigestSketch: empirical rank-error bound', () => {
  it('is 0 while every centroid holds one value, factor × delta afterwards', () => {
    const s = new TDigestSketch();
    for (let i = 0; i < 50; i++) s.update(i);
    expect(s.rankErrorBound()).toBe(0);
    for (let i = 0; i < 5000; i++) s.update(i / 7);
    expect(s.rankErrorBound()).toBe(TDIGEST_EMPIRICAL_BOUND_FACTOR * 0.01);
  });

  const datasets: Array<[string, (seed: number, n: number) => Float64Array]> = [
    ['N(0,1)', (seed, n) => normalSamples(seed, n)],
    ['lognormal(0,1)', (seed, n) => lognormalSamples(seed, n)],
    ['N(1000,1)', (seed, n) => normalSamples(seed, n, 1000, 1)],
  ];
  for (const delta of [0.01, 0.005]) {
    for (const [name, make] of datasets) {
      it(`${name}, delta ${delta}: observed error ≤ bound for n = 1k…100k, whole and 10 merged parts`, () => {
        for (const n of [1_000, 10_000, 100_000]) {
          const values = make(n + Math.round(delta * 1e4), n);
          const sorted = sortedCopy(values);
          const whole = fill(new TDigestSketch({ delta }), values);
          expect(maxRankError(whole.sortedView(), sorted)).toBeLessThanOrEqual(whole.rankErrorBound());
          const merged = new TDigestSketch({ delta });
          for (let p = 0; p < 10; p++) merged.merge(fill(new TDigestSketch({ delta }), values.subarray((p * n) / 10, ((p + 1) * n) / 10)));
          expect(merged.count).toBe(n);
          expect(merged.min).toBe(sorted[0]);
          expect(merged.max).toBe(sorted[n - 1]);
          expect(maxRankError(merged.sortedView(), sorted)).toBeLessThanOrEqual(merged.rankErrorBound());
        }
      });
    }
  }

  it('is accurate in the tails (|error| at ranks ≤ 1% or ≥ 99% well under the bound)', () => {
    const values = lognormalSamples(77, 100_000);
    const sorted = sortedCopy(values);
    const s = fill(new TDigestSketch(), values);
    for (const q of [0.0005, 0.001, 0.005, 0.01, 0.99, 0.995, 0.999, 0.9995]) {
      const x = sorted[Math.floor(q * sorted.length)] as number;
      const exact = (Math.floor(q * sorted.length) + 1) / sorted.length;
      expect(Math.abs(s.cdf(x) - exact)).toBeLessThanOrEqual(0.001);
    }
  });
});

describe('TDigestSketch: parameters and restore', () => {
  it('rejects invalid parameters with CONFIG_INVALID', () => {
    for (const opts of [{ delta: 0 }, { delta: 0.7 }, { K: 0 }, { K: 2.5 }]) {
      expectDriftmonError(() => new TDigestSketch(opts), ErrorCode.CONFIG_INVALID);
    }
  });

  it('serialization keeps the centroids, parameters and exact count/min/max', () => {
    const r = rng(5);
    const s = new TDigestSketch({ delta: 0.02, K: 10 });
    for (let i = 0; i < 30_000; i++) s.update(r.normal() * 4 - 1);
    const back = TDigestSketch.deserialize(s.serialize());
    expect(back.delta).toBe(0.02);
    expect(back.K).toBe(10);
    expect(back.centroidCount).toBe(s.sortedView().values.length);
    expect(back.count).toBe(s.count);
    expect(back.min).toBe(s.min);
    expect(back.max).toBe(s.max);
    // the restored digest keeps accepting values
    back.update(100);
    expect(back.count).toBe(30_001);
    expect(back.max).toBe(100);
    expect(back.cdf(99.99)).toBeLessThan(1);
  });

  it('rejects centroids out of order and counts that do not add up', () => {
    const s = fill(new TDigestSketch(), normalSamples(6, 5000));
    const bytes = s.serialize();
    // header 5 + delta 8 + K 4 + count 8 + min 8 + max 8 + centroids u32 4 = 45: first mean
    const swapped = bytes.slice();
    const view = new DataView(swapped.buffer);
    const m0 = view.getFloat64(45, true);
    const m1 = view.getFloat64(61, true);
    view.setFloat64(45, m1, true);
    view.setFloat64(61, m0, true);
    expectDriftmonError(() => TDigestSketch.deserialize(swapped), ErrorCode.SKETCH_CORRUPT);
    const wrongCount = bytes.slice();
    new DataView(wrongCount.buffer).setFloat64(17, 4999, true);
    expectDriftmonError(() => TDigestSketch.deserialize(wrongCount), ErrorCode.SKETCH_CORRUPT);
  });
});
