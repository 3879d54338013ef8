/**
 * A segment's data file: an append-only log of records, each
 *
 *   recordBytes u32 | op u8 | idBytes u16 | timeMs f64 | id (UTF-8) | payload      (little-endian)
 *
 * op is an EntryKind (1 prediction, 2 label, 3 tombstone) or REMOVE (the id left the active
 * segment: joined or expired). The active segment's log is replayed into the in-memory table on
 * open; a sealed segment's records are reached through its index (sealed-segment.ts). Writes go
 * through a 1 MiB buffer; a checkpoint flushes and fsyncs it and records the length, and a restore
 * truncates the log to that length (whatever a crash left after it is discarded).
 */
import { ftruncateSync, readSync, writeSync } from 'node:fs';
import { DriftmonError, ErrorCode } from '../errors.js';

export const OP_REMOVE = 4;
export const RECORD_HEADER_BYTES = 15;
const BUFFER_BYTES = 1 << 20;
const FIRST_READ_BYTES = 256;

/** A decoded record: its bytes are buf[start, start + recordBytes). Reused between reads. */
export class RecordView {
  buf: Buffer = Buffer.allocUnsafe(4096);
  start = 0;
  op = 0;
  timeMs = 0;
  recordBytes = 0;
  idStart = 0;
  idEnd = 0;

  get payloadStart(): number {
    return this.idEnd;
  }

  get payloadEnd(): number {
    return this.start + this.recordBytes;
  }

  id(): string {
    return this.buf.toString('utf8', this.idStart, this.idEnd);
  }

  payload(): Uint8Array {
    return new Uint8Array(this.buf.subarray(this.idEnd, this.start + this.recordBytes));
  }

  /** Whether the record's id bytes equal bytes[0, n). */
  idEquals(bytes: Buffer, n: number): boolean {
    return this.idEnd - this.idStart === n && this.buf.compare(bytes, 0, n, this.idStart, this.idEnd) === 0;
  }

  /** Decodes the record at buf[start]; false when its header does not fit within limit. */
  decode(start: number, limit: number, where: string): boolean {
    if (start + RECORD_HEADER_BYTES > limit) return false;
    const b = this.buf;
    this.start = start;
    this.recordBytes = b.readUInt32LE(start);
    this.op = b[start + 4]!;
    const idBytes = b.readUInt16LE(start + 5);
    this.timeMs = b.readDoubleLE(start + 7);
    this.idStart = start + RECORD_HEADER_BYTES;
    this.idEnd = this.idStart + idBytes;
    if (this.op < 1 || this.op > OP_REMOVE || this.recordBytes < RECORD_HEADER_BYTES + idBytes) {
      throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, `join store ${where}: corrupt record at byte ${start}`);
    }
    return true;
  }

  /** Reads and decodes the record at file offset `offset` (file length `fileBytes`). */
  readAt(fd: number, offset: number, fileBytes: number, where: string): void {
    let got = readSync(fd, this.buf, 0, Math.min(FIRST_READ_BYTES, fileBytes - offset), offset);
    if (!this.decode(0, got, where)) throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, `join store ${where}: truncated record at byte ${offset}`);
    if (this.recordBytes > got) {
      if (offset + this.recordBytes > fileBytes) throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, `join store ${where}: truncated record at byte ${offset}`);
      if (this.buf.length < this.recordBytes) this.buf = Buffer.allocUnsafe(this.recordBytes * 2);
      got = readSync(fd, this.buf, 0, this.recordBytes, offset);
      this.decode(0, got, where);
    }
  }
}

/** The active segment's log: appends through a buffer, reads from the file or the buffer. */
export class RecordLog {
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private buffered = 0;
  /** Bytes written to the file (the buffer holds what comes after). */
  private written: number;

  constructor(
    readonly fd: number,
    readonly where: string,
    fileBytes: number,
  ) {
    this.written = fileBytes;
  }

  get length(): number {
    return this.written + this.buffered;
  }

  /** Appends a record (id = idBuf[0, idBytes)); returns its offset. */
  append(op: number, idBuf: Buffer, idBytes: number, timeMs: number, payload: Uint8Array): number {
    const n = RECORD_HEADER_BYTES + idBytes + payload.length;
    if (this.buffered + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
    const offset = this.length;
    const b = this.buf;
    const o = this.buffered;
    b.writeUInt32LE(n, o);
    b[o + 4] = op;
    b.writeUInt16LE(idBytes, o + 5);
    b.writeDoubleLE(timeMs, o + 7);
    idBuf.copy(b, o + RECORD_HEADER_BYTES, 0, idBytes);
    b.set(payload, o + RECORD_HEADER_BYTES + idBytes);
    this.buffered += n;
    return offset;
  }

  flush(): void {
    let o = 0;
    while (o < this.buffered) o += writeSync(this.fd, this.buf, o, this.buffered - o, this.written + o);
    this.written += this.buffered;
    this.buffered = 0;
  }

  read(offset: number, view: RecordView): void {
    if (offset < this.written) {
      view.readAt(this.fd, offset, this.written, this.where);
      return;
    }
    const from = offset - this.written;
    const n = this.buf.readUInt32LE(from);
    if (view.buf.length < n) view.buf = Buffer.allocUnsafe(n * 2);
    this.buf.copy(view.buf, 0, from, from + n);
    view.decode(0, n, this.where);
  }

  /** Cuts the file to `bytes` (a restore discarding what came after the checkpoint). */
  truncate(bytes: number): void {
    this.buffered = 0;
    ftruncateSync(this.fd, bytes);
    this.written = bytes;
  }

  /** Every record from the start, in order (replay on open); the view is reused. */
  *scan(view: RecordView): Generator<number> {
    this.flush();
    const chunk = Buffer.allocUnsafe(BUFFER_BYTES);
    let fileOffset = 0;
    while (fileOffset < this.written) {
      const got = readSync(this.fd, chunk, 0, Math.min(chunk.length, this.written - fileOffset), fileOffset);
      let p = 0;
      for (;;) {
        if (p + 4 > got) break;
        const n = chunk.readUInt32LE(p);
        if (n < RECORD_HEADER_BYTES) throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, `join store ${this.where}: corrupt record at byte ${fileOffset + p}`);
        if (p + n > got) {
          if (p === 0) {
            // a record larger than the chunk: read it alone
            if (fileOffset + n > this.written) break;
            view.readAt(this.fd, fileOffset, this.written, this.where);
            yield fileOffset;
            p = n;
          }
          break;
        }
        if (view.buf.length < n) view.buf = Buffer.allocUnsafe(n * 2);
        chunk.copy(view.buf, 0, p, p + n);
        view.decode(0, n, this.where);
        yield fileOffset + p;
        p += n;
      }
      if (p === 0) throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, `join store ${this.where}: truncated record at byte ${fileOffset}`);
      fileOffset += p;
    }
  }
}
