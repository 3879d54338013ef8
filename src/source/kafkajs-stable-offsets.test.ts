import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { assertStableOffsets, decodeStableOffsetFetch, encodeStableOffsetFetch } from './kafkajs-stable-offsets.js';

const require = createRequire(import.meta.url);

/** A compact string: length + 1 as an unsigned varint (all lengths here fit one byte), then UTF-8. */
const compact = (s: string): number[] => [s.length + 1, ...Buffer.from(s)];
const int16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const int32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const int64 = (v: number): number[] => [...int32(Math.floor(v / 2 ** 32)), ...int32(v >>> 0)];

describe('OffsetFetch version 7 with require_stable (kafkajs-stable-offsets.ts)', () => {
  it('encodes the request as the protocol lays it out: header tags, group, compact topics and partitions, require_stable, tags', () => {
    const encoded = encodeStableOffsetFetch({ groupId: 'g', topics: [{ topic: 'tp', partitions: [{ partition: 0 }, { partition: 5 }] }] }) as unknown as { buffer: Buffer };
    const written = [...encoded.buffer];
    // prettier-ignore
    expect(written).toEqual([
      0, // request header tagged fields
      ...compact('g'),
      2, // one topic
      ...compact('tp'), 3, ...int32(0), ...int32(5), 0, // partitions [0, 5], topic tags
      1, // require_stable
      0, // body tags
    ]);
  });

  it('decodes a response into kafkajs shape: offsets as strings, null metadata, error codes', () => {
    // prettier-ignore
    const raw = Buffer.from([
      0, // response header tagged fields
      ...int32(0), // throttle
      2, ...compact('tp'),
      3,
      ...int32(0), ...int64(4_294_967_301), ...int32(-1), ...compact('clock'), ...int16(0), 0,
      ...int32(1), ...int64(0), ...int32(-1), 0, ...int16(88), 0,
      0, // topic tags
      ...int16(0), 0,
    ]);
    expect(decodeStableOffsetFetch(raw)).toEqual({
      throttleTime: 0,
      errorCode: 0,
      responses: [
        {
          topic: 'tp',
          partitions: [
            { partition: 0, offset: '4294967301', metadata: 'clock', errorCode: 0 },
            { partition: 1, offset: '0', metadata: null, errorCode: 88 },
          ],
        },
      ],
    });
  });

  it("is what kafkajs picks for a broker with version 7 or later; kafkajs's own version 4 below it", () => {
    expect(() => assertStableOffsets()).not.toThrow();
    const m = require('kafkajs/src/protocol/requests/offsetFetch/index.js') as { versions: string[]; protocol: (o: { version: number }) => (a: unknown) => { request: { apiVersion: number } } };
    const args = { groupId: 'g', topics: [] };
    expect(m.versions.map(Number)).toContain(7);
    expect(m.protocol({ version: 7 })(args).request.apiVersion).toBe(7);
    expect(m.protocol({ version: 6 })(args).request.apiVersion).toBe(4);
    expect(m.protocol({ version: 3 })(args).request.apiVersion).toBe(3);
  });
});
