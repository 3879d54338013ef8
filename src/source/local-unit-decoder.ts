/**
 * The monitor thread's share of a parallel decode (parallel-decoded-file-source.ts): the units it
 * claims are decoded here a batch at a time — whenever the monitor would otherwise wait for a
 * worker's block, or when the block it needs is its own — into the very messages a worker posts
 * (UnitDecodeMessage), with its own BlockDecoder and registry, so that the source takes them
 * exactly as a worker's (slots mapped through MergedSlots, lines made absolute, in input order).
 */
import { BlockDecoder, type BlockDecodeSpec } from '../record/block-decoder.js';
import type { DecodeUnit } from './decode-units.js';
import { LINE_BATCH_SIZE, type LineBatch } from './line-batcher.js';
import type { UnitDecodeControl, UnitDecodeMessage } from './unit-decode-worker.js';
import { unitLines } from './unit-lines.js';

interface Current {
  readonly unit: DecodeUnit;
  readonly lines: AsyncIterator<LineBatch>;
  readonly progress: { lines: number };
}

export class LocalUnitDecoder {
  /** Messages not yet taken by the source, in the order a worker would have posted them. */
  readonly queue: UnitDecodeMessage[] = [];
  private readonly units: DecodeUnit[] = [];
  private current: Current | undefined;
  private readonly blocks: BlockDecoder;
  private readonly batchSize: number;
  /** Units handed to this decoder so far. */
  decoded = 0;

  constructor(private readonly spec: BlockDecodeSpec & { batchSize?: number }) {
    this.batchSize = spec.batchSize ?? LINE_BATCH_SIZE;
    this.blocks = new BlockDecoder(spec, this.batchSize, undefined, true);
  }

  /** A unit to decode after those already handed over. */
  assign(unit: DecodeUnit): void {
    this.units.push(unit);
    this.decoded++;
  }

  /** Whether a unit is in hand or waiting. */
  get busy(): boolean {
    return this.current !== undefined || this.units.length > 0;
  }

  /** Decode the next batch (or end a unit) into the queue; false when there is nothing to decode. */
  async step(): Promise<boolean> {
    let current = this.current;
    if (current === undefined) {
      const unit = this.units.shift();
      if (unit === undefined) return false;
      const progress = { lines: 0 };
      const onError = (e: unknown): void => void this.queue.push({ type: 'unreadable', unit: unit.index, path: unit.file, reason: (e as Error).message });
      const lines = unitLines(unit, { maxLineLength: this.spec.maxLineLength, batchSize: this.batchSize, onError }, progress)[Symbol.asyncIterator]();
      current = this.current = { unit, lines, progress };
    }
    const next = await current.lines.next();
    if (next.done === true) {
      this.queue.push({ type: 'unit-end', unit: current.unit.index, lines: current.progress.lines });
      this.current = undefined;
      return true;
    }
    const batch = next.value;
    this.blocks.decode(batch, batch.lineNo);
    this.queue.push({ type: 'block', unit: current.unit.index, block: this.blocks.take(batch.originName, batch.blankLines ?? 0) });
    return true;
  }

  /** What the source would post a worker: a buffer back for reuse, the input's naming (credits: none needed here). */
  control(m: UnitDecodeControl): void {
    if ('naming' in m) this.blocks.adoptColumnNaming(m.naming);
    else if ('buffer' in m && m.buffer !== undefined) this.blocks.reuse(m.buffer);
  }

  /** No more decoding: the unit in hand's file is closed. */
  async stop(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    this.units.length = 0;
    await current?.lines.return?.();
  }
}
