/**
 * The KafkaFetcher contract (src/source/kafka-fetcher.contract.ts) on a real broker, for the
 * fetcher in this thread and the one in a worker thread (which runs dist/: the tests' build).
 */
import { pino } from 'pino';
import { connectionOf, createKafka } from '../src/source/kafka-client.js';
import { describeKafkaFetcherContract, type FetcherFixture } from '../src/source/kafka-fetcher.contract.js';
import { InThreadFetcher } from '../src/source/kafka-fetcher-in-thread.js';
import { WorkerFetcher } from '../src/source/kafka-fetcher-worker.js';
import { createTopic, produceAll, uniqueTopic } from './support/kafka.js';
import { describeWithServices } from './support/services.js';

const logger = pino({ level: 'silent' });

describeWithServices(['kafka'], 'Kafka fetchers (real broker)', ({ kafka }) => {
  const connection = connectionOf({ brokers: kafka.brokers, clientId: 'driftmon-test', ssl: false });
  const client = createKafka(connection, logger);
  const base = (): Omit<FetcherFixture, 'fetcher'> => ({
    topic: async (partitions, perPartition) => {
      const topic = uniqueTopic('fetcher');
      await createTopic(kafka.brokers, topic, partitions);
      const messages = [];
      for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) messages.push({ key: `k${p}-${i}`, value: `v${p}-${i}`, partition: p, timestamp: String(1_000 + i) });
      await produceAll(kafka.brokers, topic, messages);
      return topic;
    },
    committed: async (groupId, topic, partition) => {
      const admin = client.admin();
      await admin.connect();
      try {
        const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return Number(t?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
      } finally {
        await admin.disconnect();
      }
    },
    groupId: () => uniqueTopic('fetcher-group'),
  });
  describeKafkaFetcherContract('in this thread', () => ({ ...base(), fetcher: (o) => new InThreadFetcher(client, o) }));
  describeKafkaFetcherContract('in a worker thread', () => ({ ...base(), fetcher: (o) => new WorkerFetcher(connection, o, logger) }));
});
