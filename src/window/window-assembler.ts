/**
 * The owner's side of a scaled-out monitor (docs/scale-out.md): partial windows published by the
 * members, one per window and input partition (or several, when a partition went idle and came
 * back), are merged here; the window closes once the watermark over every input partition has
 * passed its end + grace, and is then evaluated once.
 *
 * The watermark is over every input partition, from the progress the members publish
 * (progress-watermark.ts).
 *
 * Why it is complete at close: a member writes a partition's partial for W before the progress
 * that says its clock passed W's end + grace (same transaction, same partials partition, so it is
 * read first), and flushes an idle partition's windows before the progress that says it is idle.
 * A partial for a window closed here already is late: its rows are counted, not merged.
 *
 * Pure: positions are opaque numbers from the caller (partials-topic offsets), so it can say
 * which is the oldest it still needs (the commit point) without knowing Kafka.
 */
import { ProgressWatermark, type PartitionProgress, type WatermarkState } from './progress-watermark.js';
import type { WindowState } from './window-store.js';


export interface PartialWindow<P> {
  readonly sizeMs: number;
  readonly startMs: number;
  /** The input partition it comes from (partitionKey()). */
  readonly partition: string;
  readonly rows: number;
  readonly weight: number;
  readonly profile: P;
  /** Where it was read (the caller's position, e.g. its offset in the partials topic). */
  readonly position: number;
}

export interface AssemblerCodec<P> {
  create(): P;
  /** Merge `from` into `into` (both the same kind of profile). */
  merge(into: P, from: P): void;
}

interface OpenWindow<P> extends WindowState<P> {
  /** The smallest position of a partial merged into it: it must be read again after a crash. */
  firstPosition: number;
}

export class WindowAssembler<P> {
  private readonly open = new Map<string, OpenWindow<P>>();
  private readonly mark: ProgressWatermark;
  /** Windows reported already (closed markers read back after a crash): their partials are skipped. */
  private readonly reported = new Set<string>();
  /** Rows of partials that came after their window closed here, per window size (ms). */
  readonly lateRowsBySize = new Map<number, number>();

  constructor(
    private readonly codec: AssemblerCodec<P>,
    private readonly graceMs: number,
    inputPartitions: Iterable<string>,
  ) {
    this.mark = new ProgressWatermark(inputPartitions);
  }

  /** The input topic gained partitions: they hold the watermark until they report progress. */
  expectPartitions(keys: Iterable<string>): void {
    this.mark.expectPartitions(keys);
  }

  /** Merge one partial; false when its window closed here already (its rows are counted late). */
  addPartial(p: PartialWindow<P>): boolean {
    const key = windowKey(p.sizeMs, p.startMs);
    if (this.reported.has(key)) return true; // merged and reported before a crash: not late, not again
    if (p.startMs + p.sizeMs + this.graceMs <= this.mark.watermark() && !this.open.has(key)) {
      this.lateRowsBySize.set(p.sizeMs, (this.lateRowsBySize.get(p.sizeMs) ?? 0) + p.rows);
      return false;
    }
    let w = this.open.get(key);
    if (w === undefined) {
      w = { sizeMs: p.sizeMs, startMs: p.startMs, endMs: p.startMs + p.sizeMs, rows: 0, weight: 0, profile: this.codec.create(), firstPosition: p.position };
      this.open.set(key, w);
    }
    this.codec.merge(w.profile, p.profile);
    w.rows += p.rows;
    w.weight += p.weight;
    w.firstPosition = Math.min(w.firstPosition, p.position);
    return true;
  }

  progress(m: PartitionProgress): void {
    this.mark.progress(m);
  }

  /** A closed marker read back: the window was reported before (by this owner or a previous one). */
  markReported(sizeMs: number, startMs: number): void {
    const key = windowKey(sizeMs, startMs);
    this.reported.add(key);
    this.open.delete(key);
  }

  /** The watermark over every input partition; never moves back. */
  watermark(): number {
    return this.mark.watermark();
  }

  /** Remove and return the windows the watermark has passed, oldest end first. */
  closeDue(): WindowState<P>[] {
    const mark = this.watermark();
    const due: WindowState<P>[] = [];
    for (const [key, w] of this.open) {
      if (w.endMs + this.graceMs > mark) continue;
      this.open.delete(key);
      const { sizeMs, startMs, endMs, rows, weight, profile } = w;
      due.push({ sizeMs, startMs, endMs, rows, weight, profile });
    }
    return due.sort((a, b) => a.endMs - b.endMs || a.sizeMs - b.sizeMs);
  }

  /**
   * The oldest position still needed: the first partial of the oldest open window (commit the
   * reader's offsets up to it), or undefined when no window is open (commit everything read).
   */
  oldestNeededPosition(): number | undefined {
    let oldest: number | undefined;
    for (const w of this.open.values()) if (oldest === undefined || w.firstPosition < oldest) oldest = w.firstPosition;
    return oldest;
  }

  /** The open windows as they stand (for the owner's consolidations; do not change them). */
  openWindows(): WindowState<P>[] {
    return [...this.open.values()];
  }

  /** The watermark and every partition's latest progress (the owner's state message). */
  state(): WatermarkState {
    return this.mark.state();
  }

  /** Continue from a predecessor's state message (after a crash or a rebalance). */
  restoreState(s: WatermarkState): void {
    this.mark.restore(s);
  }

  openCount(): number {
    return this.open.size;
  }
}

/** The key of a window in the partials topic (and its reports): size and start, both ms. */
export function windowKey(sizeMs: number, startMs: number): string {
  return `${sizeMs}/${startMs}`;
}
