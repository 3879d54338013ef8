/**
 * Dead letters: every rejected record, with its reason and where it came from, one JSON line each
 * in <dir>/<monitor>.jsonl. Nothing is dropped silently; the stream goes on.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { RecordErrorReason } from '../errors.js';

export interface DeadLetter {
  monitor: string;
  reason: RecordErrorReason;
  /** Where the record came from: file:line, stdin:line, topic/partition/offset. */
  source: string;
  /** The original record text (only its first KiB when the source cut an over-long line). */
  record: string;
  /** The line's true length in bytes, when the source rejected it itself (line_too_long, invalid_utf8). */
  recordBytes?: number | undefined;
  /** The original bytes when the source has them (Kafka message value); dead-letter topics keep them exactly. */
  bytes?: Uint8Array;
  /** The original message key (Kafka), kept on the dead-letter topic. */
  key?: Uint8Array | null;
  /** processing_error: what was thrown (name: message, bounded by monitors/record-fault.ts); hook_*: what the hook threw or why its output was refused. */
  error?: string | undefined;
}

export interface DeadLetterSink {
  write(letter: DeadLetter): void;
  /** Letters written so far. */
  readonly count: number;
  /** Resolves once every letter written so far is durable (file flushed, topic acknowledged). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export class FileDeadLetterSink implements DeadLetterSink {
  private readonly streams = new Map<string, WriteStream>();
  count = 0;

  constructor(
    readonly dir: string,
    private readonly clock: () => number = Date.now,
  ) {}

  write(letter: DeadLetter): void {
    let s = this.streams.get(letter.monitor);
    if (s === undefined) {
      mkdirSync(this.dir, { recursive: true });
      s = createWriteStream(join(this.dir, `${letter.monitor}.jsonl`), { flags: 'a' });
      this.streams.set(letter.monitor, s);
    }
    s.write(
      `${JSON.stringify({ reason: letter.reason, source: letter.source, dead_lettered_at: new Date(this.clock()).toISOString(), record: letter.record, record_bytes: letter.recordBytes, error: letter.error })}\n`,
    );
    this.count++;
  }

  /** Every letter handed to the OS (an empty write's callback runs after the writes queued before it). */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].map((s) => new Promise<void>((resolve, reject) => s.write('', (e?: Error | null) => (e ? reject(e) : resolve())))),
    );
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].map((s) => new Promise<void>((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve())))),
    );
    this.streams.clear();
  }
}

export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];

  get count(): number {
    return this.letters.length;
  }

  write(letter: DeadLetter): void {
    this.letters.push(letter);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
