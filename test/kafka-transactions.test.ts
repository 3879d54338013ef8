/**
 * KafkaTransactions on a real broker (docs/scale-out.md): a unit's transaction makes its messages
 * and its consumer offset (with metadata) visible together; a holder that takes the unit over
 * fences the previous one, whose commit then fails as fenced and leaves nothing visible; and the
 * offset read at acquire is the last committed one, with its metadata. And a read_committed
 * consumer never sees records of aborted transactions, however they interleave (kafkajs's own
 * filter does: src/source/kafkajs-read-committed.ts).
 */
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { KafkaTransactions, type TransactionUnit } from '../src/source/kafka-transactions.js';
import { DriftmonError } from '../src/errors.js';
import { createKafka } from '../src/source/kafka-client.js';
import { createTopic, kafkaClient, readTopic, uniqueTopic } from './support/kafka.js';
import { describeWithServices } from './support/services.js';

const logger = pino({ level: 'silent' });

describeWithServices(['kafka'], 'Kafka transactions per unit (scale-out)', ({ kafka }) => {
  it('commits messages with the offset and its metadata; a takeover fences the previous holder, whose transaction leaves nothing', async () => {
    const input = uniqueTopic('txn-input');
    const out = uniqueTopic('txn-out');
    await createTopic(kafka.brokers, input, 2);
    await createTopic(kafka.brokers, out, 3);
    const client = kafkaClient(kafka.brokers);
    const admin = client.admin();
    await admin.connect();
    const unit: TransactionUnit = { topic: input, partition: 1, groupId: uniqueTopic('txn-group'), transactionalId: uniqueTopic('txn-id') };
    const a = new KafkaTransactions(client, admin, logger);
    const b = new KafkaTransactions(client, admin, logger);
    try {
      expect(await a.acquire(unit)).toEqual({ offset: undefined, metadata: '' });
      const value = (s: string): Uint8Array => new TextEncoder().encode(s);
      await a.commit(unit, [{ topic: out, key: 'w1', value: value('one') }, ...[0, 1, 2].map((p) => ({ topic: out, partition: p, value: value(`progress-${p}`) }))], 10, '{"clock":1}');
      // b takes the unit over: it reads a's committed offset and metadata, and fences a
      expect(await b.acquire(unit)).toEqual({ offset: 10, metadata: '{"clock":1}' });
      const fenced = await a.commit(unit, [{ topic: out, key: 'w2', value: value('zombie') }], 20, '{"clock":2}').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(fenced).toBeInstanceOf(DriftmonError);
      expect((fenced as DriftmonError).message).toContain('taken over by another member');
      expect((fenced as DriftmonError).retryable).toBe(false);
      await b.commit(unit, [{ topic: out, key: 'w3', value: value('three') }], 15, '{"clock":3}');
      const seen = await readTopic(kafka.brokers, out, 5, 20_000);
      const texts = seen.map((m) => m.value?.toString()).sort();
      expect(texts).toEqual(['one', 'progress-0', 'progress-1', 'progress-2', 'three']);
      const [committed] = await admin.fetchOffsets({ groupId: unit.groupId, topics: [input] });
      expect(committed?.partitions.find((p) => p.partition === 1)).toMatchObject({ offset: '15', metadata: '{"clock":3}' });
    } finally {
      await a.close();
      await b.close();
      await admin.disconnect();
    }
  }, 60_000);

  it('a read_committed consumer skips interleaved aborted transactions (the first one started aborted last)', async () => {
    const topic = uniqueTopic('txn-aborts');
    await createTopic(kafka.brokers, topic, 1);
    const client = createKafka({ brokers: kafka.brokers, clientId: 'driftmon-test', ssl: false }, logger);
    const transactional = async (id: string) => {
      const p = client.producer({ transactionalId: uniqueTopic(id), idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      return p;
    };
    const first = await transactional('txn-first');
    const second = await transactional('txn-second');
    const plain = client.producer();
    await plain.connect();
    const consumer = client.consumer({ groupId: uniqueTopic('txn-aborts-group') });
    try {
      const t1 = await first.transaction();
      await t1.send({ topic, messages: [{ value: 'aborted: first, started first' }] });
      const t2 = await second.transaction();
      await t2.send({ topic, messages: [{ value: 'aborted: second' }] });
      await t2.abort();
      await t1.send({ topic, messages: [{ value: 'aborted: first, after the second' }] });
      await t1.abort();
      const t3 = await second.transaction();
      await t3.send({ topic, messages: [{ value: 'committed: transaction' }] });
      await t3.commit();
      await plain.send({ topic, messages: [{ value: 'committed: plain' }] });
      const seen: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
      const deadline = Date.now() + 20_000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_000)); // anything aborted would have come by now
      expect(seen).toEqual(['committed: transaction', 'committed: plain']);
    } finally {
      await consumer.disconnect();
      await Promise.all([first.disconnect(), second.disconnect(), plain.disconnect()]);
    }
  }, 60_000);
});
