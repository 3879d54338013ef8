import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../errors.js';
import { exactCdf } from '../../../test/support/random.js';
import { exactRankBelow, expectDriftmonError, maxRankError, sortedCopy } from '../quantile-sketch.contract.js';
import type { DeequKllJson } from './kll-deequ-json.js';
import { KllSketch } from './kll-sketch.js';

describe('KllSketch: SageMaker statistics.json', () => {
  const dir = join(
    import.meta.dirname,
    '../../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/pipeline/quality_check_step/data_quality',
  );
  interface Feature {
    name: string;
    numerical_statistics: {
      common: { num_present: number };
      min: number;
      max: number;
      distribution: { kll: { buckets: Array<{ lower_bound: number; upper_bound: number; count: number }>; sketch: DeequKllJson } };
    };
  }
  const stats = JSON.parse(readFileSync(`${dir}/statistics.json`, 'utf8')) as { features: Feature[] };
  const rows = readFileSync(`${dir}/baseline_dataset.csv`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));

  it('has the six numeric features of the 100-row baseline', () => {
    expect(stats.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2', '_c3', '_c4', '_c5']);
    expect(rows.length).toBe(100);
  });

  stats.features.forEach((feature, col) => {
    it(`${feature.name}: fromDeequJson gives count 100 and the exact CDF of the column`, () => {
      const ns = feature.numerical_statistics;
      const json = ns.distribution.kll.sketch;
      const s = KllSketch.fromDeequJson(json, { min: ns.min, max: ns.max, count: ns.common.num_present });
      const column = Float64Array.from(rows, (r) => r[col] as number);
      const sorted = sortedCopy(column);
      expect(s.count).toBe(100);
      expect(s.min).toBe(sorted[0]);
      expect(s.max).toBe(sorted[99]);
      expect(s.rankErrorBound()).toBe(0);
      expect(maxRankError(s.sortedView(), sorted)).toBe(0);
      for (let x = (sorted[0] as number) - 1; x <= (sorted[99] as number) + 1; x += 0.25) {
        expect(s.cdf(x)).toBe(exactCdf(sorted, x));
        expect(s.rankBelow(x)).toBe(exactRankBelow(sorted, x));
      }
      // SageMaker's own buckets follow from the sketch (Deequ: rank-exclusive differences,
      // inclusive upper bound for the last bucket)
      const buckets = ns.distribution.kll.buckets;
      buckets.forEach((b, i) => {
        const upper = i === buckets.length - 1 ? s.cdf(b.upper_bound) : s.rankBelow(b.upper_bound);
        expect(Math.round((upper - s.rankBelow(b.lower_bound)) * s.count)).toBe(b.count);
      });
      // the JSON round-trips exactly
      expect(s.toDeequJson()).toEqual(json);
      expect(KllSketch.fromDeequJson(s.toDeequJson()).toDeequJson()).toEqual(json);
    });
  });

  it('without overrides, min/max come from the items', () => {
    const s = KllSketch.fromDeequJson({ parameters: { c: 0.64, k: 2048.0 }, data: [[3, 1, 2], [], [10]] });
    expect(s.count).toBe(3 + 4);
    expect(s.min).toBe(1);
    expect(s.max).toBe(10);
    expect(s.levelCount).toBe(3);
    expect(s.cdf(2)).toBeCloseTo(2 / 7, 15);
  });

  it('an empty data array reads as an empty sketch', () => {
    const s = KllSketch.fromDeequJson({ parameters: { c: 0.64, k: 2048 }, data: [] });
    expect(s.count).toBe(0);
    expect(s.min).toBeNaN();
    expect(s.toDeequJson().data).toEqual([[]]);
  });

  it('rejects malformed sketches with SKETCH_CORRUPT naming the problem', () => {
    const good = { parameters: { c: 0.64, k: 2048 }, data: [[1, 2, 3]] };
    const cases: Array<[unknown, RegExp]> = [
      [null, /not an object/],
      [[1, 2], /not an object/],
      [{ data: [[1]] }, /parameters/],
      [{ parameters: { c: '0.64', k: 2048 }, data: [[1]] }, /must be numbers/],
      [{ parameters: { c: 0.64, k: 0 }, data: [[1]] }, /k must be/],
      [{ parameters: { c: 2, k: 2048 }, data: [[1]] }, /c must be/],
      [{ parameters: { c: 0.64, k: 2048 } }, /"data"/],
      [{ parameters: { c: 0.64, k: 2048 }, data: [1, 2] }, /data\[0\] is not an array/],
      [{ parameters: { c: 0.64, k: 2048 }, data: [[1, 'x']] }, /data\[0\]\[1\]/],
      [{ parameters: { c: 0.64, k: 2048 }, data: [[1, null]] }, /data\[0\]\[1\]/],
      [{ parameters: { c: 0.64, k: 2048 }, data: Array.from({ length: 61 }, () => []) }, /levels/],
    ];
    for (const [obj, message] of cases) {
      const e = expectDriftmonError(() => KllSketch.fromDeequJson(obj), ErrorCode.SKETCH_CORRUPT);
      expect(e.message).toMatch(message);
    }
    expect(
      expectDriftmonError(() => KllSketch.fromDeequJson(good, { min: 2 }), ErrorCode.SKETCH_CORRUPT).message,
    ).toMatch(/min 2 is above/);
    expect(
      expectDriftmonError(() => KllSketch.fromDeequJson(good, { max: 2 }), ErrorCode.SKETCH_CORRUPT).message,
    ).toMatch(/max 2 is below/);
    expect(
      expectDriftmonError(() => KllSketch.fromDeequJson(good, { count: 4 }), ErrorCode.SKETCH_CORRUPT).message,
    ).toMatch(/expected count 4/);
  });

  it('a SageMaker sketch merges with a live one (same parameters)', () => {
    const ns = (stats.features[2] as Feature).numerical_statistics;
    const base = KllSketch.fromDeequJson(ns.distribution.kll.sketch, { min: ns.min, max: ns.max });
    const live = new KllSketch();
    for (const r of rows) live.update(r[2] as number);
    const both = base.toMerged(live);
    expect(both.count).toBe(200);
    const column = Float64Array.from(rows, (r) => r[2] as number);
    expect(maxRankError(both.sortedView(), sortedCopy(column, column))).toBe(0);
    expectDriftmonError(() => base.merge(new KllSketch({ k: 1024 })), ErrorCode.SKETCH_INCOMPATIBLE);
  });
});
