/**
 * CSV, streamed:
 * - RFC 4180 quoting, `,` by default (tab for a .tsv file); empty lines skipped; a UTF-8 BOM is
 *   dropped; an empty field is missing (Spark reads it as null); values are classified from their
 *   text (classify.ts).
 * - The header is given or detected, and columns are named, as in csv-header.ts.
 * - The column count is fixed by the header (or the first row; Spark's behaviour): shorter rows
 *   leave the rest missing, extra fields are dropped. Neither is silent: both kinds are counted
 *   with the line of their first row (`ragged`), and the baseline job warns about each. Malformed
 *   quoting is an error (INPUT_UNREADABLE, every bad record listed up to a limit).
 *
 * Records come from csv-tokenizer.ts (byte ranges; numeric cells parsed in place) when the
 * delimiter is one ASCII character — for a large file, in byte ranges on worker threads
 * (csv-ranges.ts) — else from papaparse, whose reading the tokenizer follows.
 */
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import Papa from 'papaparse';
import { createScanResult } from '../../record/classify.js';
import { scanWholeNumberBytes } from '../../record/classify-bytes.js';
import { ValueKind } from '../../record/row.js';
import { HEADER_SNIFF_ROWS, looksLikeHeader, safeHeader, type HeaderOption } from './csv-header.js';
import { BAD_RECORD, EMPTY_LINE, type RowBlock } from './csv-block.js';
import { rangeWorkersAvailable, readInRanges } from './csv-ranges.js';
import { guessNewline, NEWLINE_SNIFF_BYTES, tokenizeAll, type CsvRecord } from './csv-tokenizer.js';
import { countingStream, type Progress } from './read-progress.js';
import { RecordProblems } from './record-problems.js';
import type { RowSink } from './row-sink.js';
import { TextCellCache } from './text-cell-cache.js';

/** The CSV part of a dataset read's options. */
export interface CsvOptions {
  /** Default 'auto' (see csv-header.ts). */
  header?: HeaderOption;
  /** Default ',' (tab for a .tsv file). */
  delimiter?: string;
  /** Byte ranges read in parallel (csv-ranges.ts); default: one per RANGE_BYTES for files of 16 MiB or more on 2+ cores, else 1. */
  ranges?: number;
  /** Worker threads reading them; default: one per core (this thread reads range 0, then only feeds the sink). */
  rangeWorkers?: number;
}

/** Smaller files are read on one thread: starting workers costs more than it saves. */
const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;
/** Size of a range: small, so the workers' ranges alternate often and none runs far ahead. */
const RANGE_BYTES = 4 * 1024 * 1024;


/** Data rows of one kind of raggedness: how many, and the line (1-based, in the file) of the first. */
export interface RaggedRows {
  count: number;
  firstLine: number;
}

export interface CsvResult {
  /** Whether the first row was taken as a header (absent when there is no first row). */
  header?: boolean;
  /** Rows with fewer or more fields than columns. */
  raggedRows: number;
  /** The same by kind: more fields (the extra ones dropped), fewer (the rest missing); and the column count. */
  ragged: { longer: RaggedRows; shorter: RaggedRows; columns: number };
}

/** Read CSV `input` into `sink`, row by row in file order. */
export async function readCsv(input: string, sink: RowSink, progress: Progress, options: CsvOptions): Promise<CsvResult> {
  const rows = new CsvRows(sink, options.header ?? 'auto');
  const delimiter = options.delimiter ?? (extname(input).toLowerCase() === '.tsv' ? '\t' : ',');
  const byte = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  if (byte > 0 && byte < 0x80 && byte !== 34 && byte !== 10 && byte !== 13) await tokenize(input, progress, byte, rows, options, sink.keepNumberText);
  else await withPapaparse(input, progress, delimiter, rows);
  return rows.finish(input);
}

/** The rows of one CSV: line numbers, header, raggedness, problems, and the sink. */
class CsvRows {
  private readonly problems = new RecordProblems();
  private record = 0;
  private slots: number[] | undefined;
  /** Per column: whether numbers' text is kept (then the text is classified, not the bytes). */
  private keepText: boolean[] = [];
  private header: boolean | undefined;
  private readonly longer: RaggedRows = { count: 0, firstLine: 0 };
  private readonly shorter: RaggedRows = { count: 0, firstLine: 0 };
  /** The line the next record starts on. */
  private nextLine = 1;
  private readonly pending: { fields: string[]; line: number }[] = [];
  private readonly scan = createScanResult();
  private readonly textCells = new TextCellCache();

