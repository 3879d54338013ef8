/**
 * Worker thread of worker-decoded-file-source.ts: reads the capture files (FileSource) and decodes
 * every line with the monitor's decoder, posting DecodedBlocks (one per batch of lines) with their
 * buffers transferred. At most CREDITS blocks are unacknowledged at a time, so a fast reader waits
 * for the monitor instead of filling memory.
 *
 * The decoder is built exactly as the monitor builds its own (the baseline's features declared
 * first, in order), so the features it registers land on the same slots of the monitor's registry.
 * Everything the monitor's decode step would decide per record is decided here: a line over
 * maxLineLength, the decoder's rejection reasons, and a decoder that throws (dead-lettered as
 * processing_error with the error described, its rows dropped; nothing reached a window).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DriftmonError, RecordErrorReason, describeThrown } from '../errors.js';
import { createDecoder } from '../record/create-decoder.js';
import { DecodedBlockBuilder, blockTransfers, type DecodedBlock } from '../record/decoded-block.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import type { DatasetSchema } from '../record/schema.js';
import { FileSource, type FileSourceOptions } from './file-source.js';
import { LINE_BATCH_SIZE } from './line-batcher.js';

export interface FileDecodeTask {
  files: Omit<FileSourceOptions, 'onUnreadable'>;
  maxLineLength: number;
  maxFutureSkewMs: number;
  record: DatasetSchema;
  maxFeatures: number;
  /** The monitor's declarations, in its order (the baseline's features). */
  declarations: readonly { name: string; keepText: boolean }[];
  baselineNames: readonly string[] | undefined;
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
let builder: DecodedBlockBuilder | undefined;
/** The monitor is done with a block: its buffer comes back for reuse. */
out.on('message', (buffer: ArrayBuffer) => {
  builder?.reuse(buffer);
  outstanding--;
  wake?.();
  wake = undefined;
});

const post = (m: FileDecodeMessage, transfer: ArrayBuffer[] = []): void => out.postMessage(m, transfer);

async function run(): Promise<void> {
  const registry = new FeatureRegistry(task.maxFeatures);
  for (const d of task.declarations) registry.declare(d.name, { keepText: d.keepText });
  const decoder = createDecoder(task.record, registry, { baselineNames: task.baselineNames });
  const blocks = (builder = new DecodedBlockBuilder(registry, task.files.batchSize ?? LINE_BATCH_SIZE));
  const source = new FileSource({ ...task.files, onUnreadable: (u) => post({ type: 'unreadable', path: u.path, reason: u.reason }) });
  const maxLength = task.maxLineLength;
  for await (const batch of source.batches()) {
    const records = batch.records;
    // the monitor's rule, by this thread's clock when it decodes (its own would read it a moment later)
    blocks.futureLimitMs = Date.now() + task.maxFutureSkewMs;
    for (let i = 0; i < records.length; i++) {
      const line = records[i] as string;
      blocks.beginRecord(batch.lineNo(i));
      const rejected = batch.rejected?.(i);
      if (rejected !== undefined) {
        blocks.endRecord(line, { reason: rejected.reason, bytes: rejected.bytes });
        continue;
      }
      if (line.length > maxLength) {
        blocks.endRecord(line, { reason: RecordErrorReason.LINE_TOO_LONG });
        continue;
      }
      let reason: RecordErrorReason | undefined;
      try {
        reason = decoder.decode(line, blocks.onRow);
      } catch (e) {
        blocks.dropRecordRows();
        blocks.endRecord(line, { reason: RecordErrorReason.PROCESSING_ERROR, error: describeThrown(e) });
        continue;
      }
      blocks.endRecord(line, reason === undefined ? undefined : { reason });
    }
    const block = blocks.take(batch.originName, batch.blankLines ?? 0, decoder.columnNaming?.());
    outstanding++;
    post({ type: 'block', block, filesFound: source.filesFound() }, blockTransfers(block));
    while (outstanding >= CREDITS) await new Promise<void>((resolve) => (wake = resolve));
  }
  post({ type: 'end', filesFound: source.filesFound() });
}

run().catch((e: unknown) => post({ type: 'error', code: e instanceof DriftmonError ? e.code : undefined, message: e instanceof Error ? e.message : String(e) }));
