/**
 * The prediction ↔ label join store: predictions (from the inference topic) and labels (from the
 * ground-truth topic) meet on the capture's inferenceId (else its eventId). Either side may come
 * first, labels may come days later, and both sides may repeat. Per id the store holds one of:
 *
 *   nothing → putPrediction → PENDING_PREDICTION → putLabel      → JOINED (tombstone)
 *   nothing → putLabel      → PENDING_LABEL      → putPrediction → JOINED (tombstone)
 *
 * Any other put for an id that is pending on the same side, or joined, is a duplicate (the first
 * one wins and is never re-joined). A tombstone's time is the later of the two sides' times, so
 * duplicates are recognised until both sides are past the horizon. `expire(cutoffMs)` forgets
 * every entry (pending prediction, pending label, tombstone) whose timeMs < cutoffMs.
 *
 * Values are opaque bytes: the caller encodes what it needs (inference time, predicted
 * label/score, facet values; the label). All calls but checkpoint() are synchronous, so the store
 * can be driven from a per-chunk loop.
 */

/** One side of the join. `payload` is opaque; the store hands back an equal copy. */
export interface JoinRecord {
  id: string;
  timeMs: number;
  payload: Uint8Array;
}

export type JoinOutcome =
  | { kind: 'joined'; prediction: JoinRecord; label: JoinRecord }
  | { kind: 'pending' }
  /** `of`: the id was already waiting on this side ('pending') or already joined ('joined'). */
  | { kind: 'duplicate'; of: 'pending' | 'joined' };

export interface ExpireResult {
  /** Predictions that never met a label (each was also passed to the callback). */
  expiredPredictions: number;
  /** Labels that never met a prediction. */
  orphanLabels: number;
  /** Joined ids forgotten (duplicates of them are no longer recognised). */
  expiredTombstones: number;
}

/** What an id holds, for `forEachEntry` (tests, debugging). */
export const EntryKind = {
  PREDICTION: 1,
  LABEL: 2,
  TOMBSTONE: 3,
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** The longest id (UTF-8 bytes) a store accepts; callers dead-letter longer ones. */
export const MAX_ID_BYTES = 1024;

export interface JoinStore<M = unknown> {
  putPrediction(p: JoinRecord): JoinOutcome;
  putLabel(l: JoinRecord): JoinOutcome;
  /**
   * Forgets every entry with timeMs < cutoffMs; each expired pending prediction is passed to
   * `onExpiredPrediction` (the record is only valid during the call's argument lifetime: copy what
   * you keep — it is a fresh object, so keeping it is fine too), and every expired entry's kind
   * and id to `onExpiredEntry` (a changelog's deletes).
   */
  expire(cutoffMs: number, onExpiredPrediction?: (p: JoinRecord) => void, onExpiredEntry?: (kind: EntryKind, id: string) => void): ExpireResult;
  /**
   * Sets `r.id` to hold `kind` with r's time and payload, whatever it held (a tombstone's payload
   * is ignored): restoring a keyed partition from its changelog (changelog-join-store.ts).
   */
  restoreEntry(kind: EntryKind, r: JoinRecord): void;
  /** Forgets `id`, whatever it held (restoring: the changelog deleted it). */
  restoreDelete(id: string): void;
  readonly pendingPredictions: number;
  readonly pendingLabels: number;
  /** Joined ids still remembered. */
  readonly tombstones: number;
  /** Bytes the store occupies on disk (0 in memory). */
  readonly diskBytes: number;
  /**
   * Makes everything put so far durable and returns a small JSON-serialisable manifest of exactly
   * the state at the moment of the call. Save it with the Kafka offsets; restoring it (open) gives
   * that state back.
   */
  checkpoint(): Promise<M>;
  /**
   * The caller has durably saved `manifest`: files only older manifests needed may be deleted.
   * Until this is called, everything an earlier manifest names is kept.
   */
  acknowledge(manifest: M): void;
  /** Visits every entry (tests and debugging; reads the whole store). */
  forEachEntry(visit: (kind: EntryKind, r: JoinRecord) => void): void;
  close(): void;
}
