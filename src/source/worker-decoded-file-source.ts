/**
 * Capture files read and decoded in a worker thread (file-decode-worker.ts), so that on a machine
 * with a core to spare, reading and decoding run beside the monitor's sketching instead of before
 * it: batches arrive as DecodedBlocks (RawBatch.decoded) in file order, exactly as FileSource would
 * have delivered the lines, and the monitor applies their rows as it applies the rows it decodes
 * itself. Unreadable files are reported through the same callback as FileSource's.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DriftmonError, ErrorCode } from '../errors.js';
import { blockArrays, type DecodedBlock } from '../record/decoded-block.js';
import type { FileDecodeMessage, FileDecodeTask } from './file-decode-worker.js';
import { listCaptureFiles, type FileSourceOptions } from './file-source.js';
import type { RawBatch, Source, UnreadableInput } from './source.js';
import { workerScript } from './worker-script.js';

const NO_RECORDS: readonly string[] = [];

/** `auto` decodes in a worker from this much input: below it, the thread's start-up (~40 ms) costs more than it saves. */
export const AUTO_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Whether a files source should be decoded in a worker: `auto` when a core is free for it and the
 * files (not followed) hold AUTO_MIN_BYTES or more; a path that cannot be listed leaves the
 * in-thread source to report it.
 */
export async function decodeInWorker(setting: boolean | 'auto', paths: readonly string[], follow: boolean): Promise<boolean> {
  if (setting !== 'auto') return setting;
  if (follow || availableParallelism() < 2) return false;
  try {
    let bytes = 0;
    for (const file of await listCaptureFiles(paths, false)) {
      bytes += (await stat(file)).size;
      if (bytes >= AUTO_MIN_BYTES) return true;
    }
  } catch {
    // not listable: the source says so when it reads
  }
  return false;
}

export class WorkerDecodedFileSource implements Source {
  readonly description: string;
  private readonly worker: Worker;
  private readonly queue: FileDecodeMessage[] = [];
  private wake: (() => void) | undefined;
  private lost: Error | undefined;
  private readonly failures: UnreadableInput[] = [];
  private found = 0;
  private closed = false;

  /**
   * The worker starts here, so that its start-up (loading its modules, listing and opening the
   * files) overlaps the monitor's own; it holds the process open only once batches() is iterated.
   */
  constructor(
    task: FileDecodeTask,
    private readonly onUnreadable?: FileSourceOptions['onUnreadable'],
  ) {
    this.description = `files ${task.files.paths.join(', ')}${task.files.follow ? ' (follow)' : ''} (decoded in a worker thread)`;
    const worker = (this.worker = new Worker(workerScript('source/file-decode-worker.js'), { workerData: task }));
    worker.unref();
    worker.on('message', (m: FileDecodeMessage) => {
      this.queue.push(m);
      this.notify();
    });
    worker.on('error', (e) => {
      this.lost ??= e;
      this.notify();
    });
    worker.on('exit', (code) => {
      this.lost ??= new Error(`the file decoding worker exited (code ${code})`);
      this.notify();
    });
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }

  async *batches(): AsyncIterable<RawBatch> {
    if (this.closed) return;
    const worker = this.worker;
    worker.ref();
    try {
      for (;;) {
        const m = this.queue.shift();
        if (m === undefined) {
          if (this.lost !== undefined) {
            if (this.closed) return;
            throw new DriftmonError(ErrorCode.SOURCE_FAILED, `reading capture files failed: ${this.lost.message}`, { cause: this.lost });
          }
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        if (m.type === 'block') {
          this.found = m.filesFound;
          yield decodedBatch(m.block);
          worker.postMessage(m.block.buffer, [m.block.buffer]);
        } else if (m.type === 'unreadable') {
          const input = { path: m.path, reason: m.reason };
          this.failures.push(input);
          this.onUnreadable?.(input);
        } else if (m.type === 'end') {
          this.found = m.filesFound;
          return;
        } else {
          const code = m.code !== undefined && m.code in ErrorCode ? (m.code as ErrorCode) : ErrorCode.SOURCE_FAILED;
          throw new DriftmonError(code, m.message);
        }
        if (this.closed) return;
      }
    } finally {
      this.closed = true;
      await worker.terminate();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }

  unreadable(): readonly UnreadableInput[] {
    return this.failures;
  }

  filesFound(): number {
    return this.found;
  }
}

/** A block as the batch the monitor applies (RawBatch.decoded). */
export function decodedBatch(block: DecodedBlock): RawBatch {
  const { origin } = block;
  const { lineNos } = blockArrays(block.buffer, block.recordCapacity, block.rowCapacity, block.stride);
  return { records: NO_RECORDS, origin: (i) => `${origin}:${lineNos[i] ?? '?'}`, decoded: block, ...(block.blankLines > 0 ? { blankLines: block.blankLines } : {}) };
}
