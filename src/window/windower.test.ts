import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { listCodec, type ListProfile } from './window-store.contract.js';
import { MemoryWindowStore } from './window-store.js';
import { Windower } from './windower.js';

const MIN = 60_000;

function windower(sizesMs: number[], graceMs = 0): Windower<ListProfile> {
  return new Windower(new MemoryWindowStore(listCodec), { sizesMs, graceMs });
}

/** A one-record step with stream time at the largest event time (the owner's clock decides: here, no outlier rule). */
function put(w: Windower<ListProfile>, t: number, apply: (p: ListProfile) => void): number {
  const accepted = w.add(t, apply);
  w.advanceTo(t);
  return accepted;
}

describe('Windower', () => {
  it('assigns rows to epoch-aligned tumbling windows and closes them when stream time passes end + grace', () => {
    const w = windower([MIN], 10_000);
    for (const t of [5_000, 59_999, 60_000, 65_000]) put(w, t, (p) => p.push(t));
    expect(w.closeDue()).toEqual([]); // stream time 65s < 60s + 10s grace
    put(w, 70_000, (p) => p.push(70_000));
    const closed = w.closeDue();
    expect(closed.map((c) => [c.startMs, c.endMs, c.rows, c.profile])).toEqual([[0, MIN, 2, [5_000, 59_999]]]);
    expect(w.openCount()).toBe(1);
  });

  it('accepts out-of-order rows within grace and counts later ones as late, per window size', () => {
    const w = windower([MIN, 10 * MIN], 5_000);
    put(w, 61_000, (p) => p.push(1));
    put(w, 59_000, (p) => p.push(2)); // out of order, window [0,60s) still open (grace)
    put(w, 70_000, (p) => p.push(3)); // stream time 70s: [0,60s) closes at 65s
    expect(w.closeDue().map((c) => c.startMs)).toEqual([0]);
    expect(put(w, 30_000, (p) => p.push(4))).toBe(1); // late for 1m, accepted by the 10m window
    expect(w.lateBySize).toEqual([1, 0]);
    const all = w.closeAll();
    const tenMin = all.find((c) => c.sizeMs === 10 * MIN);
    expect(tenMin?.profile.sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  });

  it('negative event times fall into the right window', () => {
    const w = windower([MIN]);
    put(w, -1, (p) => p.push(-1));
    expect(w.closeAll()[0]).toMatchObject({ startMs: -MIN, endMs: 0 });
  });

  it('every on-time row lands in exactly one window per size; totals match exact counting', () => {
    const r = rng(42);
    const sizes = [MIN, 5 * MIN];
    const grace = 30_000;
    const w = windower(sizes, grace);
    const closed: { sizeMs: number; startMs: number; rows: number }[] = [];
    let late = [0, 0];
    let streamTime = -Infinity;
    const expected = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const t = i * 100 + Math.floor(r.next() * 120_000) - 60_000; // up to 60 s out of order
      streamTime = Math.max(streamTime, t);
      sizes.forEach((size, k) => {
        const start = Math.floor(t / size) * size;
        if (start + size + grace <= streamTime) late[k] = (late[k] as number) + 1;
        else expected.set(`${size}:${start}`, (expected.get(`${size}:${start}`) ?? 0) + 1);
      });
      put(w, t, () => {});
      if (i % 50 === 0) closed.push(...w.closeDue());
    }
    closed.push(...w.closeAll());
    expect(w.lateBySize).toEqual(late);
    const got = new Map(closed.map((c) => [`${c.sizeMs}:${c.startMs}`, c.rows]));
    expect(got).toEqual(expected);
  });
});
