/**
 * A Kafka fetch worker that decodes (kafka-fetch-worker.ts): each chunk's records decoded into a
 * DecodedBlock before it is posted, so the pipeline's thread only windows rows. While the pipeline
 * processes one chunk, the next of the same fetched batch is decoded ahead (prepare); a chunk that
 * is not the one prepared (a seek, a new batch) is decoded when it comes, and the prepared block is
 * dropped — its newly registered features are then listed again in the next block, so the
 * pipeline's registry stays slot for slot with this thread's.
 */
import { BlockDecoder, type BlockDecodeSpec } from '../record/block-decoder.js';
import { blankMessages, kafkaRawBatch } from './kafka-batch.js';
import type { DecodedChunk, FetchedChunk } from './kafka-fetcher.js';

export class ChunkDecoding {
  private readonly decoder: BlockDecoder;
  /** The chunk decoded ahead (pumpBatch hands over the very array it prepared). */
  private prepared: { messages: FetchedChunk['messages']; decoded: DecodedChunk } | undefined;

  constructor(spec: BlockDecodeSpec, chunkSize: number) {
    this.decoder = new BlockDecoder(spec, chunkSize);
  }

  /** `c` with its records decoded: the block prepared when `c` is the chunk prepared. */
  decoded(c: FetchedChunk): FetchedChunk {
    const p = this.prepared;
    this.prepared = undefined;
    if (p !== undefined && p.messages === c.messages) return { ...c, decoded: p.decoded };
    if (p !== undefined) this.decoder.unsent(p.decoded.block);
    return { ...c, decoded: this.decode(c) };
  }

  /** Decode `c` ahead (it is likely the next chunk). */
  prepare(c: FetchedChunk): void {
    if (this.prepared !== undefined) this.decoder.unsent(this.prepared.decoded.block);
    this.prepared = { messages: c.messages, decoded: this.decode(c) };
  }

  private decode(c: FetchedChunk): DecodedChunk {
    // the pipeline's own reading of the messages: blanks left out, invalid UTF-8 rejected
    const blank = blankMessages(c.messages);
    const raw = kafkaRawBatch(c.topic, c.partition, c.messages, 0, blank);
    const keyless = (i: number): boolean => {
      const key = raw.key?.(i);
      return key === undefined || key === null || key.length === 0;
    };
    this.decoder.decode(raw, (i) => i, keyless);
    return { block: this.decoder.take(`${c.topic}/${c.partition}`, raw.blankLines ?? 0), blank };
  }
}
