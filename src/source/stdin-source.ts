/**
 * Records from standard input (or any readable stream), one per line, until it ends or stop().
 *
 * A pipe that stays open must not hold lines back: a partial batch is flushed once no input has
 * arrived for `idleFlushMs` (200 ms by default). stop() ends the iteration without destroying the
 * stream under a reader (no ERR_STREAM_PREMATURE_CLOSE): the complete lines already read are
 * yielded as a last batch, an unterminated last line is dropped (it may be cut short).
 *
 * Lines are split as bytes, like files (byte-lines.ts): memory is bounded by maxLineLength, a longer
 * line and a line that is not valid UTF-8 come out rejected with their reason instead of being
 * buffered whole or silently repaired, and a leading BOM is dropped.
 */
import type { Readable } from 'node:stream';
import { DEFAULTS } from '../config/defaults.js';
import { ByteLineSplitter } from './byte-lines.js';
import { LINE_BATCH_SIZE, LineBatcher } from './line-batcher.js';
import type { RawBatch, Source } from './source.js';

/** How long a partial batch waits for more input before it is processed. */
export const STDIN_IDLE_FLUSH_MS = 200;

export interface StreamSourceOptions {
  batchSize?: number;
  idleFlushMs?: number;
  /** The longest line kept whole, in bytes (a longer one is dead-lettered as line_too_long). */
  maxLineLength?: number;
}

export class StreamSource implements Source {
  private stopped = false;
  private closed = false;
  /** Something happened (data, end, error, stop) since the reader last looked. */
  private pending = false;
  private wake: (() => void) | undefined;
  private readonly batchSize: number;
  private readonly idleFlushMs: number;
  private readonly maxLineLength: number;

  constructor(
    private readonly input: Readable,
    readonly description = 'stdin',
    options: StreamSourceOptions = {},
  ) {
    this.batchSize = options.batchSize ?? LINE_BATCH_SIZE;
    this.idleFlushMs = options.idleFlushMs ?? STDIN_IDLE_FLUSH_MS;
    this.maxLineLength = options.maxLineLength ?? DEFAULTS.maxLineLength;
  }

  async *batches(): AsyncIterable<RawBatch> {
    const input = this.input;
    const splitter = new ByteLineSplitter(this.maxLineLength);
    const batcher = new LineBatcher(this.description, this.batchSize);
    let lineNo = 0;
    let ended = false;
    let failure: Error | undefined;
    const notify = (): void => {
      this.pending = true;
      const w = this.wake;
      this.wake = undefined;
      w?.();
    };
    const onEnd = (): void => {
      ended = true;
      notify();
    };
    const onError = (e: Error): void => {
      failure = e;
      notify();
    };
    input.on('readable', notify);
    input.on('end', onEnd);
    input.on('error', onError);
    try {
      while (!this.stopped) {
        this.pending = false;
        let chunk: Buffer | string | null;
        while ((chunk = input.read() as Buffer | string | null) !== null) {
          for (const line of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
            const batch = batcher.addLine(line, ++lineNo);
            if (batch !== undefined) yield batch;
          }
          if (this.stopped) break;
        }
        if (failure !== undefined) throw failure;
        if (ended || this.stopped || input.readableEnded) break;
        if (!(await this.waitForInput(batcher.held > 0 ? this.idleFlushMs : undefined))) {
          // idle with lines held: process them now rather than when the batch fills
          const batch = batcher.flush();
          if (batch !== undefined) yield batch;
        }
      }
      if (!this.stopped) {
        for (const line of splitter.end()) {
          const batch = batcher.addLine(line, ++lineNo);
          if (batch !== undefined) yield batch;
        }
      }
      const last = batcher.flush();
      if (last !== undefined) yield last;
    } finally {
      input.off('readable', notify);
      input.off('end', onEnd);
      input.off('error', onError);
    }
  }

  /** Resolves true when something happened, false after `timeoutMs` of nothing (never, if undefined). */
  private waitForInput(timeoutMs: number | undefined): Promise<boolean> {
    if (this.pending) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** End the iteration after the lines already read (see the file comment). */
  stop(): void {
    this.stopped = true;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    // nobody reads the stream any more, so destroying it releases the pipe without an error
    this.input.destroy();
  }
}
