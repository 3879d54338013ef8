/**
 * Decoding records into DecodedBlocks in a thread other than the monitor's (file-decode-worker.ts,
 * kafka-fetch-worker.ts): the decoder is built exactly as the monitor builds its own (the
 * baseline's features declared first, in order), so the features it registers land on the same
 * slots of the monitor's registry, and every per-record rule of the monitor's decode step is
 * applied here: a rejection the source made (invalid UTF-8), a line over maxLineLength, the
 * decoder's reasons, and a decoder that throws (dead-lettered as processing_error with the error
 * described, its rows dropped).
 */
import { RecordErrorReason, describeThrown } from '../errors.js';
import type { ColumnNaming } from './column-naming.js';
import { createDecoder } from './create-decoder.js';
import { DecodedBlockBuilder, type DecodedBlock } from './decoded-block.js';
import { FeatureRegistry } from './feature-registry.js';
import type { RecordDecoder } from './decoder.js';
import type { DatasetSchema } from './schema.js';

/** What a decoding thread needs to decode exactly as the monitor would. */
export interface BlockDecodeSpec {
  maxLineLength: number;
  maxFutureSkewMs: number;
  record: DatasetSchema;
  maxFeatures: number;
  /** The monitor's declarations, in its order (the baseline's features). */
  declarations: readonly { name: string; keepText: boolean }[];
  baselineNames: readonly string[] | undefined;
}

/** A batch of records as a source delivers them. */
export interface RecordLines {
  readonly records: readonly string[];
  rejected?(i: number): { reason: RecordErrorReason; bytes: number } | undefined;
}

export class BlockDecoder {
  private readonly decoder: RecordDecoder;
  private readonly blocks: DecodedBlockBuilder;
  private readonly registry: FeatureRegistry;
  private readonly sizes: number[] | undefined;

  /**
   * `recordsPerBlock`: the usual batch size. `registry`: one already holding the declarations (and
   * what the reading side registered since), to go on decoding where other decoders stopped.
   */
  constructor(
    private readonly spec: BlockDecodeSpec,
    recordsPerBlock: number,
    registry: FeatureRegistry = declaredRegistry(spec),
    /** Record the registry's size after each record (DecodedBlock.featuresAfter). */
    trackFeatures = false,
  ) {
    this.registry = registry;
    if (trackFeatures) this.sizes = [];
    this.decoder = createDecoder(spec.record, registry, { baselineNames: spec.baselineNames });
    this.blocks = new DecodedBlockBuilder(registry, recordsPerBlock);
  }

  /**
   * Decode `lines` into the block being built. `lineNo(i)` is what the block keeps of record i's
   * position; `keyless(i)`, when given, marks records whose rows carry their own sampling key.
   */
  decode(lines: RecordLines, lineNo: (i: number) => number, keyless?: (i: number) => boolean): void {
    const { blocks, decoder } = this;
    const records = lines.records;
    const maxLength = this.spec.maxLineLength;
    // the monitor's rule, by this thread's clock when it decodes (its own would read it a moment later)
    blocks.futureLimitMs = Date.now() + this.spec.maxFutureSkewMs;
    const { sizes, registry } = this;
    for (let i = 0; i < records.length; i++) {
      if (i > 0) sizes?.push(registry.size);
      const line = records[i] as string;
      blocks.beginRecord(lineNo(i), keyless?.(i) === true);
      const rejected = lines.rejected?.(i);
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
    if (records.length > 0) sizes?.push(registry.size);
  }

  /** The block so far (its buffers to be transferred); the next one starts empty. */
  take(origin: string, blankLines: number): DecodedBlock {
    const block = this.blocks.take(origin, blankLines, this.decoder.columnNaming?.());
    const sizes = this.sizes;
    if (sizes === undefined) return block;
    const featuresAfter = Int32Array.from(sizes);
    sizes.length = 0;
    return { ...block, featuresAfter };
  }

  /** The column naming another decoder of the same input decided (RecordDecoder.adoptColumnNaming). */
  adoptColumnNaming(naming: ColumnNaming): void {
    this.decoder.adoptColumnNaming?.(naming);
  }

  /** A buffer the monitor is done with. */
  reuse(buffer: ArrayBuffer): void {
    this.blocks.reuse(buffer);
  }

  /** The last block taken will not reach the monitor: its new features go with the next one. */
  unsent(block: DecodedBlock): void {
    this.blocks.unsent(block);
  }
}

/** A registry with the monitor's declarations, in its order: what every decoder of `spec` starts from. */
export function declaredRegistry(spec: BlockDecodeSpec): FeatureRegistry {
  const registry = new FeatureRegistry(spec.maxFeatures);
  for (const d of spec.declarations) registry.declare(d.name, { keepText: d.keepText });
  return registry;
}
