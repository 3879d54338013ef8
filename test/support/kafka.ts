/** Kafka helpers for integration tests and benchmarks: topics, bulk produce, read a topic back. */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

export function kafkaClient(brokers: readonly string[], clientId = 'driftmon-test'): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING });
}

/** A topic name nobody else uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** `config`: topic settings, e.g. { 'retention.ms': '-1' } for messages whose timestamps lie in the past. */
export async function createTopic(brokers: readonly string[], topic: string, partitions: number, config: Record<string, string> = {}): Promise<void> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const configEntries = Object.entries(config).map(([name, value]) => ({ name, value }));
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export interface OutMessage {
  key?: string | Buffer | null;
  value: string | Buffer;
  partition?: number;
  /** Broker timestamp (CreateTime), epoch ms as text; default: when produced. */
  timestamp?: string;
}

/** Produce every message (acks from all in-sync replicas), in order, in chunks. */
export async function produceAll(brokers: readonly string[], topic: string, messages: readonly OutMessage[], chunk = 5_000): Promise<void> {
  const producer = kafkaClient(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += chunk) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk).map((m) => ({ ...m })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Read a topic from the beginning until `count` messages arrived (or the timeout passes). */
export async function readTopic(brokers: readonly string[], topic: string, count: number, timeoutMs = 60_000): Promise<(KafkaMessage & { partition: number })[]> {
  const consumer = kafkaClient(brokers).consumer({ groupId: uniqueTopic('reader'), maxWaitTimeInMs: 200 });
  const got: (KafkaMessage & { partition: number })[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) got.push({ ...m, partition: batch.partition });
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/** Sum of the topic's high watermarks (messages ever produced, for a topic without deletions). */
export async function topicEndOffsets(brokers: readonly string[], topic: string): Promise<Map<number, number>> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}
