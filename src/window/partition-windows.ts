/**
 * A member's side of a scaled-out monitor (docs/scale-out.md): every assigned input partition has
 * its own windows and its own outlier-safe stream clock. A row is late when its partition's own
 * clock has passed its window's end + grace. At every transaction the member takes each
 * partition's windows out as partials (`flush`), so it never holds more than one checkpoint
 * interval of data; what must survive a move to another member is the clock alone, which travels
 * as the metadata of the partition's committed offset (`clockState` / `restoreClock`).
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { StreamClock } from './stream-clock.js';
import { MemoryWindowStore, type ProfileCodec, type WindowState } from './window-store.js';
import { Windower } from './windower.js';
import type { PartitionProgress } from './progress-watermark.js';

export interface PartitionWindowsOptions {
  readonly sizesMs: readonly number[];
  readonly graceMs: number;
  /** Wall time without a batch after which a partition is reported idle (the owners leave it out). */
  readonly idleMs: number;
}

export interface PartitionState<P> {
  readonly key: string;
  readonly windower: Windower<P>;
  readonly clock: StreamClock;
  /** Wall time of its last batch, or of its assignment. */
  lastBatchAtMs: number;
}

/** What travels with a partition's committed offset (its metadata, a few hundred bytes). */
export interface PartitionClockState {
  readonly v: 1;
  /** Window sizes it was kept for (a restart with other sizes starts the clock afresh). */
  readonly sizesMs: readonly number[];
  /** StreamClock's confirmed and last event times; null for −∞. */
  readonly confirmedMs: number | null;
  readonly lastMs: number | null;
}

export class PartitionWindows<P> {
  private readonly parts = new Map<string, PartitionState<P>>();

  constructor(
    private readonly codec: ProfileCodec<P>,
    private readonly options: PartitionWindowsOptions,
  ) {}

  /** The state of partition `key`, created empty (assigned at nowMs) when new. */
  of(key: string, nowMs: number): PartitionState<P> {
    let p = this.parts.get(key);
    if (p === undefined) {
      const { sizesMs, graceMs } = this.options;
      p = { key, windower: new Windower(new MemoryWindowStore(this.codec), { sizesMs, graceMs }), clock: new StreamClock(), lastBatchAtMs: nowMs };
      this.parts.set(key, p);
    }
    return p;
  }

  /** A batch of `key` was processed at nowMs (its records fed to its clock and windower). */
  afterBatch(key: string, nowMs: number): void {
    const p = this.of(key, nowMs);
    p.lastBatchAtMs = nowMs;
    p.windower.advanceTo(p.clock.confirmedMs);
  }

  /** Take partition `key`'s windows out (for its transaction's partials); it keeps its clock. */
  flush(key: string): WindowState<P>[] {
    return this.parts.get(key)?.windower.closeAll() ?? [];
  }

  /** Partition `key`'s clock and idleness at nowMs, for the owners. */
  progress(key: string, nowMs: number): PartitionProgress {
    const p = this.of(key, nowMs);
    return { partition: key, clockMs: p.clock.confirmedMs, idle: nowMs - p.lastBatchAtMs > this.options.idleMs };
  }

  keys(): string[] {
    return [...this.parts.keys()];
  }

  /** The partition left this member (revoked): what it held was published; its clock is in its offset's metadata. */
  drop(key: string): void {
    this.parts.delete(key);
  }

  /** Partition `key`'s clock, to commit with its offset. */
  clockState(key: string): PartitionClockState {
    const c = this.parts.get(key)?.clock;
    if (c === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `partition ${key} is not held here`);
    return { v: 1, sizesMs: this.options.sizesMs, confirmedMs: finiteOrNull(c.confirmedMs), lastMs: finiteOrNull(c.lastMs) };
  }

  /**
   * Take partition `key` over at nowMs with the clock committed with its offset (undefined: none,
   * the partition starts afresh). A clock kept for other window sizes is not used. Throws
   * SNAPSHOT_INVALID on a malformed state (the caller decides what a bad metadata string means).
   */
  restoreClock(key: string, state: unknown, nowMs: number): void {
    this.parts.delete(key);
    const p = this.of(key, nowMs);
    if (state === undefined) return;
    const s = state as Partial<PartitionClockState> | null;
    const time = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));
    if (typeof s !== 'object' || s === null || s.v !== 1 || !Array.isArray(s.sizesMs) || !time(s.confirmedMs) || !time(s.lastMs)) {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `partition ${key}: the clock committed with its offset is malformed`);
    }
    if (JSON.stringify(s.sizesMs) !== JSON.stringify(this.options.sizesMs)) return;
    const confirmedMs = s.confirmedMs ?? Number.NEGATIVE_INFINITY;
    p.clock.restore(confirmedMs, s.lastMs ?? Number.NEGATIVE_INFINITY);
    p.windower.setStreamTime(confirmedMs);
  }
}

function finiteOrNull(t: number): number | null {
  return Number.isFinite(t) ? t : null;
}
