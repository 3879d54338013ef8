/**
 * Decoded rows in flat typed arrays, so that decoding can run in another thread than sketching
 * (source/file-decode-worker.ts) and hand its result over without a copy: the arrays' buffers are
 * transferred, and only the few strings (categorical values, dead letters, new feature names) are
 * cloned. The builder takes rows from a RecordDecoder's callback; the reader gives them back, one
 * at a time, in the same reusable FeatureRow, so the monitor's per-row code is the one it runs for
 * lines decoded in its own thread.
 */
import { DriftmonError, ErrorCode, RecordErrorReason } from '../errors.js';
import type { ColumnNaming } from './column-naming.js';
import type { FeatureRegistry, FeatureSpec } from './feature-registry.js';
import { idSamplingKey } from './id-hash.js';
import { ValueKind, createRow, ensureRowCapacity, type FeatureRow } from './row.js';

/** A record that produced no rows and goes to the dead letters: why, and what the letter keeps. */
export interface DecodedProblem {
  /** Index of the record in its block. */
  readonly record: number;
  readonly reason: RecordErrorReason;
  /** The line (or what the source kept of a rejected one). */
  readonly text: string;
  /** The line's true length in bytes, when the source rejected it before decoding. */
  readonly bytes?: number;
  /** A decoder that threw: the thrown error, described (a poison record). */
  readonly error?: string;
}

export interface DecodedBlock {
  /** Records (non-blank lines) in the block, in input order. */
  readonly records: number;
  readonly blankLines: number;
  /** Where the records came from (a file path); each record's line number is in the buffer. */
  readonly origin: string;
  readonly problems: readonly DecodedProblem[];
  readonly rows: number;
  /** Slots per row. */
  readonly stride: number;
  /** The numeric part, laid out by blockLayout (transferred, and handed back for reuse). */
  readonly buffer: ArrayBuffer;
  readonly recordCapacity: number;
  readonly rowCapacity: number;
  /**
   * Row by row, slot by slot: the text of every BOOLEAN or STRING value and of keepText numbers, as
   * an index into `dictionary` (the block's distinct texts, each cloned once: categorical values
   * repeat, and cloning a string per value cost more than the decoding it moved).
   */
  readonly textIds: Int32Array;
  readonly dictionary: readonly (string | undefined)[];
  /** Features the decoder registered while building this block, in order. */
  readonly newFeatures: readonly { readonly name: string; readonly isOutput: boolean; readonly index: number }[];
  /** The decoder's column naming, once decided. */
  readonly columnNaming: ColumnNaming | undefined;
  /**
   * Per row, when some record of the block had no Kafka key: samplingKey of the row's inference ID
   * (else event ID), NaN for a row with neither, -1 for rows of keyed records (decided by the key).
   * Back-off decides the rows of a keyless record by it, as it decides a row it decoded itself.
   */
  readonly sampleKeys?: Float64Array;
  /**
   * Per record, when the decoder tracks it (BlockDecoder's trackFeatures): its registry's size
   * after the record, so that blocks of several decoders can be merged (block-slots.ts) and cut
   * into batches (logical-batches.ts) with each feature announced in the batch that met it first.
   */
  readonly featuresAfter?: Int32Array;
}

/** The arrays in a block's buffer. */
export interface BlockArrays {
  /** Per row: event time. */
  readonly times: Float64Array;
  /** Per row and slot: the value (kinds INTEGRAL and FRACTIONAL). */
  readonly numbers: Float64Array;
  /** Per record: its line number, and how many rows it produced. */
  readonly lineNos: Int32Array;
  readonly rowCounts: Int32Array;
  /** Per row: its width (registry size when decoded). */
  readonly widths: Int32Array;
  /** Per row and slot: the ValueKind. */
  readonly kinds: Uint8Array;
}

/** Bytes of a buffer for these capacities (8-byte sections first, so every view is aligned). */
export function blockBytes(records: number, rows: number, stride: number): number {
  return 8 * rows * (1 + stride) + 4 * (2 * records + rows) + rows * stride;
}

/** The arrays of a block's buffer, for these capacities. */
export function blockArrays(buffer: ArrayBuffer, records: number, rows: number, stride: number): BlockArrays {
  let at = 0;
  const take = <T>(make: (offset: number) => T, bytes: number): T => {
    const a = make(at);
    at += bytes;
    return a;
  };
  return {
    times: take((o) => new Float64Array(buffer, o, rows), 8 * rows),
    numbers: take((o) => new Float64Array(buffer, o, rows * stride), 8 * rows * stride),
    lineNos: take((o) => new Int32Array(buffer, o, records), 4 * records),
    rowCounts: take((o) => new Int32Array(buffer, o, records), 4 * records),
    widths: take((o) => new Int32Array(buffer, o, rows), 4 * rows),
    kinds: take((o) => new Uint8Array(buffer, o, rows * stride), rows * stride),
  };
}

