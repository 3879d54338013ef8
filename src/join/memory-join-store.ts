/**
 * The reference JoinStore: a plain Map, the semantics of join-store.ts spelled out as simply as
 * possible. The contract suite checks the disk store against it; it also serves small monitors and
 * unit tests. Its manifest carries the whole state (not small: for tests only).
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { EntryKind, type ExpireResult, type JoinOutcome, type JoinRecord, type JoinStore } from './join-store.js';

interface Entry {
  kind: EntryKind;
  timeMs: number;
  payload: Uint8Array;
}

export interface MemoryJoinManifest {
  format: 'driftmon-memory-join-store';
  entries: [id: string, kind: EntryKind, timeMs: number, payload: number[]][];
}

const copy = (r: JoinRecord): JoinRecord => ({ id: r.id, timeMs: r.timeMs, payload: Uint8Array.from(r.payload) });

export class MemoryJoinStore implements JoinStore<MemoryJoinManifest> {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  static open(manifest: MemoryJoinManifest | undefined): MemoryJoinStore {
    const s = new MemoryJoinStore();
    if (manifest === undefined) return s;
    if (manifest.format !== 'driftmon-memory-join-store' || !Array.isArray(manifest.entries)) {
      throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, 'memory join store manifest is invalid');
    }
    for (const [id, kind, timeMs, payload] of manifest.entries) s.entries.set(id, { kind, timeMs, payload: Uint8Array.from(payload) });
    return s;
  }

  putPrediction(p: JoinRecord): JoinOutcome {
    return this.put(p, EntryKind.PREDICTION, EntryKind.LABEL);
  }

  putLabel(l: JoinRecord): JoinOutcome {
    return this.put(l, EntryKind.LABEL, EntryKind.PREDICTION);
  }

  private put(r: JoinRecord, side: EntryKind, other: EntryKind): JoinOutcome {
    this.check();
    const e = this.entries.get(r.id);
    if (e === undefined) {
      this.entries.set(r.id, { kind: side, timeMs: r.timeMs, payload: Uint8Array.from(r.payload) });
      return { kind: 'pending' };
    }
    if (e.kind === other) {
      const waiting: JoinRecord = { id: r.id, timeMs: e.timeMs, payload: e.payload };
      this.entries.set(r.id, { kind: EntryKind.TOMBSTONE, timeMs: Math.max(e.timeMs, r.timeMs), payload: new Uint8Array(0) });
      return side === EntryKind.PREDICTION
        ? { kind: 'joined', prediction: copy(r), label: waiting }
        : { kind: 'joined', prediction: waiting, label: copy(r) };
    }
    return { kind: 'duplicate', of: e.kind === EntryKind.TOMBSTONE ? 'joined' : 'pending' };
  }

  restoreEntry(kind: EntryKind, r: JoinRecord): void {
    this.check();
    this.entries.set(r.id, { kind, timeMs: r.timeMs, payload: kind === EntryKind.TOMBSTONE ? new Uint8Array(0) : Uint8Array.from(r.payload) });
  }

  restoreDelete(id: string): void {
    this.check();
    this.entries.delete(id);
  }

  expire(cutoffMs: number, onExpiredPrediction?: (p: JoinRecord) => void, onExpiredEntry?: (kind: EntryKind, id: string) => void): ExpireResult {
    this.check();
    const out: ExpireResult = { expiredPredictions: 0, orphanLabels: 0, expiredTombstones: 0 };
    for (const [id, e] of this.entries) {
      if (!(e.timeMs < cutoffMs)) continue;
      this.entries.delete(id);
      if (e.kind === EntryKind.PREDICTION) {
        out.expiredPredictions++;
        onExpiredPrediction?.({ id, timeMs: e.timeMs, payload: e.payload });
      } else if (e.kind === EntryKind.LABEL) {
        out.orphanLabels++;
      } else {
        out.expiredTombstones++;
      }
      onExpiredEntry?.(e.kind, id);
    }
    return out;
  }

  private count(kind: EntryKind): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.kind === kind) n++;
    return n;
  }

  get pendingPredictions(): number {
    return this.count(EntryKind.PREDICTION);
  }

  get pendingLabels(): number {
    return this.count(EntryKind.LABEL);
  }

  get tombstones(): number {
    return this.count(EntryKind.TOMBSTONE);
  }

  get diskBytes(): number {
    return 0;
  }

  async checkpoint(): Promise<MemoryJoinManifest> {
    this.check();
    return { format: 'driftmon-memory-join-store', entries: [...this.entries].map(([id, e]) => [id, e.kind, e.timeMs, Array.from(e.payload)]) };
  }

  acknowledge(): void {}

  forEachEntry(visit: (kind: EntryKind, r: JoinRecord) => void): void {
    for (const [id, e] of this.entries) visit(e.kind, { id, timeMs: e.timeMs, payload: Uint8Array.from(e.payload) });
  }

  close(): void {
    this.closed = true;
  }

  private check(): void {
    if (this.closed) throw new DriftmonError(ErrorCode.INTERNAL, 'join store used after close()');
  }
}
