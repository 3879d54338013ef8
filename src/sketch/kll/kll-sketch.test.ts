import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../errors.js';
import { exactCdf, lognormalSamples, normalSamples, rng } from '../../../test/support/random.js';
import { quantileSketchFactory } from '../quantile-factory.js';
import {
  describeQuantileSketchContract,
  exactRankBelow,
  expectDriftmonError,
  fill,
  maxRankError,
  sortedCopy,
} from '../quantile-sketch.contract.js';
import type { DeequKllJson } from './kll-deequ-json.js';
import { KllSketch } from './kll-sketch.js';

describeQuantileSketchContract(quantileSketchFactory('kll'), { rank: 0.01 }, {
  label: 'k=2048 c=0.64',
  incompatible: () => [new KllSketch({ k: 1024 }), new KllSketch({ c: 0.5 })],
});
// A small k compacts (and adds levels) at every contract size: exercises the error bound.
describeQuantileSketchContract(quantileSketchFactory('kll', { k: 64 }), { rank: 0.08 }, {
  label: 'k=64 c=0.64',
  incompatible: () => [new KllSketch()],
});

/**
 * Deequ's QuantileNonSample/NonSampleCompactor rules, written as literally as possible (plain
 * arrays, recomputed sums) to pin KllSketch's level contents item for item.
 */
class DeequModel {
  levels: number[][] = [[]];
  numCompress: number[] = [0];
  offset: number[] = [0];
  constructor(
    readonly k: number,
    readonly c: number,
  ) {}
  capacity(h: number): number {
    return 2 * (Math.ceil((this.k * Math.pow(this.c, h)) / 2) + 1);
  }
  totalCapacity(): number {
    let s = 0;
    for (let h = 0; h < this.levels.length; h++) s += this.capacity(h);
    return s;
  }
  held(): number {
    return this.levels.reduce((s, l) => s + l.length, 0);
  }
  expand(): void {
    this.levels.push([]);
    this.numCompress.push(0);
    this.offset.push(0);
  }
  compact(h: number): number[] {
    const buffer = this.levels[h] as number[];
    const items = buffer.length;
    const len = items - (items % 2);
    if ((this.numCompress[h] as number) % 2 === 1) this.offset[h] = 1 - (this.offset[h] as number);
    const sorted = buffer.slice(0, len).sort((a, b) => a - b);
    const out: number[] = [];
    for (let i = this.offset[h] as number; i < len; i += 2) out.push(sorted[i] as number);
    this.levels[h] = items % 2 === 1 ? [buffer[items - 1] as number] : [];
    this.numCompress[h] = (this.numCompress[h] as number) + 1;
    return out;
  }
  condense(): void {
    for (let h = 0; h < this.levels.length; h++) {
      if ((this.levels[h] as number[]).length >= this.capacity(h)) {
        if (h + 1 >= this.levels.length) this.expand();
        (this.levels[h + 1] as number[]).push(...this.compact(h));
        return;
      }
    }
  }
  update(x: number): void {
    (this.levels[0] as number[]).push(x);
    if (this.held() > this.totalCapacity()) this.condense();
  }
  merge(that: DeequModel): void {
    while (this.levels.length < that.levels.length) this.expand();
    that.levels.forEach((l, h) => (this.levels[h] as number[]).push(...l));
    while (this.held() >= this.totalCapacity()) this.condense();
  }
}

function sketchOf(values: Float64Array, k = 2048): KllSketch {
  return fill(new KllSketch({ k }), values) as KllSketch;
}

