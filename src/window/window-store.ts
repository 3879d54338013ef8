/**
 * Where open event-time windows live. The store only keeps state; the windower decides what is
 * late and what closes. Snapshots are self-contained bytes (the next issue checkpoints them with
 * the consumed offsets).
 */
import { DriftmonError, ErrorCode } from '../errors.js';

export interface WindowKey {
  readonly sizeMs: number;
  readonly startMs: number;
}

export interface WindowState<P> extends WindowKey {
  readonly endMs: number;
  /** Rows accepted into this window. */
  rows: number;
  /**
   * Rows they stand for: each row weighs 1 / sampling ratio at the time it came (1 at full
   * capture). weight / rows rescales counts in the report; rows / weight is the effective rate.
   */
  weight: number;
  profile: P;
}

export interface ProfileCodec<P> {
  create(): P;
  serialize(p: P): Uint8Array;
  deserialize(bytes: Uint8Array): P;
}

export interface WindowStore<P> {
  /** The open window for (size, start), created empty if absent. */
  getOrCreate(sizeMs: number, startMs: number): WindowState<P>;
  get(sizeMs: number, startMs: number): WindowState<P> | undefined;
  /** Remove and return every window of any size with endMs + graceMs ≤ streamTimeMs, oldest end first. */
  closeUpTo(streamTimeMs: number, graceMs: number): WindowState<P>[];
  /** Remove and return all windows, oldest end first. */
  closeAll(): WindowState<P>[];
  openCount(sizeMs?: number): number;
  snapshot(): Uint8Array;
  restore(bytes: Uint8Array): void;
}

const MAGIC = 0x44574e32; // "DWN2"
const ENTRY = 36; // size, start, rows, weight (f64 each) + profile length (u32)

export class MemoryWindowStore<P> implements WindowStore<P> {
  private readonly bySize = new Map<number, Map<number, WindowState<P>>>();

  constructor(private readonly codec: ProfileCodec<P>) {}

  getOrCreate(sizeMs: number, startMs: number): WindowState<P> {
    let windows = this.bySize.get(sizeMs);
    if (windows === undefined) {
      windows = new Map();
      this.bySize.set(sizeMs, windows);
    }
    let w = windows.get(startMs);
    if (w === undefined) {
      w = { sizeMs, startMs, endMs: startMs + sizeMs, rows: 0, weight: 0, profile: this.codec.create() };
      windows.set(startMs, w);
    }
    return w;
  }

  get(sizeMs: number, startMs: number): WindowState<P> | undefined {
    return this.bySize.get(sizeMs)?.get(startMs);
  }

  closeUpTo(streamTimeMs: number, graceMs: number): WindowState<P>[] {
    const closed: WindowState<P>[] = [];
    for (const windows of this.bySize.values()) {
      for (const [start, w] of windows) {
        if (w.endMs + graceMs <= streamTimeMs) {
          closed.push(w);
          windows.delete(start);
        }
      }
    }
    return closed.sort(byEnd);
  }

  closeAll(): WindowState<P>[] {
    const closed: WindowState<P>[] = [];
    for (const windows of this.bySize.values()) closed.push(...windows.values());
    this.bySize.clear();
    return closed.sort(byEnd);
  }

  openCount(sizeMs?: number): number {
    if (sizeMs !== undefined) return this.bySize.get(sizeMs)?.size ?? 0;
    let n = 0;
    for (const w of this.bySize.values()) n += w.size;
    return n;
  }

  snapshot(): Uint8Array {
    const windows = [...this.bySize.values()].flatMap((m) => [...m.values()]).sort(byEnd);
    const blobs = windows.map((w) => this.codec.serialize(w.profile));
    const size = 8 + windows.reduce((n, _w, i) => n + ENTRY + (blobs[i] as Uint8Array).length, 0);
    const buf = new Uint8Array(size);
    const view = new DataView(buf.buffer);
    view.setUint32(0, MAGIC);
    view.setUint32(4, windows.length);
    let o = 8;
    windows.forEach((w, i) => {
      const blob = blobs[i] as Uint8Array;
      view.setFloat64(o, w.sizeMs);
      view.setFloat64(o + 8, w.startMs);
      view.setFloat64(o + 16, w.rows);
      view.setFloat64(o + 24, w.weight);
      view.setUint32(o + 32, blob.length);
      buf.set(blob, o + ENTRY);
      o += ENTRY + blob.length;
    });
    return buf;
  }

  restore(bytes: Uint8Array): void {
    const fail = (why: string): never => {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `window snapshot is invalid: ${why}`);
    };
    if (bytes.length < 8) fail('too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0) !== MAGIC) fail('bad magic');
    const n = view.getUint32(4);
    this.bySize.clear();
    let o = 8;
    for (let i = 0; i < n; i++) {
      if (o + ENTRY > bytes.length) fail('truncated');
      const sizeMs = view.getFloat64(o);
      const startMs = view.getFloat64(o + 8);
      const rows = view.getFloat64(o + 16);
      const weight = view.getFloat64(o + 24);
      const len = view.getUint32(o + 32);
      if (o + ENTRY + len > bytes.length) fail('truncated profile');
      const profile = this.codec.deserialize(bytes.subarray(o + ENTRY, o + ENTRY + len));
      const w = this.getOrCreate(sizeMs, startMs);
      w.rows = rows;
      w.weight = weight;
      w.profile = profile;
      o += ENTRY + len;
    }
    if (o !== bytes.length) fail('trailing bytes');
  }
}

function byEnd<P>(a: WindowState<P>, b: WindowState<P>): number {
  return a.endMs - b.endMs || a.sizeMs - b.sizeMs;
}
