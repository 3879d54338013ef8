/**
 * A sealed segment of the disk join store: its data file (record-log.ts, no longer appended to)
 * and two sorted files written once when it is sealed:
 *
 *   .idx  one 16-byte entry per live id, sorted by 64-bit id hash:  hi u32 | lo u32 | offset u32 | kind u32
 *   .tim  the same entries sorted by timeMs:                        timeMs f64 | kind << 24 | index position u32 | offset u32
 *
 * In memory it keeps only a few bits per entry: a Bloom filter (10 bits), a deletion bitmap (1 bit:
 * joined or expired since sealing), and one fence per 4 KiB index page (the first hash's high
 * word). A lookup that passes the Bloom filter reads one index page and one data record with
 * positioned reads and compares the full id (hash collisions are harmless). Expiry walks the .tim
 * file from a cursor, so each entry is visited once over the segment's life; the bitmap and the
 * cursor are what a checkpoint saves of it.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DriftmonError, ErrorCode } from '../errors.js';
import { BloomFilter } from './bloom-filter.js';
import { idHash64 } from './id-hash64.js';
import type { RecordView } from './record-log.js';

const ENTRY_BYTES = 16;
const PAGE_ENTRIES = 256;
const PAGE_BYTES = PAGE_ENTRIES * ENTRY_BYTES;
const SCAN_ENTRIES = 8192;
/** The most entries one segment may hold (the .tim file packs the index position in 24 bits). */
export const MAX_SEGMENT_ENTRIES = 1 << 24;

export const segmentFile = (no: number, ext: 'log' | 'idx' | 'tim'): string => `seg-${String(no).padStart(6, '0')}.${ext}`;

/** What a checkpoint records of a sealed segment (besides its deletion bitmap). */
export interface SealedSegmentMeta {
  segment: number;
  entries: number;
  dataBytes: number;
  indexCrc: number;
  cursor: number;
  live: number;
}

/** The live entries of the active segment when it is sealed (parallel arrays, n entries). */
export interface SealInput {
  n: number;
  hi: Uint32Array;
  lo: Uint32Array;
  kind: Uint8Array;
  timeMs: Float64Array;
  offset: Float64Array;
}

const fail = (message: string, cause?: unknown): never => {
  throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, message, cause === undefined ? {} : { cause });
};

// Scratch shared by all segments (lookups are synchronous and never interleave).
const page = new ArrayBuffer(PAGE_BYTES);
const pageU32 = new Uint32Array(page);
const pageBuf = Buffer.from(page);
const scan = new ArrayBuffer(SCAN_ENTRIES * ENTRY_BYTES);
const scanU32 = new Uint32Array(scan);
const scanF64 = new Float64Array(scan);
const scanBuf = Buffer.from(scan);
const hash = new Uint32Array(2);

export class SealedSegment {
  /** Set by find(): the kind and data offset of the entry found. */
  foundKind = 0;
  foundOffset = 0;
  private readonly bloom: BloomFilter;
  private readonly fences: Uint32Array;
  private nextTimeMs = Infinity;

  private constructor(
    readonly segment: number,
    readonly entries: number,
    readonly dataBytes: number,
    readonly indexCrc: number,
    readonly fds: { data: number; idx: number; tim: number },
    readonly deleted: Uint8Array,
    public cursor: number,
    public live: number,
  ) {
    this.bloom = new BloomFilter(entries);
    this.fences = new Uint32Array(Math.ceil(entries / PAGE_ENTRIES));
  }

  get where(): string {
    return segmentFile(this.segment, 'log');
  }

  /** Bytes on disk (data + both sorted files). */
  get diskBytes(): number {
    return this.dataBytes + 2 * this.entries * ENTRY_BYTES;
  }

  /** In-memory bytes (Bloom filter, bitmap, fences). */
  get memoryBytes(): number {
    return this.bloom.byteLength + this.deleted.byteLength + this.fences.byteLength;
  }

  meta(): SealedSegmentMeta {
    return { segment: this.segment, entries: this.entries, dataBytes: this.dataBytes, indexCrc: this.indexCrc, cursor: this.cursor, live: this.live };
  }

