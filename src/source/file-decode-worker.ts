/**
 * Worker thread of worker-decoded-file-source.ts: reads the capture files (FileSource) and decodes
 * every line as the monitor would (BlockDecoder), posting DecodedBlocks (one per batch of lines)
 * with their buffers transferred. At most CREDITS blocks are unacknowledged at a time, so a fast
 * reader waits for the monitor instead of filling memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DriftmonError } from '../errors.js';
import { BlockDecoder, type BlockDecodeSpec } from '../record/block-decoder.js';
import { blockTransfers, type DecodedBlock } from '../record/decoded-block.js';
import { FileSource, type FileSourceOptions } from './file-source.js';
import { LINE_BATCH_SIZE } from './line-batcher.js';

export interface FileDecodeTask extends BlockDecodeSpec {
  files: Omit<FileSourceOptions, 'onUnreadable'>;
}

/** What the worker posts. */
export type FileDecodeMessage =
  | { type: 'block'; block: DecodedBlock; filesFound: number }
  | { type: 'unreadable'; path: string; reason: string }
  | { type: 'end'; filesFound: number }
  | { type: 'error'; code: string | undefined; message: string };

const CREDITS = 8;

const port = parentPort;
if (port === null) throw new Error('file-decode-worker runs as a worker thread');
const out = port;
const task = workerData as FileDecodeTask;

let outstanding = 0;
let wake: (() => void) | undefined;
let decoding: BlockDecoder | undefined;
/** The monitor is done with a block: its buffer comes back for reuse. */
out.on('message', (buffer: ArrayBuffer) => {
  decoding?.reuse(buffer);
  outstanding--;
  wake?.();
  wake = undefined;
});

const post = (m: FileDecodeMessage, transfer: ArrayBuffer[] = []): void => out.postMessage(m, transfer);

async function run(): Promise<void> {
  const blocks = (decoding = new BlockDecoder(task, task.files.batchSize ?? LINE_BATCH_SIZE));
  const source = new FileSource({ ...task.files, onUnreadable: (u) => post({ type: 'unreadable', path: u.path, reason: u.reason }) });
  for await (const batch of source.batches()) {
    blocks.decode(batch, batch.lineNo);
    const block = blocks.take(batch.originName, batch.blankLines ?? 0);
    outstanding++;
    post({ type: 'block', block, filesFound: source.filesFound() }, blockTransfers(block));
    while (outstanding >= CREDITS) await new Promise<void>((resolve) => (wake = resolve));
  }
  post({ type: 'end', filesFound: source.filesFound() });
}

run().catch((e: unknown) => post({ type: 'error', code: e instanceof DriftmonError ? e.code : undefined, message: e instanceof Error ? e.message : String(e) }));
