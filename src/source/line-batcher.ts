/**
 * Collects non-blank lines into RawBatches of a fixed size, remembering each line's number so a
 * dead letter can name `<origin>:<line>` exactly. Shared by every line-oriented source.
 */
import type { RecordErrorReason } from '../errors.js';
import type { RawBatch } from './source.js';

interface Rejection {
  readonly reason: RecordErrorReason;
  readonly bytes: number;
}

export class LineBatcher {
  private records: string[] = [];
  private lineNos: number[] = [];
  private rejections: Map<number, Rejection> | undefined;

  constructor(
    private readonly origin: string,
    private readonly size: number,
  ) {}

  /** Add line number `lineNo` (blank lines are skipped); returns a batch once `size` lines are held. */
  add(line: string, lineNo: number): RawBatch | undefined {
    if (line.length === 0) return undefined;
    this.records.push(line);
    this.lineNos.push(lineNo);
    return this.records.length >= this.size ? this.flush() : undefined;
  }

  /** Add a line the source rejected (`text` is what its dead letter keeps); returns a batch as add() does. */
  reject(text: string, lineNo: number, rejection: Rejection): RawBatch | undefined {
    (this.rejections ??= new Map()).set(this.records.length, rejection);
    this.records.push(text);
    this.lineNos.push(lineNo);
    return this.records.length >= this.size ? this.flush() : undefined;
  }

  /** The lines held so far as a batch (undefined when none). */
  flush(): RawBatch | undefined {
    if (this.records.length === 0) return undefined;
    const records = this.records;
    const lines = this.lineNos;
    const origin = this.origin;
    const rejections = this.rejections;
    this.records = [];
    this.lineNos = [];
    this.rejections = undefined;
    const batch: RawBatch = { records, origin: (i) => `${origin}:${lines[i] ?? '?'}` };
    return rejections === undefined ? batch : { ...batch, rejected: (i) => rejections.get(i) };
  }
}
