import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { WindowAssembler, windowKey, type PartialWindow } from './window-assembler.js';

/** A profile that is a multiset of values: merging is exact, so completeness is checkable. */
interface Bag {
  values: number[];
}
const codec = { create: (): Bag => ({ values: [] }), merge: (into: Bag, from: Bag): void => void into.values.push(...from.values) };

const SIZE = 1_000;
const GRACE = 200;

function partial(partition: string, startMs: number, values: number[], position: number): PartialWindow<Bag> {
  return { sizeMs: SIZE, startMs, partition, rows: values.length, weight: values.length, profile: { values }, position };
}

describe('WindowAssembler', () => {
  it('closes a window only when every input partition has passed its end + grace', () => {
    const a = new WindowAssembler(codec, GRACE, ['t/0', 't/1']);
    a.addPartial(partial('t/0', 0, [1, 2], 10));
    a.progress({ partition: 't/0', clockMs: 1_500, idle: false });
    expect(a.closeDue()).toEqual([]); // t/1 not heard from: it holds the watermark
    a.progress({ partition: 't/1', clockMs: 1_100, idle: false });
    expect(a.closeDue()).toEqual([]); // 1,100 < end 1,000 + grace 200
    a.addPartial(partial('t/1', 0, [3], 11));
    a.progress({ partition: 't/1', clockMs: 1_200, idle: false });
    const [w] = a.closeDue();
    expect(w?.profile.values.sort()).toEqual([1, 2, 3]);
    expect(w?.rows).toBe(3);
    expect(a.openCount()).toBe(0);
  });

  it('leaves idle partitions out, uses the largest clock when all are idle, and never moves the watermark back', () => {
    const a = new WindowAssembler(codec, GRACE, ['t/0', 't/1']);
    a.progress({ partition: 't/0', clockMs: 5_000, idle: false });
    a.progress({ partition: 't/1', clockMs: 100, idle: true });
    expect(a.watermark()).toBe(5_000);
    a.progress({ partition: 't/0', clockMs: 6_000, idle: true });
    expect(a.watermark()).toBe(6_000);
    a.progress({ partition: 't/1', clockMs: 150, idle: false }); // back, far behind
    expect(a.watermark()).toBe(6_000);
    a.progress({ partition: 't/0', clockMs: 7_000, idle: false });
    expect(a.watermark()).toBe(6_000); // t/1 holds it until it catches up
  });

  it('counts a partial for a window closed here already as late, per size, and does not merge it', () => {
    const a = new WindowAssembler(codec, GRACE, ['t/0']);
    a.addPartial(partial('t/0', 0, [1], 1));
    a.progress({ partition: 't/0', clockMs: 2_000, idle: false });
    expect(a.closeDue()).toHaveLength(1);
    expect(a.addPartial(partial('t/0', 0, [2, 3], 2))).toBe(false);
    expect(a.lateRowsBySize.get(SIZE)).toBe(2);
    expect(a.openCount()).toBe(0);
  });

  it('skips partials of windows reported before a crash, and says which position it still needs', () => {
    const a = new WindowAssembler(codec, GRACE, ['t/0']);
    a.markReported(SIZE, 0);
    expect(a.addPartial(partial('t/0', 0, [1], 5))).toBe(true);
    expect(a.openCount()).toBe(0);
    expect(a.oldestNeededPosition()).toBeUndefined();
    a.addPartial(partial('t/0', 2_000, [1], 9));
    a.addPartial(partial('t/0', 1_000, [1], 7));
    a.addPartial(partial('t/0', 1_000, [2], 12));
    expect(a.oldestNeededPosition()).toBe(7);
    a.progress({ partition: 't/0', clockMs: 2_200, idle: false });
    expect(a.closeDue().map((w) => w.startMs)).toEqual([1_000]);
    expect(a.oldestNeededPosition()).toBe(9);
    expect(windowKey(SIZE, 1_000)).toBe('1000/1000');
  });

  it("a successor that restores its predecessor's state counts partials of windows closed before as late at once", () => {
    const a = new WindowAssembler(codec, GRACE, ['t/0', 't/1']);
    a.progress({ partition: 't/0', clockMs: 5_000, idle: false });
    a.progress({ partition: 't/1', clockMs: 100, idle: true });
    const b = new WindowAssembler(codec, GRACE, ['t/0', 't/1']);
    b.restoreState(JSON.parse(JSON.stringify(a.state())) as ReturnType<typeof a.state>);
    expect(b.watermark()).toBe(5_000);
    expect(b.addPartial(partial('t/1', 1_000, [1], 0))).toBe(false);
    const fresh = new WindowAssembler(codec, GRACE, ['t/0', 't/1']);
    expect(fresh.addPartial(partial('t/1', 1_000, [1], 0))).toBe(true); // without it: a window reopened and reported twice
  });

  it('seeded: members closing windows per partition and flushing idle ones give every window exactly its rows', () => {
    const r = rng(12);
    const partitions = ['t/0', 't/1', 't/2', 't/3', 't/4', 't/5'];
    const a = new WindowAssembler(codec, GRACE, partitions);
    const exact = new Map<number, number[]>();
    const reported = new Map<number, number[]>();
    // each partition: in-order event times, its own open windows, closed when its clock passes
    const member = partitions.map((p) => ({ p, t: 0, open: new Map<number, number[]>(), idle: false }));
    let position = 0;
    const publish = (m: (typeof member)[number], due: (start: number) => boolean): void => {
      for (const [start, values] of [...m.open]) {
        if (!due(start)) continue;
        const merged = a.addPartial(partial(m.p, start, values, position++));
        // only the partition that went idle and came back behind the watermark may be late
        if (!merged) expect(m.p).toBe('t/5');
        m.open.delete(start);
      }
    };
    let value = 0;
    for (let step = 0; step < 20_000; step++) {
      const m = member[r.int(member.length)] as (typeof member)[number];
      if (m.p === 't/5' && step > 5_000 && step < 12_000) {
        // t/5 goes quiet for a while: its windows are flushed and it reports idle
        if (!m.idle) {
          publish(m, () => true);
          m.idle = true;
          a.progress({ partition: m.p, clockMs: m.t, idle: true });
        }
        continue;
      }
      m.idle = false;
      m.t += r.int(20);
      const start = m.t - (m.t % SIZE);
      // a row for a window the owner closed already is late at the owner (counted there)
      (m.open.get(start) ?? m.open.set(start, []).get(start))?.push(value);
      (exact.get(start) ?? exact.set(start, []).get(start))?.push(value);
      value++;
      publish(m, (s) => s + SIZE + GRACE <= m.t);
      a.progress({ partition: m.p, clockMs: m.t, idle: false });
      for (const w of a.closeDue()) {
        expect(reported.has(w.startMs), `window ${w.startMs} reported twice`).toBe(false);
        reported.set(w.startMs, w.profile.values);
      }
    }
    for (const m of member) {
      publish(m, () => true);
      a.progress({ partition: m.p, clockMs: Number.POSITIVE_INFINITY, idle: false });
    }
    for (const w of a.closeDue()) reported.set(w.startMs, [...(reported.get(w.startMs) ?? []), ...w.profile.values]);
    const late = a.lateRowsBySize.get(SIZE) ?? 0;
    let accounted = late;
    for (const [start, values] of exact) {
      const got = reported.get(start) ?? [];
      accounted += got.length;
      // every reported row belongs to its window, and none twice
      const own = new Set(values);
      expect(got.every((v) => own.has(v)), `window ${start}`).toBe(true);
      expect(new Set(got).size, `window ${start}`).toBe(got.length);
    }
    expect(accounted).toBe(value);
    expect(reported.size).toBeGreaterThan(20);
  });

  it('seeded: an owner that crashes and is replaced from its last commit (consolidations + state) reports what one owner would', () => {
    const r = rng(99);
    const partitions = ['t/0', 't/1', 't/2'];
    type Msg = { kind: 'partial'; p: PartialWindow<Bag> } | { kind: 'progress'; partition: string; clockMs: number };
    // the partials partition's log, as the members wrote it (in-order partitions, idle-free)
    const log: Msg[] = [];
    const clocks = partitions.map(() => 0);
    let value = 0;
    for (let step = 0; step < 6_000; step++) {
      const i = r.int(partitions.length);
      clocks[i] = (clocks[i] as number) + r.int(30);
      const t = clocks[i] as number;
      log.push({ kind: 'partial', p: partial(partitions[i] as string, t - (t % SIZE), [value++], log.length) });
      log.push({ kind: 'progress', partition: partitions[i] as string, clockMs: t });
    }
    const run = (crashes: Set<number>): Map<number, number[]> => {
      const reports = new Map<number, number[]>();
      let owner = new WindowAssembler(codec, GRACE, partitions);
      // the last commit: its offset, consolidations (covering < offset), state and closed markers
      let commit = { offset: 0, consolidations: [] as PartialWindow<Bag>[], state: owner.state(), closed: [] as number[] };
      let closedSinceCommit: number[] = [];
      for (let at = 0; at < log.length; at++) {
        if (crashes.delete(at)) {
          owner = new WindowAssembler(codec, GRACE, partitions);
          owner.restoreState(commit.state);
          for (const start of commit.closed) owner.markReported(SIZE, start);
          for (const c of commit.consolidations) owner.addPartial(c);
          closedSinceCommit = [];
          at = commit.offset; // read again from the committed offset
        }
        const m = log[at] as Msg;
        if (m.kind === 'partial') owner.addPartial(m.p);
        else owner.progress({ partition: m.partition, clockMs: m.clockMs, idle: false });
        for (const w of owner.closeDue()) {
          reports.set(w.startMs, [...w.profile.values].sort((x, y) => x - y)); // same key: a rewrite, not a second report
          closedSinceCommit.push(w.startMs);
        }
        if (at % 97 === 0) {
          const consolidations = owner.openWindows().map((w) => partial('consolidated', w.startMs, [...w.profile.values], -1));
          commit = { offset: at + 1, consolidations, state: owner.state(), closed: [...commit.closed, ...closedSinceCommit] };
          closedSinceCommit = [];
        }
      }
      return reports;
    };
    const once = run(new Set());
    const crashed = run(new Set([500, 2_000, 2_001, 7_777, 11_000]));
    expect(once.size).toBeGreaterThan(20);
    expect([...crashed.entries()].sort()).toEqual([...once.entries()].sort());
    const all = [...once.values()].flat();
    expect(new Set(all).size).toBe(all.length);
  });
});

