import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../errors.js';
import { kafkaRawBatch } from './kafka-batch.js';

const message = (offset: number, value: Buffer | null): KafkaMessage =>
  ({ offset: String(offset), value, key: Buffer.from(`id-${offset}`), timestamp: String(1_700_000_000_000 + offset), attributes: 0, headers: {} }) as KafkaMessage;

describe('kafkaRawBatch', () => {
  const invalid = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  const messages = [
    message(10, Buffer.from('{"a":1}')),
    message(11, null), // tombstone
    message(12, Buffer.from('')),
    message(13, invalid),
    message(14, Buffer.from(' \r\n\t')),
    message(15, Buffer.from('{"a":"\uFFFD is a real character"}')),
  ];
  const batch = kafkaRawBatch('capture', 3, messages, 16);

  it('skips empty and whitespace-only values as blank lines, keeping every other message at its own offset', () => {
    expect(batch.blankLines).toBe(3);
    expect(batch.records).toHaveLength(3);
    expect([0, 1, 2].map((i) => batch.origin(i))).toEqual(['capture/3@10', 'capture/3@13', 'capture/3@15']);
    expect(Buffer.from(batch.key?.(1) ?? []).toString()).toBe('id-13');
    expect(batch.timestampMs?.(2)).toBe(1_700_000_000_015);
    expect(batch.partition?.position).toEqual({ topic: 'capture', partition: 3, nextOffset: 16 });
  });

  it('rejects a value that is not valid UTF-8 (not repaired into an accepted record); a genuine U+FFFD is accepted', () => {
    expect(batch.rejected?.(0)).toBeUndefined();
    expect(batch.rejected?.(1)).toEqual({ reason: RecordErrorReason.INVALID_UTF8, bytes: invalid.length });
    expect(batch.rejected?.(2)).toBeUndefined();
    expect(batch.bytes?.(1)).toBe(invalid);
  });

  it('a batch without blank or invalid values is passed through as is', () => {
    const plain = kafkaRawBatch('t', 0, [message(0, Buffer.from('x')), message(1, Buffer.from('y'))], 2);
    expect(plain.records).toEqual(['x', 'y']);
    expect(plain.blankLines).toBeUndefined();
    expect(plain.rejected).toBeUndefined();
  });
});
