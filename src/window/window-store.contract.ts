/** One contract suite for every WindowStore implementation. */
import { describe, expect, it } from 'vitest';
import { DriftmonError } from '../errors.js';
import type { ProfileCodec, WindowStore } from './window-store.js';

/** A profile that is just a list of numbers: enough to see what went where. */
export type ListProfile = number[];
export const listCodec: ProfileCodec<ListProfile> = {
  create: () => [],
  serialize: (p) => new Uint8Array(Float64Array.from(p).buffer),
  deserialize: (b) => Array.from(new Float64Array(b.slice().buffer)),
};

export function describeWindowStoreContract(name: string, make: () => WindowStore<ListProfile>): void {
  describe(`WindowStore contract: ${name}`, () => {
    it('getOrCreate returns the same window for the same key and distinct ones otherwise', () => {
      const s = make();
      const a = s.getOrCreate(60_000, 0);
      expect(s.getOrCreate(60_000, 0)).toBe(a);
      expect(s.getOrCreate(60_000, 60_000)).not.toBe(a);
      expect(s.getOrCreate(3_600_000, 0)).not.toBe(a);
      expect(a.endMs).toBe(60_000);
      expect(s.openCount()).toBe(3);
      expect(s.openCount(60_000)).toBe(2);
      expect(s.get(60_000, 120_000)).toBeUndefined();
    });

    it('closeUpTo removes exactly the windows whose end + grace ≤ stream time, oldest end first', () => {
      const s = make();
      for (const start of [120_000, 0, 60_000]) s.getOrCreate(60_000, start);
      s.getOrCreate(3_600_000, 0);
      expect(s.closeUpTo(119_999, 0).map((w) => w.startMs)).toEqual([0]);
      expect(s.closeUpTo(130_000, 10_000).map((w) => w.startMs)).toEqual([60_000]);
      expect(s.openCount()).toBe(2);
      expect(s.closeAll().map((w) => [w.sizeMs, w.startMs])).toEqual([
        [60_000, 120_000],
        [3_600_000, 0],
      ]);
      expect(s.openCount()).toBe(0);
    });

    it('snapshot and restore give back every window with its rows and profile', () => {
      const s = make();
      const a = s.getOrCreate(60_000, 0);
      a.profile.push(1, 2.5);
      a.rows = 2;
      a.weight = 8; // two rows sampled at 25 %
      const b = s.getOrCreate(3_600_000, 0);
      b.profile.push(-7);
      b.rows = 1;
      b.weight = 1;
      const bytes = s.snapshot();
      const r = make();
      r.getOrCreate(1000, 5000); // restore replaces whatever was there
      r.restore(bytes);
      expect(r.openCount()).toBe(2);
      expect(r.get(60_000, 0)).toMatchObject({ rows: 2, weight: 8, profile: [1, 2.5], endMs: 60_000 });
      expect(r.get(3_600_000, 0)).toMatchObject({ rows: 1, weight: 1, profile: [-7] });
      expect(r.snapshot()).toEqual(bytes);
    });

    it('restore rejects corrupt bytes with SNAPSHOT_INVALID', () => {
      const s = make();
      s.getOrCreate(60_000, 0).profile.push(1);
      const bytes = s.snapshot();
      for (const bad of [new Uint8Array(3), bytes.subarray(0, bytes.length - 3), Uint8Array.from([1, 2, 3, 4, 0, 0, 0, 0])]) {
        const r = make();
        expect(() => r.restore(bad)).toThrow(DriftmonError);
      }
    });
  });
}
