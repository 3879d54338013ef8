/**
 * The disk-backed JoinStore: 10M pending predictions in a few hundred MB of RSS.
 *
 * Why our own format rather than the npm `lmdb` package: lmdb would keep a B-tree of the full ids
 * in an mmapped file, and every page a lookup touches counts in RSS (RssFile) — with random UUID
 * ids over 10M entries that is most of the file; it also brings a native module with an install
 * script. The workload here is simpler than a general key-value store: entries arrive roughly in
 * time order, are looked up by an id that is nearly always absent (a new prediction) or recent,
 * are deleted once (joined or expired), and expire wholesale by time. So:
 *
 * - The ACTIVE segment is an append-only log (record-log.ts) plus an in-memory Map from id to a
 *   slot in three typed arrays (kind, timeMs, data offset) — the only per-entry JS data, bounded
 *   by `memtableEntries`. A later record for an id supersedes an earlier one; REMOVE drops it.
 * - When the Map is full the segment is SEALED (sealed-segment.ts): its live entries are written
 *   to an index sorted by a 64-bit id hash and to a time-ordered list. In memory a sealed entry
 *   costs ~11 bits: Bloom filter (10 bits/key) + deletion bitmap (1 bit) + page fences. Lookups
 *   use positioned reads (one 4 KiB index page, one record) and compare the full id.
 * - A join or an expiry of a sealed entry sets its deletion bit; a join appends a tombstone to the
 *   active log. Expiry walks each sealed segment's time list from a cursor; a segment whose
 *   entries are all deleted is dropped whole.
 * - checkpoint() flushes and fsyncs the log and every file sealed since, writes the deletion
 *   bitmaps to a new state file (tmp + fsync + rename + directory fsync) and returns a manifest:
 *   the sealed segments (entries, sizes, index CRC, cursor) and the active log's length. open()
 *   restores exactly that: sealed files must match, the log is truncated to the recorded length
 *   and replayed, and every file the manifest does not name is deleted. Files an older manifest
 *   needs are deleted only when the caller acknowledges a newer one (acknowledge()).
 */
import { closeSync, fstatSync, fsync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { DriftmonError, ErrorCode } from '../errors.js';
import { replaceFile } from '../state/durable-file.js';
import { idHash64 } from './id-hash64.js';
import { EntryKind, MAX_ID_BYTES, type ExpireResult, type JoinOutcome, type JoinRecord, type JoinStore } from './join-store.js';
import { OP_REMOVE, RecordLog, RecordView } from './record-log.js';
import { MAX_SEGMENT_ENTRIES, SealedSegment, segmentFile, type SealedSegmentMeta } from './sealed-segment.js';

export interface JoinStoreManifest {
  format: 'driftmon-join-store';
  version: 1;
  /** Increases with every checkpoint. */
  generation: number;
  /** Deletion bitmaps of the sealed segments, in order, and their CRC-32. */
  stateFile: string;
  stateCrc: number;
  /** The active segment and the length its log had at the checkpoint. */
  active: { segment: number; logBytes: number };
  segments: SealedSegmentMeta[];
  counts: { pendingPredictions: number; pendingLabels: number; tombstones: number };
}

export interface DiskJoinStoreOptions {
  /** Entries the active segment holds in memory before it is sealed (default 262,144). */
  memtableEntries?: number;
}

const FILE_PATTERN = /^(seg-\d{6}\.(log|idx|tim)|state-\d{6}\.bin)$/;
const MAX_LOG_BYTES = 2 ** 31;
const fsyncAsync = promisify(fsync);
const stateFile = (generation: number): string => `state-${String(generation).padStart(6, '0')}.bin`;
const fail = (message: string, cause?: unknown): never => {
  throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, message, cause === undefined ? {} : { cause });
};
const NO_PAYLOAD = new Uint8Array(0);

export class DiskJoinStore implements JoinStore<JoinStoreManifest> {
  pendingPredictions = 0;
  pendingLabels = 0;
  tombstones = 0;

  private readonly capacity: number;
  private readonly mem = new Map<string, number>();
  private readonly memKind: Uint8Array;
  private readonly memTimeMs: Float64Array;
  private readonly memOffset: Float64Array;
  private nextSlot = 0;
  private memMinTimeMs = Infinity;
  private log!: RecordLog;
  private activeSegment = 0;
  private segments: SealedSegment[] = [];
  /** Dropped segments whose files an unacknowledged manifest may still name. */
  private dropped: SealedSegment[] = [];
  /** Files written since the last checkpoint's fsync. */
  private unsynced: number[] = [];
  private generation = 0;
  private stateGenerations: number[] = [];
  private closed = false;
  private readonly idBuf = Buffer.allocUnsafe(MAX_ID_BYTES * 3 + 8);
  private readonly hash = new Uint32Array(2);
  /** The position findSealed found last. */
  private foundPos = -1;
  private readonly view = new RecordView();

