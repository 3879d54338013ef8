/**
 * An attribution monitor's checkpoint state (Kafka sources), framed as every snapshot of ours
 * (state/framed.ts): a JSON header — the partition clocks, stream time, late rows per window size
 * and the monitor's counters — then the open windows' snapshot (window-store.ts).
 */
import { decodeFramed, encodeFramed } from '../../state/framed.js';
import type { PartitionClockEntry } from '../../window/partition-clock.js';

export interface AttributionCheckpoint {
  partitions: PartitionClockEntry[];
  /** null: nothing seen yet (JSON has no −∞). */
  streamTimeMs: number | null;
  lateBySize: number[];
  counts: Record<string, unknown>;
  windows: Uint8Array;
}

export function encodeAttributionCheckpoint(c: AttributionCheckpoint): Uint8Array {
  const { windows, ...header } = c;
  return encodeFramed(header, windows);
}

/** The checkpoint in `bytes`; `fail` is called with why they are not one. */
export function decodeAttributionCheckpoint(bytes: Uint8Array, fail: (why: string) => never): AttributionCheckpoint {
  const { header, body } = decodeFramed<Partial<AttributionCheckpoint>>(bytes, fail);
  const h = header;
  if (!Array.isArray(h.partitions) || !Array.isArray(h.lateBySize) || typeof h.counts !== 'object' || h.counts === null) fail('header lacks partitions, lateBySize or counts');
  return { partitions: h.partitions, streamTimeMs: typeof h.streamTimeMs === 'number' ? h.streamTimeMs : null, lateBySize: h.lateBySize, counts: h.counts, windows: body };
}
