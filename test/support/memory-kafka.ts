/**
 * An in-memory stand-in for the parts of Kafka a scaled-out monitor uses (unit tests of its
 * stages; the real broker is in test/kafka-*.test.ts): partitioned topics, transactions per unit
 * with fencing (UnitTransactions), committed offsets with metadata per group, and a reader of a
 * partition from an offset. A transaction's messages are appended when it commits, so a reader
 * sees only committed messages, in commit order — what read_committed gives.
 */
import { DriftmonError, ErrorCode } from '../../src/errors.js';
import { keyedPartition } from '../../src/monitors/label/keyed-outbox.js';
import type { CommittedOffset, OutgoingMessage, TransactionUnit, UnitTransactions } from '../../src/source/kafka-transactions.js';
import { partitionKey, type RawBatch } from '../../src/source/source.js';

export interface StoredMessage {
  readonly key: string | undefined;
  readonly value: Uint8Array | null;
  /** The producer's timestamp (input topics). */
  readonly timestampMs?: number;
}

export class MemoryKafka {
  private readonly topics = new Map<string, StoredMessage[][]>();
  private readonly offsets = new Map<string, { offset: number; metadata: string }>();
  /** The current epoch of each transactional id: a holder with an older one is fenced. */
  private readonly epochs = new Map<string, number>();
  private holderSeq = 0;

  createTopic(topic: string, partitions: number): void {
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => []),
    );
  }

  partitions(topic: string): StoredMessage[][] {
    const t = this.topics.get(topic);
    if (t === undefined) throw new Error(`no topic ${topic}`);
    return t;
  }

  /** Append outside any transaction (a producer of the input topics). */
  produce(topic: string, partition: number, key: string | undefined, value: Uint8Array, timestampMs?: number): void {
    (this.partitions(topic)[partition] as StoredMessage[]).push({ key, value, ...(timestampMs === undefined ? {} : { timestampMs }) });
  }

  /** A batch of up to `max` messages of topic/partition from `from` (values as text for the records). */
  read(topic: string, partition: number, from: number, max: number, text = false): RawBatch | undefined {
    const log = this.partitions(topic)[partition] as StoredMessage[];
    const msgs = log.slice(from, from + max);
    if (msgs.length === 0) return undefined;
    const key = partitionKey(topic, partition);
    const decoder = new TextDecoder();
    return {
      records: msgs.map((m) => (text && m.value !== null ? decoder.decode(m.value) : '')),
      origin: (i) => `${key}@${from + i}`,
      key: (i) => Buffer.from(msgs[i]?.key ?? ''),
      bytes: (i) => (msgs[i] as StoredMessage).value ?? new Uint8Array(0),
      offset: (i) => from + i,
      ...(msgs.every((m) => m.timestampMs !== undefined) ? { timestampMs: (i: number) => msgs[i]?.timestampMs as number } : {}),
      partition: { key, position: { topic, partition, nextOffset: from + msgs.length } },
    };
  }

  committed(groupId: string, topic: string, partition: number): { offset: number; metadata: string } | undefined {
    return this.offsets.get(`${groupId}|${topic}|${partition}`);
  }

  /** Transactions of one process (its holder identity: fenced when another process acquires the same unit). */
  transactions(): UnitTransactions {
    const holder = ++this.holderSeq;
    const mine = new Map<string, number>();
    return {
      acquire: (u: TransactionUnit): Promise<CommittedOffset> => {
        const epoch = (this.epochs.get(u.transactionalId) ?? 0) + 1;
        this.epochs.set(u.transactionalId, epoch);
        mine.set(u.transactionalId, epoch);
        const c = this.committed(u.groupId, u.topic, u.partition);
        return Promise.resolve({ offset: c?.offset, metadata: c?.metadata ?? '' });
      },
      release: (u: TransactionUnit): Promise<void> => {
        mine.delete(u.transactionalId);
        return Promise.resolve();
      },
      commit: (u: TransactionUnit, messages: readonly OutgoingMessage[], nextOffset: number | undefined, metadata: string): Promise<void> => {
        const epoch = mine.get(u.transactionalId);
        if (epoch === undefined || epoch !== this.epochs.get(u.transactionalId)) {
          return Promise.reject(new DriftmonError(ErrorCode.SOURCE_FAILED, `transaction ${u.transactionalId} of holder ${holder} failed (taken over by another member)`, { retryable: false }));
        }
        for (const m of messages) {
          const parts = this.partitions(m.topic);
          const p = m.partition ?? keyedPartition(m.key ?? '', parts.length);
          (parts[p] as StoredMessage[]).push({ key: m.key, value: m.value === null ? null : Uint8Array.from(m.value) });
        }
        if (nextOffset !== undefined) this.offsets.set(`${u.groupId}|${u.topic}|${u.partition}`, { offset: nextOffset, metadata });
        return Promise.resolve();
      },
    };
  }
}