  private constructor(
    readonly dir: string,
    options: DiskJoinStoreOptions,
  ) {
    this.capacity = Math.min(MAX_SEGMENT_ENTRIES, Math.max(1, options.memtableEntries ?? 262_144));
    this.memKind = new Uint8Array(this.capacity);
    this.memTimeMs = new Float64Array(this.capacity);
    this.memOffset = new Float64Array(this.capacity);
  }

  /**
   * Opens the store in `dir` at the state `manifest` describes (undefined: an empty store; files
   * of an earlier run without a checkpoint are deleted). A file the manifest names that is
   * missing or does not match is a DriftmonError STATE_STORE_FAILED.
   */
  static async open(dir: string, manifest: JoinStoreManifest | undefined, options: DiskJoinStoreOptions = {}): Promise<DiskJoinStore> {
    const s = new DiskJoinStore(dir, options);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      fail(`join store: cannot create ${dir}: ${(e as Error).message}`, e);
    }
    if (manifest === undefined) {
      removeFiles(dir, () => true);
      s.activeSegment = 1;
      s.log = new RecordLog(openSync(join(dir, segmentFile(1, 'log')), 'w+'), segmentFile(1, 'log'), 0);
      return s;
    }
    s.restore(manifest);
    return s;
  }

  private restore(m: JoinStoreManifest): void {
    const ok =
      m !== null &&
      typeof m === 'object' &&
      m.format === 'driftmon-join-store' &&
      m.version === 1 &&
      Array.isArray(m.segments) &&
      typeof m.active?.segment === 'number' &&
      typeof m.active.logBytes === 'number' &&
      typeof m.stateFile === 'string' &&
      FILE_PATTERN.test(m.stateFile);
    if (!ok) fail('join store manifest is invalid');
    let state: Buffer;
    try {
      state = readFileSync(join(this.dir, m.stateFile));
    } catch (e) {
      return fail(`join store: cannot read ${join(this.dir, m.stateFile)} named by the checkpoint: ${(e as Error).message}`, e);
    }
    const expected = m.segments.reduce((n, g) => n + Math.ceil(g.entries / 8), 0);
    if (state.length !== expected || crc32(state) !== m.stateCrc) fail(`join store: ${join(this.dir, m.stateFile)} is corrupt`);
    let o = 0;
    try {
      for (const g of m.segments) {
        const bytes = Math.ceil(g.entries / 8);
        this.segments.push(SealedSegment.open(this.dir, g, Uint8Array.from(state.subarray(o, o + bytes))));
        o += bytes;
      }
      const logName = segmentFile(m.active.segment, 'log');
      let fd: number;
      try {
        fd = openSync(join(this.dir, logName), 'r+');
      } catch (e) {
        return fail(`join store: cannot open ${join(this.dir, logName)} named by the checkpoint: ${(e as Error).message}`, e);
      }
      this.activeSegment = m.active.segment;
      this.log = new RecordLog(fd, logName, 0);
      const size = fstatSync(fd).size;
      if (size < m.active.logBytes) fail(`join store: ${join(this.dir, logName)} has ${size} bytes, the checkpoint says ${m.active.logBytes}`);
      this.log.truncate(m.active.logBytes);
      this.replay();
    } catch (e) {
      this.close();
      throw e;
    }
    const keep = new Set([m.stateFile, segmentFile(m.active.segment, 'log')]);
    for (const g of m.segments) for (const ext of ['log', 'idx', 'tim'] as const) keep.add(segmentFile(g.segment, ext));
    removeFiles(this.dir, (name) => !keep.has(name));
    this.generation = m.generation;
    this.stateGenerations = [m.generation];
    this.pendingPredictions = m.counts.pendingPredictions;
    this.pendingLabels = m.counts.pendingLabels;
    this.tombstones = m.counts.tombstones;
  }

  private replay(): void {
    const v = this.view;
    for (const offset of this.log.scan(v)) {
      const id = v.id();
      if (v.op === OP_REMOVE) {
        this.mem.delete(id);
        continue;
      }
      const slot = this.mem.get(id);
      if (slot !== undefined) {
        this.setSlot(slot, v.op, v.timeMs, offset);
      } else {
        if (this.nextSlot >= this.capacity) fail(`join store ${this.log.where}: more entries than the in-memory table holds (memtableEntries lowered?)`);
        this.mem.set(id, this.newSlot(v.op, v.timeMs, offset));
      }
    }
  }

  putPrediction(p: JoinRecord): JoinOutcome {
    return this.put(p, EntryKind.PREDICTION, EntryKind.LABEL);
  }

  putLabel(l: JoinRecord): JoinOutcome {
    return this.put(l, EntryKind.LABEL, EntryKind.PREDICTION);
  }

  private put(r: JoinRecord, side: EntryKind, other: EntryKind): JoinOutcome {
    this.check();
    const idBytes = this.encodeId(r.id);
    const slot = this.mem.get(r.id);
    if (slot !== undefined) {
      const kind = this.memKind[slot]!;
      if (kind !== other) return { kind: 'duplicate', of: kind === EntryKind.TOMBSTONE ? 'joined' : 'pending' };
      this.log.read(this.memOffset[slot]!, this.view);
      const waiting = this.waiting(r.id);
      const timeMs = Math.max(waiting.timeMs, r.timeMs);
      this.setSlot(slot, EntryKind.TOMBSTONE, timeMs, this.log.append(EntryKind.TOMBSTONE, this.idBuf, idBytes, timeMs, NO_PAYLOAD));
      return this.joined(r, side, waiting);
    }
    const sealed = this.findSealed(idBytes);
    if (sealed >= 0) {
      const kind = (this.segments[sealed] as SealedSegment).foundKind;
      if (kind !== other) return { kind: 'duplicate', of: kind === EntryKind.TOMBSTONE ? 'joined' : 'pending' };
      const waiting = this.waiting(r.id);
      this.deleteFound(sealed);
      this.append(EntryKind.TOMBSTONE, r.id, idBytes, Math.max(waiting.timeMs, r.timeMs), NO_PAYLOAD);
      return this.joined(r, side, waiting);
    }
    this.append(side, r.id, idBytes, r.timeMs, r.payload);
    if (side === EntryKind.PREDICTION) this.pendingPredictions++;
    else this.pendingLabels++;
    return { kind: 'pending' };
  }

  /** The record just read into the view (the side that was waiting). */
  private waiting(id: string): JoinRecord {
    return { id, timeMs: this.view.timeMs, payload: this.view.payload() };
  }

  private joined(r: JoinRecord, side: EntryKind, waiting: JoinRecord): JoinOutcome {
    this.tombstones++;
    const mine = { id: r.id, timeMs: r.timeMs, payload: Uint8Array.from(r.payload) };
    if (side === EntryKind.PREDICTION) {
      this.pendingLabels--;
      return { kind: 'joined', prediction: mine, label: waiting };
    }
    this.pendingPredictions--;
    return { kind: 'joined', prediction: waiting, label: mine };
  }

  /** Appends a new entry to the active segment (sealing it first when full). */
  private append(kind: EntryKind, id: string, idBytes: number, timeMs: number, payload: Uint8Array): void {
    if (this.nextSlot >= this.capacity || this.log.length >= MAX_LOG_BYTES) {
      this.seal(); // reuses idBuf
      idBytes = this.idBuf.write(id, 0, 'utf8');
    }
    this.mem.set(id, this.newSlot(kind, timeMs, this.log.append(kind, this.idBuf, idBytes, timeMs, payload)));
  }

  private newSlot(kind: number, timeMs: number, offset: number): number {
    const slot = this.nextSlot++;
    this.setSlot(slot, kind, timeMs, offset);
    return slot;
  }

  private setSlot(slot: number, kind: number, timeMs: number, offset: number): void {
    this.memKind[slot] = kind;
    this.memTimeMs[slot] = timeMs;
    this.memOffset[slot] = offset;
    if (timeMs < this.memMinTimeMs) this.memMinTimeMs = timeMs;
  }

  private encodeId(id: string): number {
    if (id.length > MAX_ID_BYTES && Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) {
      throw new DriftmonError(ErrorCode.INTERNAL, `join store: id longer than ${MAX_ID_BYTES} bytes (callers must reject it)`);
    }
    return this.idBuf.write(id, 0, 'utf8');
  }

  private seal(): void {
    this.log.flush();
    const n = this.mem.size;
    const input = {
      n,
      hi: new Uint32Array(n),
      lo: new Uint32Array(n),
      kind: new Uint8Array(n),
      timeMs: new Float64Array(n),
      offset: new Float64Array(n),
    };
    let i = 0;
    for (const [id, slot] of this.mem) {
      idHash64(this.idBuf, 0, this.idBuf.write(id, 0, 'utf8'), this.hash);
      input.hi[i] = this.hash[0]!;
      input.lo[i] = this.hash[1]!;
      input.kind[i] = this.memKind[slot]!;
      input.timeMs[i] = this.memTimeMs[slot]!;
      input.offset[i] = this.memOffset[slot]!;
      i++;
    }
    try {
      const seg = SealedSegment.write(this.dir, this.activeSegment, this.log.fd, this.log.length, input);
      this.unsynced.push(seg.fds.data, seg.fds.idx, seg.fds.tim);
      if (seg.live > 0) this.segments.push(seg);
      else this.dropped.push(seg);
      this.activeSegment++;
      const name = segmentFile(this.activeSegment, 'log');
      this.log = new RecordLog(openSync(join(this.dir, name), 'w+'), name, 0);
    } catch (e) {
      if (e instanceof DriftmonError) throw e;
      fail(`join store: cannot seal segment ${this.activeSegment} in ${this.dir}: ${(e as Error).message}`, e);
    }
    this.mem.clear();
    this.nextSlot = 0;
    this.memMinTimeMs = Infinity;
  }

  private drop(i: number): void {
    const [seg] = this.segments.splice(i, 1);
    if (seg !== undefined) this.dropped.push(seg);
  }

  restoreEntry(kind: EntryKind, r: JoinRecord): void {
    this.check();
    this.remove(r.id);
    const tombstone = kind === EntryKind.TOMBSTONE;
    this.append(kind, r.id, this.encodeId(r.id), r.timeMs, tombstone ? NO_PAYLOAD : r.payload);
    if (kind === EntryKind.PREDICTION) this.pendingPredictions++;
    else if (kind === EntryKind.LABEL) this.pendingLabels++;
    else this.tombstones++;
  }

  restoreDelete(id: string): void {
    this.check();
    this.remove(id);
  }

  /** Forgets `id` wherever it is (an id lives in one place: the active segment or one sealed segment). */
  private remove(id: string): void {
    const idBytes = this.encodeId(id);
    const uncount = (kind: number): void => {
      if (kind === EntryKind.PREDICTION) this.pendingPredictions--;
      else if (kind === EntryKind.LABEL) this.pendingLabels--;
      else this.tombstones--;
    };
    const slot = this.mem.get(id);
    if (slot !== undefined) {
      uncount(this.memKind[slot]!);
      this.mem.delete(id);
      this.log.append(OP_REMOVE, this.idBuf, idBytes, this.memTimeMs[slot]!, NO_PAYLOAD);
      return;
    }
    const sealed = this.findSealed(idBytes);
    if (sealed >= 0) {
      uncount((this.segments[sealed] as SealedSegment).foundKind);
      this.deleteFound(sealed);
    }
  }

  /** The index of the sealed segment holding the id in idBuf (its kind: foundKind; its record: the view), or -1. */
  private findSealed(idBytes: number): number {
    const hash = this.hash;
    idHash64(this.idBuf, 0, idBytes, hash);
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const pos = (this.segments[i] as SealedSegment).find(hash[0]!, hash[1]!, this.idBuf, idBytes, this.view);
      if (pos >= 0) {
        this.foundPos = pos;
        return i;
      }
    }
    return -1;
  }

  /** Deletes the entry findSealed found in segment i (a segment left empty is dropped whole). */
  private deleteFound(i: number): void {
    const seg = this.segments[i] as SealedSegment;
    seg.delete(this.foundPos);
    if (seg.live === 0) this.drop(i);
  }

  expire(cutoffMs: number, onExpiredPrediction?: (p: JoinRecord) => void, onExpiredEntry?: (kind: EntryKind, id: string) => void): ExpireResult {
    this.check();
    const out: ExpireResult = { expiredPredictions: 0, orphanLabels: 0, expiredTombstones: 0 };
    const count = (kind: number, id: () => string, read: () => void): void => {
      // a sealed entry's id is read with its record
      if (onExpiredEntry !== undefined || (kind === EntryKind.PREDICTION && onExpiredPrediction !== undefined)) read();
      if (kind === EntryKind.PREDICTION) {
        out.expiredPredictions++;
        onExpiredPrediction?.({ id: id(), timeMs: this.view.timeMs, payload: this.view.payload() });
      } else if (kind === EntryKind.LABEL) {
        out.orphanLabels++;
      } else {
        out.expiredTombstones++;
      }
      onExpiredEntry?.(kind as EntryKind, id());
    };
    if (this.memMinTimeMs < cutoffMs) {
      let min = Infinity;
      for (const [id, slot] of this.mem) {
        const t = this.memTimeMs[slot]!;
        if (!(t < cutoffMs)) {
          if (t < min) min = t;
          continue;
        }
        count(this.memKind[slot]!, () => id, () => this.log.read(this.memOffset[slot]!, this.view));
        this.mem.delete(id);
        this.log.append(OP_REMOVE, this.idBuf, this.idBuf.write(id, 0, 'utf8'), t, NO_PAYLOAD);
      }
      this.memMinTimeMs = min;
    }
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const seg = this.segments[i]!;
      seg.expireBefore(cutoffMs, (kind, offset) =>
        count(kind, () => this.view.id(), () => this.view.readAt(seg.fds.data, offset, seg.dataBytes, seg.where)),
      );
      if (seg.live === 0) this.drop(i);
    }
    this.pendingPredictions -= out.expiredPredictions;
    this.pendingLabels -= out.orphanLabels;
    this.tombstones -= out.expiredTombstones;
    return out;
  }

  get diskBytes(): number {
    let n = this.log.length;
    for (const s of this.segments) n += s.diskBytes;
    for (const s of this.dropped) n += s.diskBytes;
    return n;
  }

  /** Bytes of in-memory index structures of the sealed segments (Bloom, bitmaps, fences). */
  get sealedMemoryBytes(): number {
    return this.segments.reduce((n, s) => n + s.memoryBytes, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  async checkpoint(): Promise<JoinStoreManifest> {
    this.check();
    // Everything below the first await is the state at the call; later puts do not change it.
    this.log.flush();
    const generation = ++this.generation;
    const segments = this.segments.map((s) => s.meta());
    const state = Buffer.concat(this.segments.map((s) => s.deleted));
    const manifest: JoinStoreManifest = {
      format: 'driftmon-join-store',
      version: 1,
      generation,
      stateFile: stateFile(generation),
      stateCrc: crc32(state),
      active: { segment: this.activeSegment, logBytes: this.log.length },
      segments,
      counts: { pendingPredictions: this.pendingPredictions, pendingLabels: this.pendingLabels, tombstones: this.tombstones },
    };
    const toSync = [this.log.fd, ...this.unsynced];
    this.unsynced = [];
    try {
      await Promise.all(toSync.map((fd) => fsyncAsync(fd)));
      await replaceFile(join(this.dir, manifest.stateFile), state, { tmp: join(this.dir, `${manifest.stateFile}.tmp`) });
    } catch (e) {
      this.unsynced.push(...toSync);
      throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, `join store: checkpoint in ${this.dir} failed: ${(e as Error).message}`, { cause: e, retryable: true });
    }
    this.stateGenerations.push(generation);
    return manifest;
  }

  acknowledge(manifest: JoinStoreManifest): void {
    const named = new Set(manifest.segments.map((g) => g.segment));
    const gone = this.dropped.filter((s) => s.segment < manifest.active.segment && !named.has(s.segment));
    this.dropped = this.dropped.filter((s) => !gone.includes(s));
    for (const s of gone) {
      s.close();
      for (const ext of ['log', 'idx', 'tim'] as const) unlinkQuietly(join(this.dir, segmentFile(s.segment, ext)));
    }
    const old = this.stateGenerations.filter((g) => g < manifest.generation);
    this.stateGenerations = this.stateGenerations.filter((g) => g >= manifest.generation);
    for (const g of old) unlinkQuietly(join(this.dir, stateFile(g)));
  }

  forEachEntry(visit: (kind: EntryKind, r: JoinRecord) => void): void {
    this.check();
    const v = this.view;
    for (const [id, slot] of this.mem) {
      this.log.read(this.memOffset[slot]!, v);
      visit(this.memKind[slot] as EntryKind, { id, timeMs: v.timeMs, payload: v.payload() });
    }
    for (const seg of this.segments) {
      seg.forEachLive((kind, offset) => {
        v.readAt(seg.fds.data, offset, seg.dataBytes, seg.where);
        visit(kind as EntryKind, { id: v.id(), timeMs: v.timeMs, payload: v.payload() });
      });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.log !== undefined) closeSync(this.log.fd);
    for (const s of [...this.segments, ...this.dropped]) s.close();
  }

  private check(): void {
    if (this.closed) throw new DriftmonError(ErrorCode.INTERNAL, 'join store used after close()');
  }
}

function removeFiles(dir: string, which: (name: string) => boolean): void {
  for (const name of readdirSync(dir)) if ((FILE_PATTERN.test(name) || /^state-\d{6}\.bin\.tmp$/.test(name)) && which(name)) unlinkQuietly(join(dir, name));
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
