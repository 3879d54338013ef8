/**
 * Decoded blocks from several workers, cut and joined into the batches one decoder would have
 * given the monitor: per file, a batch ends after every `batchSize` records and at the file's end
 * (FileSource's LineBatcher). The monitor closes windows at a batch's end (late_rows_so_far counts
 * to there) and registers a batch's new features at its start, so both must fall where they would
 * have. A batch whose records lie in two or more blocks goes as parts (RawBatch.continues on all
 * but the last); its first part announces every feature the batch's records registered first
 * (DecodedBlock.featuresAfter, on the merged registry).
 */
import type { DecodedBlock } from '../record/decoded-block.js';
import type { FeatureRegistry } from '../record/feature-registry.js';
import type { RawBatch } from './source.js';
import { decodedBatch } from './worker-decoded-file-source.js';

interface Part {
  readonly block: DecodedBlock;
  readonly from: number;
  readonly to: number;
  /** The block's last part: the block is released once this part is handed over. */
  readonly release?: () => void;
}

export class LogicalBatches {
  private parts: Part[] = [];
  private records = 0;
  private blank = 0;
  /** Features of the registry the monitor was told of. */
  private announced: number;

  /** `registry`: the one the blocks' slots and featuresAfter refer to. */
  constructor(
    private readonly registry: FeatureRegistry,
    private readonly batchSize: number,
  ) {
    this.announced = registry.size;
  }

  /**
   * The next block in input order (its line numbers final); yields the batches it completes.
   * `release`: called once the monitor is done with the block; `held`: called when the block
   * waits for a later one to complete its batch (so its worker may go on meanwhile).
   */
  *add(block: DecodedBlock, release: () => void, held: () => void): Generator<RawBatch> {
    this.blank += block.blankLines;
    if (block.records === 0) {
      release();
      return;
    }
    for (let from = 0; from < block.records; ) {
      const to = Math.min(block.records, from + this.batchSize - (this.records % this.batchSize));
      this.records += to - from;
      this.parts.push({ block, from, to, ...(to === block.records ? { release } : {}) });
      from = to;
      if (this.records % this.batchSize === 0) yield* this.emit(block.origin);
    }
    if (this.parts.length > 0) held();
  }

  /** The file `origin` ends: what it holds is a batch (blank lines only, if that is all). */
  *fileEnd(origin: string): Generator<RawBatch> {
    if (this.parts.length > 0 || this.blank > 0) yield* this.emit(origin);
    this.records = 0;
  }

  private *emit(origin: string): Generator<RawBatch> {
    const parts = this.parts;
    const blankLines = this.blank;
    this.parts = [];
    this.blank = 0;
    const last = parts[parts.length - 1];
    const end = last === undefined ? this.announced : (last.block.featuresAfter?.[last.to - 1] ?? this.registry.size);
    const newFeatures = this.registry.features.slice(this.announced, end).map((f) => ({ name: f.name, isOutput: f.isOutput, index: f.index }));
    this.announced = end;
    if (last === undefined) {
      yield decodedBatch(emptyBlock(origin, blankLines, newFeatures));
      return;
    }
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k] as Part;
      const batch = decodedBatch({ ...p.block, records: p.to, blankLines: k === parts.length - 1 ? blankLines : 0, newFeatures: k === 0 ? newFeatures : [] });
      yield { ...batch, ...(p.from > 0 ? { decodedFrom: p.from } : {}), ...(k < parts.length - 1 ? { continues: true } : {}) };
    }
    for (const p of parts) p.release?.();
  }
}

/** A batch of blank lines only. */
function emptyBlock(origin: string, blankLines: number, newFeatures: DecodedBlock['newFeatures']): DecodedBlock {
  return { records: 0, blankLines, origin, problems: [], rows: 0, stride: 8, buffer: new ArrayBuffer(0), recordCapacity: 0, rowCapacity: 0, textIds: new Int32Array(0), dictionary: [], newFeatures, columnNaming: undefined };
}
