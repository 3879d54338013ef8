/**
 * KafkaDeadLetterSink: the shared DeadLetterSink contract and byte-exact, ordered delivery on the
 * real broker (scripts/services/services.sh), plus retry behaviour against a producer that fails.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type Message, type ProducerConfig, type ProducerRecord } from 'kafkajs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../src/errors.js';
import { idHash32 } from '../src/record/id-hash.js';
import type { DeadLetter } from '../src/sink/dead-letter.js';
import { DEAD_LETTER_HEADERS, ensureDeadLetterTopic, KafkaDeadLetterSink } from '../src/sink/kafka-dead-letter.js';
import { createMetrics } from '../src/observability/metrics.js';
import { describeDeadLetterSinkContract } from '../src/sink/sink.contract.js';
import { describeWithServices } from './support/services.js';

const RUN = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
let topicSeq = 0;
const uniqueTopic = (what: string): string => `driftmon-test-dlt-${what}-${RUN}-${++topicSeq}`;

interface ReadMessage {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k] = Array.isArray(v) ? v.map(String).join(',') : v.toString();
  return out;
}

/** Everything on the topic now, read from the beginning with a fresh group; by partition, then offset. */
async function readTopic(kafka: Kafka, topic: string): Promise<ReadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
  const out: ReadMessage[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `driftmon-test-read-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            out.push({ partition, offset: Number(message.offset), key: message.key, value: message.value, headers: headerText(message.headers) });
            if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

describeWithServices(['kafka'], 'KafkaDeadLetterSink on a real broker', ({ kafka: svc }) => {
  const client = (): Kafka => new Kafka({ clientId: 'driftmon-test', brokers: svc.brokers, logLevel: logLevel.NOTHING });

  describeDeadLetterSinkContract('KafkaDeadLetterSink (broker auto-creates the topic)', () => {
    const kafka = client();
    const topic = uniqueTopic('contract');
    return {
      sink: new KafkaDeadLetterSink({ kafka, topic }),
      read: async () =>
        (await readTopic(kafka, topic)).map((m) => ({
          reason: m.headers[DEAD_LETTER_HEADERS.reason],
          source: m.headers[DEAD_LETTER_HEADERS.source],
          record: m.value?.toString('utf8'),
          error: m.headers[DEAD_LETTER_HEADERS.error],
        })),
    };
  });

  it('1,000 letters with binary bytes keep their exact bytes, keys and headers, in order, after one flush()', async () => {
    const kafka = client();
    const topic = uniqueTopic('binary');
    // Three partitions: order must still hold per monitor, whatever the keys.
    expect(await ensureDeadLetterTopic(kafka, topic, { partitions: 3, replicationFactor: 1 })).toBe(true);
    expect(await ensureDeadLetterTopic(kafka, topic, { partitions: 3, replicationFactor: 1 })).toBe(false);
    const registry = new Registry();
    const metrics = createMetrics(registry);
    let now = Date.UTC(2026, 4, 1, 12, 0, 0);
    const sink = new KafkaDeadLetterSink({ kafka, topic, metrics, clock: () => now++, maxBatchMessages: 64 });
    const monitors = ['credit-model', 'fraud-model'];
    const letters: DeadLetter[] = [];
    for (let i = 0; i < 1000; i++) {
      const bytes = new Uint8Array(1 + (i % 300));
      for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 31 + j * 17) & 0xff;
      bytes[0] = 0xff; // never valid UTF-8
      const letter: DeadLetter = {
        monitor: monitors[i % 2]!,
        reason: i % 3 === 0 ? RecordErrorReason.NOT_JSON : RecordErrorReason.BAD_PAYLOAD,
        source: `inference/${i % 4}@${1000 + i}`,
        record: `ignored when bytes are given ${i}`,
        bytes,
        key: i % 5 === 0 ? null : new Uint8Array([0xc3, 0x28, i & 0xff, i >> 8]),
      };
      letters.push(letter);
      sink.write(letter);
    }
    // The sink copied the bytes: reusing the caller's arrays after write() changes nothing
    // (the expected values below are recomputed, not read from these arrays).
    for (const l of letters) l.bytes!.fill(0);
    expect(sink.count).toBe(1000);
    await sink.flush();
    expect(sink.pending).toBe(0);
    const got = await readTopic(kafka, topic);
    expect(got).toHaveLength(1000);

    for (const monitor of monitors) {
      const mine = got.filter((m) => m.headers[DEAD_LETTER_HEADERS.monitor] === monitor);
      const want = letters.map((l, i) => ({ l, i })).filter(({ l }) => l.monitor === monitor);
      expect(mine).toHaveLength(500);
      // one partition per monitor, chosen by MurmurHash3 of its name
      expect(new Set(mine.map((m) => m.partition))).toEqual(new Set([idHash32(monitor) % 3]));
      mine.forEach((m, k) => {
        const { l, i } = want[k]!;
        const expectedBytes = Buffer.alloc(1 + (i % 300));
        for (let j = 0; j < expectedBytes.length; j++) expectedBytes[j] = (i * 31 + j * 17) & 0xff;
        expectedBytes[0] = 0xff;
        expect(m.value?.equals(expectedBytes), `letter ${i} value`).toBe(true);
        if (l.key === null) expect(m.key).toBeNull();
        else expect(m.key?.equals(Buffer.from(l.key!))).toBe(true);
        expect(m.headers).toEqual({
          [DEAD_LETTER_HEADERS.reason]: l.reason,
          [DEAD_LETTER_HEADERS.source]: l.source,
          [DEAD_LETTER_HEADERS.monitor]: monitor,
          [DEAD_LETTER_HEADERS.deadLetteredAt]: new Date(Date.UTC(2026, 4, 1, 12, 0, 0) + i).toISOString(),
        });
      });
    }
    expect((await registry.getSingleMetric('driftmon_dead_letter_publish_failures_total')?.get())?.values[0]?.value ?? 0).toBe(0);
    await sink.close();
  });

  it('a letter without bytes is published as the UTF-8 of its record, with a null key', async () => {
    const kafka = client();
    const topic = uniqueTopic('text');
    await ensureDeadLetterTopic(kafka, topic);
    const sink = new KafkaDeadLetterSink({ kafka, topic });
    sink.write({ monitor: 'm', reason: 'not_json', source: 'capture.jsonl:7', record: '{"é":"😀"' });
    await sink.close();
    const [m] = await readTopic(kafka, topic);
    expect(m?.value?.equals(Buffer.from('{"é":"😀"', 'utf8'))).toBe(true);
    expect(m?.key).toBeNull();
  });
});

/** A kafkajs client whose producer fails the first `failures` sends and records what it got. */
function fakeKafka(failures: number) {
  const sends: Message[][] = [];
  const calls = { connect: 0, disconnect: 0, send: 0 };
  let config: ProducerConfig | undefined;
  const producer = {
    connect: async () => {
      calls.connect++;
    },
    disconnect: async () => {
      calls.disconnect++;
    },
    send: async (record: ProducerRecord) => {
      calls.send++;
      expect(record.acks).toBe(-1);
      if (calls.send <= failures) throw new Error(`broker unavailable (${calls.send})`);
      sends.push(record.messages);
      return [];
    },
  };
  const kafka = {
    producer: (c?: ProducerConfig) => {
      config = c;
      return producer;
    },
  } as unknown as Kafka;
  return { kafka, sends, calls, config: () => config };
}

describe('KafkaDeadLetterSink delivery (fake producer)', () => {
  const letter = (i: number, monitor = 'm'): DeadLetter => ({ monitor, reason: 'not_json', source: `in/0@${i}`, record: `r${i}` });

  it('retries failed sends with capped exponential back-off, counting each failure, and loses or reorders nothing', async () => {
    const { kafka, sends, calls } = fakeKafka(4);
    const registry = new Registry();
    const metrics = createMetrics(registry);
    const sink = new KafkaDeadLetterSink({ kafka, topic: 't', metrics, retry: { initialMs: 5, maxMs: 20 }, maxBatchMessages: 7 });
    for (let i = 0; i < 50; i++) sink.write(letter(i));
    const t0 = Date.now();
    await sink.flush();
    // 5 + 10 + 20 + 20 ms of back-off at least
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
    expect((await registry.getSingleMetric('driftmon_dead_letter_publish_failures_total')?.get())?.values[0]?.value).toBe(4);
    expect(sends.flat().map((m) => m.value?.toString())).toEqual(Array.from({ length: 50 }, (_v, i) => `r${i}`));
    expect(sends.every((b) => b.length <= 7)).toBe(true);
    expect(calls.connect).toBeGreaterThanOrEqual(1);
    await sink.close();
    expect(calls.disconnect).toBe(1);
  });

  it('flush() waits for letters written before it, resolves at once when nothing is pending', async () => {
    const { kafka, sends } = fakeKafka(0);
    const sink = new KafkaDeadLetterSink({ kafka, topic: 't' });
    await sink.flush();
    sink.write(letter(1));
    sink.write(letter(2));
    expect(sink.pending).toBe(2);
    await sink.flush();
    expect(sink.pending).toBe(0);
    expect(sends.flat()).toHaveLength(2);
    expect(sink.count).toBe(2);
    await sink.close();
    await sink.close();
    expect(() => sink.write(letter(3))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('splits batches by size, sending a single oversized letter alone', async () => {
    const { kafka, sends } = fakeKafka(0);
    const sink = new KafkaDeadLetterSink({ kafka, topic: 't', maxBatchBytes: 4096 });
    const big = { ...letter(0), record: 'x'.repeat(10_000) };
    [letter(1), letter(2), big, letter(3)].forEach((l) => sink.write(l));
    for (let i = 0; i < 100; i++) sink.write({ ...letter(10 + i), record: 'y'.repeat(100) });
    await sink.close();
    expect(sends.flat()).toHaveLength(104);
    expect(sends.some((b) => b.length === 1 && b[0]?.value?.length === 10_000)).toBe(true);
    for (const b of sends) if (b.length > 1) expect(b.reduce((n, m) => n + (m.value?.length ?? 0), 0)).toBeLessThanOrEqual(4096);
  });

  it('partitions by monitor with MurmurHash3 over the sorted partition ids, so each monitor keeps one ordered partition', () => {
    const { kafka, config } = fakeKafka(0);
    new KafkaDeadLetterSink({ kafka, topic: 't' });
    const partitioner = config()!.createPartitioner!();
    const partitionMetadata = [2, 0, 1].map((partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    for (const monitor of ['credit-model', 'fraud-model', 'a', '']) {
      const message: Message = { key: randomUUID(), value: 'v', headers: { [DEAD_LETTER_HEADERS.monitor]: monitor } };
      expect(partitioner({ topic: 't', partitionMetadata, message })).toBe(idHash32(monitor) % 3);
    }
  });
});