  /** Seals: writes .idx and .tim for `input` (the data file is already complete). Not fsynced. */
  static write(dir: string, segment: number, dataFd: number, dataBytes: number, input: SealInput): SealedSegment {
    const { n, hi, lo } = input;
    const byHash = new Uint32Array(n);
    for (let i = 0; i < n; i++) byHash[i] = i;
    byHash.sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]!);
    const idx = new Uint32Array(n * 4);
    for (let j = 0; j < n; j++) {
      const e = byHash[j]!;
      idx[4 * j] = hi[e]!;
      idx[4 * j + 1] = lo[e]!;
      idx[4 * j + 2] = input.offset[e]!;
      idx[4 * j + 3] = input.kind[e]!;
    }
    const byTime = new Uint32Array(n);
    for (let j = 0; j < n; j++) byTime[j] = j;
    byTime.sort((a, b) => input.timeMs[byHash[a]!]! - input.timeMs[byHash[b]!]!);
    const tim = new ArrayBuffer(n * ENTRY_BYTES);
    const timF64 = new Float64Array(tim);
    const timU32 = new Uint32Array(tim);
    for (let k = 0; k < n; k++) {
      const j = byTime[k]!;
      const e = byHash[j]!;
      timF64[2 * k] = input.timeMs[e]!;
      timU32[4 * k + 2] = (input.kind[e]! << 24) | j;
      timU32[4 * k + 3] = input.offset[e]!;
    }
    const idxBytes = Buffer.from(idx.buffer, 0, n * ENTRY_BYTES);
    const fds = {
      data: dataFd,
      idx: writeNew(join(dir, segmentFile(segment, 'idx')), idxBytes),
      tim: writeNew(join(dir, segmentFile(segment, 'tim')), Buffer.from(tim)),
    };
    const s = new SealedSegment(segment, n, dataBytes, crc32(idxBytes), fds, new Uint8Array(Math.ceil(n / 8)), 0, n);
    for (let j = 0; j < n; j++) s.bloom.add(idx[4 * j]!, idx[4 * j + 1]!);
    for (let p = 0; p < s.fences.length; p++) s.fences[p] = idx[4 * p * PAGE_ENTRIES]!;
    s.nextTimeMs = n > 0 ? timF64[0]! : Infinity;
    return s;
  }

  /** Opens a sealed segment named by a checkpoint; every inconsistency is STATE_STORE_FAILED. */
  static open(dir: string, m: SealedSegmentMeta, deleted: Uint8Array): SealedSegment {
    const fds = { data: -1, idx: -1, tim: -1 };
    try {
      fds.data = openChecked(dir, segmentFile(m.segment, 'log'), m.dataBytes);
      fds.idx = openChecked(dir, segmentFile(m.segment, 'idx'), m.entries * ENTRY_BYTES);
      fds.tim = openChecked(dir, segmentFile(m.segment, 'tim'), m.entries * ENTRY_BYTES);
      const s = new SealedSegment(m.segment, m.entries, m.dataBytes, m.indexCrc, fds, deleted, m.cursor, m.live);
      let crc = 0;
      for (let j = 0; j < m.entries; j += SCAN_ENTRIES) {
        const k = Math.min(SCAN_ENTRIES, m.entries - j);
        readFully(fds.idx, scanBuf, k * ENTRY_BYTES, j * ENTRY_BYTES);
        crc = crc32(scanBuf.subarray(0, k * ENTRY_BYTES), crc);
        for (let i = 0; i < k; i++) {
          s.bloom.add(scanU32[4 * i]!, scanU32[4 * i + 1]!);
          if ((j + i) % PAGE_ENTRIES === 0) s.fences[(j + i) / PAGE_ENTRIES] = scanU32[4 * i]!;
        }
      }
      if (crc !== m.indexCrc) fail(`join store ${segmentFile(m.segment, 'idx')}: checksum mismatch`);
      s.nextTimeMs = s.timeAtCursor();
      return s;
    } catch (e) {
      for (const fd of Object.values(fds)) if (fd >= 0) closeSync(fd);
      throw e;
    }
  }

  /**
   * The index position of the live entry with this hash and id (idBuf[0, idBytes)), or -1; sets
   * foundKind/foundOffset. Reads the record into `view`.
   */
  find(hi: number, lo: number, idBuf: Buffer, idBytes: number, view: RecordView): number {
    if (this.live === 0 || !this.bloom.mayContain(hi, lo)) return -1;
    const fences = this.fences;
    let a = 0;
    let b = fences.length - 1;
    let start = 0;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      if (fences[mid]! < hi) {
        start = mid;
        a = mid + 1;
      } else {
        b = mid - 1;
      }
    }
    for (let p = start; p < fences.length; p++) {
      if (p > start && fences[p]! > hi) return -1;
      const k = Math.min(PAGE_ENTRIES, this.entries - p * PAGE_ENTRIES);
      readFully(this.fds.idx, pageBuf, k * ENTRY_BYTES, p * PAGE_BYTES);
      for (let i = 0; i < k; i++) {
        const eh = pageU32[4 * i]!;
        if (eh < hi) continue;
        if (eh > hi) return -1;
        const el = pageU32[4 * i + 1]!;
        if (el < lo) continue;
        if (el > lo) return -1;
        const pos = p * PAGE_ENTRIES + i;
        if (this.isDeleted(pos)) continue;
        const offset = pageU32[4 * i + 2]!;
        view.readAt(this.fds.data, offset, this.dataBytes, this.where);
        if (view.idEquals(idBuf, idBytes)) {
          this.foundKind = pageU32[4 * i + 3]!;
          this.foundOffset = offset;
          return pos;
        }
        idHash64(view.buf, view.idStart, view.idEnd, hash);
        if (hash[0] !== hi || hash[1] !== lo) fail(`join store ${this.where}: index entry ${pos} does not match its record`);
      }
    }
    return -1;
  }

  isDeleted(pos: number): boolean {
    return (this.deleted[pos >>> 3]! & (1 << (pos & 7))) !== 0;
  }

  delete(pos: number): void {
    this.deleted[pos >>> 3]! |= 1 << (pos & 7);
    this.live--;
  }

  /** Deletes every live entry with timeMs < cutoffMs, calling visit(kind, dataOffset) for each. */
  expireBefore(cutoffMs: number, visit: (kind: number, offset: number) => void): void {
    while (this.nextTimeMs < cutoffMs) {
      const k = Math.min(SCAN_ENTRIES, this.entries - this.cursor);
      readFully(this.fds.tim, scanBuf, k * ENTRY_BYTES, this.cursor * ENTRY_BYTES);
      let i = 0;
      for (; i < k; i++) {
        const t = scanF64[2 * i]!;
        if (!(t < cutoffMs)) break;
        const packed = scanU32[4 * i + 2]!;
        const pos = packed & 0xffffff;
        if (!this.isDeleted(pos)) {
          this.delete(pos);
          visit(packed >>> 24, scanU32[4 * i + 3]!);
        }
      }
      this.cursor += i;
      this.nextTimeMs = i < k ? scanF64[2 * i]! : this.timeAtCursor();
    }
  }

  private timeAtCursor(): number {
    if (this.cursor >= this.entries) return Infinity;
    readFully(this.fds.tim, scanBuf, 8, this.cursor * ENTRY_BYTES);
    return scanF64[0]!;
  }

  /** Each live entry's kind and data offset (forEachEntry). */
  forEachLive(visit: (kind: number, offset: number) => void): void {
    for (let j = 0; j < this.entries; j += SCAN_ENTRIES) {
      const k = Math.min(SCAN_ENTRIES, this.entries - j);
      readFully(this.fds.idx, scanBuf, k * ENTRY_BYTES, j * ENTRY_BYTES);
      for (let i = 0; i < k; i++) if (!this.isDeleted(j + i)) visit(scanU32[4 * i + 3]!, scanU32[4 * i + 2]!);
    }
  }

  close(): void {
    closeSync(this.fds.data);
    closeSync(this.fds.idx);
    closeSync(this.fds.tim);
  }
}

function writeNew(path: string, bytes: Buffer): number {
  const fd = openSync(path, 'w+');
  let o = 0;
  while (o < bytes.length) o += writeSync(fd, bytes, o, bytes.length - o, o);
  return fd;
}

function openChecked(dir: string, name: string, expectedBytes: number): number {
  let fd: number;
  try {
    fd = openSync(join(dir, name), 'r');
  } catch (e) {
    return fail(`join store: cannot open ${join(dir, name)} named by the checkpoint: ${(e as Error).message}`, e);
  }
  const size = fstatSync(fd).size;
  if (size !== expectedBytes) {
    closeSync(fd);
    fail(`join store: ${join(dir, name)} has ${size} bytes, the checkpoint says ${expectedBytes}`);
  }
  return fd;
}

function readFully(fd: number, buf: Buffer, bytes: number, position: number): void {
  let o = 0;
  while (o < bytes) {
    const got = readSync(fd, buf, o, bytes - o, position + o);
    if (got === 0) fail(`join store: unexpected end of file at byte ${position + o}`);
    o += got;
  }
}
