import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { listCodec } from './window-store.contract.js';
import { MemoryWindowStore } from './window-store.js';
import { PartitionClock, type PartitionClockEntry } from './partition-clock.js';
import { Windower } from './windower.js';

/** A batch from `key` at wall time nowMs holding records at these event times. */
function batch(c: PartitionClock, key: string, times: number[], nowMs: number): void {
  const clock = c.clockOf(key, nowMs);
  for (const t of times) clock.record(t);
  c.seen(key, nowMs);
}

describe('PartitionClock', () => {
  it('is the minimum over active partitions, leaves idle ones out, and the maximum when all are idle', () => {
    const c = new PartitionClock(10_000);
    expect(c.watermark(0)).toBe(Number.NEGATIVE_INFINITY);
    batch(c, 't/0', [5_000, 5_000], 0);
    batch(c, 't/1', [2_000, 2_000], 0);
    expect(c.watermark(1_000)).toBe(2_000);
    batch(c, 't/1', [1_000], 1_000); // older than its max: the max stays
    expect(c.watermark(1_000)).toBe(2_000);
    batch(c, 't/0', [9_000, 9_000], 12_000);
    expect(c.watermark(12_000)).toBe(9_000); // t/1 idle for 11 s: left out
    expect(c.watermark(30_000)).toBe(9_000); // all idle: the largest
  });

  it('holds the watermark for assigned partitions not heard from yet, until they are idle', () => {
    const c = new PartitionClock(10_000);
    c.assign(['t/0', 't/1'], 0);
    batch(c, 't/0', [50_000, 50_000], 1_000);
    expect(c.watermark(1_000)).toBe(Number.NEGATIVE_INFINITY);
    batch(c, 't/1', [20_000, 20_000], 2_000);
    expect(c.watermark(2_000)).toBe(20_000);
    c.assign(['t/0', 't/1', 't/2'], 3_000); // a new partition after a rebalance
    expect(c.watermark(3_000)).toBe(Number.NEGATIVE_INFINITY);
    batch(c, 't/0', [60_000, 60_000], 12_000);
    batch(c, 't/1', [30_000, 30_000], 12_000);
    expect(c.watermark(13_001)).toBe(30_000); // t/2 silent for more than 10 s
  });

  it('round-trips through snapshot/restore', () => {
    const c = new PartitionClock(1_000);
    batch(c, 'a/0', [7, 7], 0);
    batch(c, 'a/1', [], 0);
    const r = new PartitionClock(1_000);
    r.restore(JSON.parse(JSON.stringify(c.snapshot())), 50);
    expect(r.watermark(60)).toBe(Number.NEGATIVE_INFINITY); // a/1 has delivered nothing yet
    expect(r.watermark(1_100)).toBe(7);
  });

  it('makes window contents independent of how partitions interleave (seeded shuffles of batch order)', () => {
    // 4 partitions, each in event-time order with small local disorder (< grace); batches of 50
    const rand = rng(7);
    const partitions = Array.from({ length: 4 }, (_v, p) =>
      Array.from({ length: 2_000 }, (_w, i) => ({ p, t: i * 37 + p * 5 + Math.floor(rand.next() * 500) })),
    );
    const run = (seed: number): string => {
      const r = rng(seed);
      const store = new MemoryWindowStore(listCodec);
      const w = new Windower(store, { sizesMs: [5_000], graceMs: 1_000 });
      const clock = new PartitionClock(60_000);
      const cursors = [0, 0, 0, 0];
      const closed: string[] = [];
      while (cursors.some((c, p) => c < (partitions[p] as unknown[]).length)) {
        const p = Math.floor(r.next() * 4);
        const rows = (partitions[p] as { t: number }[]).slice(cursors[p], (cursors[p] as number) + 50);
        if (rows.length === 0) continue;
        cursors[p] = (cursors[p] as number) + rows.length;
        const partitionClock = clock.clockOf(`t/${p}`, 0);
        for (const row of rows) {
          w.add(row.t, (prof) => prof.push(row.t));
          partitionClock.record(row.t);
        }
        clock.seen(`t/${p}`, 0);
        w.advanceTo(clock.watermark(0));
        for (const c of w.closeDue()) closed.push(`${c.startMs}:${c.rows}`);
      }
      return `${closed.join(',')} late=${w.lateBySize[0]}`;
    };
    const first = run(1);
    expect(first).toMatch(/late=0$/);
    for (const seed of [2, 3, 4, 5]) expect(run(seed)).toBe(first);
  });
});

describe('PartitionClock and outliers', () => {
  it('one record far ahead in a partition does not move its part of the watermark; a second one does', () => {
    const c = new PartitionClock(10_000);
    batch(c, 'p/0', [1_000, 2_000, 90_000_000, 3_000], 0);
    expect(c.watermark(0)).toBe(3_000);
    batch(c, 'p/0', [4_000], 1_000);
    expect(c.watermark(1_000)).toBe(3_000);
    batch(c, 'p/0', [90_000_000, 90_000_001], 2_000); // two in a row: traffic really moved on
    expect(c.watermark(2_000)).toBe(90_000_000);
  });

  it('keeps a partition\'s unconfirmed latest record across snapshot/restore, and restores snapshots without it', () => {
    const c = new PartitionClock(10_000);
    batch(c, 'p/0', [1_000, 2_000, 50_000], 0);
    const saved = JSON.parse(JSON.stringify(c.snapshot())) as PartitionClockEntry[];
    expect(saved).toEqual([{ key: 'p/0', maxEventMs: 2_000, lastEventMs: 50_000 }]);
    const r = new PartitionClock(10_000);
    r.restore(saved, 0);
    batch(r, 'p/0', [60_000], 0);
    expect(r.watermark(0)).toBe(50_000); // confirmed by the record after the restore

    const old = new PartitionClock(10_000);
    old.restore([{ key: 'p/0', maxEventMs: 2_000 }], 0); // written before lastEventMs existed
    expect(old.watermark(0)).toBe(2_000);
    batch(old, 'p/0', [60_000], 0);
    expect(old.watermark(0)).toBe(2_000);
    batch(old, 'p/0', [61_000], 0);
    expect(old.watermark(0)).toBe(60_000);
  });
});
