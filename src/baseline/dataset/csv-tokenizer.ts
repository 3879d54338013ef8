/**
 * RFC 4180 records from UTF-8 bytes, as papaparse 5 reads them (the reader the baseline job used,
 * kept as the reference of csv-tokenizer.test.ts): quoted fields with `""` escapes and embedded
 * newlines, whitespace allowed between a closing quote and the delimiter or newline, a quote
 * inside an unquoted field taken literally, one newline kind per file guessed from its start
 * (guessNewline), the same two errors for malformed quoting.
 *
 * Why our own (house rule: a well-kept library unless measured speed or our formats demand our
 * own): papaparse wants a string, so every chunk is decoded and every field becomes a string
 * before we classify it — on the 400k-row bench CSV (20 numeric, 3 text columns) papaparse's
 * parse was 22 % of `baseline data` and most of the collected garbage. Fields here are byte ranges
 * of the chunk; numeric cells are parsed in place (record/classify-bytes.ts), only text cells are
 * decoded. One fix on the way: papaparse decodes each 64 KiB stream chunk on its own, so a
 * multi-byte character split across two chunks became two U+FFFD; here chunks are carried whole.
 */

export type Newline = '\n' | '\r\n' | '\r';

/** papaparse's guessLineEndings on the start of the input (quoted text removed first). */
export function guessNewline(text: string): Newline {
  const input = text.substring(0, 1024 * 1024).replace(/"([^]*?)"/gm, '');
  const r = input.split('\r');
  const n = input.split('\n');
  const nAppearsFirst = n.length > 1 && (n[0] as string).length < (r[0] as string).length;
  if (r.length === 1 || nAppearsFirst) return '\n';
  let numWithN = 0;
  for (const part of r) if (part[0] === '\n') numWithN++;
  return numWithN >= r.length / 2 ? '\r\n' : '\r';
}

/** Bytes read at a time. */
const CHUNK_BYTES = 1 << 20;
/** papaparse guessed the newline from its first stream chunk (64 KiB), so do we. */
export const NEWLINE_SNIFF_BYTES = 64 * 1024;

/** Reads up to `length` bytes into buf at `offset`; 0 at the end of the input. */
export type ReadInto = (buf: Buffer, offset: number, length: number) => Promise<number>;

/**
 * Tokenize the whole input that `read` gives, up to `chunk` bytes a read: the newline guessed from
 * the first 64 KiB unless given, a record cut by a read's end offered again, whole, with the next.
 * `start` is the input's offset in its file (records' `offset`s count from the file's start).
 * Stops early when onRecord returns false.
 */
export async function tokenizeAll(
  read: ReadInto,
  delimiter: number,
  onRecord: (record: CsvRecord) => boolean | void,
  options: { chunk?: number; newline?: Newline; start?: number } = {},
): Promise<void> {
  const chunk = options.chunk ?? CHUNK_BYTES;
  let buf = Buffer.allocUnsafe(Math.max(chunk, NEWLINE_SNIFF_BYTES));
  let filled = 0;
  let final = false;
  const fill = async (): Promise<void> => {
    const n = await read(buf, filled, Math.min(chunk, buf.length - filled));
    filled += n;
    final = n === 0;
  };
  let newline = options.newline;
  if (newline === undefined) {
    while (filled < NEWLINE_SNIFF_BYTES && !final) await fill();
    newline = guessNewline(buf.toString('utf8', 0, Math.min(filled, NEWLINE_SNIFF_BYTES)));
  } else await fill();
  const tokenizer = new CsvTokenizer(delimiter, newline, onRecord);
  tokenizer.base = options.start ?? 0;
  for (;;) {
    const done = tokenizer.feed(buf, filled, final);
    if (final || tokenizer.stopped) return;
    if (done === 0 && filled === buf.length) {
      // one record longer than the buffer
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    } else {
      buf.copyWithin(0, done, filled);
      filled -= done;
      tokenizer.base += done;
    }
    await fill();
  }
}

/** papaparse's error messages, so malformed records read as before. */
export const MISSING_QUOTES = 'Quoted field unterminated';
export const INVALID_QUOTES = 'Trailing quote on quoted field is malformed';

/** Field flags. */
export const FIELD_QUOTED = 1;
/** A quoted field holding `""` (to unescape). */
export const FIELD_ESCAPES = 2;
/** An unquoted field with a byte ≥ 0x80 (decode as UTF-8, not Latin-1). */
export const FIELD_NON_ASCII = 4;

const QUOTE = 34;
const LF = 10;
const CR = 13;
const INCOMPLETE = -1;
const NEXT_FIELD = 0;
const RECORD_END = 1;

