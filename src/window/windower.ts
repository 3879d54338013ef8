/**
 * Event-time tumbling windows, Kafka-Streams style: a window [start, start + size) closes once
 * stream time ≥ end + grace; a record whose window has (or would have) closed already is late:
 * counted per window size and not added. Windows are aligned to the epoch, so a 5m and a 1h window
 * share boundaries.
 *
 * Stream time is advanced from outside (advanceTo): one ordered stream (files, stdin) sets it
 * record by record from its StreamClock (stream-clock.ts: one record far ahead cannot move it), a
 * partitioned source to the watermark over its partitions (partition-clock.ts), so neither an
 * outlier nor how partitions interleave decides what is late.
 */
import type { WindowState, WindowStore } from './window-store.js';

export interface WindowerOptions {
  sizesMs: readonly number[];
  graceMs: number;
}

export class Windower<P> {
  private streamTime = Number.NEGATIVE_INFINITY;
  /** Per size: the window the last record went to (most records hit it again). */
  private readonly current: (WindowState<P> | undefined)[];
  /** Late records per window size, in sizesMs order. */
  readonly lateBySize: number[];
  private readonly sizes: number[];

  constructor(
    private readonly store: WindowStore<P>,
    private readonly options: WindowerOptions,
  ) {
    this.sizes = [...options.sizesMs];
    this.current = this.sizes.map(() => undefined);
    this.lateBySize = this.sizes.map(() => 0);
  }

  get streamTimeMs(): number {
    return this.streamTime;
  }

  get sizesMs(): readonly number[] {
    return this.sizes;
  }

  /**
   * Route one row at event time t: calls `apply(profile)` for each window size whose window is
   * still open, adding `weight` (1 / sampling ratio) to it. Returns how many sizes accepted it
   * (0 = late everywhere).
   */
  add(t: number, apply: (profile: P) => void, weight = 1): number {
    const grace = this.options.graceMs;
    let accepted = 0;
    for (let i = 0; i < this.sizes.length; i++) {
      let w = this.current[i];
      if (w === undefined || t < w.startMs || t >= w.endMs) {
        const size = this.sizes[i] as number;
        const start = t - mod(t, size);
        if (start + size + grace <= this.streamTime) {
          (this.lateBySize[i] as number)++;
          continue;
        }
        w = this.store.getOrCreate(size, start);
        this.current[i] = w;
      } else if (w.endMs + grace <= this.streamTime) {
        // the cached window is due to close: this record is late for it
        (this.lateBySize[i] as number)++;
        continue;
      }
      w.rows++;
      w.weight += weight;
      apply(w.profile);
      accepted++;
    }
    return accepted;
  }

  /** Close the windows that stream time has passed (end + grace ≤ stream time). */
  closeDue(): WindowState<P>[] {
    const closed = this.store.closeUpTo(this.streamTime, this.options.graceMs);
    if (closed.length > 0) this.forgetClosed(closed);
    return closed;
  }

  /** Close every open window (end of input, or shutdown of a replay). */
  closeAll(): WindowState<P>[] {
    const closed = this.store.closeAll();
    this.current.fill(undefined);
    return closed;
  }

  /** Move stream time forward (never back). */
  advanceTo(t: number): void {
    if (t > this.streamTime) this.streamTime = t;
  }

  /** Restore stream time after a snapshot restore. */
  setStreamTime(t: number): void {
    this.streamTime = t;
    this.current.fill(undefined);
  }

  openCount(sizeMs?: number): number {
    return this.store.openCount(sizeMs);
  }

  private forgetClosed(closed: WindowState<P>[]): void {
    for (let i = 0; i < this.current.length; i++) {
      const w = this.current[i];
      if (w !== undefined && closed.includes(w)) this.current[i] = undefined;
    }
  }
}

function mod(t: number, size: number): number {
  const r = t % size;
  return r < 0 ? r + size : r;
}
