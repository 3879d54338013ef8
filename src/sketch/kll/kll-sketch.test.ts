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

describe('KLL sorted view', () => {
  /** The definition: every item of level h with weight 2^h, sorted, equal values collapsed, weights accumulated. */
  function plainView(s: KllSketch): { values: number[]; cumWeights: number[] } {
    const items = s.toDeequJson().data.flatMap((level, h) => level.map((x) => [x, 2 ** h] as const));
    items.sort((a, b) => a[0] - b[0]);
    const values: number[] = [];
    const cumWeights: number[] = [];
    let acc = 0;
    for (const [x, w] of items) {
      acc += w;
      if (values.length > 0 && values[values.length - 1] === x) cumWeights[cumWeights.length - 1] = acc;
      else {
        values.push(x);
        cumWeights.push(acc);
      }
    }
    return { values, cumWeights };
  }

  it('of sketches of growing and shrinking sizes, built one after another, each equals the plain view and stays as built (seeded)', () => {
    const r = rng(21);
    const built: [KllSketch, Float64Array, Float64Array][] = [];
    for (const n of [10, 5000, 300, 200_000, 40, 70_000, 1]) {
      const s = new KllSketch({ k: 256 });
      for (let i = 0; i < n; i++) s.update(r.next() < 0.2 ? r.int(50) : r.normal());
      const v = s.sortedView();
      const want = plainView(s);
      expect(Array.from(v.values)).toEqual(want.values);
      expect(Array.from(v.cumWeights)).toEqual(want.cumWeights);
      expect(v.total).toBe(n);
      built.push([s, v.values.slice(), v.cumWeights.slice()]);
    }
    for (const [s, values, cumWeights] of built) {
      expect(s.sortedView().values).toEqual(values);
      expect(s.sortedView().cumWeights).toEqual(cumWeights);
    }
  });
});
