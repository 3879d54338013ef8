import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { PartitionWindows } from './partition-windows.js';
import type { ProfileCodec } from './window-store.js';

/** A profile that counts: enough to follow rows through snapshots. */
interface Count {
  n: number;
}
const codec: ProfileCodec<Count> = {
  create: () => ({ n: 0 }),
  serialize: (c) => new TextEncoder().encode(String(c.n)),
  deserialize: (b) => ({ n: Number(new TextDecoder().decode(b)) }),
};
const options = { sizesMs: [1_000], graceMs: 100, idleMs: 5_000 };
const inc = (c: Count): void => void c.n++;

/** Feed records at event times `times` to partition `key` as one batch at wall time nowMs; returns its due windows. */
function batch(pw: PartitionWindows<Count>, key: string, times: number[], nowMs: number) {
  const p = pw.of(key, nowMs);
  for (const t of times) {
    p.clock.record(t);
    p.windower.advanceTo(p.clock.confirmedMs);
    p.windower.add(t, inc);
  }
  return pw.afterBatch(key, nowMs);
}

describe('PartitionWindows', () => {
  it('closes each partition\'s windows by its own clock only', () => {
    const pw = new PartitionWindows(codec, options);
    expect(batch(pw, 't/0', [10, 20, 990], 0)).toEqual([]);
    expect(batch(pw, 't/1', [5, 3_000, 3_001], 0).map((w) => [w.startMs, w.profile.n])).toEqual([[0, 1]]);
    // t/1 is far ahead, t/0 is not: t/0's window 0 is still open
    expect(batch(pw, 't/0', [1_050, 1_150], 0)).toEqual([]);
    expect(batch(pw, 't/0', [1_200], 0).map((w) => [w.startMs, w.profile.n])).toEqual([[0, 3]]);
  });

  it('flushes a partition idle for idleMs once, and reports it idle until its next batch', () => {
    const pw = new PartitionWindows(codec, options);
    batch(pw, 't/0', [10, 20], 0);
    batch(pw, 't/1', [10], 4_000);
    expect(pw.flushIdle(5_000)).toEqual([]);
    const flushed = pw.flushIdle(5_001);
    expect(flushed.map((f) => [f.key, f.windows.map((w) => w.profile.n)])).toEqual([['t/0', [2]]]);
    expect(pw.flushIdle(6_000)).toEqual([]);
    expect(pw.progress()).toEqual([
      { partition: 't/0', clockMs: 10, idle: true },
      { partition: 't/1', clockMs: Number.NEGATIVE_INFINITY, idle: false },
    ]);
    batch(pw, 't/0', [30], 7_000);
    expect(pw.progress()[0]).toEqual({ partition: 't/0', clockMs: 20, idle: false });
  });

  it('a snapshot restored on another member continues exactly: same windows, clock and late counts', () => {
    const a = new PartitionWindows(codec, options);
    batch(a, 't/2', [100, 200, 1_500, 1_600], 0); // closes window 0 (clock 1,500 ≥ 1,100)
    batch(a, 't/2', [50], 0); // late for window 0
    const bytes = a.snapshot('t/2');
    const b = new PartitionWindows(codec, options);
    b.restore('t/2', bytes, 10);
    for (const pw of [a, b]) {
      expect(pw.of('t/2', 10).windower.lateBySize).toEqual([1]);
      expect(pw.of('t/2', 10).clock.confirmedMs).toBe(1_500);
      expect(batch(pw, 't/2', [1_700, 2_200, 2_300], 20).map((w) => [w.startMs, w.profile.n])).toEqual([[1_000, 3]]);
    }
  });

  it('refuses a snapshot of another partition or other window sizes, naming why', () => {
    const a = new PartitionWindows(codec, options);
    batch(a, 't/0', [1], 0);
    const bytes = a.snapshot('t/0');
    const other = new PartitionWindows(codec, { ...options, sizesMs: [60_000] });
    for (const [pw, key, why] of [
      [a, 't/1', "it is partition t/0's"],
      [other, 't/0', 'window sizes [1000] differ'],
    ] as const) {
      const e = (() => {
        try {
          pw.restore(key, bytes, 0);
        } catch (x) {
          return x;
        }
        return undefined;
      })();
      expect(e).toBeInstanceOf(DriftmonError);
      expect((e as DriftmonError).code).toBe(ErrorCode.SNAPSHOT_INVALID);
      expect((e as DriftmonError).message).toContain(why);
    }
  });
});
