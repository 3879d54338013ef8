/**
 * Worker thread of csv-ranges.ts: tokenizes and classifies the records of its byte ranges of a CSV,
 * in order (each from `start`, a line start, to the first record starting at or after `end`; the
 * last may run past `end`), posting them in RowBlocks, at most CREDITS unacknowledged at a time so
 * a worker ahead of the reading thread waits instead of filling memory. Each range ends with
 * { type: 'done', stoppedAt }: where the next range's first record really starts.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { RowBlockBuilder, transferList } from './csv-block.js';
import { tokenizeAll, type Newline } from './csv-tokenizer.js';

export interface RangeTask {
  input: string;
  /** This worker's ranges, in file order. */
  ranges: { start: number; end: number }[];
  delimiter: number;
  newline: Newline;
  keepNumberText: boolean;
}

/** A block is posted at this many records, or cells (a wide file's blocks stay a few MB). */
const BLOCK_ROWS = 16_384;
const BLOCK_CELLS = 262_144;
/** Blocks posted and not yet acknowledged. */
const CREDITS = 4;

const port = parentPort;
if (port === null) throw new Error('csv-range-worker runs as a worker thread');
const task = workerData as RangeTask;

let outstanding = 0;
let wake: (() => void) | undefined;
port.on('message', () => {
  outstanding--;
  wake?.();
  wake = undefined;
});

const builder = new RowBlockBuilder(task.keepNumberText);

async function post(): Promise<void> {
  const block = builder.take();
  outstanding++;
  (port as NonNullable<typeof port>).postMessage({ type: 'block', block }, transferList(block));
  while (outstanding >= CREDITS) await new Promise<void>((resolve) => (wake = resolve));
}

/** Post range [start, end)'s records, then where the next range's first record starts. */
async function readRange(file: FileHandle, start: number, end: number): Promise<void> {
  let position = start;
  let stoppedAt = -1;
  let lastOffset = start;
  let pendingPost = false;
  await tokenizeAll(
    async (buf, offset, length) => {
      if (pendingPost) {
        pendingPost = false;
        await post();
      }
      const { bytesRead } = await file.read(buf, offset, length, position);
      position += bytesRead;
      return bytesRead;
    },
    task.delimiter,
    (record) => {
      if (record.offset >= end) {
        stoppedAt = record.offset;
        return false;
      }
      builder.bytes += record.offset - lastOffset;
      lastOffset = record.offset;
      builder.add(record);
      // a block is posted between reads (records are views of the read buffer, used here only)
      if (builder.size >= BLOCK_ROWS || builder.cellCount >= BLOCK_CELLS) pendingPost = true;
    },
    { newline: task.newline, start },
  );
  if (stoppedAt < 0) stoppedAt = position; // the end of the file
  builder.bytes += stoppedAt - lastOffset;
  if (builder.size > 0) await post();
  (port as NonNullable<typeof port>).postMessage({ type: 'done', stoppedAt });
}

const file = await open(task.input, 'r');
try {
  for (const r of task.ranges) await readRange(file, r.start, r.end);
} finally {
  await file.close();
}
