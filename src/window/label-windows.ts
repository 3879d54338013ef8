/**
 * Inference-time windows that wait for labels. A data-quality window closes once stream time
 * passes its end (+ grace); a model-quality or bias window cannot, because its ground truth
 * arrives hours or days later. So each window [start, start + size) of inference time lives
 * through three phases:
 *
 *   open        stream time < end + grace: predictions still arriving; nothing reported
 *   provisional end + grace ≤ stream time < end + horizon: predictions are in, labels keep
 *               landing; a report version is emitted first at end + grace, then again whenever
 *               labels (or expiries) changed the window, at most once per re-emit interval and
 *               no more often than 1/24 of the window's age past its end (a day-old window at
 *               most hourly): with an 8-day horizon and hourly windows that is ~130 report
 *               versions an hour instead of ~190 a minute, while young windows stay fresh
 *   final       end + horizon ≤ stream time: every prediction of the window is joined or expired;
 *               the last report is emitted with `final: true` and the window is dropped
 *
 * A prediction whose window is already final is late: counted, not added (its label could not be
 * reported any more). Stream time is the watermark over the inference and ground-truth partitions;
 * wall time only throttles re-emission. Windows are aligned to the epoch like windower.ts.
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { decodeFramed, encodeFramed } from '../state/framed.js';

export interface LabelWindowOptions<S> {
  sizesMs: readonly number[];
  /** Predictions complete at end + grace: the first report. */
  graceMs: number;
  /** Labels are accepted until end + horizon: the final report. */
  horizonMs: number;
  /** A changed provisional window is re-reported at most this often (wall time). */
  reemitIntervalMs: number;
  create(): S;
  /** Add `from` into `into` (deltas from keyed partitions: mergeDelta). */
  merge?(into: S, from: S): void;
  serialize(state: S): Uint8Array;
  deserialize(bytes: Uint8Array): S;
}

export interface LabelWindow<S> {
  readonly sizeMs: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly state: S;
  /** Predictions seen with an inference time in the window. */
  predictions: number;
  /** Predictions joined with their label. */
  labeled: number;
  /** Predictions whose label did not come within the horizon. */
  expired: number;
  /** Report versions emitted so far. */
  version: number;
  /** Changed since the last report. */
  dirty: boolean;
  /** Wall time of the last report. */
  lastEmitMs: number;
}

/** What a window gained over an interval on one keyed partition of a scaled-out monitor (docs/scale-out.md). */
export interface LabelWindowDelta<S> {
  readonly sizeMs: number;
  readonly startMs: number;
  readonly predictions: number;
  readonly labeled: number;
  readonly expired: number;
  readonly state: S;
}

/** A provisional window is re-reported no more often than its age past its end divided by this. */
export const REEMIT_AGE_DIVISOR = 24;

export interface DueWindow<S> {
  window: LabelWindow<S>;
  final: boolean;
}

export class LabelWindows<S> {
  private streamTime = Number.NEGATIVE_INFINITY;
  private readonly windows = new Map<string, LabelWindow<S>>();
  /** Per size: predictions that came after their window was final. */
  readonly lateBySize: number[];

  constructor(private readonly options: LabelWindowOptions<S>) {
    this.lateBySize = options.sizesMs.map(() => 0);
  }

  get streamTimeMs(): number {
    return this.streamTime;
  }

  get sizesMs(): readonly number[] {
    return this.options.sizesMs;
  }

  /** Move stream time forward (never back). */
  advanceTo(t: number): void {
    if (t > this.streamTime) this.streamTime = t;
  }

  /** True when a prediction at inference time t can still be reported in some window size. */
  accepts(t: number): boolean {
    return this.options.sizesMs.some((size) => windowStart(t, size) + size + this.options.horizonMs > this.streamTime);
  }

  /** A prediction at inference time t: counted in each size's window; returns how many took it. */
  prediction(t: number): number {
    return this.each(t, true, (w) => w.predictions++);
  }

  /** A prediction at inference time t met its label: `apply` updates each window's state. */
  joined(t: number, apply: (state: S) => void): number {
    return this.each(t, false, (w) => {
      w.labeled++;
      apply(w.state);
    });
  }

