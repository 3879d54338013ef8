/**
 * KafkaTransactions on a real broker (docs/scale-out.md): the UnitTransactions contract
 * (src/source/unit-transactions.contract.ts). And a read_committed consumer never sees records of
 * aborted transactions, however they interleave (kafkajs's own filter does:
 * src/source/kafkajs-read-committed.ts). And committed offsets are read with require_stable: an
 * offset in a transaction not yet ended is not returned as if it were final
 * (src/source/kafkajs-stable-offsets.ts).
 */
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { KafkaTransactions } from '../src/source/kafka-transactions.js';
import { describeUnitTransactionsContract } from '../src/source/unit-transactions.contract.js';
import { createKafka } from '../src/source/kafka-client.js';
import { createTopic, kafkaClient, readTopic, uniqueTopic } from './support/kafka.js';
import { describeWithServices } from './support/services.js';

const logger = pino({ level: 'silent' });

describeWithServices(['kafka'], 'Kafka transactions per unit (scale-out)', ({ kafka }) => {
  describeUnitTransactionsContract('KafkaTransactions (real broker)', async () => {
    const input = uniqueTopic('txn-input');
    const output = uniqueTopic('txn-out');
    await createTopic(kafka.brokers, input, 2);
    await createTopic(kafka.brokers, output, 3);
    const client = kafkaClient(kafka.brokers);
    const admin = client.admin();
    await admin.connect();
    const holders: KafkaTransactions[] = [];
    return {
      input,
      output,
      holder: () => {
        const t = new KafkaTransactions(client, admin, logger);
        holders.push(t);
        return t;
      },
      read: async (topic, expected) => (await readTopic(kafka.brokers, topic, expected, 20_000)).map((m) => (m.value === null ? '<null>' : m.value.toString())).sort(),
      committed: async (groupId, topic, partition) => {
        const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const p = t?.partitions.find((x) => x.partition === partition);
        return p === undefined || Number(p.offset) < 0 ? undefined : { offset: Number(p.offset), metadata: p.metadata ?? '' };
      },
      close: async () => {
        for (const t of holders) await t.close();
        await admin.disconnect();
      },
    };
  });

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

  it('a committed offset is read with require_stable: while a transaction holding an offset is open, the read is refused as unstable; once it commits, the read returns it', async () => {
    const topic = uniqueTopic('txn-stable');
    await createTopic(kafka.brokers, topic, 1);
    const client = createKafka({ brokers: kafka.brokers, clientId: 'driftmon-test', ssl: false }, logger);
    const groupId = uniqueTopic('txn-stable-group');
    const producer = client.producer({ transactionalId: uniqueTopic('txn-stable'), idempotent: true, maxInFlightRequests: 1 });
    const admin = client.admin({ retry: { retries: 0 } });
    await Promise.all([producer.connect(), admin.connect()]);
    const read = async (): Promise<{ offset: string; metadata: string | null } | undefined> => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0];
    try {
      const committedOnce = await producer.transaction();
      await committedOnce.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '3', metadata: 'first' } as { partition: number; offset: string }] }] });
      await committedOnce.commit();
      expect(await read()).toMatchObject({ offset: '3', metadata: 'first' });
      const open = await producer.transaction();
      await open.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '7', metadata: 'second' } as { partition: number; offset: string }] }] });
      // OffsetFetch before version 7 would answer 3 here, and 7 a moment after the commit
      await expect(read()).rejects.toMatchObject({ type: 'UNSTABLE_OFFSET_COMMIT' });
      await open.commit();
      const deadline = Date.now() + 10_000;
      let last: unknown;
      for (;;) {
        try {
          expect(await read()).toMatchObject({ offset: '7', metadata: 'second' });
          break;
        } catch (e) {
          last = e;
          if (Date.now() > deadline) throw last;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  }, 60_000);
});