/** One record: its fields as byte ranges of `bytes` (valid during the onRecord call only). */
export class CsvRecord {
  bytes: Buffer = Buffer.alloc(0);
  /** Where the record starts in its file. */
  offset = 0;
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  flags = new Uint8Array(64);
  /** Quoting errors (papaparse's messages); a record with errors has no meaningful fields. */
  readonly errors: string[] = [];
  /** False when no field can hold a newline (then newlines() is 0 without looking). */
  mayHoldNewlines = false;

  push(start: number, end: number, flags: number): void {
    const i = this.count;
    if (i === this.starts.length) this.grow();
    this.starts[i] = start;
    this.ends[i] = end;
    this.flags[i] = flags;
    this.count = i + 1;
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const starts = new Int32Array(n);
    starts.set(this.starts);
    const ends = new Int32Array(n);
    ends.set(this.ends);
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.starts = starts;
    this.ends = ends;
    this.flags = flags;
  }

  /** Whether field j is empty (an empty string, quoted or not). */
  isEmpty(j: number): boolean {
    return this.ends[j] === this.starts[j];
  }

  /** Field j as text. */
  text(j: number): string {
    const f = this.flags[j] as number;
    const start = this.starts[j] as number;
    const end = this.ends[j] as number;
    if (f === 0) return this.bytes.toString('latin1', start, end);
    const s = this.bytes.toString('utf8', start, end);
    return f & FIELD_ESCAPES ? s.replaceAll('""', '"') : s;
  }

  /** LFs inside the fields (a quoted field may hold them; so may an unquoted one where the file's newline is another). */
  newlines(): number {
    if (!this.mayHoldNewlines) return 0;
    let n = 0;
    const b = this.bytes;
    for (let j = 0; j < this.count; j++) {
      const end = this.ends[j] as number;
      for (let k = this.starts[j] as number; k < end; k++) if (b[k] === LF) n++;
    }
    return n;
  }

  /** All fields as text. */
  texts(): string[] {
    const out: string[] = [];
    for (let j = 0; j < this.count; j++) out.push(this.text(j));
    return out;
  }
}

export class CsvTokenizer {
  private readonly record = new CsvRecord();
  /** The file offset of the bytes fed (records' offsets are base + their position). */
  base = 0;
  /** Set when onRecord returned false: feed handed on nothing more. */
  stopped = false;
  private readonly crlf: boolean;
  /** First byte of the newline. */
  private readonly nl: number;
  private readonly nlLength: number;

  constructor(
    /** A single ASCII byte other than a quote, CR or LF. */
    private readonly delimiter: number,
    newline: Newline,
    private readonly onRecord: (record: CsvRecord) => boolean | void,
  ) {
    this.crlf = newline === '\r\n';
    this.nl = newline === '\n' ? LF : CR;
    this.nlLength = newline.length;
  }

  /**
   * Hand every complete record of bytes[0, end) to onRecord, in order. Returns where the first
   * incomplete one starts (its bytes must be offered again, followed by more), or `end` when
   * `final` (the input ends at `end`: the last record needs no newline).
   */
  feed(bytes: Buffer, end: number, final: boolean): number {
    const record = this.record;
    record.bytes = bytes;
    let pos = 0;
    while (pos < end) {
      record.count = 0;
      record.errors.length = 0;
      record.mayHoldNewlines = false;
      if (!this.parseRecord(bytes, pos, end, final)) return pos;
      if (this.nl === CR && !record.mayHoldNewlines) record.mayHoldNewlines = this.lfInside(bytes, pos, record.ends[record.count - 1] as number);
      record.offset = this.base + pos;
      if (this.onRecord(record) === false) {
        this.stopped = true;
        return pos;
      }
      pos = this.cursor;
    }
    return pos;
  }

  /** Where the record or field just parsed ends (the next one starts). */
  private cursor = 0;

  /** One record from pos into this.record, this.cursor after its newline (or at end); false when incomplete. */
  private parseRecord(b: Buffer, pos: number, end: number, final: boolean): boolean {
    const record = this.record;
    const delimiter = this.delimiter;
    const nl = this.nl;
    const crlf = this.crlf;
    for (;;) {
      if (pos < end && b[pos] === QUOTE) {
        record.mayHoldNewlines = true;
        const next = this.quotedField(b, pos, end, final);
        if (next === INCOMPLETE) return false;
        if (next === RECORD_END) return true;
        pos = this.cursor;
        continue;
      }
      let p = pos;
      let bits = 0;
      while (p < end) {
        const c = b[p] as number;
        if (c === delimiter) break;
        if (c === nl) {
          if (!crlf) break;
          if (p + 1 < end) {
            if (b[p + 1] === LF) break;
          } else if (!final) return false;
        }
        bits |= c;
        p++;
      }
      const flags = bits >= 0x80 ? FIELD_NON_ASCII : 0;
      if (p >= end) {
        if (!final) return false;
        record.push(pos, end, flags);
        this.cursor = end;
        return true;
      }
      record.push(pos, p, flags);
      if (b[p] === delimiter) {
        pos = p + 1;
        continue;
      }
      this.cursor = p + this.nlLength;
      return true;
    }
  }

