/**
 * Capture files (not followed) decoded in several worker threads (unit-decode-worker.ts): the input
 * is cut into units (decode-units.ts: files, and byte ranges of large plain files), handed out in
 * input order as decoders ask for them — each worker keeps AHEAD units in hand, and (`share`) the
 * monitor thread decodes units itself while it would otherwise wait (local-unit-decoder.ts) — and
 * the blocks are handed to the monitor strictly in input order, so that it sees exactly what one
 * decoder (WorkerDecodedFileSource) would have given it:
 * - line numbers: a worker counts from its unit's first line; the lines of the file's earlier
 *   units (known, since units are applied in order) are added before a block goes on;
 * - feature slots: each decoder has its own registry; MergedSlots maps them onto one, in input order;
 * - column naming: the input's is the first one met in input order; it is passed to every decoder.
 *   No unit after the first is handed out before the first unit's decoder has decided (or ended;
 *   without baseline names nothing is decided), so this is deterministic unless the first unit
 *   decides nothing; a decoder that decided otherwise
 *   before it knew is caught at its first block that says so;
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
import { LocalUnitDecoder } from './local-unit-decoder.js';
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
  /** The monitor thread decodes units too while it would wait (local-unit-decoder.ts). */
  share?: boolean;
}

/** Units a worker holds (handed over, not yet ended): it goes on to the next without asking. */
const AHEAD = 2;
/**
 * The monitor thread claims (while it waits) the unit this far after the one it applies, the
 * workers taking those between, so that it decodes it mostly in time it would have waited. One at a
 * time (its blocks wait in memory). 2 measured faster than 4 (README "Decoding in several worker
 * threads").
 */
const LOCAL_LEAD = 2;

/** A worker thread, or the monitor's own decoder (`local`). */
interface DecodeThread {
  readonly worker: Worker | undefined;
  readonly local: LocalUnitDecoder | undefined;
  readonly queue: UnitDecodeMessage[];
  /** Units handed over whose end was not yet received (worker) or applied (local). */
  pending: number;
  /** Whether its first block with a column naming was checked against the input's. */
  namingChecked: boolean;
}

interface Started {
  readonly units: DecodeUnit[];
  /** The local decoder (if any) first, then the workers; a thread's position is its MergedSlots decoder. */
  readonly threads: DecodeThread[];
  /** unit index → the thread it was handed to. */
  readonly owner: DecodeThread[];
}

