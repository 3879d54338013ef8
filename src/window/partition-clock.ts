/**
 * The watermark of a partitioned stream: the smallest of the partitions' largest event times.
 *
 * With stream time = the largest event time over all partitions, whichever partition the consumer
 * happens to read ahead (after a restart, or under uneven lag) would push stream time forward and
 * make the others' records late. Taking the minimum over partitions means a record is late only
 * if it is out of order within its own partition by more than the grace — a property of the data,
 * not of how fetches interleave — so a replay after a crash closes the same windows with the same
 * counts.
 *
 * Partitions assigned but not yet heard from hold the watermark back (otherwise the first
 * partition to deliver would close windows the others still feed). A partition that has delivered
 * nothing for `idleMs` of wall time is left out (an idle producer must not hold every window open);
 * when all are idle, the largest is used.
 *
 * A partition's "largest event time" is its StreamClock's confirmed time (stream-clock.ts): one
 * record far ahead of the rest of its partition does not count until the next record confirms it.
 */
import { StreamClock } from './stream-clock.js';

export interface PartitionClockEntry {
  key: string;
  /** The partition's stream time (its largest confirmed event time). */
  maxEventMs: number;
  /** Its latest record's event time, not confirmed yet (absent in snapshots before the outlier-safe clock). */
  lastEventMs?: number;
}

export class PartitionClock {
  private readonly parts = new Map<string, { clock: StreamClock; seenAtMs: number }>();

  constructor(private readonly idleMs: number) {}

  /**
   * The clock of partition `key` (new partitions start at −∞, seen at nowMs): feed it each record
   * of a batch from `key`, then call seen().
   */
  clockOf(key: string, nowMs: number): StreamClock {
    return this.part(key, nowMs).clock;
  }

  /** A batch from `key` was processed at wall time nowMs (with or without valid records). */
  seen(key: string, nowMs: number): void {
    this.part(key, nowMs).seenAtMs = nowMs;
  }

  /** Partitions assigned to this consumer: unknown ones start holding the watermark from nowMs. */
  assign(keys: Iterable<string>, nowMs: number): void {
    for (const key of keys) this.part(key, nowMs);
  }

  private part(key: string, nowMs: number): { clock: StreamClock; seenAtMs: number } {
    let p = this.parts.get(key);
    if (p === undefined) {
      p = { clock: new StreamClock(), seenAtMs: nowMs };
      this.parts.set(key, p);
    }
    return p;
  }

  watermark(nowMs: number): number {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let active = 0;
    for (const p of this.parts.values()) {
      const t = p.clock.confirmedMs;
      if (t > max) max = t;
      if (nowMs - p.seenAtMs > this.idleMs) continue;
      active++;
      if (t < min) min = t;
    }
    return active > 0 ? min : max;
  }

  snapshot(): PartitionClockEntry[] {
    return [...this.parts].map(([key, p]) => ({ key, maxEventMs: p.clock.confirmedMs, lastEventMs: p.clock.lastMs }));
  }

  /**
   * Restored partitions count as just seen: they get `idleMs` to show up again. JSON writes −∞ as
   * null; an older snapshot has no lastEventMs (then the next record is confirmed by the one after).
   */
  restore(entries: readonly PartitionClockEntry[], nowMs: number): void {
    this.parts.clear();
    for (const e of entries) {
      const clock = new StreamClock();
      clock.restore(e.maxEventMs ?? Number.NEGATIVE_INFINITY, e.lastEventMs ?? Number.NEGATIVE_INFINITY);
      this.parts.set(e.key, { clock, seenAtMs: nowMs });
    }
  }
}
