/**
 * The Kafka topology a scaled-out monitor needs (docs/scale-out.md): its input partitions (every
 * owner's watermark waits for each of them) and its partials topic, created when missing.
 */
import type { Admin } from 'kafkajs';
import { DriftmonError, ErrorCode } from '../errors.js';
import { partitionKey } from './source.js';

/** Partials are read again only after the last owner commit (an interval), so a day is ample. */
const PARTIALS_RETENTION_MS = 24 * 3600 * 1000;
/** An owner's consolidation holds a whole window's sketches: allow more than the broker's 1 MiB default. */
const PARTIALS_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Every partition of `topics`, as partitionKey()s. */
export async function inputPartitionKeys(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
  return meta.topics.flatMap((t) => t.partitions.map((p) => partitionKey(t.name, p.partitionId)));
}

/**
 * Create the partials topic unless it exists (partitions: `partitions`, or as many as the largest
 * input topic has). Returns its partition count.
 */
export async function ensurePartialsTopic(admin: Admin, topic: string, inputTopics: readonly string[], partitions: number | undefined): Promise<number> {
  const existing = (await admin.listTopics()).includes(topic);
  if (!existing) {
    const inputs = await admin.fetchTopicMetadata({ topics: [...inputTopics] });
    const numPartitions = partitions ?? Math.max(1, ...inputs.topics.map((t) => t.partitions.length));
    const replicationFactor = Math.min(3, (await admin.describeCluster()).brokers.length);
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions,
            replicationFactor,
            configEntries: [
              { name: 'cleanup.policy', value: 'delete' },
              { name: 'retention.ms', value: String(PARTIALS_RETENTION_MS) },
              { name: 'max.message.bytes', value: String(PARTIALS_MAX_MESSAGE_BYTES) },
            ],
          },
        ],
      });
    } catch (e) {
      // another member created it first: fine
      if (!(await admin.listTopics()).includes(topic)) {
        throw new DriftmonError(ErrorCode.SOURCE_FAILED, `cannot create the partials topic ${topic}: ${(e as Error).message}`, { cause: e, retryable: true });
      }
    }
  }
  const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  return meta?.partitions.length ?? 0;
}
