/**
 * A join store that records its changes, so a scaled-out label monitor's keyed partition can move
 * to another member (docs/scale-out.md, "Label monitors"): every change of an id's entry is taken
 * out at each transaction (`takeChanges`) and written to the keyed partition's changelog partition
 * (key: the id; value: the entry, or none when the id was forgotten), compacted by Kafka to the
 * last change per id. Whoever takes the partition over applies the changelog in order to an empty
 * store (`applyChange`) and has the store as it was at the last committed transaction.
 *
 * The value's layout: kind (u8: 1 prediction, 2 label, 3 tombstone), time (f64, big-endian), then
 * the payload (none for a tombstone). A deleted id is a message without a value.
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { EntryKind, type ExpireResult, type JoinOutcome, type JoinRecord, type JoinStore } from './join-store.js';

/** Reads one partition of a changelog topic from its start to its end (read_committed). */
export interface ChangelogReader {
  read(partition: number, onChange: (id: string, value: Uint8Array | null) => void): Promise<void>;
}

/** An id's new entry, or (kind undefined) its deletion. */
export interface JoinChange {
  readonly id: string;
  readonly kind: EntryKind | undefined;
  readonly timeMs: number;
  readonly payload: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const KINDS = new Set<number>([EntryKind.PREDICTION, EntryKind.LABEL, EntryKind.TOMBSTONE]);

export class ChangelogJoinStore<M = unknown> implements JoinStore<M> {
  private changes: JoinChange[] = [];

  constructor(private readonly inner: JoinStore<M>) {}

  putPrediction(p: JoinRecord): JoinOutcome {
    return this.record(this.inner.putPrediction(p), p, EntryKind.PREDICTION);
  }

  putLabel(l: JoinRecord): JoinOutcome {
    return this.record(this.inner.putLabel(l), l, EntryKind.LABEL);
  }

  private record(o: JoinOutcome, r: JoinRecord, side: EntryKind): JoinOutcome {
    if (o.kind === 'pending') this.changes.push({ id: r.id, kind: side, timeMs: r.timeMs, payload: Uint8Array.from(r.payload) });
    // the store's tombstone time: the later of the two sides' (join-store.ts)
    else if (o.kind === 'joined') this.changes.push({ id: r.id, kind: EntryKind.TOMBSTONE, timeMs: Math.max(o.prediction.timeMs, o.label.timeMs), payload: EMPTY });
    return o;
  }

  expire(cutoffMs: number, onExpiredPrediction?: (p: JoinRecord) => void, onExpiredEntry?: (kind: EntryKind, id: string) => void): ExpireResult {
    return this.inner.expire(cutoffMs, onExpiredPrediction, (kind, id) => {
      this.changes.push({ id, kind: undefined, timeMs: 0, payload: EMPTY });
      onExpiredEntry?.(kind, id);
    });
  }

  /** The changes since the last call, in order. */
  takeChanges(): JoinChange[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  /** A change read back from the changelog (not recorded again). */
  applyChange(c: JoinChange): void {
    if (c.kind === undefined) this.inner.restoreDelete(c.id);
    else this.inner.restoreEntry(c.kind, { id: c.id, timeMs: c.timeMs, payload: c.payload });
  }

  restoreEntry(kind: EntryKind, r: JoinRecord): void {
    this.inner.restoreEntry(kind, r);
  }

  restoreDelete(id: string): void {
    this.inner.restoreDelete(id);
  }

  get pendingPredictions(): number {
    return this.inner.pendingPredictions;
  }

  get pendingLabels(): number {
    return this.inner.pendingLabels;
  }

  get tombstones(): number {
    return this.inner.tombstones;
  }

  get diskBytes(): number {
    return this.inner.diskBytes;
  }

  checkpoint(): Promise<M> {
    return this.inner.checkpoint();
  }

  acknowledge(manifest: M): void {
    this.inner.acknowledge(manifest);
  }

  forEachEntry(visit: (kind: EntryKind, r: JoinRecord) => void): void {
    this.inner.forEachEntry(visit);
  }

  close(): void {
    this.inner.close();
  }
}

/** A change's message value (undefined: a deletion, sent without a value). */
export function encodeJoinChange(c: JoinChange): Uint8Array | undefined {
  if (c.kind === undefined) return undefined;
  const payload = c.kind === EntryKind.TOMBSTONE ? EMPTY : c.payload;
  const out = Buffer.alloc(9 + payload.length);
  out.writeUInt8(c.kind, 0);
  out.writeDoubleBE(c.timeMs, 1);
  out.set(payload, 9);
  return out;
}

/** A changelog message back into a change; throws SNAPSHOT_INVALID when it is not one. */
export function decodeJoinChange(id: string, value: Uint8Array | null | undefined): JoinChange {
  if (value === null || value === undefined) return { id, kind: undefined, timeMs: 0, payload: EMPTY };
  const b = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const kind = b.length >= 9 ? b.readUInt8(0) : -1;
  const timeMs = b.length >= 9 ? b.readDoubleBE(1) : Number.NaN;
  if (!KINDS.has(kind) || !Number.isFinite(timeMs) || (kind === EntryKind.TOMBSTONE && b.length !== 9)) {
    throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `join changelog entry for id ${JSON.stringify(id.slice(0, 64))} is malformed`);
  }
  return { id, kind: kind as EntryKind, timeMs, payload: new Uint8Array(b.subarray(9)) };
}
