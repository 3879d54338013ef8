import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { packChunk, unpackChunk, type PackedChunk } from './kafka-chunk-transfer.js';
import type { FetchedChunk } from './kafka-fetcher.js';

describe('a fetched chunk packed for another thread (kafka-chunk-transfer.ts)', () => {
  it('arrives through a real message port equal to what was packed: null and empty keys and values, multi-byte text, large offsets', () => {
    const chunk: FetchedChunk = {
      topic: 't',
      partition: 3,
      highWatermark: 9_007_199_254_740_000,
      fetchedOffset: 41,
      first: true,
      messages: [
        { offset: '42', timestamp: '1796400000000', key: Buffer.from('id-1'), value: Buffer.from('{"a":1}') },
        { offset: '43', timestamp: '1796400000001', key: null, value: null },
        { offset: '45', timestamp: '1796400000002', key: Buffer.alloc(0), value: Buffer.from('héllo ✓') },
        { offset: '9007199254739999', timestamp: '0', key: Buffer.from([0, 255, 1]), value: Buffer.alloc(0) },
      ],
    };
    const { packed, transfer } = packChunk(chunk);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(packed, transfer);
    expect(packed.data.byteLength).toBe(0); // transferred, not copied
    const received = receiveMessageOnPort(port2)?.message as PackedChunk;
    port1.close();
    const back = unpackChunk(received);
    expect({ ...back, messages: back.messages.map((m) => ({ ...m, key: m.key?.toString('hex') ?? null, value: m.value?.toString('hex') ?? null })) }).toEqual({
      ...chunk,
      messages: chunk.messages.map((m) => ({ ...m, key: m.key?.toString('hex') ?? null, value: m.value?.toString('hex') ?? null })),
    });
  });

  it('an empty chunk', () => {
    const chunk: FetchedChunk = { topic: 't', partition: 0, highWatermark: 0, fetchedOffset: 0, first: false, messages: [] };
    expect(unpackChunk(packChunk(chunk).packed)).toEqual(chunk);
  });
});