  /** A prediction at inference time t expired unlabelled. */
  expired(t: number): number {
    return this.each(t, false, (w) => w.expired++);
  }

  /**
   * The windows to report now, oldest first: final ones (dropped from the set) and provisional
   * ones due for a new version. Marks them reported at `nowMs`.
   */
  due(nowMs: number): DueWindow<S>[] {
    const { graceMs, horizonMs, reemitIntervalMs } = this.options;
    const out: DueWindow<S>[] = [];
    for (const [key, w] of this.windows) {
      if (w.endMs + horizonMs <= this.streamTime) {
        this.windows.delete(key);
        out.push({ window: w, final: true });
      } else if (w.endMs + graceMs <= this.streamTime && (w.version === 0 || (w.dirty && nowMs - w.lastEmitMs >= this.reemitEvery(w, reemitIntervalMs)))) {
        out.push({ window: w, final: false });
      }
    }
    for (const d of out) {
      d.window.version++;
      d.window.dirty = false;
      d.window.lastEmitMs = nowMs;
    }
    return out.sort((a, b) => a.window.endMs - b.window.endMs || a.window.sizeMs - b.window.sizeMs);
  }

  private reemitEvery(w: LabelWindow<S>, reemitIntervalMs: number): number {
    return Math.max(reemitIntervalMs, (this.streamTime - w.endMs) / REEMIT_AGE_DIVISOR);
  }

  /**
   * Every window still held, oldest first, as `final` says (a replay's end: final, every label
   * read), and drops them.
   */
  drainAll(final: boolean): DueWindow<S>[] {
    const all = [...this.windows.values()].sort((a, b) => a.endMs - b.endMs || a.sizeMs - b.sizeMs);
    this.windows.clear();
    for (const w of all) {
      w.version++;
      w.dirty = false;
    }
    return all.map((window) => ({ window, final }));
  }

  /**
   * Every window's gains since the last call, and a fresh start (stream time and late counts are
   * kept): a keyed partition of a scaled-out monitor holds only deltas between its transactions.
   */
  takeDeltas(): LabelWindowDelta<S>[] {
    const out = [...this.windows.values()].map(({ sizeMs, startMs, predictions, labeled, expired, state }) => ({ sizeMs, startMs, predictions, labeled, expired, state }));
    this.windows.clear();
    return out;
  }

  /** Add a keyed partition's delta (a window owner); false when its window is final already (nothing added). */
  mergeDelta(d: LabelWindowDelta<S>): boolean {
    const merge = this.options.merge;
    if (merge === undefined) throw new DriftmonError(ErrorCode.INTERNAL, 'label windows without a merge cannot take deltas');
    const key = `${d.sizeMs}:${d.startMs}`;
    let w = this.windows.get(key);
    if (w === undefined) {
      if (d.startMs + d.sizeMs + this.options.horizonMs <= this.streamTime) return false;
      w = this.newWindow(d.sizeMs, d.startMs);
      this.windows.set(key, w);
    }
    w.predictions += d.predictions;
    w.labeled += d.labeled;
    w.expired += d.expired;
    merge(w.state, d.state);
    w.dirty = true;
    return true;
  }

  openCount(sizeMs?: number): number {
    if (sizeMs === undefined) return this.windows.size;
    let n = 0;
    for (const w of this.windows.values()) if (w.sizeMs === sizeMs) n++;
    return n;
  }

  get(sizeMs: number, startMs: number): LabelWindow<S> | undefined {
    return this.windows.get(`${sizeMs}:${startMs}`);
  }

  private each(t: number, create: boolean, fn: (w: LabelWindow<S>) => void): number {
    const { sizesMs, horizonMs } = this.options;
    let n = 0;
    for (let i = 0; i < sizesMs.length; i++) {
      const size = sizesMs[i] as number;
      const start = windowStart(t, size);
      const key = `${size}:${start}`;
      let w = this.windows.get(key);
      if (w === undefined) {
        if (start + size + horizonMs <= this.streamTime) {
          if (create) (this.lateBySize[i] as number)++;
          continue;
        }
        // (a join or expiry always follows its prediction(), so the window exists unless the
        // process restarted from a checkpoint without it: recreated, so nothing is lost)
        w = this.newWindow(size, start);
        this.windows.set(key, w);
      }
      fn(w);
      w.dirty = true;
      n++;
    }
    return n;
  }

