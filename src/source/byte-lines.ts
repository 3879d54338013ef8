/**
 * Splits a file's bytes into lines, holding at most `maxBytes` of a line in memory. A longer line
 * is not buffered further: its first PREFIX_BYTES are kept and the rest skipped to the next newline,
 * then it comes out as a rejection (`line_too_long`) with its true length. A line that is not valid
 * UTF-8 comes out as a rejection (`invalid_utf8`, its text decoded with U+FFFD for the dead letter)
 * instead of being silently repaired. A UTF-8 BOM at the start of the input is dropped. CRLF and LF
 * are both accepted.
 *
 * The common case stays one validation and one decode per chunk: the complete lines of a chunk are
 * checked together (Buffer's isAscii, else isUtf8), and only a chunk that fails is checked line by line.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { RecordErrorReason } from '../errors.js';

/** How much of an over-long line is kept for its dead letter. */
export const PREFIX_BYTES = 1024;

export interface RejectedLine {
  readonly reason: RecordErrorReason;
  /** The line's text (for line_too_long, its first PREFIX_BYTES only). */
  readonly text: string;
  /** The line's true length in bytes. */
  readonly bytes: number;
}

export type ByteLine = string | RejectedLine;

export class ByteLineSplitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** While skipping an over-long line: its kept prefix. */
  private prefix: Buffer | undefined;
  private atStart: boolean;

  /**
   * `maxBytes`: the longest line kept whole, counting a CRLF's CR. `midFile`: the input starts at a
   * line inside a file (a byte range of it), where EF BB BF is text, not a BOM.
   */
  constructor(
    private readonly maxBytes: number,
    midFile = false,
  ) {
    this.atStart = !midFile;
  }

  /** Feed a chunk; returns the lines it completes. */
  push(input: Buffer): ByteLine[] {
    let chunk = input;
    if (this.atStart && chunk.length > 0) {
      if (this.carryBytes > 0) {
        chunk = Buffer.concat([...this.carry, chunk]);
        this.carry = [];
        this.carryBytes = 0;
      }
      // wait for a third byte only while what came so far could still be a BOM (an open pipe's
      // first line of one character must not be held back)
      if (chunk.length < 3 && isBomPrefix(chunk)) {
        this.hold(chunk);
        return [];
      }
      this.atStart = false;
      if (chunk.length >= 3 && isBomPrefix(chunk)) chunk = chunk.subarray(3);
    }
    const out: ByteLine[] = [];
    let start = 0;
    let nl = chunk.indexOf(10);
    if (nl >= 0 && (this.carryBytes > 0 || this.prefix !== undefined)) {
      this.finishHeld(chunk.subarray(0, nl), out);
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      const body = chunk.subarray(start, last);
      const fits = body.length <= this.maxBytes;
      if (fits && isAscii(body)) {
        // ASCII (capture files nearly always are): each line decoded on its own as latin1 — the same
        // text, a plain copy where UTF-8 decoding costs about 3× as much, and a flat string, which
        // the decoder scans faster than a slice of one chunk-wide string
        for (let s = start; s <= last; s = nl + 1) {
          nl = chunk.indexOf(10, s);
          out.push(chunk.toString('latin1', s, nl > s && chunk[nl - 1] === 13 ? nl - 1 : nl));
        }
      } else if (fits && isUtf8(body)) {
        for (const line of body.toString('utf8').split('\n')) out.push(stripCr(line));
      } else {
        for (let s = start; s <= last; s = nl + 1) {
          nl = chunk.indexOf(10, s);
          out.push(this.decodeLine(chunk.subarray(s, nl)));
        }
      }
      start = last + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
    return out;
  }

  /** The unterminated last line, if any (and resets). */
  end(): ByteLine[] {
    const out: ByteLine[] = [];
    if (this.atStart && this.carryBytes > 0) {
      // fewer than 3 bytes in all: not looked at yet
      const bytes = Buffer.concat(this.carry);
      this.carry = [];
      this.carryBytes = 0;
      this.atStart = false;
      out.push(...this.push(bytes));
    }
    if (this.carryBytes > 0 || this.prefix !== undefined) this.finishHeld(Buffer.alloc(0), out);
    this.atStart = true;
    return out;
  }

  private decodeLine(bytes: Buffer): ByteLine {
    if (bytes.length > this.maxBytes) {
      return { reason: RecordErrorReason.LINE_TOO_LONG, text: bytes.subarray(0, PREFIX_BYTES).toString('utf8'), bytes: bytes.length };
    }
    const text = stripCr(bytes.toString('utf8'));
    return isUtf8(bytes) ? text : { reason: RecordErrorReason.INVALID_UTF8, text, bytes: bytes.length };
  }

  /** Keep the bytes of an unfinished line, up to the limit; past it, only the prefix and the count. */
  private hold(bytes: Buffer): void {
    if (this.prefix === undefined && this.carryBytes + bytes.length <= this.maxBytes) {
      this.carry.push(bytes);
      this.carryBytes += bytes.length;
      return;
    }
    if (this.prefix === undefined) this.prefix = Buffer.concat([...this.carry, bytes]).subarray(0, PREFIX_BYTES);
    this.carry = [];
    this.carryBytes += bytes.length;
  }

  /** The held line ends with `tail` (the bytes before its newline). */
  private finishHeld(tail: Buffer, out: ByteLine[]): void {
    const total = this.carryBytes + tail.length;
    if (this.prefix === undefined && total <= this.maxBytes) {
      out.push(this.decodeLine(this.carry.length === 0 ? tail : Buffer.concat([...this.carry, tail])));
    } else {
      const prefix = this.prefix ?? Buffer.concat([...this.carry, tail]).subarray(0, PREFIX_BYTES);
      out.push({ reason: RecordErrorReason.LINE_TOO_LONG, text: prefix.toString('utf8'), bytes: total });
    }
    this.carry = [];
    this.carryBytes = 0;
    this.prefix = undefined;
  }
}

/** A line without the CR of its CRLF ending. */
function stripCr(l: string): string {
  return l.length > 0 && l.charCodeAt(l.length - 1) === 13 ? l.slice(0, -1) : l;
}

/** Whether the first min(3, length) bytes match the UTF-8 BOM (EF BB BF). */
function isBomPrefix(b: Buffer): boolean {
  return b[0] === 0xef && (b.length < 2 || b[1] === 0xbb) && (b.length < 3 || b[2] === 0xbf);
}