/** The buffers a block is posted with (transferred, not copied). */
export function blockTransfers(b: DecodedBlock): ArrayBuffer[] {
  const buffers = [b.buffer, b.textIds.buffer as ArrayBuffer];
  if (b.sampleKeys !== undefined) buffers.push(b.sampleKeys.buffer as ArrayBuffer);
  if (b.featuresAfter !== undefined) buffers.push(b.featuresAfter.buffer as ArrayBuffer);
  return buffers;
}

/** Whether a value of this kind in this feature's slot has a text in the block's textIds. */
export const hasText = (kind: number, spec: FeatureSpec | undefined): boolean =>
  kind === ValueKind.BOOLEAN || kind === ValueKind.STRING || ((kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) && spec?.keepText === true);

/**
 * Builds blocks from one decoder's rows (the decoder's registry is `registry`). Buffers handed back
 * (reuse) are taken again for later blocks, so a steady stream allocates none.
 */
export class DecodedBlockBuilder {
  private records = 0;
  private rows = 0;
  private stride: number;
  private recordCap: number;
  private rowCap: number;
  private buffer: ArrayBuffer;
  private a: BlockArrays;
  private textIds = new Int32Array(1024);
  private texts = 0;
  private dictionary: (string | undefined)[] = [];
  private readonly dictionaryIds = new Map<string | undefined, number>();
  private problems: DecodedProblem[] = [];
  private registered: number;
  private recordRows = 0;
  private recordTexts = 0;
  private futureRow = false;
  /** The current record has no Kafka key: its rows get a sampling key (sampleKeys). */
  private keyless = false;
  private sampleKeys: Float64Array | undefined;
  private readonly spare: ArrayBuffer[] = [];
  /** Per slot: keepText (1), as of registry.keepTextVersion `keepVersion` (refreshKeep). */
  private keep = new Uint8Array(0);
  private keepVersion = -1;
  private keepCount = -1;
  /** Some keep[i] is 1. */
  private anyKeep = false;
  /** Rows with a later event time are refused (EVENT_TIME_IN_FUTURE), as the monitor refuses them. */
  futureLimitMs = Number.POSITIVE_INFINITY;

  /** `records`: the usual records per block (the source's batch size). */
  constructor(
    private readonly registry: FeatureRegistry,
    records: number,
  ) {
    this.stride = Math.max(8, registry.size);
    this.registered = registry.size;
    this.recordCap = this.rowCap = Math.max(16, records);
    this.buffer = this.acquire();
    this.a = blockArrays(this.buffer, this.recordCap, this.rowCap, this.stride);
  }

  /** A buffer the monitor is done with. */
  reuse(buffer: ArrayBuffer): void {
    if (this.spare.length < 8) this.spare.push(buffer);
  }

  /** Start the next record (line `lineNo`); `keyless`: its rows get their sampling key (DecodedBlock.sampleKeys). */
  beginRecord(lineNo: number, keyless = false): void {
    const r = this.records;
    this.keyless = keyless;
    if (keyless && this.sampleKeys === undefined) this.sampleKeys = new Float64Array(this.rowCap).fill(-1, 0, this.rows);
    if (r === this.recordCap) this.relayout(this.recordCap * 2, this.rowCap, this.stride);
    this.a.lineNos[r] = lineNo;
    this.a.rowCounts[r] = 0;
    this.recordRows = this.rows;
    this.recordTexts = this.texts;
    this.futureRow = false;
  }

