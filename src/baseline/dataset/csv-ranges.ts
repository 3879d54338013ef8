/**
 * A large CSV read in byte ranges on several cores: worker threads (csv-range-worker.ts) tokenize
 * and classify ranges 1…n−1, handed round-robin (worker w reads ranges w+1, w+1+W, …), while this
 * thread reads range 0 (which holds the header) itself and then feeds the sink; the rows reach
 * the sink in file order, so the profile — and statistics.json — is the one a
 * single sequential read gives, byte for byte (KLL sketches and float sums depend on the order of
 * their inputs, so ranges are parsed in parallel but never sketched apart and merged).
 *
 * Ranges start just after a newline. Whether that newline really ends a record (not one inside
 * a quoted field) is known only once the range before is read: its reader reports where the
 * first record at or after the boundary starts. When that is not the boundary, the rest of the
 * file is read here from that true record start, and the later workers' results are dropped.
 * The same fallback covers a header not yet settled when range 0 ends.
 */
import { existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RowBlock } from './csv-block.js';
import type { RangeTask } from './csv-range-worker.js';
import { tokenizeAll, type CsvRecord, type Newline } from './csv-tokenizer.js';
import type { Progress } from './read-progress.js';

/** What receives the records: whole records (this thread's reads) or blocks (workers'). */
export interface RangeRows {
  bytes(record: CsvRecord): void;
  /** Whether blocks can be taken (the columns are known); false sends the read back to this thread. */
  readyForBlocks(): boolean;
  block(block: RowBlock): void;
}

const WORKER = new URL('./csv-range-worker.js', import.meta.url);

/** Whether the worker's module is there (it is in the build; not when running the TypeScript sources). */
export function rangeWorkersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

type Message = { type: 'block'; block: RowBlock } | { type: 'done'; stoppedAt: number };

/** One worker's messages, taken in order. */
class RangeReader {
  readonly worker: Worker;
  private readonly queue: Message[] = [];
  private waiting: ((m: Message) => void) | undefined;
  private failed: ((e: Error) => void) | undefined;
  private error: Error | undefined;

  constructor(task: RangeTask) {
    this.worker = new Worker(WORKER, { workerData: task });
    this.worker.on('message', (m: Message) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (w !== undefined) w(m);
      else this.queue.push(m);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`CSV range worker exited with code ${code}`));
    });
  }

  private fail(e: Error): void {
    this.error ??= e;
    this.failed?.(e);
  }

  next(): Promise<Message> {
    const m = this.queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (this.error !== undefined) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
    });
  }

  ack(): void {
    this.worker.postMessage('ack');
  }
}

/**
 * Read `input` (`size` bytes) in `ranges` byte ranges into `rows`, ranges 1… handed round-robin to
 * `workers` worker threads. `newline` must be the one guessed from the file's start (the workers
 * start mid-file).
 */
export async function readInRanges(
  input: string,
  size: number,
  ranges: number,
  workers: number,
  delimiter: number,
  newline: Newline,
  keepNumberText: boolean,
  progress: Progress,
  rows: RangeRows,
): Promise<void> {
  const file = await open(input, 'r');
  const readers: RangeReader[] = [];
  try {
    const starts = await rangeStarts(file, size, ranges, newline);
    const n = Math.min(workers, starts.length - 1);
    for (let w = 0; w < n; w++) {
      const mine: RangeTask['ranges'] = [];
      for (let i = 1 + w; i < starts.length; i += n) mine.push({ start: starts[i] as number, end: starts[i + 1] ?? size });
      readers.push(new RangeReader({ input, ranges: mine, delimiter, newline, keepNumberText }));
    }
    // range 0 here, up to the first record at or after the next range's start
    let stoppedAt = await readHere(file, 0, starts[1] ?? size, delimiter, newline, progress, rows);
    for (let i = 1; i < starts.length; i++) {
      const reader = readers[(i - 1) % n] as RangeReader;
      if (stoppedAt !== starts[i] || !rows.readyForBlocks()) {
        await readHere(file, stoppedAt, Infinity, delimiter, newline, progress, rows);
        return;
      }
      for (;;) {
        const m = await reader.next();
        if (m.type === 'done') {
          stoppedAt = m.stoppedAt;
          break;
        }
        rows.block(m.block);
        progress.add(m.block.bytes);
        reader.ack();
      }
    }
  } finally {
    await Promise.all(readers.map((r) => r.worker.terminate()));
    await file.close();
  }
}

/** Read records from `start` on this thread until one starts at or after `end`; returns where that one starts (or the file's end). */
async function readHere(
  file: FileHandle,
  start: number,
  end: number,
  delimiter: number,
  newline: Newline,
  progress: Progress,
  rows: RangeRows,
): Promise<number> {
  let position = start;
  let stoppedAt = -1;
  await tokenizeAll(
    async (buf, offset, length) => {
      const { bytesRead } = await file.read(buf, offset, length, position);
      position += bytesRead;
      progress.add(bytesRead);
      return bytesRead;
    },
    delimiter,
    (record) => {
      if (record.offset >= end) {
        stoppedAt = record.offset;
        return false;
      }
      rows.bytes(record);
    },
    { newline, start },
  );
  return stoppedAt < 0 ? position : stoppedAt;
}

/**
 * Range starts: 0, then for each split point the byte after the first newline at or after it.
 * Range 0 is a quarter of the size of the others (enough for the header and the rows its
 * detection looks at): this thread feeds every row to the sink, which costs more than parsing.
 */
async function rangeStarts(file: FileHandle, size: number, ranges: number, newline: Newline): Promise<number[]> {
  const last = newline === '\r' ? 13 : 10;
  const starts = [0];
  const share = size / (ranges - 0.75);
  const probe = Buffer.allocUnsafe(64 * 1024);
  for (let i = 1; i < ranges; i++) {
    let at = Math.floor(share * (i - 0.75));
    if (at <= (starts.at(-1) as number)) continue;
    let found = -1;
    while (found < 0 && at < size) {
      const { bytesRead } = await file.read(probe, 0, probe.length, at);
      if (bytesRead === 0) break;
      const k = probe.subarray(0, bytesRead).indexOf(last);
      if (k >= 0) found = at + k + 1;
      else at += bytesRead;
    }
    if (found < 0 || found >= size) break;
    if (found > (starts.at(-1) as number)) starts.push(found);
  }
  return starts;
}