export class ParallelDecodedFileSource implements Source {
  readonly description: string;
  private readonly started: Promise<Started>;
  private state: Started | undefined;
  /** The first unit not yet handed out. */
  private nextUnit = 0;
  /** The unit being applied (input order). */
  private applying = 0;
  /** Whether units after the first may be handed out (column naming: see the header). */
  private gateOpen: boolean;
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
    /** The input was decoded to its end: its units, and how many the monitor thread decoded (sharing). */
    private readonly onDecoded?: (units: number, decodedHere: number) => void,
  ) {
    this.description = `files ${task.paths.join(', ')} (decoded in up to ${task.workers} worker threads${task.share === true ? ' and the monitor thread' : ''})`;
    this.slots = new MergedSlots(declaredRegistry(task));
    this.gateOpen = task.baselineNames === undefined;
    this.started = this.start();
    this.started.catch(() => undefined); // reported by batches()
  }

  private async start(): Promise<Started> {
    const units = await planUnits(this.task.paths, this.task.rangeBytes);
    const n = Math.max(1, Math.min(this.task.workers, units.length));
    const { paths: _paths, workers: _workers, rangeBytes: _range, share: _share, ...spec } = this.task;
    const threads: DecodeThread[] = [];
    // one unit: nothing to share
    if (this.task.share === true && units.length > 1) {
      const local = new LocalUnitDecoder(spec);
      threads.push({ worker: undefined, local, queue: local.queue, pending: 0, namingChecked: false });
    }
    for (let w = 0; w < n && !this.closed; w++) {
      const data: UnitDecodeTask = spec;
      const worker = new Worker(workerScript('source/unit-decode-worker.js'), { workerData: data });
      worker.unref(); // until batches() is iterated
      const thread: DecodeThread = { worker, local: undefined, queue: [], pending: 0, namingChecked: false };
      worker.on('message', (m: UnitDecodeMessage) => {
        thread.queue.push(m);
        if (m.type === 'unit-end') {
          thread.pending--;
          this.handOut();
        }
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
    this.state = { units, threads, owner: [] };
    this.handOut();
    return this.state;
  }

  /** Give unit `index` (default: the first not handed out) to `thread`. */
  private give(thread: DecodeThread, index = this.nextUnit): void {
    const { units, owner } = this.state as Started;
    const unit = units[index] as DecodeUnit;
    owner[index] = thread;
    while (owner[this.nextUnit] !== undefined) this.nextUnit++;
    thread.pending++;
    if (thread.local !== undefined) thread.local.assign(unit);
    else thread.worker?.postMessage({ unit } satisfies UnitDecodeControl);
  }

  /** Hand units to the workers that hold fewer than AHEAD (the first unit to the monitor's own decoder, if sharing). */
  private handOut(): void {
    const state = this.state;
    if (state === undefined || this.closed) return;
    const { units, threads } = state;
    if (this.nextUnit === 0 && units.length > 0) this.give(threads[0] as DecodeThread);
    if (!this.gateOpen) return;
    for (let more = true; more; ) {
      more = false;
      for (const t of threads) {
        if (t.worker === undefined || t.pending >= AHEAD || this.nextUnit >= units.length) continue;
        this.give(t);
        more = true;
      }
    }
  }

  /** While the monitor waits: whether its own decoder has (or now claims) a unit to decode. */
  private shareHere(local: DecodeThread | undefined): boolean {
    if (local?.local === undefined) return false;
    if (local.local.busy) return true;
    const units = (this.state as Started).units;
    const index = Math.max(this.nextUnit, this.applying + LOCAL_LEAD);
    if (!this.gateOpen || local.pending > 0 || index >= units.length) return false;
    this.give(local, index);
    return true;
  }

  /** Units the monitor thread decoded itself (sharing). */
  decodedHere(): number {
    return this.state?.threads[0]?.local?.decoded ?? 0;
  }

  /** Units after the first may go out: the input's column naming is settled (or can no longer come from the first unit). */
  private openGate(): void {
    if (this.gateOpen) return;
    this.gateOpen = true;
    this.handOut();
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }

  async *batches(): AsyncIterable<RawBatch> {
    if (this.closed) return;
    const { units, threads, owner } = await this.started;
    if (this.closed) return;
    for (const t of threads) t.worker?.ref();
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
        this.applying = unit.index;
        const dropped = (this.failedAt.get(unit.file) ?? unit.index) < unit.index;
        /** The unit's lines handed on so far (to its last record's). */
        let delivered = 0;
        for (;;) {
          const thread = owner[unit.index] ?? this.handedOut(unit.index, owner);
          const m = await this.next(thread, threads[0]);
          if (m === undefined) return;
          if (m.type === 'block') {
            const buffer = m.block.buffer;
            let credited = false;
            const release = (): void => control(thread, { credit: !credited, buffer }, [buffer]);
            const held = (): void => {
              if (!credited) control(thread, { credit: true });
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
            if (thread.local !== undefined) thread.pending--;
            if (unit.index === 0) this.openGate();
            break;
          } else {
            const code = m.code !== undefined && m.code in ErrorCode ? (m.code as ErrorCode) : ErrorCode.SOURCE_FAILED;
            throw new DriftmonError(code, m.message);
          }
        }
      }
      if (file !== undefined) yield* batches.fileEnd(file);
      this.onDecoded?.(units.length, this.decodedHere());
    } finally {
      this.closed = true;
      await this.terminate(threads);
    }
  }

  /**
   * The thread's next message; undefined once closed. While it has none, the monitor's own decoder
   * (`local`) decodes a batch, if it has or can claim a unit.
   */
  private async next(thread: DecodeThread, local: DecodeThread | undefined): Promise<UnitDecodeMessage | undefined> {
    for (;;) {
      const m = thread.queue.shift();
      if (m !== undefined) return m;
      if (this.closed) return undefined;
      if (this.lost !== undefined) throw new DriftmonError(ErrorCode.SOURCE_FAILED, `reading capture files failed: ${this.lost.message}`, { cause: this.lost });
      if (thread.local !== undefined || this.shareHere(local)) {
        if (!(await local?.local?.step())) throw new Error(`unit decoded in the monitor thread has no more messages`);
        // a step resolves in microtasks: let the workers' messages in (the block awaited may be there)
        if (thread.local === undefined) await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /**
   * The thread unit `index` goes to, now that every earlier unit was applied: the first unit's
   * naming is known or never comes, and no worker holds a unit (so one takes it).
   */
  private handedOut(index: number, owner: readonly DecodeThread[]): DecodeThread {
    this.openGate();
    this.handOut();
    const t = owner[index];
    if (t === undefined) throw new DriftmonError(ErrorCode.SOURCE_FAILED, `capture unit ${index} was handed to no decoder`);
    return t;
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

  /** Before any unit after the first is handed out (see openGate), so every decoder has it first. */
  private broadcast(m: UnitDecodeControl): void {
    for (const t of this.state?.threads ?? []) control(t, m);
    this.openGate();
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
    await Promise.all(threads.map((t) => t.worker?.terminate() ?? t.local?.stop()));
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

/** A control message to a worker (one already terminated ignores it) or to the local decoder. */
function control(thread: DecodeThread, m: UnitDecodeControl, transfer: ArrayBuffer[] = []): void {
  if (thread.local !== undefined) thread.local.control(m);
  else thread.worker?.postMessage(m, transfer);
}