describe('KllSketch: Deequ compaction rules', () => {
  it('capacities follow 2·(ceil(k·c^h/2)+1) and the bottom level compacts first', () => {
    // k = 4: capacities 6, 6, 4, 4, …
    const s = new KllSketch({ k: 4 });
    for (const x of [5, 3, 1, 6, 2, 4]) s.update(x);
    expect(s.toDeequJson().data).toEqual([[5, 3, 1, 6, 2, 4]]); // 6 held ≤ capacity 6
    s.update(0); // 7 > 6: sort the first 6, keep offsets 0, 2, 4 (first compaction: offset 0)
    expect(s.toDeequJson().data).toEqual([[0], [1, 3, 5]]);
    expect(s.count).toBe(7);
    // 9 more: held 13 > 6 + 6 → second compaction of level 0, offset flips to 1, no leftover
    for (const x of [9, 8, 7, 10, 11, 12, 13, 14, 15]) s.update(x);
    expect(s.toDeequJson().data).toEqual([[], [1, 3, 5, 7, 9, 11, 13, 15]]);
    expect(s.count).toBe(16);
    expect(s.toDeequJson().parameters).toEqual({ c: 0.64, k: 4 });
  });

  it('default parameters are SageMaker’s (k = 2048, c = 0.64)', () => {
    const s = new KllSketch();
    expect(s.k).toBe(2048);
    expect(s.c).toBe(0.64);
    expect(s.toDeequJson()).toEqual({ parameters: { c: 0.64, k: 2048 }, data: [[]] });
  });

  it('rejects invalid parameters with CONFIG_INVALID', () => {
    for (const opts of [{ k: 3 }, { k: 100.5 }, { c: 0 }, { c: 1.5 }, { c: NaN }]) {
      expectDriftmonError(() => new KllSketch(opts), ErrorCode.CONFIG_INVALID);
    }
  });

  for (const [k, c] of [
    [16, 0.64],
    [64, 0.64],
    [200, 0.5],
    [2048, 0.64],
  ] as const) {
    it(`updates and merges reproduce Deequ's level contents item for item (k=${k}, c=${c})`, () => {
      const r = rng(k);
      const n = k === 2048 ? 60_000 : 20_000;
      const model = new DeequModel(k, c);
      const sketch = new KllSketch({ k, c });
      for (let i = 0; i < n; i++) {
        // duplicates and a drifting mean, rounded to keep ties frequent
        const x = Math.round((r.normal() + i / 5000) * 100) / 100;
        model.update(x);
        sketch.update(x);
      }
      expect(sketch.toDeequJson().data).toEqual(model.levels);
      // merges: parts of different sizes, into the running sketch
      for (const size of [10, 3 * k, 7 * k + 3, n]) {
        const pm = new DeequModel(k, c);
        const ps = new KllSketch({ k, c });
        for (let i = 0; i < size; i++) {
          const x = r.next() * 10;
          pm.update(x);
          ps.update(x);
        }
        model.merge(pm);
        sketch.merge(ps);
        expect(sketch.toDeequJson().data).toEqual(model.levels);
      }
      // and updates after merges
      for (let i = 0; i < 5 * k; i++) {
        const x = r.normal();
        model.update(x);
        sketch.update(x);
      }
      expect(sketch.toDeequJson().data).toEqual(model.levels);
      const weight = model.levels.reduce((s, l, h) => s + l.length * 2 ** h, 0);
      expect(sketch.count).toBe(weight);
    });
  }

  it('compaction preserves the total weight; -0 is stored as 0', () => {
    const s = new KllSketch({ k: 16 });
    for (let i = 0; i < 10_000; i++) s.update(i % 3 === 0 ? -0 : i);
    const { data } = s.toDeequJson();
    expect(data.reduce((acc, l, h) => acc + l.length * 2 ** h, 0)).toBe(10_000);
    expect(data.flat().some((x) => Object.is(x, -0))).toBe(false);
    expect(s.count).toBe(10_000);
  });
});

