/**
 * A member's side of a scaled-out monitor (docs/scale-out.md): every assigned input partition has
 * its own windows and its own outlier-safe stream clock, so a partition's state can move to another
 * member on its own (snapshot / restore per partition) and its windows close by its own clock. A
 * window its clock has passed is that partition's final partial; a partition that delivered
 * nothing for `idleMs` of wall time has its open windows flushed as they stand, so no window at
 * the owner waits for it (window-assembler.ts).
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { decodeFramed, encodeFramed } from '../state/framed.js';
import { StreamClock } from './stream-clock.js';
import { MemoryWindowStore, type ProfileCodec, type WindowState } from './window-store.js';
import { Windower } from './windower.js';
import type { PartitionProgress } from './window-assembler.js';

export interface PartitionWindowsOptions {
  readonly sizesMs: readonly number[];
  readonly graceMs: number;
  /** Wall time without a record after which a partition counts as idle and is flushed. */
  readonly idleMs: number;
}

export interface PartitionState<P> {
  readonly key: string;
  readonly windower: Windower<P>;
  readonly clock: StreamClock;
  /** Wall time of its last batch, or of its assignment. */
  lastBatchAtMs: number;
  /** Flushed for idleness and nothing came since. */
  idle: boolean;
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
      p = { key, windower: new Windower(new MemoryWindowStore(this.codec), { sizesMs, graceMs }), clock: new StreamClock(), lastBatchAtMs: nowMs, idle: false };
      this.parts.set(key, p);
    }
    return p;
  }

  /** After a batch of `key` was processed (records fed to its clock and windower): its due windows. */
  afterBatch(key: string, nowMs: number): WindowState<P>[] {
    const p = this.of(key, nowMs);
    p.lastBatchAtMs = nowMs;
    p.idle = false;
    p.windower.advanceTo(p.clock.confirmedMs);
    return p.windower.closeDue();
  }

  /** Partitions idle since the last call: their open windows, flushed (they count as idle from now on). */
  flushIdle(nowMs: number): Array<{ key: string; windows: WindowState<P>[] }> {
    const out: Array<{ key: string; windows: WindowState<P>[] }> = [];
    for (const p of this.parts.values()) {
      if (p.idle || nowMs - p.lastBatchAtMs <= this.options.idleMs) continue;
      p.idle = true;
      out.push({ key: p.key, windows: p.windower.closeAll() });
    }
    return out;
  }

  /** Every held partition's clock and idleness, for the owners. */
  progress(): PartitionProgress[] {
    return [...this.parts.values()].map((p) => ({ partition: p.key, clockMs: p.clock.confirmedMs, idle: p.idle }));
  }

  keys(): string[] {
    return [...this.parts.keys()];
  }

  /** The partition left this member (revoked): its state goes (the changelog holds it). */
  drop(key: string): void {
    this.parts.delete(key);
  }

  /** Partition `key`'s complete state (windows, clock, late counts) as bytes for its changelog. */
  snapshot(key: string): Uint8Array {
    const p = this.parts.get(key);
    if (p === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `partition ${key} is not held here`);
    const header = {
      version: 1,
      key,
      confirmedMs: p.clock.confirmedMs,
      lastMs: p.clock.lastMs,
      idle: p.idle,
      sizesMs: p.windower.sizesMs,
      lateBySize: p.windower.lateBySize,
    };
    return encodeFramed(header, p.windower.snapshotWindows());
  }

  /** Take partition `key` over from its changelog snapshot (assigned at nowMs). */
  restore(key: string, bytes: Uint8Array, nowMs: number): void {
    const fail = (why: string): never => {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `partition ${key}: changelog snapshot is invalid: ${why}`);
    };
    type Header = { version?: number; key?: string; confirmedMs?: number | null; lastMs?: number | null; idle?: boolean; sizesMs?: number[]; lateBySize?: number[] };
    const { header, body } = decodeFramed<Header>(bytes, fail);
    if (header.version !== 1) fail(`unknown version ${String(header.version)}`);
    if (header.key !== key) fail(`it is partition ${String(header.key)}'s`);
    if (JSON.stringify(header.sizesMs) !== JSON.stringify(this.options.sizesMs)) {
      fail(`window sizes ${JSON.stringify(header.sizesMs)} differ from the configured ${JSON.stringify(this.options.sizesMs)}`);
    }
    this.parts.delete(key);
    const p = this.of(key, nowMs);
    // JSON writes −∞ (no record yet) as null
    const confirmedMs = header.confirmedMs ?? Number.NEGATIVE_INFINITY;
    p.clock.restore(confirmedMs, header.lastMs ?? Number.NEGATIVE_INFINITY);
    p.windower.restoreWindows(body, confirmedMs);
    (header.lateBySize ?? []).forEach((n, i) => (p.windower.lateBySize[i] = n));
    p.idle = header.idle === true;
  }
}
