import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { PartitionWindows } from './partition-windows.js';
import type { ProfileCodec } from './window-store.js';

/** A profile that counts: enough to follow rows through flushes. */
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

/** Feed records at event times `times` to partition `key` as one batch at wall time nowMs; returns how many were late. */
function batch(pw: PartitionWindows<Count>, key: string, times: number[], nowMs: number): number {
  const p = pw.of(key, nowMs);
  let late = 0;
  for (const t of times) {
    p.clock.record(t);
    p.windower.advanceTo(p.clock.confirmedMs);
    if (p.windower.add(t, inc) === 0) late++;
  }
  pw.afterBatch(key, nowMs);
  return late;
}

const counts = (pw: PartitionWindows<Count>, key: string): number[][] => pw.flush(key).map((w) => [w.startMs, w.profile.n]);

describe('PartitionWindows', () => {
  it("judges lateness by each partition's own clock", () => {
    const pw = new PartitionWindows(codec, options);
    expect(batch(pw, 't/1', [5, 3_000, 3_001], 0)).toBe(0);
    // t/1 is far ahead; t/0 is not, so its rows for window 0 are on time
    expect(batch(pw, 't/0', [10, 20, 990, 1_050], 0)).toBe(0);
    expect(batch(pw, 't/1', [6], 0)).toBe(1); // t/1's clock (3,000) passed window 0's end + grace
    expect(batch(pw, 't/0', [1_150, 1_200, 30], 0)).toBe(1); // t/0's clock reached 1,150 ≥ 1,100
  });

  it('flush takes the windows out, keeps the clock, and later rows start new partials', () => {
    const pw = new PartitionWindows(codec, options);
    batch(pw, 't/0', [10, 20, 1_010], 0);
    expect(counts(pw, 't/0')).toEqual([
      [0, 2],
      [1_000, 1],
    ]);
    expect(counts(pw, 't/0')).toEqual([]);
    batch(pw, 't/0', [1_020, 30], 0); // 30 is still on time (clock 1,010 < 1,100)
    expect(counts(pw, 't/0')).toEqual([
      [0, 1],
      [1_000, 1],
    ]);
  });

  it('reports a partition idle after idleMs without a batch', () => {
    const pw = new PartitionWindows(codec, options);
    batch(pw, 't/0', [10, 20], 1_000);
    expect(pw.progress('t/0', 6_000)).toEqual({ partition: 't/0', clockMs: 10, idle: false });
    expect(pw.progress('t/0', 6_001)).toEqual({ partition: 't/0', clockMs: 10, idle: true });
    batch(pw, 't/0', [30], 7_000);
    expect(pw.progress('t/0', 7_000)).toEqual({ partition: 't/0', clockMs: 20, idle: false });
  });

  it('a clock committed with the offset continues on another member exactly', () => {
    const a = new PartitionWindows(codec, options);
    batch(a, 't/2', [100, 1_500, 1_600], 0);
    a.flush('t/2');
    const state = JSON.parse(JSON.stringify(a.clockState('t/2'))) as unknown; // as offset metadata travels
    const b = new PartitionWindows(codec, options);
    b.restoreClock('t/2', state, 10);
    for (const pw of [a, b]) {
      expect(batch(pw, 't/2', [50, 1_700], 20)).toBe(1);
      expect(counts(pw, 't/2')).toEqual([[1_000, 1]]);
    }
  });

  it('no clock starts afresh; a clock for other window sizes is not used; a malformed one is refused', () => {
    const pw = new PartitionWindows(codec, options);
    pw.restoreClock('t/0', undefined, 0);
    expect(pw.progress('t/0', 0).clockMs).toBe(Number.NEGATIVE_INFINITY);
    pw.restoreClock('t/0', { v: 1, sizesMs: [60_000], confirmedMs: 5, lastMs: 6 }, 0);
    expect(pw.progress('t/0', 0).clockMs).toBe(Number.NEGATIVE_INFINITY);
    for (const bad of [null, 'x', { v: 2 }, { v: 1, sizesMs: [1_000], confirmedMs: 'soon', lastMs: null }]) {
      let e: unknown;
      try {
        pw.restoreClock('t/0', bad, 0);
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(DriftmonError);
      expect((e as DriftmonError).code).toBe(ErrorCode.SNAPSHOT_INVALID);
    }
  });
});