  /** The decoder's row callback: copies the row in. */
  readonly onRow = (row: FeatureRow): void => {
    if (row.eventTimeMs > this.futureLimitMs) {
      this.futureRow = true;
      return;
    }
    const width = row.width;
    const n = this.rows;
    if (width > this.stride || n === this.rowCap) this.relayout(this.recordCap, n === this.rowCap ? this.rowCap * 2 : this.rowCap, Math.max(width, this.stride));
    const a = this.a;
    const stride = this.stride;
    const base = n * stride;
    const kinds = a.kinds;
    const numbers = a.numbers;
    const registry = this.registry;
    if (width > this.keep.length || this.keepVersion !== registry.keepTextVersion || this.keepCount !== registry.size) this.refreshKeep(width);
    const keep = this.keep;
    const rowKinds = row.kinds;
    const rowNumbers = row.numbers;
    // one branch-free copy (a slot's number is read only where its kind is numeric), then the
    // texts, in slot order, only for a row that has one
    let textual = this.anyKeep;
    for (let i = 0; i < width; i++) {
      const kind = rowKinds[i] as number;
      kinds[base + i] = kind;
      numbers[base + i] = rowNumbers[i] as number;
      textual ||= kind >= ValueKind.BOOLEAN;
    }
    if (textual) {
      for (let i = 0; i < width; i++) {
        const kind = kinds[base + i] as number;
        // hasText, with the slot's keepText from `keep`
        if (kind === ValueKind.BOOLEAN || kind === ValueKind.STRING || (kind !== ValueKind.MISSING && keep[i] === 1)) this.addText(row.strings[i]);
      }
    }
    a.widths[n] = width;
    a.times[n] = row.eventTimeMs;
    const keys = this.sampleKeys;
    if (keys !== undefined) keys[n] = this.keyless ? idSamplingKey(row.inferenceId ?? row.eventId) : -1;
    this.rows = n + 1;
    (a.rowCounts[this.records] as number)++;
  };

  /**
   * End the current record (`line`): `problem` when it goes to the dead letters; without one, a row
   * refused for its future event time sends it there (its other rows still count, as in the monitor).
   */
  endRecord(line: string, problem?: Omit<DecodedProblem, 'record' | 'text'>): void {
    if (problem !== undefined) this.problems.push({ record: this.records, text: line, ...problem });
    else if (this.futureRow) this.problems.push({ record: this.records, text: line, reason: RecordErrorReason.EVENT_TIME_IN_FUTURE });
    this.records++;
  }

  /** The current record threw while decoding: forget the rows it emitted (a poison record emits none). */
  dropRecordRows(): void {
    this.rows = this.recordRows;
    this.texts = this.recordTexts;
    this.a.rowCounts[this.records] = 0;
  }

  /** The block so far; its buffer is handed over and the builder takes another. */
  take(origin: string, blankLines: number, columnNaming: ColumnNaming | undefined): DecodedBlock {
    const specs = this.registry.features;
    const newFeatures = specs.slice(this.registered).map((f) => ({ name: f.name, isOutput: f.isOutput, index: f.index }));
    this.registered = specs.length;
    const block: DecodedBlock = {
      records: this.records,
      blankLines,
      origin,
      problems: this.problems,
      rows: this.rows,
      stride: this.stride,
      buffer: this.buffer,
      recordCapacity: this.recordCap,
      rowCapacity: this.rowCap,
      textIds: this.textIds.slice(0, this.texts),
      dictionary: this.dictionary,
      newFeatures,
      columnNaming,
      ...(this.sampleKeys === undefined ? {} : { sampleKeys: this.sampleKeys.slice(0, this.rows) }),
    };
    this.sampleKeys = undefined;
    this.records = 0;
    this.rows = 0;
    this.problems = [];
    this.texts = 0;
    this.dictionary = [];
    this.dictionaryIds.clear();
    this.buffer = this.acquire();
    this.a = blockArrays(this.buffer, this.recordCap, this.rowCap, this.stride);
    return block;
  }

  /**
   * The block last taken was not delivered (its chunk was dropped): the features it registered
   * are listed again in the next block's newFeatures, so the reading side registers them in order.
   */
  unsent(block: DecodedBlock): void {
    const first = block.newFeatures[0];
    if (first !== undefined) this.registered = Math.min(this.registered, first.index);
  }

  /**
   * keep[i]: slot i's keepText as the registry has it now. It changes only by keepTextVersion
   * (an existing feature switched on) or by a feature added (declared or registered with it).
   */
  private refreshKeep(width: number): void {
    const registry = this.registry;
    const specs = registry.features;
    const n = Math.max(width, specs.length);
    if (n > this.keep.length) this.keep = new Uint8Array(Math.max(n, 2 * this.keep.length));
    for (let i = 0; i < this.keep.length; i++) this.keep[i] = specs[i]?.keepText === true ? 1 : 0;
    this.anyKeep = this.keep.includes(1);
    this.keepVersion = registry.keepTextVersion;
    this.keepCount = specs.length;
  }

