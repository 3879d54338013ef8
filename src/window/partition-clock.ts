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
 */

export interface PartitionClockEntry {
  key: string;
  maxEventMs: number;
}

export class PartitionClock {
  private readonly parts = new Map<string, { maxEventMs: number; seenAtMs: number }>();

  constructor(private readonly idleMs: number) {}

  /** A batch from `key` was processed at wall time nowMs; its largest event time (−∞ if none). */
  observe(key: string, maxEventMs: number, nowMs: number): void {
    const p = this.parts.get(key);
    if (p === undefined) this.parts.set(key, { maxEventMs, seenAtMs: nowMs });
    else {
      if (maxEventMs > p.maxEventMs) p.maxEventMs = maxEventMs;
      p.seenAtMs = nowMs;
    }
  }

  /** Partitions assigned to this consumer: unknown ones start holding the watermark from nowMs. */
  assign(keys: Iterable<string>, nowMs: number): void {
    for (const key of keys) if (!this.parts.has(key)) this.parts.set(key, { maxEventMs: Number.NEGATIVE_INFINITY, seenAtMs: nowMs });
  }

  watermark(nowMs: number): number {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let active = 0;
    for (const p of this.parts.values()) {
      if (p.maxEventMs > max) max = p.maxEventMs;
      if (nowMs - p.seenAtMs > this.idleMs) continue;
      active++;
      if (p.maxEventMs < min) min = p.maxEventMs;
    }
    return active > 0 ? min : max;
  }

  snapshot(): PartitionClockEntry[] {
    return [...this.parts].map(([key, p]) => ({ key, maxEventMs: p.maxEventMs }));
  }

  /** Restored partitions count as just seen: they get `idleMs` to show up again. */
  restore(entries: readonly PartitionClockEntry[], nowMs: number): void {
    this.parts.clear();
    for (const e of entries) this.parts.set(e.key, { maxEventMs: e.maxEventMs ?? Number.NEGATIVE_INFINITY, seenAtMs: nowMs });
  }
}
