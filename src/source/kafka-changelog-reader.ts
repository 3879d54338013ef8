/**
 * Reads one partition of a scaled-out label monitor's changelog topic from its start to its end
 * (docs/scale-out.md, "Label monitors"): what a member that takes a keyed partition over applies
 * to an empty join store. read_committed, so exactly the committed changes; the end is the
 * partition's high watermark read after the takeover fenced the previous holder (its open
 * transaction is aborted by then, its markers written, and only the holder writes the partition).
 *
 * kafkajs reads only through a consumer group, so each read joins a group of its own, consumes
 * the one partition (the others paused) until the end, and deletes the group. The violations
 * topic's read-back (kafka-violations-log.ts) reads the same way, from an offset and with headers.
 */
import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../errors.js';
import type { ChangelogReader } from '../join/changelog-join-store.js';

export class KafkaChangelogReader implements ChangelogReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    /** The monitor's group: the reading groups are `<group>.changelog-restore.<uuid>`. */
    private readonly groupId: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 10 * 60_000,
  ) {}

  /** Every committed message of `partition` from offset `from` (default: its start) to its end. */
  async read(partition: number, onChange: (id: string, value: Uint8Array | null, headers: IHeaders) => void, from = 0): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId = `${this.groupId}.changelog-restore.${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, maxBytesPerPartition: 16 * 1024 * 1024 });
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic);
      const p = offsets.find((o) => o.partition === partition);
      const end = Number(p?.high ?? 0);
      const low = Math.max(from, Number(p?.low ?? 0));
      if (end <= low) return;
      let failure: unknown;
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new DriftmonError(ErrorCode.SOURCE_FAILED, `changelog ${this.topic}/${partition}: not read to its end (${end}) within ${this.timeoutMs} ms`, { retryable: true })), this.timeoutMs);
        timer.unref();
        // batches of control records only (transaction markers) are not handed over, but end here too
        consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
          if (e.payload.partition === partition && Number(e.payload.lastOffset) + 1 >= end) {
            clearTimeout(timer);
            resolve();
          }
        });
        consumer.on(consumer.events.CRASH, (e) => {
          clearTimeout(timer);
          reject((e.payload as { error: Error }).error);
        });
      });
      done.catch(() => undefined);
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (batch.partition !== partition) return;
          for (const m of batch.messages) {
            if (Number(m.offset) >= end) break;
            try {
              onChange(m.key?.toString('utf8') ?? '', m.value === null ? null : new Uint8Array(m.value.buffer, m.value.byteOffset, m.value.byteLength), m.headers ?? {});
            } catch (e) {
              failure ??= e;
            }
          }
        },
      });
      if (low > Number(p?.low ?? 0)) consumer.seek({ topic: this.topic, partition, offset: String(low) });
      const others = offsets.map((o) => o.partition).filter((x) => x !== partition);
      if (others.length > 0) consumer.pause([{ topic: this.topic, partitions: others }]);
      await done;
      if (failure !== undefined) throw failure;
      this.logger.debug({ topic: this.topic, partition, end }, 'changelog partition read');
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }
}