  /**
   * The quoted field opening at pos (papaparse's rules, malformed quoting included): NEXT_FIELD
   * or RECORD_END with this.cursor where the next one starts, or INCOMPLETE.
   */
  private quotedField(b: Buffer, pos: number, end: number, final: boolean): number {
    const record = this.record;
    const start = pos + 1;
    let flags = FIELD_QUOTED;
    let from = start;
    for (;;) {
      let k = b.indexOf(QUOTE, from);
      if (k >= end) k = -1;
      if (k < 0) {
        if (!final) return INCOMPLETE;
        record.errors.push(MISSING_QUOTES);
        record.push(start, end, flags | FIELD_ESCAPES);
        this.cursor = end;
        return RECORD_END;
      }
      if (k === end - 1) {
        if (!final) return INCOMPLETE;
        record.push(start, k, flags);
        this.cursor = end;
        return RECORD_END;
      }
      const after = k + 1;
      const c = b[after] as number;
      if (c === QUOTE) {
        flags |= FIELD_ESCAPES;
        from = k + 2;
        continue;
      }
      if (c === this.delimiter) {
        record.push(start, k, flags);
        this.cursor = after + 1;
        return NEXT_FIELD;
      }
      const nlAt = this.newlineAt(b, after, end, final);
      if (nlAt === INCOMPLETE) return INCOMPLETE;
      if (nlAt === 1) {
        record.push(start, k, flags);
        this.cursor = after + this.nlLength;
        return RECORD_END;
      }
      // Whitespace between the closing quote and the delimiter or newline (papaparse's extraSpaces).
      const nextNewline = this.indexOfNewline(b, after, end);
      if (nextNewline < 0 && !final) return INCOMPLETE;
      let nextDelimiter = b.indexOf(this.delimiter, after);
      if (nextDelimiter >= end) nextDelimiter = -1;
      const upTo = nextNewline < 0 ? nextDelimiter : nextDelimiter < 0 ? nextNewline : Math.min(nextDelimiter, nextNewline);
      if (upTo >= 0 && b[upTo] === this.delimiter && blank(b, after, upTo)) {
        record.push(start, k, flags);
        this.cursor = upTo + 1;
        return NEXT_FIELD;
      }
      if (nextNewline >= 0 && blank(b, after, nextNewline)) {
        record.push(start, k, flags);
        this.cursor = nextNewline + this.nlLength;
        return RECORD_END;
      }
      record.errors.push(INVALID_QUOTES);
      flags |= FIELD_ESCAPES;
      from = after;
    }
  }

  /** Whether an LF lies in bytes[from, to) (files whose newline is CR or CRLF). */
  private lfInside(b: Buffer, from: number, to: number): boolean {
    if (this.crlf) {
      const k = b.indexOf(LF, from);
      return k >= 0 && k < to;
    }
    for (let k = from; k < to; k++) if (b[k] === LF) return true;
    return false;
  }

  /** 1 when a newline starts at p, 0 when not, INCOMPLETE when the bytes so far cannot tell. */
  private newlineAt(b: Buffer, p: number, end: number, final: boolean): number {
    if (b[p] !== this.nl) return 0;
    if (!this.crlf) return 1;
    if (p + 1 >= end) return final ? 0 : INCOMPLETE;
    return b[p + 1] === LF ? 1 : 0;
  }

  /** The first newline at or after p (before end), or -1. */
  private indexOfNewline(b: Buffer, p: number, end: number): number {
    for (let k = b.indexOf(this.nl, p); k >= 0 && k < end; k = b.indexOf(this.nl, k + 1)) {
      if (!this.crlf || (k + 1 < end && b[k + 1] === LF)) return k;
    }
    return -1;
  }
}

/** Whether bytes[from, to) is non-empty and all whitespace (as String.prototype.trim sees it). */
function blank(b: Buffer, from: number, to: number): boolean {
  return to > from && b.toString('utf8', from, to).trim() === '';
}
