/**
 * Collects non-blank lines into RawBatches of a fixed size, remembering each line's number so a
 * dead letter can name `<origin>:<line>` exactly. Shared by every line-oriented source.
 */
import type { RawBatch } from './source.js';

export class LineBatcher {
  private records: string[] = [];
  private lineNos: number[] = [];

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

  /** How many lines are held, waiting for the batch to fill. */
  get held(): number {
    return this.records.length;
  }

  /** The lines held so far as a batch (undefined when none). */
  flush(): RawBatch | undefined {
    if (this.records.length === 0) return undefined;
    const records = this.records;
    const lines = this.lineNos;
    const origin = this.origin;
    this.records = [];
    this.lineNos = [];
    return { records, origin: (i) => `${origin}:${lines[i] ?? '?'}` };
  }
}