describe('KllSketch: accuracy against the exact CDF (1M values)', () => {
  const N = 1_000_000;
  const TOL = 0.005;
  const datasets: Array<[string, () => Float64Array]> = [
    ['N(0,1)', () => normalSamples(11, N)],
    ['lognormal(0,1)', () => lognormalSamples(12, N)],
    ['N(1000,1)', () => normalSamples(13, N, 1000, 1)],
  ];
  for (const [name, make] of datasets) {
    it(`${name}: max |sketch − exact| ≤ ${TOL} and ≤ rankErrorBound(), whole stream and 10 merged parts`, () => {
      const values = make();
      const sorted = sortedCopy(values);
      const whole = sketchOf(values);
      expect(whole.count).toBe(N);
      expect(whole.min).toBe(sorted[0]);
      expect(whole.max).toBe(sorted[N - 1]);
      const errWhole = maxRankError(whole.sortedView(), sorted);
      expect(errWhole).toBeLessThanOrEqual(TOL);
      expect(errWhole).toBeLessThanOrEqual(whole.rankErrorBound());

      const merged = new KllSketch();
      for (let p = 0; p < 10; p++) merged.merge(sketchOf(values.subarray(p * 100_000, (p + 1) * 100_000)));
      expect(merged.count).toBe(N);
      expect(merged.min).toBe(sorted[0]);
      expect(merged.max).toBe(sorted[N - 1]);
      const errMerged = maxRankError(merged.sortedView(), sorted);
      expect(errMerged).toBeLessThanOrEqual(TOL);
      expect(errMerged).toBeLessThanOrEqual(merged.rankErrorBound());

      // quantiles land within the bound of their target ranks
      const bound = whole.rankErrorBound();
      for (const q of [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999]) {
        const v = whole.quantile(q);
        expect(exactRankBelow(sorted, v)).toBeLessThanOrEqual(q + bound);
        expect(exactCdf(sorted, v)).toBeGreaterThanOrEqual(q - bound);
      }

      // exact round trips at this size
      const bytes = whole.serialize();
      const back = KllSketch.deserialize(bytes);
      expect(back.serialize()).toEqual(bytes);
      const json = whole.toDeequJson();
      const fromJson = KllSketch.fromDeequJson(json, { min: whole.min, max: whole.max });
      expect(fromJson.toDeequJson()).toEqual(json);
      expect(fromJson.count).toBe(N);
      expect(fromJson.sortedView().values).toEqual(whole.sortedView().values);
      expect(fromJson.sortedView().cumWeights).toEqual(whole.sortedView().cumWeights);
      // the structural bound (history unknown) is never below the tracked one
      expect(fromJson.rankErrorBound()).toBeGreaterThanOrEqual(whole.rankErrorBound());
      expect(maxRankError(fromJson.sortedView(), sorted)).toBeLessThanOrEqual(fromJson.rankErrorBound());
    });
  }

  it('the restored sketch keeps evolving exactly like the original', () => {
    const a = sketchOf(normalSamples(21, 300_000));
    const b = KllSketch.deserialize(a.serialize());
    const more = normalSamples(22, 100_000);
    fill(a, more);
    fill(b, more);
    expect(b.serialize()).toEqual(a.serialize());
    const m = sketchOf(normalSamples(23, 50_000));
    a.merge(m);
    b.merge(m);
    expect(b.serialize()).toEqual(a.serialize());
  });

  it('the error bound is 0 while exact and grows only with compactions', () => {
    const s = new KllSketch();
    for (let i = 0; i < 2050; i++) s.update(i);
    expect(s.rankErrorBound()).toBe(0); // 2050 held = capacity of level 0: no compaction yet
    s.update(2050);
    expect(s.rankErrorBound()).toBeCloseTo(1 / 2051, 12); // one compaction of level 0
  });
});

describe('KllSketch: binary form', () => {
  it('starts with the magic and version, and rejects inconsistent content', () => {
    const s = sketchOf(normalSamples(31, 5000));
    const bytes = s.serialize();
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('DMKL');
    expect(bytes[4]).toBe(1);
    // count (offset 5 + 4 + 8 = 17) no longer equal to the total weight
    const wrongCount = bytes.slice();
    new DataView(wrongCount.buffer).setFloat64(17, 4999, true);
    expectDriftmonError(() => KllSketch.deserialize(wrongCount), ErrorCode.SKETCH_CORRUPT);
    // min above the smallest item
    const wrongMin = bytes.slice();
    new DataView(wrongMin.buffer).setFloat64(25, 0, true);
    expectDriftmonError(() => KllSketch.deserialize(wrongMin), ErrorCode.SKETCH_CORRUPT);
    // an item that is NaN (first item of level 0: header 49 + u32 + f64 + u8 + u32)
    const nanItem = bytes.slice();
    new DataView(nanItem.buffer).setFloat64(49 + 4 + 8 + 1 + 4, NaN, true);
    expectDriftmonError(() => KllSketch.deserialize(nanItem), ErrorCode.SKETCH_CORRUPT);
    // k out of range
    const badK = bytes.slice();
    new DataView(badK.buffer).setUint32(5, 1, true);
    expectDriftmonError(() => KllSketch.deserialize(badK), ErrorCode.SKETCH_CORRUPT);
  });
});

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
