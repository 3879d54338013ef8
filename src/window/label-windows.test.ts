import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { LabelWindows, windowStart } from './label-windows.js';

const H = 3_600_000;
const D = 24 * H;

/** State: the sum of joined values (enough to see what reached which window). */
function windows(reemitIntervalMs = 0) {
  return new LabelWindows<{ sum: number }>({
    sizesMs: [H],
    graceMs: 60_000,
    horizonMs: 2 * D,
    reemitIntervalMs,
    create: () => ({ sum: 0 }),
    merge: (into, from) => void (into.sum += from.sum),
    serialize: (s) => new TextEncoder().encode(JSON.stringify(s)),
    deserialize: (b) => JSON.parse(new TextDecoder().decode(b)) as { sum: number },
  });
}

describe('LabelWindows', () => {
  it('reports a window first at end + grace, again when labels land, and finally at end + horizon', () => {
    const w = windows();
    w.prediction(10);
    w.prediction(20);
    w.advanceTo(H); // end, but not end + grace
    expect(w.due(0)).toEqual([]);
    w.advanceTo(H + 60_000);
    const first = w.due(1);
    expect(first.map((d) => [d.window.version, d.final, d.window.predictions])).toEqual([[1, false, 2]]);
    expect(w.due(2)).toEqual([]); // nothing changed
    w.joined(10, (s) => (s.sum += 5));
    const second = w.due(2_501); // a minute past its end: at most every 60 s / 24
    expect(second.map((d) => [d.window.version, d.final, d.window.labeled, d.window.state.sum])).toEqual([[2, false, 1, 5]]);
    w.expired(20);
    w.advanceTo(H + 2 * D);
    const last = w.due(2_502);
    expect(last.map((d) => [d.window.version, d.final, d.window.labeled, d.window.expired])).toEqual([[3, true, 1, 1]]);
    expect(w.openCount()).toBe(0);
  });

  it('throttles re-emission by wall time, more for older windows, but never the final report', () => {
    const w = windows(10_000);
    w.prediction(0);
    w.advanceTo(H + 60_000); // 1 minute past the end: the 10 s interval rules
    expect(w.due(1_000)).toHaveLength(1);
    w.joined(0, (s) => s.sum++);
    expect(w.due(5_000)).toHaveLength(0);
    expect(w.due(11_000)).toHaveLength(1);
    w.advanceTo(H + D); // a day past the end: at most every day / 24 = 1 h
    w.joined(0, (s) => s.sum++);
    expect(w.due(11_000 + 3_599_999)).toHaveLength(0);
    expect(w.due(11_000 + H)).toHaveLength(1);
    w.joined(0, (s) => s.sum++);
    w.advanceTo(3 * D);
    expect(w.due(11_000 + H + 1).map((d) => d.final)).toEqual([true]);
  });

  it('counts predictions for final windows as late, and keeps accepting them while labels may come', () => {
    const w = windows();
    w.advanceTo(10 * D);
    expect(w.accepts(0)).toBe(false);
    expect(w.prediction(0)).toBe(0);
    expect(w.lateBySize).toEqual([1]);
    const t = 10 * D - D; // a day old: its window is provisional
    expect(w.accepts(t)).toBe(true);
    expect(w.prediction(t)).toBe(1);
  });

  it('restores exactly what it snapshotted', () => {
    const a = windows();
    for (let i = 0; i < 50; i++) a.prediction(i * 600_000);
    a.joined(600_000, (s) => (s.sum += 7));
    a.advanceTo(3 * H);
    a.due(5);
    const b = windows();
    b.restore(a.snapshot());
    expect(b.streamTimeMs).toBe(a.streamTimeMs);
    expect(b.openCount()).toBe(a.openCount());
    const wa = a.get(H, 0);
    const wb = b.get(H, 0);
    expect(wb).toEqual(wa);
    // both go on identically
    for (const x of [a, b]) {
      x.joined(1_200_000, (s) => (s.sum += 1));
      x.advanceTo(5 * D);
    }
    expect(b.due(9)).toEqual(a.due(9));
  });

  it('aligns windows to the epoch, negative times included', () => {
    expect(windowStart(-1, H)).toBe(-H);
    expect(windowStart(H + 5, H)).toBe(H);
  });

  it('deltas of ID-split keyed partitions, merged by an owner, give the windows of one process (seeded)', () => {
    const r = rng(12);
    const one = windows();
    const keyed = [windows(), windows(), windows()];
    const owner = windows();
    const events: { kind: 'prediction' | 'joined' | 'expired'; t: number; part: number; value: number }[] = [];
    for (let i = 0; i < 3_000; i++) events.push({ kind: (['prediction', 'joined', 'expired'] as const)[r.int(3)] ?? 'prediction', t: r.int(6 * H), part: r.int(3), value: 1 + r.int(9) });
    for (const [i, e] of events.entries()) {
      for (const w of [one, keyed[e.part] as ReturnType<typeof windows>]) {
        if (e.kind === 'prediction') w.prediction(e.t);
        else if (e.kind === 'joined') w.joined(e.t, (s) => (s.sum += e.value));
        else w.expired(e.t);
      }
      // each keyed partition hands its deltas over now and then (its transactions)
      if (i % 97 === 0) for (const k of keyed) for (const d of k.takeDeltas()) expect(owner.mergeDelta(d)).toBe(true);
    }
    for (const k of keyed) for (const d of k.takeDeltas()) owner.mergeDelta(d);
    const view = (w: ReturnType<typeof windows>) =>
      w.drainAll(true).map(({ window: x }) => [x.sizeMs, x.startMs, x.predictions, x.labeled, x.expired, x.state.sum]);
    const expected = view(one);
    expect(expected.length).toBe(6);
    expect(view(owner)).toEqual(expected);
  });

  it('refuses a delta for a window that is final already, and needs a merge to take deltas', () => {
    const owner = windows();
    owner.advanceTo(H + 2 * D);
    expect(owner.mergeDelta({ sizeMs: H, startMs: 0, predictions: 1, labeled: 0, expired: 0, state: { sum: 0 } })).toBe(false);
    expect(owner.openCount()).toBe(0);
    const plain = new LabelWindows<{ sum: number }>({ sizesMs: [H], graceMs: 0, horizonMs: D, reemitIntervalMs: 0, create: () => ({ sum: 0 }), serialize: () => new Uint8Array(), deserialize: () => ({ sum: 0 }) });
    expect(() => plain.mergeDelta({ sizeMs: H, startMs: 0, predictions: 1, labeled: 0, expired: 0, state: { sum: 0 } })).toThrow(/merge/);
  });

  it('a snapshot merged on top of deltas read before it gives the windows of both, with the newer version', () => {
    const predecessor = windows();
    predecessor.prediction(10);
    predecessor.joined(10, (s) => (s.sum += 4));
    predecessor.advanceTo(H + 60_000);
    expect(predecessor.due(1)).toHaveLength(1); // version 1 reported
    const successor = windows();
    successor.mergeDelta({ sizeMs: H, startMs: 0, predictions: 2, labeled: 1, expired: 0, state: { sum: 3 } });
    successor.mergeDelta({ sizeMs: H, startMs: 2 * H, predictions: 1, labeled: 0, expired: 0, state: { sum: 0 } });
    successor.mergeSnapshot(predecessor.snapshot());
    const first = successor.get(H, 0);
    expect([first?.predictions, first?.labeled, first?.state.sum, first?.version]).toEqual([3, 2, 7, 1]);
    expect(successor.get(H, 2 * H)?.predictions).toBe(1);
    expect(successor.streamTimeMs).toBe(H + 60_000);
    expect(successor.due(2_501).map((d) => [d.window.startMs, d.window.version])).toEqual([[0, 2]]); // changed since version 1
  });
});
