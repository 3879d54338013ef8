/**
 * One contract suite for every JoinStore (the disk store and the in-memory reference). Imported by
 * each implementation's *.test.ts; never run on its own. The randomized test compares the subject
 * with MemoryJoinStore op by op.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { ChangelogJoinStore, decodeJoinChange, encodeJoinChange, type JoinChange } from './changelog-join-store.js';
import { EntryKind, type JoinOutcome, type JoinRecord, type JoinStore } from './join-store.js';
import { MemoryJoinStore } from './memory-join-store.js';

export interface JoinStorePlace {
  /** Opens the store kept at this place at the state `manifest` describes (undefined: empty). */
  open(manifest: unknown): Promise<JoinStore>;
}

export interface JoinStoreSubject {
  /** A new, empty place (a fresh directory for a disk store). */
  newPlace(): JoinStorePlace;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const T0 = Date.UTC(2026, 0, 1);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const rec = (id: string, timeMs: number, payload = `v:${id}`): JoinRecord => ({ id, timeMs, payload: bytes(payload) });

/** Outcomes as plain data (payloads as arrays) for equality checks. */
export const plain = (o: JoinOutcome): unknown =>
  o.kind === 'joined'
    ? { kind: o.kind, prediction: { ...o.prediction, payload: Array.from(o.prediction.payload) }, label: { ...o.label, payload: Array.from(o.label.payload) } }
    : o;

/** Every entry as sorted plain data, plus the counts. */
export function dump(s: JoinStore): unknown {
  const entries: [string, EntryKind, number, number[]][] = [];
  s.forEachEntry((kind, r) => entries.push([r.id, kind, r.timeMs, kind === EntryKind.TOMBSTONE ? [] : Array.from(r.payload)]));
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { entries, pendingPredictions: s.pendingPredictions, pendingLabels: s.pendingLabels, tombstones: s.tombstones };
}

type Op = { op: 'p' | 'l'; r: JoinRecord } | { op: 'x'; cutoffMs: number };

function apply(s: JoinStore, op: Op, onExpiredEntry?: (kind: EntryKind, id: string) => void): unknown {
  if (op.op !== 'x') return plain(op.op === 'p' ? s.putPrediction(op.r) : s.putLabel(op.r));
  const expired: [string, number, number[]][] = [];
  const result = s.expire(op.cutoffMs, (p) => expired.push([p.id, p.timeMs, Array.from(p.payload)]), onExpiredEntry);
  expired.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { result, expired };
}

/**
 * A seeded stream of ops: ids drawn from a sliding pool (so both sides repeat and meet), event
 * times advancing with jitter, labels mostly late, an expiry every ~500 ops with an 8-hour horizon.
 */
function randomOps(seed: number, n: number): Op[] {
  const r = rng(seed);
  const ops: Op[] = [];
  let now = T0;
  for (let i = 0; i < n; i++) {
    now += r.int(60_000);
    if (i % 500 === 499) {
      ops.push({ op: 'x', cutoffMs: now - 8 * HOUR_MS });
      continue;
    }
    const id = `id-${Math.max(0, Math.floor(i / 3) - r.int(3000))}`;
    const timeMs = now - r.int(2 * HOUR_MS);
    const payload = Uint8Array.from({ length: r.int(40) }, () => r.int(256));
    ops.push({ op: r.next() < 0.5 ? 'p' : 'l', r: { id, timeMs, payload } });
  }
  return ops;
}

export function describeJoinStoreContract(name: string, subject: JoinStoreSubject): void {
  describe(`JoinStore contract: ${name}`, () => {
    it('joins in either order, handing back both sides', async () => {
      const s = await subject.newPlace().open(undefined);
      expect(s.putPrediction(rec('a', T0, 'pa'))).toEqual({ kind: 'pending' });
      expect(s.pendingPredictions).toBe(1);
      expect(plain(s.putLabel(rec('a', T0 + HOUR_MS, 'la')))).toEqual(plain({ kind: 'joined', prediction: rec('a', T0, 'pa'), label: rec('a', T0 + HOUR_MS, 'la') }));
      expect(s.putLabel(rec('b', T0 + 5, 'lb'))).toEqual({ kind: 'pending' });
      expect(s.pendingLabels).toBe(1);
      expect(plain(s.putPrediction(rec('b', T0, 'pb')))).toEqual(plain({ kind: 'joined', prediction: rec('b', T0, 'pb'), label: rec('b', T0 + 5, 'lb') }));
      expect([s.pendingPredictions, s.pendingLabels, s.tombstones]).toEqual([0, 0, 2]);
      s.close();
    });

    it('recognises duplicates on both sides, pending and joined (first one wins)', async () => {
      const s = await subject.newPlace().open(undefined);
      expect(s.putPrediction(rec('p', T0, 'first'))).toEqual({ kind: 'pending' });
      expect(s.putPrediction(rec('p', T0 + 1, 'second'))).toEqual({ kind: 'duplicate', of: 'pending' });
      expect(s.putLabel(rec('l', T0))).toEqual({ kind: 'pending' });
      expect(s.putLabel(rec('l', T0))).toEqual({ kind: 'duplicate', of: 'pending' });
      const j = s.putLabel(rec('p', T0 + 2, 'label'));
      expect(j.kind === 'joined' && new TextDecoder().decode(j.prediction.payload)).toBe('first');
      expect(s.putLabel(rec('p', T0 + 3))).toEqual({ kind: 'duplicate', of: 'joined' });
      expect(s.putPrediction(rec('p', T0 + 3))).toEqual({ kind: 'duplicate', of: 'joined' });
      expect([s.pendingPredictions, s.pendingLabels, s.tombstones]).toEqual([0, 1, 1]);
      s.close();
    });

    it('expires by time with exact counts, remembering joins until both sides are past the cutoff', async () => {
      const s = await subject.newPlace().open(undefined);
      s.putPrediction(rec('a', T0 + 10));
      s.putPrediction(rec('b', T0 + 20));
      s.putLabel(rec('c', T0 + 15));
      s.putPrediction(rec('d', T0 + 30));
      s.putLabel(rec('d', T0 + 40)); // tombstone at 40
      s.putPrediction(rec('e', T0 + 50));
      const seen: string[] = [];
      expect(s.expire(T0 + 35, (p) => seen.push(`${p.id}@${p.timeMs - T0}:${new TextDecoder().decode(p.payload)}`))).toEqual({ expiredPredictions: 2, orphanLabels: 1, expiredTombstones: 0 });
      expect(seen.sort()).toEqual(['a@10:v:a', 'b@20:v:b']);
      expect([s.pendingPredictions, s.pendingLabels, s.tombstones]).toEqual([1, 0, 1]);
      expect(s.putLabel(rec('d', T0 + 41))).toEqual({ kind: 'duplicate', of: 'joined' });
      expect(s.expire(T0 + 35)).toEqual({ expiredPredictions: 0, orphanLabels: 0, expiredTombstones: 0 });
      expect(s.expire(T0 + 41)).toEqual({ expiredPredictions: 0, orphanLabels: 0, expiredTombstones: 1 });
      expect(s.putLabel(rec('d', T0 + 42))).toEqual({ kind: 'pending' }); // forgotten
      expect(s.putPrediction(rec('a', T0 + 60))).toEqual({ kind: 'pending' });
      expect(s.expire(Infinity)).toEqual({ expiredPredictions: 2, orphanLabels: 1, expiredTombstones: 0 });
      expect([s.pendingPredictions, s.pendingLabels, s.tombstones]).toEqual([0, 0, 0]);
      s.close();
    });

    it('joins labels that arrive three days late, with an 8-day horizon expired hourly', async () => {
      const s = await subject.newPlace().open(undefined);
      const n = 5000;
      const stepMs = (6 * DAY_MS) / n; // predictions over 6 days
      let joined = 0;
      let lastExpiryMs = T0;
      for (let i = 0; i < n; i++) {
        const t = T0 + i * stepMs;
        expect(s.putPrediction(rec(`req-${i}`, t)).kind).toBe('pending');
        const late = i - Math.round((3 * DAY_MS) / stepMs);
        if (late >= 0 && late % 4 !== 0) {
          const o = s.putLabel(rec(`req-${late}`, t));
          if (o.kind === 'joined') joined++;
        }
        if (t - lastExpiryMs >= HOUR_MS) {
          s.expire(t - 8 * DAY_MS);
          lastExpiryMs = t;
        }
      }
      const labelled = n - Math.round((3 * DAY_MS) / stepMs);
      const expectedJoins = labelled - Math.ceil(labelled / 4);
      expect(joined).toBe(expectedJoins);
      expect(s.pendingPredictions).toBe(n - expectedJoins);
      expect(s.expire(Infinity).expiredPredictions).toBe(n - expectedJoins);
      s.close();
    });

    it('matches the in-memory reference on 100k seeded random ops', async () => {
      const s = await subject.newPlace().open(undefined);
      const ref = new MemoryJoinStore();
      const ops = randomOps(42, 100_000);
      const seen = new Map<string, number>();
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i]!;
        const got = apply(s, op);
        const want = apply(ref, op);
        const k = op.op === 'x' ? ((want as { result: { expiredPredictions: number } }).result.expiredPredictions > 0 ? 'expired' : 'x') : JSON.stringify((want as { kind: string; of?: string }).kind + ((want as { of?: string }).of ?? ''));
        seen.set(k, (seen.get(k) ?? 0) + 1);
        if (JSON.stringify(got) !== JSON.stringify(want)) expect({ i, op, got }).toEqual({ i, op, got: want });
        if (i % 10_000 === 9_999) {
          expect([s.pendingPredictions, s.pendingLabels, s.tombstones]).toEqual([ref.pendingPredictions, ref.pendingLabels, ref.tombstones]);
          s.acknowledge(await s.checkpoint());
        }
      }
      expect(dump(s)).toEqual(dump(ref));
      // the stream exercised every outcome
      for (const k of ['"pending"', '"joined"', '"duplicatepending"', '"duplicatejoined"', 'expired']) expect(seen.get(k) ?? 0, k).toBeGreaterThan(100);
      s.close();
    });

    it('restores exactly the checkpointed state after a crash, and replaying the later ops matches an uninterrupted run', async () => {
      const place = subject.newPlace();
      const ops = randomOps(7, 30_000);
      const before = ops.slice(0, 20_000);
      const after = ops.slice(20_000);
      const s = await place.open(undefined);
      for (const op of before) apply(s, op);
      const manifest = JSON.parse(JSON.stringify(await s.checkpoint())) as unknown;
      const atCheckpoint = dump(s);
      const uninterrupted = after.map((op) => apply(s, op));
      const finalState = dump(s);
      // "crash": s is dropped without close(); its unflushed writes are lost
      const r = await place.open(manifest);
      expect(dump(r)).toEqual(atCheckpoint);
      expect(after.map((op) => apply(r, op))).toEqual(uninterrupted);
      expect(dump(r)).toEqual(finalState);
      // and a second crash back to the same manifest still restores it
      const r2 = await place.open(manifest);
      expect(dump(r2)).toEqual(atCheckpoint);
      r2.close();
    });

    it('restoreEntry sets an id whatever it held, restoreDelete forgets it, and expiry names every entry it forgets', async () => {
      const s = await subject.newPlace().open(undefined);
      s.putPrediction(rec('a', T0));
      s.restoreEntry(EntryKind.TOMBSTONE, rec('a', T0 + 5, 'ignored'));
      expect(s.putLabel(rec('a', T0 + 6))).toEqual({ kind: 'duplicate', of: 'joined' });
      s.restoreEntry(EntryKind.LABEL, rec('b', T0 + 1, 'lb'));
      expect(plain(s.putPrediction(rec('b', T0 + 2, 'pb')))).toEqual(plain({ kind: 'joined', prediction: rec('b', T0 + 2, 'pb'), label: rec('b', T0 + 1, 'lb') }));
      s.restoreEntry(EntryKind.PREDICTION, rec('c', T0 + 3, 'pc'));
      s.restoreDelete('b');
      s.restoreDelete('never-there');
      expect([s.pendingPredictions, s.pendingLabels, s.tombstones]).toEqual([1, 0, 1]);
      const gone: string[] = [];
      expect(s.expire(Infinity, undefined, (kind, id) => gone.push(`${kind}:${id}`))).toEqual({ expiredPredictions: 1, orphanLabels: 0, expiredTombstones: 1 });
      expect(gone.sort()).toEqual([`${EntryKind.PREDICTION}:c`, `${EntryKind.TOMBSTONE}:a`]);
      s.close();
    });

    it('its changelog, compacted or not, restores it exactly into an empty store (60k seeded ops, entries sealed on disk too)', async () => {
      const s = new ChangelogJoinStore(await subject.newPlace().open(undefined));
      const log: JoinChange[] = [];
      const ops = randomOps(11, 60_000);
      const check = async (upTo: number): Promise<void> => {
        // the changelog topic as Kafka keeps it: every change in order, or compacted to the last per id
        const compacted = new Map<string, JoinChange>();
        for (const c of log) {
          compacted.delete(c.id);
          compacted.set(c.id, c);
        }
        for (const changes of [log, [...compacted.values()]]) {
          const r = new ChangelogJoinStore(await subject.newPlace().open(undefined));
          for (const c of changes) r.applyChange(decodeJoinChange(c.id, encodeJoinChange(c)));
          expect(dump(r), `after ${upTo} ops`).toEqual(dump(s));
          expect(r.takeChanges()).toEqual([]);
          r.close();
        }
      };
      for (let i = 0; i < ops.length; i++) {
        apply(s, ops[i]!);
        if (i % 1_000 === 999) log.push(...s.takeChanges());
        if (i === 30_000 || i === ops.length - 1) {
          log.push(...s.takeChanges());
          await check(i + 1);
        }
      }
      expect(log.filter((c) => c.kind === undefined).length).toBeGreaterThan(1_000);
      expect(log.filter((c) => c.kind === EntryKind.TOMBSTONE).length).toBeGreaterThan(1_000);
      s.close();
    });

    it('an empty store checkpoints and restores', async () => {
      const place = subject.newPlace();
      const s = await place.open(undefined);
      const m = await s.checkpoint();
      s.close();
      const r = await place.open(JSON.parse(JSON.stringify(m)));
      expect(dump(r)).toEqual({ entries: [], pendingPredictions: 0, pendingLabels: 0, tombstones: 0 });
      expect(r.putPrediction(rec('x', T0))).toEqual({ kind: 'pending' });
      r.close();
    });
  });
}