  private addText(text: string | undefined): void {
    let id = this.dictionaryIds.get(text);
    if (id === undefined) {
      id = this.dictionary.length;
      this.dictionary.push(text);
      this.dictionaryIds.set(text, id);
    }
    if (this.texts === this.textIds.length) {
      const ids = new Int32Array(this.texts * 2);
      ids.set(this.textIds);
      this.textIds = ids;
    }
    this.textIds[this.texts++] = id;
  }

  private acquire(): ArrayBuffer {
    const bytes = blockBytes(this.recordCap, this.rowCap, this.stride);
    for (;;) {
      const b = this.spare.pop();
      if (b === undefined) return new ArrayBuffer(bytes);
      if (b.byteLength === bytes) return b;
    }
  }

  /** More records, rows or slots than the buffer was laid out for: lay what it holds out again. */
  private relayout(recordCap: number, rowCap: number, stride: number): void {
    const old = this.a;
    const oldStride = this.stride;
    this.recordCap = recordCap;
    this.rowCap = rowCap;
    this.stride = stride;
    this.spare.length = 0; // sized for the old layout
    this.buffer = new ArrayBuffer(blockBytes(recordCap, rowCap, stride));
    const a = (this.a = blockArrays(this.buffer, recordCap, rowCap, stride));
    a.lineNos.set(old.lineNos.subarray(0, this.records + 1));
    a.rowCounts.set(old.rowCounts.subarray(0, this.records + 1));
    a.widths.set(old.widths.subarray(0, this.rows));
    a.times.set(old.times.subarray(0, this.rows));
    if (this.sampleKeys !== undefined && this.sampleKeys.length < rowCap) {
      const keys = new Float64Array(rowCap);
      keys.set(this.sampleKeys.subarray(0, this.rows));
      this.sampleKeys = keys;
    }
    for (let r = 0; r < this.rows; r++) {
      a.kinds.set(old.kinds.subarray(r * oldStride, (r + 1) * oldStride), r * stride);
      a.numbers.set(old.numbers.subarray(r * oldStride, (r + 1) * oldStride), r * stride);
    }
  }
}

/**
 * Replays a block's rows into one reusable FeatureRow. The block's new features are registered
 * first, on a registry that must match the decoder's slot for slot (both declared the same
 * features in the same order); a mismatch is a broken invariant.
 */
export class DecodedBlockReader {
  readonly row: FeatureRow;
  readonly arrays: BlockArrays;
  private textAt = 0;
  private rowAt = 0;

  constructor(
    private readonly block: DecodedBlock,
    private readonly registry: FeatureRegistry,
  ) {
    for (const f of block.newFeatures) {
      const at = registry.indexOf(f.name, f.isOutput);
      if (at !== f.index) {
        throw new DriftmonError(ErrorCode.INTERNAL, `decoded block: feature "${f.name}" registered at slot ${at}, out of step with the decoding thread`);
      }
    }
    this.arrays = blockArrays(block.buffer, block.recordCapacity, block.rowCapacity, block.stride);
    this.row = createRow(Math.max(8, registry.size, block.stride));
  }

  /** The next row of the block (the same object each time). */
  next(): FeatureRow {
    const a = this.arrays;
    const r = this.rowAt++;
    const row = this.row;
    const width = a.widths[r] as number;
    if (row.kinds.length < width) ensureRowCapacity(row, width);
    const base = r * this.block.stride;
    const specs = this.registry.features;
    const kinds = a.kinds;
    const numbers = a.numbers;
    for (let i = 0; i < width; i++) {
      const kind = kinds[base + i] as number;
      row.kinds[i] = kind;
      if (kind === ValueKind.MISSING) continue;
      row.numbers[i] = numbers[base + i] as number;
      if (hasText(kind, specs[i])) row.strings[i] = this.block.dictionary[this.block.textIds[this.textAt++] as number];
    }
    row.width = width;
    row.eventTimeMs = a.times[r] as number;
    return row;
  }
}

/**
 * How many texts row `row` of `block` has in `block.textIds`: for a reader that walks the block's
 * arrays in place (profile/decoded-rows.ts) instead of through DecodedBlockReader.next. `specs` is
 * the registry the reader checked the block against.
 */
export function blockRowTexts(block: DecodedBlock, arrays: BlockArrays, row: number, specs: readonly FeatureSpec[]): number {
  const base = row * block.stride;
  const width = arrays.widths[row] as number;
  let n = 0;
  for (let i = 0; i < width; i++) {
    const kind = arrays.kinds[base + i] as number;
    if (kind !== ValueKind.MISSING && hasText(kind, specs[i])) n++;
  }
  return n;
}
