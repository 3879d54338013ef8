/**
 * One monitor's messages on the violations topic (sink/violations-topic.ts) on a broker: a
 * transactional producer whose id is fixed per monitor (and member), and a read-back of what that
 * monitor committed.
 *
 * open(): creates the topic when missing (one partition, like the dead-letter topic), initialises
 * the transactional id — which aborts an open transaction of a previous holder and fences it —
 * then reads the monitor's partition (the default partitioner's, murmur2 of the key, as Java's;
 * every message of a monitor is in it) read_committed from the first offset written within the
 * lookback to its end, keeping the identities (`driftmon-report-key`) of messages whose
 * `driftmon-monitor` header is this monitor (other monitors may share the partition). Adding
 * partitions to the topic moves a monitor to another partition: its older messages are then not
 * read back (keep the partition count, or expect repeats of re-reported windows once).
 */
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../errors.js';
import { ensureDeadLetterTopic } from '../sink/kafka-dead-letter.js';
import type { ViolationMessage, ViolationsLog } from '../sink/violations-topic.js';
import { defaultPartitioner } from './kafka-client.js';
import { KafkaChangelogReader } from './kafka-changelog-reader.js';
import { isFenced } from './kafka-transactions.js';

export const VIOLATION_HEADERS = { reportKey: 'driftmon-report-key', monitor: 'driftmon-monitor' } as const;

export interface KafkaViolationsLogOptions {
  kafka: Kafka;
  topic: string;
  monitor: string;
  transactionalId: string;
  lookbackMs: number;
  logger: Logger;
  clock?: () => number;
}

const header = (h: IHeaders, name: string): string | undefined => {
  const v = h[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
};

export class KafkaViolationsLog implements ViolationsLog {
  private producer: Producer | undefined;
  private partition = 0;

  constructor(private readonly o: KafkaViolationsLogOptions) {}

  async open(): Promise<Set<string>> {
    const { kafka, topic, monitor, transactionalId, lookbackMs, logger } = this.o;
    await this.close();
    // kafkajs's own retries are bounded (it warns that this may break exactly once: not here, since
    // a failed transaction is aborted and the message sent again in a new one), so that an outage
    // comes back to the sink's capped backoff, counted
    const producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: defaultPartitioner,
      transactionTimeout: 60_000,
      retry: { retries: 5, initialRetryTime: 250, maxRetryTime: 2_000 },
    });
    this.producer = producer;
    await producer.connect();
    // kafkajs initialises a transactional id at its first transaction: an empty one now fences the
    // previous holder (its open transaction aborted) before the topic is read back
    await (await producer.transaction()).abort();
    const admin = kafka.admin();
    let from = 0;
    try {
      await admin.connect();
      // created only when missing: kafkajs logs an existing topic's creation as an error
      if (!(await admin.listTopics()).includes(topic)) await ensureDeadLetterTopic(kafka, topic, { purpose: 'violations topic' });
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      this.partition = defaultPartitioner()({ topic, partitionMetadata: meta?.partitions ?? [], message: { key: monitor, value: null } });
      const since = (this.o.clock ?? Date.now)() - lookbackMs;
      const at = (await admin.fetchTopicOffsetsByTimestamp(topic, since)).find((p) => p.partition === this.partition);
      from = Math.max(0, Number(at?.offset ?? 0));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const seen = new Set<string>();
    await new KafkaChangelogReader(kafka, topic, `driftmon.violations-readback.${monitor}`, logger).read(
      this.partition,
      (_key, _value, headers) => {
        const id = header(headers, VIOLATION_HEADERS.reportKey);
        if (id !== undefined && header(headers, VIOLATION_HEADERS.monitor) === monitor) seen.add(id);
      },
      from,
    );
    logger.info({ monitor, topic, partition: this.partition, fromOffset: from, alreadySent: seen.size }, 'violations topic: read back');
    return seen;
  }

  async append(m: ViolationMessage): Promise<void> {
    const producer = this.producer;
    if (producer === undefined) throw new DriftmonError(ErrorCode.INTERNAL, 'violations topic: append before open');
    const txn = await producer.transaction();
    try {
      await txn.send({
        topic: this.o.topic,
        acks: -1,
        messages: [{ key: this.o.monitor, value: m.value, partition: this.partition, headers: { [VIOLATION_HEADERS.reportKey]: m.identity, [VIOLATION_HEADERS.monitor]: this.o.monitor } }],
      });
      await txn.commit();
    } catch (e) {
      await txn.abort().catch(() => undefined);
      const fenced = isFenced(e);
      throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `violations topic ${this.o.topic}: transaction ${this.o.transactionalId} failed${fenced ? ' (fenced: another process holds this monitor)' : ''}: ${(e as Error).message}`, {
        cause: e,
        retryable: !fenced,
      });
    }
  }

  async close(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => undefined);
  }
}
