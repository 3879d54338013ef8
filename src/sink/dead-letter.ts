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
  /** The original record text. */
  record: string;
}

export interface DeadLetterSink {
  write(letter: DeadLetter): void;
  /** Letters written so far. */
  readonly count: number;
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
      `${JSON.stringify({ reason: letter.reason, source: letter.source, dead_lettered_at: new Date(this.clock()).toISOString(), record: letter.record })}\n`,
    );
    this.count++;
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

  async close(): Promise<void> {}
}