  constructor(
    private readonly sink: RowSink,
    private readonly headerOption: HeaderOption,
  ) {}

  /** A record from papaparse: its fields, or its errors. */
  fields(fields: string[], errors: readonly { message: string }[]): void {
    this.record++;
    if (errors.length > 0) {
      for (const err of errors) this.problems.add(`record ${this.record}: ${err.message}`);
      return;
    }
    // lines this record spans: quoted fields may hold newlines
    let newlines = 0;
    for (const f of fields) for (let k = f.indexOf('\n'); k >= 0; k = f.indexOf('\n', k + 1)) newlines++;
    const line = this.advance(newlines);
    if (fields.length === 1 && fields[0] === '') return; // an empty line
    if (this.slots !== undefined) this.dataRow(fields, line);
    else this.early(fields, line);
  }

  /** Whether worker blocks can be taken: the columns are known, and numbers' text is kept in every column or in none. */
  readyForBlocks(keepNumberText: boolean): boolean {
    return this.slots !== undefined && this.keepText.every((k) => k === keepNumberText);
  }

  /** Records a worker classified (csv-block.ts), after readyForBlocks. */
  block(b: RowBlock): void {
    const s = this.slots as number[];
    const sink = this.sink;
    const { lines, widths, cellStart, kinds, numbers, textIds, texts } = b;
    let bad = 0;
    for (let r = 0; r < b.rows; r++) {
      this.record++;
      const n = widths[r] as number;
      if (n === BAD_RECORD) {
        for (const message of b.errors[bad++] as string[]) this.problems.add(`record ${this.record}: ${message}`);
        continue;
      }
      const line = this.advance((lines[r] as number) - 1);
      if (n === EMPTY_LINE) continue;
      if (n !== s.length) this.countRagged(n, line);
      const first = cellStart[r] as number;
      // begin() leaves every slot missing; cells past the record's width stay so
      sink.begin();
      const m = Math.min(n, s.length);
      for (let j = 0; j < m; j++) {
        const c = first + j;
        const kind = kinds[c] as ValueKind;
        if (kind === ValueKind.MISSING) continue;
        const t = textIds[c] as number;
        if (t < 0) sink.setNumber(s[j] as number, kind, numbers[c] as number);
        else sink.setClassified(s[j] as number, kind, numbers[c] as number, texts[t]);
      }
      sink.emit();
    }
  }

  /** A record from the tokenizer. */
  bytes(record: CsvRecord): void {
    this.record++;
    if (record.errors.length > 0) {
      for (const message of record.errors) this.problems.add(`record ${this.record}: ${message}`);
      return;
    }
    const line = this.advance(record.newlines());
    if (record.count === 1 && record.isEmpty(0)) return; // an empty line
    if (this.slots !== undefined) this.dataRecord(record, line);
    else this.early(record.texts(), line);
  }

  private advance(newlines: number): number {
    const line = this.nextLine;
    this.nextLine += 1 + newlines;
    return line;
  }

  /** A record before the columns are known: the header, or rows kept for its detection. */
  private early(fields: string[], line: number): void {
    if (line === 1 && fields.length > 0 && fields[0]?.charCodeAt(0) === 0xfeff) {
      fields[0] = (fields[0] as string).slice(1);
    }
    if (this.headerOption !== 'auto') {
      this.start(fields, [], line);
      return;
    }
    this.pending.push({ fields, line });
    if (this.pending.length > HEADER_SNIFF_ROWS) this.flushPending();
  }

  private start(first: string[], rest: readonly string[][], firstLine: number): void {
    const header = this.headerOption === 'auto' ? looksLikeHeader(first, rest) : this.headerOption;
    this.header = header;
    const names = header ? safeHeader(first) : first.map((_, i) => `_c${i}`);
    const slots = names.map((n) => this.sink.slot(n));
    this.slots = slots;
    this.keepText = slots.map((s) => this.sink.registry.at(s).keepText);
    if (!header) this.dataRow(first, firstLine);
  }

  private flushPending(): void {
    const [first, ...rest] = this.pending;
    this.pending.length = 0;
    if (first === undefined) return;
    this.start(first.fields, rest.map((r) => r.fields), first.line);
    for (const r of rest) this.dataRow(r.fields, r.line);
  }

