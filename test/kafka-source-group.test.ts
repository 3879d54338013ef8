/**
 * KafkaSource as one member of a consumer group whose partitions move (scale-out: the monitor takes
 * partitions over itself, through onAssignment). A partition the group takes away must take its
 * position with it: when it comes back without a committed offset (its other holder died before
 * its first commit), it is read again from its start. The label scenario lost a window's rows this
 * way (test/kafka-label-scale-out.test.ts): the returning partition's records were filtered out as
 * already processed, by the position the source had kept from its first tenure.
 */
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { createKafka } from '../src/source/kafka-client.js';
import { KafkaSource } from '../src/source/kafka-source.js';
import { partitionKey } from '../src/source/source.js';
import { createTopic, produceAll, uniqueTopic } from './support/kafka.js';
import { describeWithServices } from './support/services.js';
import { until } from './support/wait.js';

const logger = pino({ level: 'silent' });

describeWithServices(['kafka'], 'KafkaSource in a consumer group (real broker)', ({ kafka }) => {
  it('a partition that comes back with no committed offset is read again from its start', async () => {
    const topic = uniqueTopic('source-group');
    await createTopic(kafka.brokers, topic, 2);
    await produceAll(kafka.brokers, topic, [0, 1].flatMap((partition) => [0, 1, 2, 3, 4].map((i) => ({ key: `k${i}`, value: `p${partition}-${i}`, partition }))));
    const client = createKafka({ brokers: kafka.brokers, clientId: 'driftmon-test', ssl: false }, logger);
    const groupId = uniqueTopic('source-group');
    /** A member that never commits (as one that dies before its first commit), recording what it is given. */
    const member = () => {
      const delivered: string[] = [];
      const source = new KafkaSource({ kafka: client, monitor: 'm', topics: [topic], groupId, fromBeginning: true, logger, sessionTimeoutMs: 6_000, maxWaitTimeMs: 100, onAssignment: () => Promise.resolve() });
      const reading = (async () => {
        for await (const b of source.batches()) for (let i = 0; i < b.records.length; i++) delivered.push(`${b.partition?.key}@${b.offset?.(i)}`);
      })();
      return { source, delivered, reading };
    };
    const a = member();
    let b: ReturnType<typeof member> | undefined;
    try {
      await until('the first member read both partitions', () => a.delivered.length === 10, 30_000);
      b = member();
      await until('the second member holds one partition and read it', () => a.source.assignment().length === 1 && b?.delivered.length === 5, 30_000);
      const [moved] = [0, 1].map((p) => partitionKey(topic, p)).filter((k) => !a.source.assignment().includes(k));
      b.source.stop();
      await b.reading;
      await b.source.close();
      // the moved partition comes back with no committed offset: all of it again
      await until('the first member read the returned partition again', () => a.delivered.length >= 15, 30_000);
      const again = a.delivered.slice(10);
      expect(again).toEqual([0, 1, 2, 3, 4].map((i) => `${moved}@${i}`));
    } finally {
      a.source.stop();
      await a.reading.catch(() => undefined);
      await a.source.close();
      if (b !== undefined) await b.source.close().catch(() => undefined);
    }
  }, 120_000);
});
