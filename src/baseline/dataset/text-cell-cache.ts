/**
 * The texts of unquoted CSV cells, remembered per column by their bytes. A categorical column
 * repeats a few texts all down a file; finding one by its bytes spares decoding a string per cell,
 * and the string that comes back is the same object each time, so V8 has its hash already when it
 * is looked up in a Map (a block's text ids, a feature's frequencies). Measured on the bench:peers
 * baseline CSV (1M rows, 6 categorical columns): slicing strings was a fifth of a reading thread.
 *
 * Only unquoted cells: their bytes are their text (latin1), so equal bytes mean an equal text.
 * A column whose texts seldom repeat (ids, free text) stops being looked up after a while.
 */

import type { CsvRecord } from './csv-tokenizer.js';

/** Texts remembered per column; the oldest is replaced past this. */
const PER_COLUMN = 16;
/** Lookups before a column may be given up on: then it is when misses outnumber hits. */
const TRIAL = 256;

interface Column {
  texts: string[];
  keys: Uint8Array[];
  next: number;
  hits: number;
  misses: number;
  off: boolean;
}

export class TextCellCache {
  private readonly columns: (Column | undefined)[] = [];

  /** Field j of `record` as text (record.text(j)), remembered when unquoted. */
  cellText(record: CsvRecord, j: number): string {
    if (record.flags[j] !== 0) return record.text(j);
    const start = record.starts[j] as number;
    const end = record.ends[j] as number;
    let text = this.find(j, record.bytes, start, end);
    if (text === undefined) {
      text = record.text(j);
      this.remember(j, record.bytes, start, end, text);
    }
    return text;
  }

  /** Column j's text of bytes[start, end) when remembered. */
  find(j: number, bytes: Uint8Array, start: number, end: number): string | undefined {
    const col = this.columns[j];
    if (col === undefined || col.off) return undefined;
    const len = end - start;
    const keys = col.keys;
    for (let e = 0; e < keys.length; e++) {
      const k = keys[e] as Uint8Array;
      if (k.length !== len) continue;
      let i = 0;
      while (i < len && k[i] === bytes[start + i]) i++;
      if (i === len) {
        col.hits++;
        return col.texts[e];
      }
    }
    if (++col.misses >= TRIAL && col.misses > col.hits) col.off = true;
    return undefined;
  }

  /** Remember `text`, the latin1 decoding of bytes[start, end), for column j. */
  remember(j: number, bytes: Uint8Array, start: number, end: number, text: string): void {
    let col = this.columns[j];
    if (col === undefined) {
      col = { texts: [], keys: [], next: 0, hits: 0, misses: 0, off: false };
      this.columns[j] = col;
    }
    if (col.off) return;
    const key = new Uint8Array(bytes.subarray(start, end)); // a copy: the reader's buffer is reused
    if (col.texts.length < PER_COLUMN) {
      col.texts.push(text);
      col.keys.push(key);
      return;
    }
    col.texts[col.next] = text;
    col.keys[col.next] = key;
    col.next = (col.next + 1) % PER_COLUMN;
  }
}