  private newWindow(sizeMs: number, startMs: number, state: S = this.options.create()): LabelWindow<S> {
    return { sizeMs, startMs, endMs: startMs + sizeMs, state, predictions: 0, labeled: 0, expired: 0, version: 0, dirty: false, lastEmitMs: 0 };
  }

  /** Stream time, late counters and every window (counts, versions and state bytes). */
  snapshot(): Uint8Array {
    const states: Uint8Array[] = [];
    const windows = [...this.windows.values()].map((w) => {
      const bytes = this.options.serialize(w.state);
      states.push(bytes);
      const { sizeMs, startMs, predictions, labeled, expired, version, dirty, lastEmitMs } = w;
      return { sizeMs, startMs, predictions, labeled, expired, version, dirty, lastEmitMs, bytes: bytes.length };
    });
    return encodeFramed({ v: 1, streamTimeMs: this.streamTime, late: this.lateBySize, sizesMs: this.options.sizesMs, windows }, Buffer.concat(states));
  }

  /**
   * Add a snapshot to the windows held (a window owner's successor: its predecessor's windows, on
   * top of the deltas it read before them): counts add, states merge, the newer report version and
   * the later stream time win.
   */
  mergeSnapshot(bytes: Uint8Array): void {
    const merge = this.options.merge;
    if (merge === undefined) throw new DriftmonError(ErrorCode.INTERNAL, 'label windows without a merge cannot take a snapshot on top');
    const other = new LabelWindows<S>(this.options);
    other.restore(bytes);
    for (const [key, o] of other.windows) {
      const w = this.windows.get(key);
      if (w === undefined) {
        this.windows.set(key, o);
        continue;
      }
      w.predictions += o.predictions;
      w.labeled += o.labeled;
      w.expired += o.expired;
      merge(w.state, o.state);
      w.version = Math.max(w.version, o.version);
      w.lastEmitMs = Math.max(w.lastEmitMs, o.lastEmitMs);
      w.dirty = true;
    }
    this.advanceTo(other.streamTime);
    other.lateBySize.forEach((n, i) => ((this.lateBySize[i] as number) += n));
  }

  restore(bytes: Uint8Array): void {
    const fail = (why: string): never => {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `label windows snapshot is invalid: ${why}`);
    };
    type Entry = Omit<LabelWindow<S>, 'state' | 'endMs'> & { bytes: number };
    const { header, body: b } = decodeFramed<{ v?: number; streamTimeMs?: number | null; late?: number[]; sizesMs?: number[]; windows?: Entry[] }>(bytes, fail);
    if (header.v !== 1) fail(`unknown version ${String(header.v)}`);
    if (JSON.stringify(header.sizesMs) !== JSON.stringify(this.options.sizesMs)) {
      fail(`window sizes ${JSON.stringify(header.sizesMs)} differ from the configured ${JSON.stringify(this.options.sizesMs)}`);
    }
    this.windows.clear();
    let o = 0;
    for (const e of header.windows ?? []) {
      if (o + e.bytes > b.length) fail('truncated window state');
      const w = this.newWindow(e.sizeMs, e.startMs, this.options.deserialize(b.slice(o, o + e.bytes)));
      o += e.bytes;
      Object.assign(w, { predictions: e.predictions, labeled: e.labeled, expired: e.expired, version: e.version, dirty: e.dirty, lastEmitMs: e.lastEmitMs });
      this.windows.set(`${w.sizeMs}:${w.startMs}`, w);
    }
    if (o !== b.length) fail('trailing bytes');
    // JSON writes -Infinity (nothing seen yet) as null
    this.streamTime = header.streamTimeMs ?? Number.NEGATIVE_INFINITY;
    (header.late ?? []).forEach((n, i) => (this.lateBySize[i] = n));
  }
}

export function windowStart(t: number, sizeMs: number): number {
  const r = t % sizeMs;
  return t - (r < 0 ? r + sizeMs : r);
}
