/**
 * The watermark of a scaled-out stage over the partitions that feed it (docs/scale-out.md), from
 * the progress each partition's holder publishes: the one-process rule (partition-clock.ts) — the
 * smallest clock of the partitions not idle, the largest when all are idle, and a partition never
 * heard from holds it back. It never moves back: a partition that comes back from idle with an
 * older clock holds it where it is until it catches up. Window owners keep one over the input
 * partitions (data quality) or the keyed partitions (label monitors); a keyed partition keeps one
 * over the input partitions.
 */

export interface PartitionProgress {
  readonly partition: string;
  /** The partition's stream time (its confirmed event time), −∞ before its first row. */
  readonly clockMs: number;
  /** Nothing came from it for the idle time: what it held was published before this message. */
  readonly idle: boolean;
}

/** A watermark's state, carried with its holder's commits so a successor continues from it. */
export interface WatermarkState {
  readonly mark: number;
  readonly clocks: readonly PartitionProgress[];
}

export class ProgressWatermark {
  private readonly clocks = new Map<string, { clockMs: number; idle: boolean }>();
  private readonly expected: Set<string>;
  private mark = Number.NEGATIVE_INFINITY;

  constructor(partitions: Iterable<string>) {
    this.expected = new Set(partitions);
  }

  /** The feeding topic gained partitions: they hold the watermark until they report progress. */
  expectPartitions(keys: Iterable<string>): void {
    for (const k of keys) this.expected.add(k);
  }

  progress(m: PartitionProgress): void {
    const before = this.clocks.get(m.partition);
    // transactions make a partition's committed progress monotone; a stale duplicate changes nothing
    const clockMs = Math.max(before?.clockMs ?? Number.NEGATIVE_INFINITY, m.clockMs);
    this.clocks.set(m.partition, { clockMs, idle: m.idle });
    this.expected.add(m.partition);
  }

  /** The watermark now (see the file comment). */
  watermark(): number {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let active = 0;
    for (const key of this.expected) {
      const c = this.clocks.get(key);
      if (c === undefined) return this.mark; // not heard from yet: holds it back
      if (c.clockMs > max) max = c.clockMs;
      if (c.idle) continue;
      active++;
      if (c.clockMs < min) min = c.clockMs;
    }
    const now = this.expected.size === 0 ? Number.NEGATIVE_INFINITY : active > 0 ? min : max;
    if (now > this.mark) this.mark = now;
    return this.mark;
  }

  state(): WatermarkState {
    this.watermark();
    return { mark: this.mark, clocks: [...this.clocks].map(([partition, c]) => ({ partition, ...c })) };
  }

  /** Continue from a predecessor's state (after a crash or a rebalance). */
  restore(s: WatermarkState): void {
    if (s.mark > this.mark) this.mark = s.mark;
    for (const c of s.clocks) this.progress(c);
  }
}
