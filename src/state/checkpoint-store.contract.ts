/** One contract suite for every CheckpointStore implementation. */
import { describe, expect, it } from 'vitest';
import type { CheckpointStore } from './checkpoint-store.js';

export function describeCheckpointStoreContract(name: string, make: () => CheckpointStore): void {
  describe(`CheckpointStore contract: ${name}`, () => {
    it('loads nothing before the first save, then exactly what was saved last', async () => {
      const s = make();
      expect(await s.load('m1')).toBeUndefined();
      const state = Uint8Array.from({ length: 1000 }, (_v, i) => (i * 7) & 255);
      const positions = [
        { topic: 'inference', partition: 0, nextOffset: 1042 },
        { topic: 'inference', partition: 1, nextOffset: 2 ** 40 },
      ];
      const n = await s.save({ monitor: 'm1', createdAtMs: 1_700_000_000_000, positions, state });
      expect(n).toBeGreaterThan(state.length);
      await s.save({ monitor: 'm1', createdAtMs: 1_700_000_000_500, positions: [{ topic: 'inference', partition: 0, nextOffset: 2000 }], state: state.subarray(0, 10) });
      const got = await s.load('m1');
      expect(got?.createdAtMs).toBe(1_700_000_000_500);
      expect(got?.positions).toEqual([{ topic: 'inference', partition: 0, nextOffset: 2000 }]);
      expect(Array.from(got?.state ?? [])).toEqual(Array.from(state.subarray(0, 10)));
    });

    it('keeps monitors apart', async () => {
      const s = make();
      await s.save({ monitor: 'a', createdAtMs: 1, positions: [], state: new Uint8Array([1]) });
      await s.save({ monitor: 'b', createdAtMs: 2, positions: [], state: new Uint8Array([2, 2]) });
      expect((await s.load('a'))?.state).toEqual(new Uint8Array([1]));
      expect((await s.load('b'))?.state).toEqual(new Uint8Array([2, 2]));
    });
  });
}
