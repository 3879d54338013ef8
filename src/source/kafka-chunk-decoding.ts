/**
 * A Kafka fetch worker that decodes (kafka-fetch-worker.ts): each chunk's records decoded into a
 * DecodedBlock before it is posted, so the pipeline's thread only windows rows. While the pipeline
 * processes one chunk, the next of the same fetched batch is decoded ahead (prepare); a chunk that
 * is not the one prepared (a seek, a new batch) is decoded when it comes, and the prepared block is
 * dropped — its newly registered features are then listed again in the next block, so the
 * pipeline's registry stays slot for slot with this thread's.
 */
import { BlockDecoder, type BlockDecodeSpec } from '../record/block-decoder.js';
import type { DecodedBlock } from '../record/decoded-block.js';
import { blankMessages, kafkaRawBatch } from './kafka-batch.js';
import type { FetchedChunk, FetchedMessage } from './kafka-fetcher.js';

export class ChunkDecoding {
  private readonly decoder: BlockDecoder;
  private prepared: { first: FetchedMessage | undefined; length: number; block: DecodedBlock } | undefined;

  constructor(spec: BlockDecodeSpec, chunkSize: number) {
    this.decoder = new BlockDecoder(spec, chunkSize);
  }

  /** `c` with its records decoded: the block prepared when `c` is the chunk prepared. */
  decoded(c: FetchedChunk): FetchedChunk {
    return { ...c, decoded: this.block(c), blank: blankMessages(c.messages) };
  }

  private block(c: FetchedChunk): DecodedBlock {
    const p = this.prepared;
    this.prepared = undefined;
    if (p !== undefined && p.first === c.messages[0] && p.length === c.messages.length) return p.block;
    if (p !== undefined) this.decoder.unsent(p.block);
    return this.decode(c);
  }

  /** Decode `c` ahead (it is likely the next chunk). */
  prepare(c: FetchedChunk): void {
    if (this.prepared !== undefined) this.decoder.unsent(this.prepared.block);
    this.prepared = { first: c.messages[0], length: c.messages.length, block: this.decode(c) };
  }

  private decode(c: FetchedChunk): DecodedBlock {
    // the pipeline's own reading of the messages: blanks left out, invalid UTF-8 rejected
    const raw = kafkaRawBatch(c.topic, c.partition, c.messages, 0);
    const keyless = (i: number): boolean => {
      const key = raw.key?.(i);
      return key === undefined || key === null || key.length === 0;
    };
    this.decoder.decode(raw, (i) => i, keyless);
    return this.decoder.take(`${c.topic}/${c.partition}`, raw.blankLines ?? 0);
  }
}
