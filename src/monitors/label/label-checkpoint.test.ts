import { describe, expect, it } from 'vitest';
import { decodeLabelCheckpoint, encodeLabelCheckpoint } from './label-checkpoint.js';

const fail = (why: string): never => {
  throw new Error(why);
};

describe('label checkpoint state', () => {
  it('is the framed version-1 header and the windows as body, byte for byte (checkpoints on disk depend on it)', () => {
    const bytes = encodeLabelCheckpoint({
      manifest: { segments: ['a'] },
      partitions: [{ key: 'inf/0', maxEventMs: Number.NEGATIVE_INFINITY }],
      summary: { predictions: 2, labels: 1 },
      windows: Uint8Array.of(7, 8),
    });
    const header = '{"v":1,"manifest":{"segments":["a"]},"partitions":[{"key":"inf/0","maxEventMs":null}],"summary":{"predictions":2,"labels":1}}';
    const want = Buffer.alloc(4 + header.length + 2);
    want.writeUInt32BE(header.length, 0);
    want.write(header, 4, 'utf8');
    want.set([7, 8], 4 + header.length);
    expect(Buffer.from(bytes).equals(want)).toBe(true);
    const back = decodeLabelCheckpoint(bytes, fail);
    // a partition without an event time comes back as -Infinity (JSON wrote null)
    expect(back).toEqual({ manifest: { segments: ['a'] }, partitions: [{ key: 'inf/0', maxEventMs: Number.NEGATIVE_INFINITY }], summary: { predictions: 2, labels: 1 }, windows: Uint8Array.of(7, 8) });
  });

  it('rejects another version', () => {
    const header = '{"v":2}';
    const bytes = Buffer.alloc(4 + header.length);
    bytes.writeUInt32BE(header.length, 0);
    bytes.write(header, 4, 'utf8');
    expect(() => decodeLabelCheckpoint(bytes, fail)).toThrow('unknown version 2');
  });
});
