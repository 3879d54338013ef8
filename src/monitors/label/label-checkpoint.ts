/**
 * A label monitor's checkpoint state, framed (state/framed.ts): a JSON header — version 1, the join
 * store's manifest, the partition clocks, the durable counters — and the label windows' snapshot
 * as the body. The positions it covers are the checkpoint cycle's, beside it.
 */
import { decodeFramed, encodeFramed } from '../../state/framed.js';
import type { PartitionClockEntry } from '../../window/partition-clock.js';
import type { LabelMonitorSummary } from './label-summary.js';

export interface LabelCheckpoint {
  /** The join store's manifest (its files at the checkpoint). */
  manifest: unknown;
  partitions: PartitionClockEntry[];
  /** The durable counters (label-summary.ts). */
  summary: Partial<LabelMonitorSummary>;
  /** LabelWindows.snapshot(). */
  windows: Uint8Array;
}

export function encodeLabelCheckpoint(c: LabelCheckpoint): Uint8Array {
  return encodeFramed({ v: 1, manifest: c.manifest, partitions: c.partitions, summary: c.summary }, c.windows);
}

/** `fail` is called with why the bytes are not a label checkpoint. */
export function decodeLabelCheckpoint(bytes: Uint8Array, fail: (why: string) => never): LabelCheckpoint {
  type Header = { v?: number; manifest?: unknown; partitions?: PartitionClockEntry[]; summary?: Partial<LabelMonitorSummary> };
  const { header, body } = decodeFramed<Header>(bytes, fail);
  if (header.v !== 1) fail(`unknown version ${String(header.v)}`);
  return {
    manifest: header.manifest,
    // JSON writes -Infinity (a partition with no event time yet) as null
    // (lastEventMs: the partition's newest record not confirmed yet; absent in older checkpoints)
    partitions: (header.partitions ?? []).map((p) => ({
      key: p.key,
      maxEventMs: p.maxEventMs ?? Number.NEGATIVE_INFINITY,
      ...(p.lastEventMs === undefined ? {} : { lastEventMs: p.lastEventMs ?? Number.NEGATIVE_INFINITY }),
    })),
    summary: header.summary ?? {},
    windows: body,
  };
}
