/**
 * Kafka transactions for a scaled-out monitor (docs/scale-out.md): one transactional producer per
 * unit of ownership — an input partition for a member, a partials partition for an owner — whose
 * transactional id is derived from that unit, so whoever takes the unit over initialises the same
 * id, which aborts the previous holder's open transaction and fences it (a zombie can commit
 * nothing more for that unit). Each commit is one transaction: messages, then the unit's consumer
 * offset with its metadata (`sendOffsets`), then commit; on any failure it is aborted and the
 * error says whether the unit was taken over (fenced: drop it) or the commit may be retried.
 *
 * Why one producer per unit rather than per process: kafkajs 2 sends no consumer-group metadata
 * with its offsets (KIP-447), so fencing by transactional id is the only fencing there is.
 */
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../errors.js';
import { retry } from '../retry.js';
import { defaultPartitioner } from './kafka-client.js';

export interface TransactionUnit {
  /** The consumed topic and partition this unit owns (its offset is committed with every transaction). */
  readonly topic: string;
  readonly partition: number;
  /** The consumer group whose offset is committed. */
  readonly groupId: string;
  readonly transactionalId: string;
}

export interface OutgoingMessage {
  readonly topic: string;
  /** Explicit partition (progress broadcast), or undefined to partition by key. */
  readonly partition?: number;
  readonly key?: string;
  /** null: a deletion (a compacted topic's tombstone). */
  readonly value: Uint8Array | null;
}

export interface CommittedOffset {
  /** The next offset to consume, or undefined when the group has none for the partition. */
  readonly offset: number | undefined;
  /** The metadata committed with it ('' when none). */
  readonly metadata: string;
}

const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'KafkaJSProducerFencedError', 'INVALID_PRODUCER_ID_MAPPING']);

/** The unit was taken over by another holder (its producer is fenced): drop the unit, don't retry. */
export function isFenced(e: unknown): boolean {
  for (let x = e as { type?: unknown; name?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; x !== undefined && x !== null && depth < 8; depth++) {
    if (FENCED.has(String(x.type)) || FENCED.has(String(x.name))) return true;
    x = (x.cause ?? x.originalError) as typeof x;
  }
  return false;
}

/** Transactions per unit of ownership: KafkaTransactions on a broker; an in-memory one in unit tests. */
export interface UnitTransactions {
  /** Take unit `u` over (fencing its previous holder) and read its committed offset and metadata. */
  acquire(u: TransactionUnit): Promise<CommittedOffset>;
  /** Stop using unit `u`. Idempotent. */
  release(u: TransactionUnit): Promise<void>;
  /** One transaction: `messages`, then u's offset with `metadata`; a DriftmonError, not retryable when `u` was taken over. */
  commit(u: TransactionUnit, messages: readonly OutgoingMessage[], nextOffset: number | undefined, metadata: string): Promise<void>;
}

export class KafkaTransactions implements UnitTransactions {
  private readonly producers = new Map<string, Producer>();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly logger: Logger,
  ) {}

  /**
   * Take unit `u` over: initialise its transactional id (fencing any previous holder and ending its
   * open transaction), then read the unit's committed offset and metadata, now final.
   */
  async acquire(u: TransactionUnit): Promise<CommittedOffset> {
    await this.release(u);
    // retried without limit (an idempotent producer must be; kafkajs warns otherwise), at most 1 s
    // apart: during an outage the member waits, as its consumer does; stops are bounded by the caller
    const producer = this.kafka.producer({
      transactionalId: u.transactionalId,
      createPartitioner: defaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 250, maxRetryTime: 1_000 },
    });
    await producer.connect();
    this.producers.set(u.transactionalId, producer);
    // kafkajs initialises a transactional id at its first transaction, not at connect: open and
    // abort an empty one now, so the previous holder is fenced before the committed offset is read
    await (await producer.transaction()).abort();
    // a group coordinator that is still loading (a broker just started or moved) answers NOT_COORDINATOR for a while
    const [topic] = await retry(() => this.admin.fetchOffsets({ groupId: u.groupId, topics: [u.topic] }), { attempts: 10, baseDelayMs: 200, maxDelayMs: 2_000 });
    const p = topic?.partitions.find((x) => x.partition === u.partition);
    const offset = p === undefined || Number(p.offset) < 0 ? undefined : Number(p.offset);
    return { offset, metadata: p?.metadata ?? '' };
  }

  /** Stop using unit `u` (revoked or fenced). Idempotent. */
  async release(u: TransactionUnit): Promise<void> {
    const producer = this.producers.get(u.transactionalId);
    if (producer === undefined) return;
    this.producers.delete(u.transactionalId);
    await producer.disconnect().catch((e: unknown) => this.logger.debug({ err: e, transactionalId: u.transactionalId }, 'transactional producer disconnect failed'));
  }

  /** One transaction: `messages`, then `u`'s offset `nextOffset` with `metadata` (none when undefined: nothing consumed yet). */
  async commit(u: TransactionUnit, messages: readonly OutgoingMessage[], nextOffset: number | undefined, metadata: string): Promise<void> {
    const producer = this.producers.get(u.transactionalId);
    if (producer === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `no transactional producer for ${u.transactionalId}: acquire it first`);
    const txn = await producer.transaction();
    try {
      const byTopic = new Map<string, Message[]>();
      for (const m of messages) {
        const list = byTopic.get(m.topic) ?? byTopic.set(m.topic, []).get(m.topic) as Message[];
        list.push({ value: m.value === null ? null : Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength), ...(m.key === undefined ? {} : { key: m.key }), ...(m.partition === undefined ? {} : { partition: m.partition }) });
      }
      if (byTopic.size > 0) await txn.sendBatch({ topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })) });
      if (nextOffset !== undefined) await txn.sendOffsets({ consumerGroupId: u.groupId, topics: [{ topic: u.topic, partitions: [{ partition: u.partition, offset: String(nextOffset), metadata } as { partition: number; offset: string }] }] });
      await txn.commit();
    } catch (e) {
      await txn.abort().catch(() => undefined);
      const fenced = isFenced(e);
      throw new DriftmonError(ErrorCode.SOURCE_FAILED, `transaction ${u.transactionalId} failed${fenced ? ' (taken over by another member)' : ''}: ${(e as Error).message}`, {
        cause: e,
        retryable: !fenced,
      });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.producers.values()].map((p) => p.disconnect().catch(() => undefined)));
    this.producers.clear();
  }
}
