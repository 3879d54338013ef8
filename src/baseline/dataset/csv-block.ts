/**
 * Classified CSV records in bulk, as a worker thread hands them to the reading thread
 * (csv-ranges.ts): per record its lines and field count, per field its ValueKind, number and
 * text (an index into the block's own list of distinct texts, so a text repeated down a column is
 * sent once). Typed arrays travel as transferred buffers. Cells are classified exactly as RowSink
 * would (classifyText, or scanWholeNumberBytes where it decides).
 */
import { classifyText, createScanResult } from '../../record/classify.js';
import { scanWholeNumberBytes } from '../../record/classify-bytes.js';
import { ValueKind } from '../../record/row.js';
import type { CsvRecord } from './csv-tokenizer.js';
import { TextCellCache } from './text-cell-cache.js';

/** A record's field count for an empty line, and for a record with quoting errors. */
export const EMPTY_LINE = 0;
export const BAD_RECORD = -1;

export interface RowBlock {
  rows: number;
  /** Bytes of the file the block covers (for progress). */
  bytes: number;
  /** Per record: the lines it spans (1 + newlines inside its fields). */
  lines: Int32Array;
  /** Per record: its field count, EMPTY_LINE or BAD_RECORD. */
  widths: Int32Array;
  /** Per record: index of its first cell (rows + 1 entries). */
  cellStart: Int32Array;
  kinds: Uint8Array;
  numbers: Float64Array;
  /** Index in `texts`, or -1 (a number whose text is not kept, a missing cell). */
  textIds: Int32Array;
  texts: string[];
  /** Quoting errors of the BAD_RECORDs, in order. */
  errors: string[][];
}

/** The typed arrays of a block, to transfer. */
export function transferList(b: RowBlock): ArrayBuffer[] {
  return [b.lines, b.widths, b.cellStart, b.kinds, b.numbers, b.textIds].map((a) => a.buffer as ArrayBuffer);
}

export class RowBlockBuilder {
  private rows = 0;
  private cells = 0;
  private lines = new Int32Array(1024);
  private widths = new Int32Array(1024);
  private cellStart = new Int32Array(1025);
  private kinds = new Uint8Array(16_384);
  private numbers = new Float64Array(16_384);
  private textIds = new Int32Array(16_384);
  private texts: string[] = [];
  private textIndex = new Map<string, number>();
  private errors: string[][] = [];
  private readonly scan = createScanResult();
  private readonly textCells = new TextCellCache();
  bytes = 0;

  constructor(private readonly keepNumberText: boolean) {}

  get size(): number {
    return this.rows;
  }

  get cellCount(): number {
    return this.cells;
  }

  add(record: CsvRecord): void {
    const r = this.rows;
    if (r + 1 >= this.lines.length) this.growRows();
    const n = record.count;
    this.cellStart[r] = this.cells;
    if (record.errors.length > 0) {
      this.widths[r] = BAD_RECORD;
      this.errors.push([...record.errors]);
    } else {
      this.lines[r] = 1 + record.newlines();
      if (n === 1 && record.isEmpty(0)) this.widths[r] = EMPTY_LINE;
      else {
        this.widths[r] = n;
        this.addCells(record);
      }
    }
    this.rows = r + 1;
    this.cellStart[r + 1] = this.cells;
  }

  private addCells(record: CsvRecord): void {
    const n = record.count;
    while (this.cells + n > this.kinds.length) this.growCells();
    const { bytes, starts, ends, flags } = record;
    const scan = this.scan;
    let c = this.cells;
    for (let j = 0; j < n; j++, c++) {
      this.textIds[c] = -1;
      if (record.isEmpty(j)) {
        this.kinds[c] = ValueKind.MISSING;
        continue;
      }
      if (flags[j] === 0 && !this.keepNumberText) {
        const kind = scanWholeNumberBytes(bytes, starts[j] as number, ends[j] as number, scan);
        if (kind !== ValueKind.STRING) {
          this.kinds[c] = kind;
          this.numbers[c] = scan.value;
          continue;
        }
      }
      const text = this.textCells.cellText(record, j);
      const kind = classifyText(text, 0, text.length, scan);
      this.kinds[c] = kind;
      if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
        this.numbers[c] = scan.value;
        if (!this.keepNumberText) continue;
      }
      this.textIds[c] = this.textId(text);
    }
    this.cells = c;
  }

  private textId(text: string): number {
    let id = this.textIndex.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.textIndex.set(text, id);
    }
    return id;
  }

  /** The block so far; the builder starts a new one. */
  take(): RowBlock {
    const rows = this.rows;
    const cells = this.cells;
    const block: RowBlock = {
      rows,
      bytes: this.bytes,
      lines: this.lines.slice(0, rows),
      widths: this.widths.slice(0, rows),
      cellStart: this.cellStart.slice(0, rows + 1),
      kinds: this.kinds.slice(0, cells),
      numbers: this.numbers.slice(0, cells),
      textIds: this.textIds.slice(0, cells),
      texts: this.texts,
      errors: this.errors,
    };
    this.rows = 0;
    this.cells = 0;
    this.bytes = 0;
    this.texts = [];
    this.textIndex = new Map();
    this.errors = [];
    return block;
  }

  private growRows(): void {
    const n = this.lines.length * 2;
    this.lines = grow(this.lines, new Int32Array(n));
    this.widths = grow(this.widths, new Int32Array(n));
    this.cellStart = grow(this.cellStart, new Int32Array(n + 1));
  }

  private growCells(): void {
    const n = this.kinds.length * 2;
    this.kinds = grow(this.kinds, new Uint8Array(n));
    this.numbers = grow(this.numbers, new Float64Array(n));
    this.textIds = grow(this.textIds, new Int32Array(n));
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
