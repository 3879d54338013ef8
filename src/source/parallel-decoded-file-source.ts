/**
 * Capture files (not followed) decoded in several worker threads (unit-decode-worker.ts): the input
 * is cut into units (decode-units.ts: files, and byte ranges of large plain files), dealt to the
 * workers round-robin, and their blocks are handed to the monitor strictly in input order, so that
 * it sees exactly what one decoder (WorkerDecodedFileSource) would have given it:
 * - line numbers: a worker counts from its unit's first line; the lines of the file's earlier
 *   units (known, since units are applied in order) are added before a block goes on;
 * - feature slots: each worker has its own registry; MergedSlots maps them onto one, in input order;
 * - column naming: the input's is the first one met in input order; it is passed to every worker,
 *   and a worker that decided otherwise before it knew is caught at its first block that says so;
 * - batches: blocks cut and joined into one decoder's batches (logical-batches.ts);
 * - unreadable files: reported once, the file's later units dropped, as FileSource drops the file.
 * Where the workers' blocks cannot match one decoder's (a worker's own naming decision, a feature
 * budget reached: block-slots.ts), the workers are stopped and this thread decodes the rest itself,
 * from the first line not yet delivered, with the merged registry: slower, never different.
 */
import { Worker } from 'node:worker_threads';
import { DriftmonError, ErrorCode } from '../errors.js';
import { BlockDecoder, declaredRegistry, type BlockDecodeSpec } from '../record/block-decoder.js';
import { MergedSlots } from '../record/block-slots.js';
import type { ColumnNaming } from '../record/column-naming.js';
import { blockArrays, type DecodedBlock } from '../record/decoded-block.js';
import { planUnits, type DecodeUnit } from './decode-units.js';
import type { FileSourceOptions } from './file-source.js';
import { LINE_BATCH_SIZE } from './line-batcher.js';
import type { RawBatch, Source, UnreadableInput } from './source.js';
import type { UnitDecodeControl, UnitDecodeMessage, UnitDecodeTask } from './unit-decode-worker.js';
import { unitLines } from './unit-lines.js';
import { LogicalBatches } from './logical-batches.js';
import { workerScript } from './worker-script.js';

export interface ParallelDecodeTask extends BlockDecodeSpec {
  paths: readonly string[];
  workers: number;
  /** Bytes per range of a large plain file (decode-units.ts). */
  rangeBytes?: number;
  batchSize?: number;
}

interface DecodeThread {
  readonly worker: Worker;
  readonly queue: UnitDecodeMessage[];
  /** Whether its first block with a column naming was checked against the input's. */
  namingChecked: boolean;
}

export class ParallelDecodedFileSource implements Source {
  readonly description: string;
  private readonly started: Promise<{ units: DecodeUnit[]; threads: DecodeThread[] }>;
  private wake: (() => void) | undefined;
  private lost: Error | undefined;
  private readonly failures: UnreadableInput[] = [];
  /** File → the unit it failed in: its later units are dropped. */
  private readonly failedAt = new Map<string, number>();
  private readonly slots: MergedSlots;
  private naming: ColumnNaming | undefined;
  private found = 0;
  private closed = false;

  /** The workers start here (after listing the files), so their start-up overlaps the monitor's. */
  constructor(
    private readonly task: ParallelDecodeTask,
    private readonly onUnreadable?: FileSourceOptions['onUnreadable'],
    /** The workers were stopped: this thread decodes from `at` (`path:line`) on. */
    private readonly onDecodingHere?: (at: string) => void,
  ) {
    this.description = `files ${task.paths.join(', ')} (decoded in up to ${task.workers} worker threads)`;
    this.slots = new MergedSlots(declaredRegistry(task));
    this.started = this.start();
    this.started.catch(() => undefined); // reported by batches()
  }

  private async start(): Promise<{ units: DecodeUnit[]; threads: DecodeThread[] }> {
    const units = await planUnits(this.task.paths, this.task.rangeBytes);
    const n = Math.max(1, Math.min(this.task.workers, units.length));
    const { paths: _paths, workers: _workers, rangeBytes: _range, ...spec } = this.task;
    const threads: DecodeThread[] = [];
    for (let w = 0; w < n && !this.closed; w++) {
      const data: UnitDecodeTask = { ...spec, units: units.filter((u) => u.index % n === w) };
      const worker = new Worker(workerScript('source/unit-decode-worker.js'), { workerData: data });
      worker.unref(); // until batches() is iterated
      const thread: DecodeThread = { worker, queue: [], namingChecked: false };
      worker.on('message', (m: UnitDecodeMessage) => {
        thread.queue.push(m);
        this.notify();
      });
      worker.on('error', (e) => {
        this.lost ??= e;
        this.notify();
      });
      worker.on('exit', (code) => {
        this.lost ??= new Error(`a file decoding worker exited (code ${code})`);
        this.notify();
      });
      threads.push(thread);
    }
    return { units, threads };
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }

  async *batches(): AsyncIterable<RawBatch> {
    if (this.closed) return;
    const { units, threads } = await this.started;
    if (this.closed) return;
    for (const t of threads) t.worker.ref();
    const batches = new LogicalBatches(this.slots.registry, this.task.batchSize ?? LINE_BATCH_SIZE);
    try {
      let file: string | undefined;
      let base = 0;
      for (const unit of units) {
        if (unit.file !== file) {
          if (file !== undefined) yield* batches.fileEnd(file);
          file = unit.file;
          base = 0;
          this.found++;
        }
        const thread = threads[unit.index % threads.length] as DecodeThread;
        const dropped = (this.failedAt.get(unit.file) ?? unit.index) < unit.index;
        /** The unit's lines handed on so far (to its last record's). */
        let delivered = 0;
        for (;;) {
          const m = await this.next(thread);
          if (m === undefined) return;
          if (m.type === 'block') {
            const buffer = m.block.buffer;
            let credited = false;
            const release = (): void => post(thread, { credit: !credited, buffer }, [buffer]);
            const held = (): void => {
              if (!credited) post(thread, { credit: true });
              credited = true;
            };
            if (dropped) {
              release();
              continue;
            }
            const block = this.merged(thread, threads.indexOf(thread), m.block);
            if (block === undefined) {
              await this.terminate(threads);
              this.onDecodingHere?.(`${unit.file}:${base + delivered + 1}`);
              yield* this.decodeHere(batches, units, unit.index, base, delivered);
              return;
            }
            const { lineNos } = blockArrays(block.buffer, block.recordCapacity, block.rowCapacity, block.stride);
            if (block.records > 0) delivered = lineNos[block.records - 1] as number;
            for (let i = 0; i < block.records; i++) (lineNos[i] as number) += base;
            yield* batches.add(block, release, held);
            if (this.closed) return;
          } else if (m.type === 'unreadable') {
            if (!dropped) this.fail(unit, { path: m.path, reason: m.reason });
          } else if (m.type === 'unit-end') {
            base += m.lines;
            break;
          } else {
            const code = m.code !== undefined && m.code in ErrorCode ? (m.code as ErrorCode) : ErrorCode.SOURCE_FAILED;
            throw new DriftmonError(code, m.message);
          }
        }
      }
      if (file !== undefined) yield* batches.fileEnd(file);
    } finally {
      this.closed = true;
      await this.terminate(threads);
    }
  }

  /** The thread's next message; undefined once closed. */
  private async next(thread: DecodeThread): Promise<UnitDecodeMessage | undefined> {
    for (;;) {
      const m = thread.queue.shift();
      if (m !== undefined) return m;
      if (this.lost !== undefined) {
        if (this.closed) return undefined;
        throw new DriftmonError(ErrorCode.SOURCE_FAILED, `reading capture files failed: ${this.lost.message}`, { cause: this.lost });
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The block on the merged slots and the input's column naming; undefined where it cannot be one decoder's. */
  private merged(thread: DecodeThread, index: number, block: DecodedBlock): DecodedBlock | undefined {
    const decided = block.columnNaming;
    if (decided !== undefined && !thread.namingChecked) {
      if (this.naming !== undefined && this.naming.fromBaseline !== decided.fromBaseline) return undefined;
      thread.namingChecked = true;
    }
    const out = this.slots.translate(index, block);
    if (out === undefined || decided === undefined) return out;
    if (this.naming === undefined) {
      this.naming = decided;
      this.broadcast({ naming: decided });
    }
    return { ...out, columnNaming: this.naming };
  }

  private broadcast(m: UnitDecodeControl): void {
    void this.started.then(({ threads }) => {
      for (const t of threads) t.worker.postMessage(m);
    });
  }

  /** Report a file that cannot be read, once; its later units are dropped. */
  private fail(unit: DecodeUnit, input: UnreadableInput): void {
    if (this.failedAt.has(unit.file)) return;
    this.failedAt.set(unit.file, unit.index);
    this.failures.push(input);
    this.onUnreadable?.(input);
  }

  /**
   * Decode units `from`… in this thread, unit `from` after its first `skipLines` lines (delivered),
   * with the merged registry and the input's naming: what one decoder would have done from there.
   */
  private async *decodeHere(batches: LogicalBatches, units: readonly DecodeUnit[], from: number, base: number, skipLines: number): AsyncIterable<RawBatch> {
    const batchSize = this.task.batchSize ?? LINE_BATCH_SIZE;
    const decoder = new BlockDecoder(this.task, batchSize, this.slots.registry, true);
    if (this.naming !== undefined) decoder.adoptColumnNaming(this.naming);
    let file = units[from]?.file;
    for (const unit of units.slice(from)) {
      if (unit.file !== file) {
        if (file !== undefined) yield* batches.fileEnd(file);
        file = unit.file;
        base = 0;
        this.found++;
      }
      if ((this.failedAt.get(unit.file) ?? unit.index) < unit.index) continue;
      const progress = { lines: 0 };
      const read = { maxLineLength: this.task.maxLineLength, batchSize, skipLines: unit.index === from ? skipLines : 0, onError: (e: unknown) => this.fail(unit, { path: unit.file, reason: (e as Error).message }) };
      const offset = base;
      for await (const batch of unitLines(unit, read, progress)) {
        decoder.decode(batch, (i) => batch.lineNo(i) + offset);
        const block = decoder.take(batch.originName, batch.blankLines ?? 0);
        yield* batches.add(block, () => decoder.reuse(block.buffer), () => undefined);
        if (this.closed) return;
      }
      base += progress.lines;
    }
    if (file !== undefined) yield* batches.fileEnd(file);
  }

  private async terminate(threads: readonly DecodeThread[]): Promise<void> {
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.terminate((await this.started).threads);
    } catch {
      // never started: nothing to stop
    }
  }

  unreadable(): readonly UnreadableInput[] {
    return this.failures;
  }

  filesFound(): number {
    return this.found;
  }
}

/** A control message to a worker (one already terminated ignores it). */
function post(thread: DecodeThread, m: UnitDecodeControl, transfer: ArrayBuffer[] = []): void {
  thread.worker.postMessage(m, transfer);
}
