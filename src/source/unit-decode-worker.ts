/**
 * Worker thread of parallel-decoded-file-source.ts: decodes the decode units (decode-units.ts) it
 * is handed, one after the other in the order given, as the monitor would (BlockDecoder), posting a
 * DecodedBlock per batch of lines (line numbers counted from the unit's first line) and, after each
 * unit, how many lines it had. At most CREDITS blocks are unacknowledged at a time, so a worker
 * ahead of the monitor waits instead of filling memory. The column naming, once the source knows
 * the input's, is adopted before this worker decides its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DriftmonError } from '../errors.js';
import { BlockDecoder, type BlockDecodeSpec } from '../record/block-decoder.js';
import type { ColumnNaming } from '../record/column-naming.js';
import { blockTransfers, type DecodedBlock } from '../record/decoded-block.js';
import type { DecodeUnit } from './decode-units.js';
import { LINE_BATCH_SIZE } from './line-batcher.js';
import { unitLines } from './unit-lines.js';

export interface UnitDecodeTask extends BlockDecodeSpec {
  batchSize?: number;
}

/** What the worker posts. */
export type UnitDecodeMessage =
  | { type: 'block'; unit: number; block: DecodedBlock }
  | { type: 'unreadable'; unit: number; path: string; reason: string }
  | { type: 'unit-end'; unit: number; lines: number }
  | { type: 'error'; code: string | undefined; message: string };

/**
 * What the source posts: a credit (a block is off its hands, or waiting for a later one), a block's
 * buffer handed back for reuse, the input's column naming, or a unit to decode next.
 */
export type UnitDecodeControl = { credit: boolean; buffer?: ArrayBuffer } | { naming: ColumnNaming } | { unit: DecodeUnit };

/**
 * Unacknowledged blocks per worker: while the monitor thread decodes a unit of its own (sharing),
 * the worker runs on instead of waiting (8, as file-decode-worker.ts, measured slower).
 */
export const CREDITS = 64;

const port = parentPort;
if (port === null) throw new Error('unit-decode-worker runs as a worker thread');
const out = port;
const task = workerData as UnitDecodeTask;
const batchSize = task.batchSize ?? LINE_BATCH_SIZE;
const blocks = new BlockDecoder(task, batchSize, undefined, true);

let outstanding = 0;
const units: DecodeUnit[] = [];
let wake: (() => void) | undefined;
const awake = (): void => {
  wake?.();
  wake = undefined;
};
out.on('message', (m: UnitDecodeControl) => {
  if ('naming' in m) {
    blocks.adoptColumnNaming(m.naming);
    return;
  }
  if ('unit' in m) {
    units.push(m.unit);
    awake();
    return;
  }
  if (m.buffer !== undefined) blocks.reuse(m.buffer);
  if (m.credit) {
    outstanding--;
    awake();
  }
});

const post = (m: UnitDecodeMessage, transfer: ArrayBuffer[] = []): void => out.postMessage(m, transfer);

/** Units as they are handed over; the source ends this thread when there are no more. */
async function run(): Promise<void> {
  for (;;) {
    const unit = units.shift();
    if (unit === undefined) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const progress = { lines: 0 };
    const onError = (e: unknown): void => post({ type: 'unreadable', unit: unit.index, path: unit.file, reason: (e as Error).message });
    for await (const batch of unitLines(unit, { maxLineLength: task.maxLineLength, batchSize, onError }, progress)) {
      blocks.decode(batch, batch.lineNo);
      const block = blocks.take(batch.originName, batch.blankLines ?? 0);
      outstanding++;
      post({ type: 'block', unit: unit.index, block }, blockTransfers(block));
      while (outstanding >= CREDITS) await new Promise<void>((resolve) => (wake = resolve));
    }
    post({ type: 'unit-end', unit: unit.index, lines: progress.lines });
  }
}

run().catch((e: unknown) => post({ type: 'error', code: e instanceof DriftmonError ? e.code : undefined, message: e instanceof Error ? e.message : String(e) }));
