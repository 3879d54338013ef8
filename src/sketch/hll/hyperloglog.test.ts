import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../../errors.js';
import { rng } from '../../../test/support/random.js';
import { describeMergeableContract } from '../mergeable.contract.js';
import { HyperLogLog, hash64Number, hash64String } from './hyperloglog.js';

describeMergeableContract('HyperLogLog', {
  create: () => new HyperLogLog(12),
  fill: (h, r, n) => {
    for (let i = 0; i < n; i++) {
      // a mix of strings and numbers, with repeats
      if (r.next() < 0.5) h.addString(`k${r.int(5000)}`);
      else h.addNumber(r.int(5000) / 4);
    }
  },
  deserialize: (b) => HyperLogLog.deserialize(b),
  equivalent: (a, b) => a.equals(b),
  sizes: [0, 1, 100, 10_000, 100_000],
});

/** 3 standard errors. */
const tolerance = (h: HyperLogLog): number => 3 * h.relativeStandardError;

function randomKey(seed: number, i: number): string {
  return `${seed.toString(36)}:${i.toString(36)}:user`;
}

describe('HyperLogLog accuracy (p = 14, fixed seeds)', () => {
  for (const n of [1_000, 100_000, 1_000_000]) {
    it(`strings: relative error ≤ 3·1.04/√m at ${n} distinct`, () => {
      const h = new HyperLogLog();
      expect(h.m).toBe(16384);
      for (let i = 0; i < n; i++) h.addString(randomKey(17, i));
      const err = Math.abs(h.estimate() - n) / n;
      expect(err).toBeLessThanOrEqual(tolerance(h));
    });

    it(`numbers (integers and random doubles): relative error ≤ 3·1.04/√m at ${n} distinct`, () => {
      const ints = new HyperLogLog();
      for (let i = 0; i < n; i++) ints.addNumber(i);
      expect(Math.abs(ints.estimate() - n) / n).toBeLessThanOrEqual(tolerance(ints));
      const r = rng(99);
      const doubles = new HyperLogLog();
      // i + u keeps the values distinct
      for (let i = 0; i < n; i++) doubles.addNumber(i + r.next());
      expect(Math.abs(doubles.estimate() - n) / n).toBeLessThanOrEqual(tolerance(doubles));
    });
  }

  it('stays within 3 standard errors across the linear-counting / raw-estimate transition', () => {
    for (const n of [5_000, 20_000, 40_000, 60_000, 80_000]) {
      const h = new HyperLogLog();
      for (let i = 0; i < n; i++) h.addString(randomKey(5, i));
      expect(Math.abs(h.estimate() - n) / n, `n = ${n}`).toBeLessThanOrEqual(tolerance(h));
    }
  });

  it('is exact-ish for tiny sets and 0 when empty', () => {
    const h = new HyperLogLog();
    expect(h.estimate()).toBe(0);
    expect(h.isEmpty()).toBe(true);
    for (const s of ['a', 'b', 'c', 'a', 'b']) h.addString(s);
    expect(Math.round(h.estimate())).toBe(3);
  });

  it('duplicates do not change the estimate', () => {
    const h = new HyperLogLog();
    for (let i = 0; i < 50_000; i++) h.addString(randomKey(3, i));
    const once = h.serialize();
    const estimate = h.estimate();
    const r = rng(4);
    for (let i = 0; i < 200_000; i++) h.addString(randomKey(3, r.int(50_000)));
    expect(h.estimate()).toBe(estimate);
    expect(h.serialize()).toEqual(once);
  });

  it('merge = union', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    const whole = new HyperLogLog();
    for (let i = 0; i < 60_000; i++) a.addString(randomKey(8, i));
    for (let i = 40_000; i < 100_000; i++) b.addString(randomKey(8, i));
    for (let i = 0; i < 100_000; i++) whole.addString(randomKey(8, i));
    a.merge(b);
    expect(a.equals(whole)).toBe(true);
    expect(a.estimate()).toBe(whole.estimate());
    expect(Math.abs(a.estimate() - 100_000) / 100_000).toBeLessThanOrEqual(tolerance(a));
  });

  it('rejects merging different precisions and bad precisions', () => {
    const e = (() => {
      try {
        new HyperLogLog(10).merge(new HyperLogLog(11));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(DriftmonError);
    expect((e as DriftmonError).code).toBe(ErrorCode.SKETCH_INCOMPATIBLE);
    expect(() => new HyperLogLog(3)).toThrow(RangeError);
    expect(() => new HyperLogLog(19)).toThrow(RangeError);
    expect(() => new HyperLogLog(12.5)).toThrow(RangeError);
  });

  it('uses the sparse encoding for few registers and dense otherwise', () => {
    const h = new HyperLogLog();
    h.addString('x');
    expect(h.serialize().length).toBeLessThan(32);
    for (let i = 0; i < 100_000; i++) h.addString(randomKey(1, i));
    expect(h.serialize().length).toBe(16384 + 7);
    expect(HyperLogLog.deserialize(h.serialize()).equals(h)).toBe(true);
  });

  it('rejects register values out of range', () => {
    const h = new HyperLogLog(4);
    for (let i = 0; i < 100; i++) h.addString(`${i}`);
    const bytes = h.serialize();
    bytes[bytes.length - 1] = 64; // > 64 − 4 + 1
    expect(() => HyperLogLog.deserialize(bytes)).toThrow(DriftmonError);
  });
});

describe('64-bit hash', () => {
  const popcount = (x: number): number => {
    let c = 0;
    for (let v = x >>> 0; v !== 0; v &= v - 1) c++;
    return c;
  };

  it('avalanches: flipping one input character flips about half of the 64 output bits', () => {
    const r = rng(5);
    let flipped = 0;
    let trials = 0;
    for (let t = 0; t < 2000; t++) {
      const len = 1 + r.int(12);
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(97 + r.int(26));
      const pos = r.int(len);
      const t2 = s.slice(0, pos) + String.fromCharCode(s.charCodeAt(pos) ^ (1 << r.int(5))) + s.slice(pos + 1);
      const [a1, a0] = hash64String(s);
      const [b1, b0] = hash64String(t2);
      flipped += popcount(a1 ^ b1) + popcount(a0 ^ b0);
      trials++;
    }
    const mean = flipped / trials;
    expect(mean).toBeGreaterThan(31);
    expect(mean).toBeLessThan(33);
  });

  it('distinguishes lengths, tails and number encodings', () => {
    const key = (h: [number, number]): string => `${h[0]}:${h[1]}`;
    const seen = new Set<string>();
    for (const s of ['', 'a', 'a\0', 'ab', 'ba', 'abc', '\u0000', '\u0000\u0000']) seen.add(key(hash64String(s)));
    expect(seen.size).toBe(8);
    expect(key(hash64Number(0))).toBe(key(hash64Number(-0)));
    expect(key(hash64Number(NaN))).toBe(key(hash64Number(-NaN)));
    expect(key(hash64Number(1))).not.toBe(key(hash64Number(2)));
    // no collisions among 300k integers (64-bit: expected collisions ≈ 2.4e-9)
    const all = new Set<string>();
    for (let i = 0; i < 300_000; i++) all.add(key(hash64Number(i)));
    expect(all.size).toBe(300_000);
  });
});