  private countRagged(fields: number, at: number): void {
    const kind = fields > (this.slots as number[]).length ? this.longer : this.shorter;
    if (kind.count++ === 0) kind.firstLine = at;
  }

  private dataRow(fields: readonly string[], at: number): void {
    const s = this.slots as number[];
    if (fields.length !== s.length) this.countRagged(fields.length, at);
    const sink = this.sink;
    sink.begin();
    for (let j = 0; j < s.length; j++) {
      const v = fields[j];
      if (v === undefined || v === '') sink.setMissing(s[j] as number);
      else sink.setText(s[j] as number, v);
    }
    sink.emit();
  }

  /** dataRow from byte ranges: a cell that is plainly a number is parsed in place, the rest as text. */
  private dataRecord(record: CsvRecord, at: number): void {
    const s = this.slots as number[];
    const n = record.count;
    if (n !== s.length) this.countRagged(n, at);
    const sink = this.sink;
    const keepText = this.keepText;
    const { bytes, starts, ends, flags } = record;
    const scan = this.scan;
    sink.begin();
    for (let j = 0; j < s.length; j++) {
      const slot = s[j] as number;
      if (j >= n || record.isEmpty(j)) {
        sink.setMissing(slot);
        continue;
      }
      if (flags[j] === 0 && keepText[j] !== true) {
        const kind = scanWholeNumberBytes(bytes, starts[j] as number, ends[j] as number, scan);
        if (kind !== ValueKind.STRING) {
          sink.setNumber(slot, kind, scan.value);
          continue;
        }
      }
      sink.setText(slot, this.textCells.cellText(record, j));
    }
    sink.emit();
  }

  finish(input: string): CsvResult {
    this.problems.throwIfAny(input, 'malformed CSV records');
    if (this.slots === undefined) this.flushPending();
    const { longer, shorter } = this;
    const ragged = { longer, shorter, columns: this.slots?.length ?? 0 };
    const raggedRows = longer.count + shorter.count;
    return this.header === undefined ? { raggedRows, ragged } : { header: this.header, raggedRows, ragged };
  }
}

/** Read `input` through the tokenizer. */
/** Read `input` through the tokenizer: in byte ranges on several cores when large (csv-ranges.ts), else here. */
async function tokenize(input: string, progress: Progress, delimiter: number, rows: CsvRows, options: CsvOptions, keepNumberText: boolean): Promise<void> {
  const file = await open(input, 'r');
  let closed = false;
  try {
    const size = (await file.stat()).size;
    const cores = availableParallelism();
    const ranges = options.ranges ?? (size >= PARALLEL_MIN_BYTES && cores > 1 ? 1 + Math.ceil(size / RANGE_BYTES) : 1);
    if (ranges > 1 && rangeWorkersAvailable()) {
      const workers = options.rangeWorkers ?? cores;
      const head = Buffer.allocUnsafe(Math.min(size, NEWLINE_SNIFF_BYTES));
      await file.read(head, 0, head.length, 0);
      await file.close();
      closed = true;
      const target = { bytes: (r: CsvRecord) => rows.bytes(r), readyForBlocks: () => rows.readyForBlocks(keepNumberText), block: (b: RowBlock) => rows.block(b) };
      await readInRanges(input, size, ranges, workers, delimiter, guessNewline(head.toString('utf8')), keepNumberText, progress, target);
      return;
    }
    await tokenizeAll(
      async (buf, offset, length) => {
        const { bytesRead } = await file.read(buf, offset, length, null);
        progress.add(bytesRead);
        return bytesRead;
      },
      delimiter,
      (r) => rows.bytes(r),
    );
  } finally {
    if (!closed) await file.close();
  }
}

async function withPapaparse(input: string, progress: Progress, delimiter: string, rows: CsvRows): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const stream = countingStream(input, progress);
    stream.on('error', reject);
    Papa.parse<string[]>(stream, {
      header: false,
      delimiter,
      // empty lines are skipped in CsvRows, so that line numbers stay right
      skipEmptyLines: false,
      dynamicTyping: false,
      step: (result, parser) => {
        try {
          rows.fields(result.data, result.errors);
        } catch (e) {
          // reject first: abort() calls complete() at once, whose resolve() would otherwise win
          reject(e as Error);
          parser.abort();
        }
      },
      complete: () => resolve(),
      error: (err: Error) => reject(err),
    });
  });
}
