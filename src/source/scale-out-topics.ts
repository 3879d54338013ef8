/**
 * The Kafka topology a scaled-out monitor needs (docs/scale-out.md): its input partitions (every
 * owner's watermark waits for each of them) and its internal topics, created when missing: the
 * partials topic, and a label monitor's keyed topic and changelog.
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

/** Create `topic` unless it exists (partitions: `partitions`, or as many as the largest input topic has); returns its partition count. */
async function ensureInternalTopic(
  admin: Admin,
  topic: string,
  what: string,
  inputTopics: readonly string[],
  partitions: number | undefined,
  configEntries: { name: string; value: string }[],
): Promise<number> {
  const existing = (await admin.listTopics()).includes(topic);
  if (!existing) {
    const inputs = await admin.fetchTopicMetadata({ topics: [...inputTopics] });
    const numPartitions = partitions ?? Math.max(1, ...inputs.topics.map((t) => t.partitions.length));
    const replicationFactor = Math.min(3, (await admin.describeCluster()).brokers.length);
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, replicationFactor, configEntries }] });
    } catch (e) {
      // another member created it first: fine
      if (!(await admin.listTopics()).includes(topic)) {
        throw new DriftmonError(ErrorCode.SOURCE_FAILED, `cannot create the ${what} topic ${topic}: ${(e as Error).message}`, { cause: e, retryable: true });
      }
    }
  }
  const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  return meta?.partitions.length ?? 0;
}

/** The partials topic (partitions: `partitions`, or the largest input topic's). Returns its partition count. */
export function ensurePartialsTopic(admin: Admin, topic: string, inputTopics: readonly string[], partitions: number | undefined): Promise<number> {
  return ensureInternalTopic(admin, topic, 'partials', inputTopics, partitions, [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(PARTIALS_RETENTION_MS) },
    { name: 'max.message.bytes', value: String(PARTIALS_MAX_MESSAGE_BYTES) },
  ]);
}

/**
 * A label monitor's keyed topic and its changelog (docs/scale-out.md, "Label monitors"), the
 * changelog with as many partitions as the keyed topic (partition r holds keyed partition r's
 * store). Returns the keyed topic's partition count; throws CONFIG-like SOURCE_FAILED when an
 * existing changelog does not match it.
 */
export async function ensureKeyedTopics(admin: Admin, keyedTopic: string, changelogTopic: string, inputTopics: readonly string[], partitions: number | undefined): Promise<number> {
  const keyed = await ensureInternalTopic(admin, keyedTopic, 'keyed', inputTopics, partitions, [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(PARTIALS_RETENTION_MS) },
  ]);
  // compacted: an id's last change is kept until its deletion (a message without a value) removes it
  const changelog = await ensureInternalTopic(admin, changelogTopic, 'changelog', inputTopics, keyed, [{ name: 'cleanup.policy', value: 'compact' }]);
  if (changelog !== keyed) {
    throw new DriftmonError(ErrorCode.SOURCE_FAILED, `the changelog topic ${changelogTopic} has ${changelog} partitions and the keyed topic ${keyedTopic} ${keyed}: they must match (delete the changelog to rebuild it, or give both the same count)`, { retryable: false });
  }
  return keyed;
}
