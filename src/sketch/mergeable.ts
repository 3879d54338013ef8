/**
 * The mergeable-sketch boundary shared by HyperLogLog, BoundedFrequencies, Moments and the
 * dataset profile, plus the tiny binary codec their `serialize`/`deserialize` use.
 *
 * Why our own codec instead of a library: the formats are ours (snapshot bytes of window state),
 * they are flat sequences of little-endian numbers, and every decoding problem must surface as one
 * DriftmonError (SKETCH_CORRUPT) naming the sketch — a few DataView calls do that with no
 * dependency. Every format starts with a 4-byte ASCII magic and a 1-byte version.
 */
import { DriftmonError, ErrorCode } from '../errors.js';

/** A summary that can absorb another of its kind and be written as bytes. */
export interface MergeableSketch<T = unknown> {
  /** Fold `other` into this sketch (mutates this; `other` is unchanged). Throws SKETCH_INCOMPATIBLE on a parameter mismatch. */
  merge(other: T): void;
  /** Compact binary form; the implementation's `deserialize` restores an equivalent sketch. */
  serialize(): Uint8Array;
}

/** A SKETCH_CORRUPT error for `what` (e.g. "HyperLogLog"). */
export function corrupt(what: string, reason: string): DriftmonError {
  return new DriftmonError(ErrorCode.SKETCH_CORRUPT, `${what}: corrupt serialized bytes (${reason})`);
}

/** A SKETCH_INCOMPATIBLE error for `what`. */
export function incompatible(what: string, reason: string): DriftmonError {
  return new DriftmonError(ErrorCode.SKETCH_INCOMPATIBLE, `${what}: cannot merge (${reason})`);
}

function magicNumber(magic: string): number {
  if (magic.length !== 4) throw new RangeError(`magic must be 4 ASCII characters: ${magic}`);
  return (
    (magic.charCodeAt(0) | (magic.charCodeAt(1) << 8) | (magic.charCodeAt(2) << 16) | (magic.charCodeAt(3) << 24)) >>> 0
  );
}

/** Growable little-endian writer. Not used on update paths. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  header(magic: string, version: number): this {
    this.u32(magicNumber(magic));
    return this.u8(version);
  }

  u8(x: number): this {
    this.ensure(1);
    this.view.setUint8(this.pos, x);
    this.pos += 1;
    return this;
  }

  u32(x: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, x, true);
    this.pos += 4;
    return this;
  }

  f64(x: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** u32 length then the bytes. */
  blob(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }

  /**
   * u32 number of UTF-16 code units, then the code units (u16 LE). UTF-16 rather than UTF-8 so
   * that any JS string (lone surrogates included) round-trips exactly.
   */
  string(s: string): this {
    const n = s.length;
    this.u32(n);
    this.ensure(2 * n);
    for (let i = 0; i < n; i++) this.view.setUint16(this.pos + 2 * i, s.charCodeAt(i), true);
    this.pos += 2 * n;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Bounds-checked little-endian reader; every problem throws SKETCH_CORRUPT naming `what`. */
export class ByteReader {
  private readonly view: DataView;
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    readonly what: string,
  ) {
    if (!(bytes instanceof Uint8Array)) throw corrupt(what, 'not a byte array');
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw corrupt(this.what, 'truncated');
  }

  /** Check the magic and the version; returns the version. */
  header(magic: string, version: number): number {
    if (this.bytes.length < 5) throw corrupt(this.what, 'truncated header');
    if (this.u32() !== magicNumber(magic)) throw corrupt(this.what, 'bad magic');
    const v = this.u8();
    if (v !== version) throw corrupt(this.what, `unknown version ${v}`);
    return v;
  }

  u8(): number {
    this.need(1);
    const x = this.view.getUint8(this.pos);
    this.pos += 1;
    return x;
  }

  u32(): number {
    this.need(4);
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }

  f64(): number {
    this.need(8);
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }

  /** A finite f64 ≥ 0 (counts, weights). */
  count(field: string): number {
    const x = this.f64();
    if (!(x >= 0 && x < Infinity)) throw corrupt(this.what, `${field} is ${x}`);
    return x;
  }

  /** A u32 length, checked against the remaining bytes (`unit` bytes per element). */
  length(unit: number, field: string): number {
    const n = this.u32();
    if (n * unit > this.remaining) throw corrupt(this.what, `${field} length ${n} exceeds the data`);
    return n;
  }

  bytesView(n: number): Uint8Array {
    this.need(n);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  blob(field: string): Uint8Array {
    return this.bytesView(this.length(1, field));
  }

  string(field: string): string {
    const n = this.length(2, field);
    let out = '';
    const CHUNK = 4096;
    const codes: number[] = [];
    for (let i = 0; i < n; i += CHUNK) {
      const m = Math.min(CHUNK, n - i);
      codes.length = m;
      for (let j = 0; j < m; j++) codes[j] = this.view.getUint16(this.pos + 2 * (i + j), true);
      out += String.fromCharCode.apply(null, codes);
    }
    this.pos += 2 * n;
    return out;
  }

  /** Every byte must have been consumed. */
  end(): void {
    if (this.pos !== this.bytes.length) throw corrupt(this.what, `${this.bytes.length - this.pos} trailing bytes`);
  }
}
