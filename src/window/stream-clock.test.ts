import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { listCodec } from './window-store.contract.js';
import { MemoryWindowStore } from './window-store.js';
import { StreamClock } from './stream-clock.js';
import { Windower } from './windower.js';

const MIN = 60_000;
const DAY = 86_400_000;

function timesAfter(clock: StreamClock, records: number[]): number[] {
  return records.map((t) => {
    clock.record(t);
    return clock.confirmedMs;
  });
}

describe('StreamClock', () => {
  it('one record far ahead does not move stream time; the records after it do, up to their own time', () => {
    const c = new StreamClock();
    expect(timesAfter(c, [1_000, 2_000, 20 * DAY, 3_000, 4_000, 5_000])).toEqual([
      Number.NEGATIVE_INFINITY, // one record: nothing confirms it yet
      1_000,
      2_000, // 20 days ahead: pulled back to the record before it
      3_000, // the next record confirms the outlier only up to its own time
      3_000,
      4_000,
    ]);
  });

  it('a genuine gap in traffic moves stream time with the second record after it', () => {
    const c = new StreamClock();
    timesAfter(c, [1_000, 2_000, 3_000]);
    expect(timesAfter(c, [10 * DAY, 10 * DAY + 1_000, 10 * DAY + 2_000])).toEqual([3_000, 10 * DAY, 10 * DAY + 1_000]);
  });

  it('never goes back, and never passes the largest event time seen (seeded disorder)', () => {
    const r = rng(11);
    const c = new StreamClock();
    let max = Number.NEGATIVE_INFINITY;
    let previous = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 50_000; i++) {
      const t = i * 50 + Math.floor(r.next() * 40_000) - 20_000;
      max = Math.max(max, t);
      c.record(t);
      expect(c.confirmedMs).toBeGreaterThanOrEqual(previous);
      expect(c.confirmedMs).toBeLessThanOrEqual(max);
      previous = c.confirmedMs;
    }
    // in a busy stream it trails the newest event time by little (here within the 20 s disorder)
    expect(max - c.confirmedMs).toBeLessThanOrEqual(40_000);
  });

  it('continues exactly where it stood after a JSON round trip of (confirmedMs, lastMs)', () => {
    const r = rng(5);
    const records = Array.from({ length: 2_000 }, (_v, i) => (i === 700 ? 30 * DAY : i * 1_000 + Math.floor(r.next() * 5_000)));
    const straight = timesAfter(new StreamClock(), records);
    for (const cut of [0, 1, 700, 701, 1_999]) {
      const first = new StreamClock();
      const before = timesAfter(first, records.slice(0, cut));
      const saved = JSON.parse(JSON.stringify({ confirmedMs: first.confirmedMs, lastMs: first.lastMs })) as { confirmedMs: number | null; lastMs: number | null };
      const second = new StreamClock();
      second.restore(saved.confirmedMs ?? Number.NEGATIVE_INFINITY, saved.lastMs ?? Number.NEGATIVE_INFINITY);
      expect([...before, ...timesAfter(second, records.slice(cut))], `cut at ${cut}`).toEqual(straight);
    }
  });

  it('windows around isolated outliers keep exact counts, and no record is late (seeded, 20 outliers at +20 days)', () => {
    const r = rng(2026);
    const grace = 30_000;
    const records: number[] = [];
    for (let i = 0; i < 20_000; i++) records.push(i * 100 + Math.floor(r.next() * 20_000)); // up to 20 s out of order
    const outlierAt = new Set<number>();
    while (outlierAt.size < 20) {
      const i = 1 + Math.floor(r.next() * (records.length - 2));
      if (!outlierAt.has(i - 1) && !outlierAt.has(i + 1)) outlierAt.add(i); // isolated: never two in a row
    }
    for (const i of outlierAt) records[i] = (records[i] as number) + 20 * DAY;
    const exact = new Map<number, number>();
    for (const t of records) exact.set(t - (t % MIN), (exact.get(t - (t % MIN)) ?? 0) + 1);

    const w = new Windower(new MemoryWindowStore(listCodec), { sizesMs: [MIN], graceMs: grace });
    const clock = new StreamClock();
    const closed: { startMs: number; rows: number }[] = [];
    records.forEach((t, i) => {
      w.add(t, () => {});
      clock.record(t);
      w.advanceTo(clock.confirmedMs);
      if (i % 100 === 0) closed.push(...w.closeDue());
    });
    closed.push(...w.closeAll());
    expect(w.lateBySize).toEqual([0]);
    expect(new Map(closed.map((c) => [c.startMs, c.rows]))).toEqual(exact);
    // the windows of the stream proper closed while it was read, not only at its end
    expect(closed.findIndex((c) => c.startMs >= 20 * DAY)).toBeGreaterThan(30);
  });
});
