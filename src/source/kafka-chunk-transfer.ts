/**
 * A fetched chunk packed for another thread: one ArrayBuffer with every key and value, and typed
 * arrays of offsets, timestamps and where each key and value lies — all transferred, not copied,
 * and no object per message on the way. The receiving side gets Buffers that are views into the
 * one ArrayBuffer.
 */
import { blockTransfers } from '../record/decoded-block.js';
import type { DecodedChunk, FetchedChunk, FetchedMessage } from './kafka-fetcher.js';

export interface PackedChunk {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: number;
  readonly fetchedOffset: number;
  readonly first: boolean;
  /** Offsets and broker timestamps (exact as doubles below 2^53). */
  readonly offsets: Float64Array;
  readonly timestamps: Float64Array;
  /** Per message: key start, key length, value start, value length; a length of -1 is null. */
  readonly spans: Int32Array;
  readonly data: ArrayBuffer;
  /** A chunk decoded in the worker (FetchedChunk.decoded): then only dead-lettered records keep their value. */
  readonly decoded?: DecodedChunk;
}

export function packChunk(c: FetchedChunk): { packed: PackedChunk; transfer: ArrayBuffer[] } {
  const n = c.messages.length;
  const { decoded } = c;
  // decoded already: only the values of records that go to the dead letters are needed over there
  const values = decoded === undefined ? undefined : deadLetterValues(decoded);
  const valueOf = (m: FetchedMessage, i: number): Buffer | null => (values === undefined || values[i] === 1 ? m.value : null);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const m = c.messages[i] as FetchedMessage;
    bytes += (m.key?.length ?? 0) + (valueOf(m, i)?.length ?? 0);
  }
  const data = new ArrayBuffer(bytes);
  const view = new Uint8Array(data);
  const offsets = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const spans = new Int32Array(4 * n);
  let at = 0;
  const put = (b: Buffer | null, slot: number): void => {
    if (b === null) {
      spans[slot] = at;
      spans[slot + 1] = -1;
      return;
    }
    view.set(b, at);
    spans[slot] = at;
    spans[slot + 1] = b.length;
    at += b.length;
  };
  for (let i = 0; i < n; i++) {
    const m = c.messages[i] as FetchedMessage;
    offsets[i] = Number(m.offset);
    timestamps[i] = Number(m.timestamp);
    put(m.key, 4 * i);
    put(valueOf(m, i), 4 * i + 2);
  }
  const { topic, partition, highWatermark, fetchedOffset, first } = c;
  const transfer = [data, offsets.buffer as ArrayBuffer, timestamps.buffer as ArrayBuffer, spans.buffer as ArrayBuffer];
  if (decoded !== undefined) transfer.push(...blockTransfers(decoded.block), decoded.blank.buffer as ArrayBuffer);
  return { packed: { topic, partition, highWatermark, fetchedOffset, first, offsets, timestamps, spans, data, ...(decoded === undefined ? {} : { decoded }) }, transfer };
}

/** Per message: 1 where it is the record of one of the block's problems (records are the messages not blank). */
function deadLetterValues({ block, blank }: DecodedChunk): Uint8Array {
  const keep = new Uint8Array(blank.length);
  let next = 0;
  let record = 0;
  for (let i = 0; i < blank.length && next < block.problems.length; i++) {
    if (blank[i] === 1) continue;
    if ((block.problems[next] as { record: number }).record === record) {
      keep[i] = 1;
      next++;
    }
    record++;
  }
  return keep;
}

export function unpackChunk(p: PackedChunk): FetchedChunk {
  const n = p.offsets.length;
  const messages = new Array<FetchedMessage>(n);
  const at = (slot: number): Buffer | null => {
    const length = p.spans[slot + 1] as number;
    return length < 0 ? null : Buffer.from(p.data, p.spans[slot] as number, length);
  };
  for (let i = 0; i < n; i++) {
    messages[i] = { offset: String(p.offsets[i]), timestamp: String(p.timestamps[i]), key: at(4 * i), value: at(4 * i + 2) };
  }
  const { topic, partition, highWatermark, fetchedOffset, first, decoded } = p;
  return { topic, partition, highWatermark, fetchedOffset, first, messages, ...(decoded === undefined ? {} : { decoded }) };
}
