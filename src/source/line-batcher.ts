/**
 * Collects non-blank lines into RawBatches of a fixed size, remembering each line's number so a
 * dead letter can name `<origin>:<line>` exactly. Shared by every line-oriented source.
 */
import type { RecordErrorReason } from '../errors.js';
import type { ByteLine } from './byte-lines.js';
import type { RawBatch } from './source.js';

/**
 * Lines per batch of the file and stdin sources (issue 13 (e)). A batch's line strings live until
 * it is processed and the next one fills, so with 4,096 lines (about 2 MB of capture JSON) many
 * outlived two scavenges and were promoted: old-space garbage that raised V8's old-generation size
 * and RSS over long runs (driftmon run over stdin: 527 against 246 MB promoted per 5M records,
 * --trace-gc-nvp). 1,024 keeps them young at the same speed (replay of 1M rows: 3.74 s either way).
 */
export const LINE_BATCH_SIZE = 1024;

interface Rejection {
  readonly reason: RecordErrorReason;
  readonly bytes: number;
}

/** A batch of one origin's lines, which also says each record's line number apart. */
export interface LineBatch extends RawBatch {
  readonly originName: string;
  lineNo(i: number): number;
}

export class LineBatcher {
  private records: string[] = [];
  private lineNos: number[] = [];
  private rejections: Map<number, Rejection> | undefined;
  private blank = 0;

  constructor(
    private readonly origin: string,
    private readonly size: number,
  ) {}

  /**
   * Add line number `lineNo`; returns a batch once `size` lines are held. Blank lines (empty or
   * whitespace only) are not records: they are skipped and counted in the next batch's blankLines.
   */
  add(line: string, lineNo: number): LineBatch | undefined {
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim().length === 0)) {
      this.blank++;
      return undefined;
    }
    this.records.push(line);
    this.lineNos.push(lineNo);
    return this.records.length >= this.size ? this.flush() : undefined;
  }

  /** Add a line the source rejected (`text` is what its dead letter keeps); returns a batch as add() does. */
  reject(text: string, lineNo: number, rejection: Rejection): LineBatch | undefined {
    (this.rejections ??= new Map()).set(this.records.length, rejection);
    this.records.push(text);
    this.lineNos.push(lineNo);
    return this.records.length >= this.size ? this.flush() : undefined;
  }

  /** A line from ByteLineSplitter: text is added, a rejection is kept as one. */
  addLine(line: ByteLine, lineNo: number): LineBatch | undefined {
    return typeof line === 'string' ? this.add(line, lineNo) : this.reject(line.text, lineNo, line);
  }

  /** How many lines are held, waiting for the batch to fill. */
  get held(): number {
    return this.records.length;
  }

  /** The lines held so far as a batch (undefined when none, and no blank line was skipped). */
  flush(): LineBatch | undefined {
    if (this.records.length === 0 && this.blank === 0) return undefined;
    const records = this.records;
    const lines = this.lineNos;
    const origin = this.origin;
    const rejections = this.rejections;
    this.records = [];
    this.lineNos = [];
    this.rejections = undefined;
    const blankLines = this.blank;
    this.blank = 0;
    const batch: LineBatch = { records, origin: (i) => `${origin}:${lines[i] ?? '?'}`, originName: origin, lineNo: (i) => lines[i] ?? 0, ...(blankLines > 0 ? { blankLines } : {}) };
    return rejections === undefined ? batch : { ...batch, rejected: (i) => rejections.get(i) };
  }
}
