/**
 * One contract suite for every MergeableSketch implementation (HyperLogLog, BoundedFrequencies,
 * Moments, …). Imported by each implementation's *.test.ts; never run on its own.
 */
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { rng, type Rng } from '../../test/support/random.js';
import type { MergeableSketch } from './mergeable.js';

export interface MergeableContractSubject<S extends MergeableSketch<S>> {
  /** A new empty sketch (same parameters every call). */
  create(): S;
  /**
   * Offer `n` values drawn from `rng` to `sketch`. Must consume the generator value by value, so
   * that fill(a, r, n1) then fill(b, r, n2) offers exactly the values fill(w, r', n1 + n2) would
   * (r' seeded like r).
   */
  fill(sketch: S, rng: Rng, n: number): void;
  deserialize(bytes: Uint8Array): S;
  /** Whether two sketches summarize the same data within the implementation's stated error. */
  equivalent(a: S, b: S): boolean;
  /** Sizes to test at (default [0, 1, 100, 10_000]). */
  sizes?: readonly number[];
}

function expectCorrupt(f: () => unknown): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a DriftmonError').toBeInstanceOf(DriftmonError);
  expect((thrown as DriftmonError).code).toBe(ErrorCode.SKETCH_CORRUPT);
}

export function describeMergeableContract<S extends MergeableSketch<S>>(
  name: string,
  subject: MergeableContractSubject<S>,
): void {
  const { create, fill, deserialize, equivalent } = subject;
  const sizes = subject.sizes ?? [0, 1, 100, 10_000];
  const copy = (s: S): S => deserialize(s.serialize());
  const filled = (seed: number, n: number): S => {
    const s = create();
    fill(s, rng(seed), n);
    return s;
  };

  describe(`${name} (MergeableSketch contract)`, () => {
    for (const n of sizes) {
      it(`merge of parts ≈ whole (n = ${n})`, () => {
        const whole = filled(7, n);
        const r = rng(7);
        const parts = [create(), create(), create()];
        const cut1 = Math.floor(n / 3);
        const cut2 = Math.floor((2 * n) / 3);
        fill(parts[0] as S, r, cut1);
        fill(parts[1] as S, r, cut2 - cut1);
        fill(parts[2] as S, r, n - cut2);
        const merged = create();
        for (const p of parts) merged.merge(p);
        expect(equivalent(merged, whole)).toBe(true);
      });

      it(`merge is order-independent (n = ${n})`, () => {
        const a = filled(11, n);
        const b = filled(12, Math.ceil(n / 2));
        const c = filled(13, 2 * n);
        const abc = copy(a);
        abc.merge(b);
        abc.merge(c);
        const cba = copy(c);
        cba.merge(b);
        cba.merge(a);
        const bc = copy(b);
        bc.merge(c);
        const aBc = copy(a);
        aBc.merge(bc);
        expect(equivalent(abc, cba)).toBe(true);
        expect(equivalent(abc, aBc)).toBe(true);
        const ab = copy(a);
        ab.merge(b);
        const ba = copy(b);
        ba.merge(a);
        expect(equivalent(ab, ba)).toBe(true);
      });

      it(`merging an empty sketch is the identity (n = ${n})`, () => {
        const x = filled(21, n);
        const before = x.serialize();
        const xe = copy(x);
        xe.merge(create());
        expect(equivalent(xe, x)).toBe(true);
        const ex = create();
        ex.merge(x);
        expect(equivalent(ex, x)).toBe(true);
        // merge must not change its argument
        expect(x.serialize()).toEqual(before);
      });

      it(`serialize/deserialize round trip (n = ${n})`, () => {
        const x = filled(31, n);
        const bytes = x.serialize();
        expect(bytes).toBeInstanceOf(Uint8Array);
        const y = deserialize(bytes);
        expect(equivalent(y, x)).toBe(true);
        expect(y.serialize()).toEqual(bytes);
        // the restored sketch keeps working like the original (equivalent, not necessarily
        // byte-equal: a sketch may randomize, e.g. t-digest's recompression)
        fill(x, rng(32), 50);
        fill(y, rng(32), 50);
        expect(equivalent(y, x)).toBe(true);
      });
    }

    it('corrupt bytes throw SKETCH_CORRUPT', () => {
      const good = filled(41, 1000).serialize();
      expectCorrupt(() => deserialize(new Uint8Array(0)));
      // every truncation (sampled for long encodings)
      const step = Math.max(1, Math.floor(good.length / 200));
      for (let len = 0; len < good.length; len += step) expectCorrupt(() => deserialize(good.slice(0, len)));
      expectCorrupt(() => deserialize(good.slice(0, good.length - 1)));
      // trailing garbage
      const longer = new Uint8Array(good.length + 3);
      longer.set(good);
      expectCorrupt(() => deserialize(longer));
      // bad magic
      const badMagic = good.slice();
      badMagic[0] = (badMagic[0] as number) ^ 0xff;
      expectCorrupt(() => deserialize(badMagic));
      // unknown version
      const badVersion = good.slice();
      badVersion[4] = (badVersion[4] as number) + 1;
      expectCorrupt(() => deserialize(badVersion));
      // random garbage of a few lengths
      const r = rng(42);
      for (const len of [1, 5, 17, good.length]) {
        const junk = new Uint8Array(len);
        for (let i = 0; i < len; i++) junk[i] = r.int(256);
        expectCorrupt(() => deserialize(junk));
      }
    });

    it('merging does not alias the argument', () => {
      const a = filled(51, 100);
      const b = filled(52, 100);
      const bBytes = b.serialize();
      a.merge(b);
      fill(a, rng(53), 100);
      expect(b.serialize()).toEqual(bBytes);
    });
  });
}
