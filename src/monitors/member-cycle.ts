/**
 * A scaled-out member's exactly-once cycle (docs/scale-out.md), in place of the one-process
 * checkpoint cycle: every interval, one Kafka transaction per held input partition carries the
 * partials of every window the partition's rows reached since its last transaction, its progress
 * to every partition of the partials topic, and its consumer offset with its clock as metadata.
 *
 * Takeover (the group gave this member a partition): initialise the partition's transactional id
 * (fencing the previous holder), read the committed offset and clock, resume there. Release (the
 * partition left): drop what it held; rows not yet committed are read again by its next holder.
 * A transaction that fails is aborted; its messages stay pending and go with the next one (the
 * owner merges two partials of one window as one), unless the partition was taken over (fenced),
 * which drops it here.
 */
import type { Logger } from 'pino';
import { assignmentChanges, Serial } from './assignment-changes.js';
import { DriftmonError } from '../errors.js';
import type { KafkaTransactions, OutgoingMessage, TransactionUnit } from '../source/kafka-transactions.js';
import { parsePartitionKey, type RawBatch } from '../source/source.js';
import { encodeExchange, exchangeKey } from '../state/exchange-messages.js';
import type { SourcePosition } from '../state/source-position.js';
import type { PartitionWindows } from '../window/partition-windows.js';

export interface MemberCycleOptions<P> {
  monitor: string;
  groupId: string;
  partialsTopic: string;
  partialsPartitions: number;
  /** Transactional ids are `<prefix>.<monitor>.<topic>.<partition>`. */
  transactionalIdPrefix: string;
  windows: PartitionWindows<P>;
  serialize: (profile: P) => Uint8Array;
  transactions: KafkaTransactions;
  /** Where a taken-over partition resumes (the source skips or seeks to it). */
  resumeFrom: (positions: readonly SourcePosition[]) => void;
  clock: () => number;
  intervalMs: number;
  logger: Logger;
}

interface Held {
  readonly unit: TransactionUnit;
  nextOffset: number | undefined;
  pending: OutgoingMessage[];
}

export class MemberCycle<P> {
  private readonly held = new Map<string, Held>();
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: MemberCycleOptions<P>) {}

  /** Batches, commits and assignment changes of this member's partitions, one at a time (assignment-changes.ts). */
  readonly serial = new Serial();

  /** The source's onAssignment: gained partitions taken over, lost ones released, on `serial`. */
  readonly onAssignment = assignmentChanges(
    this.serial,
    (key) => this.release(key),
    (key) => this.takeOver(key),
  );

  private async takeOver(key: string): Promise<void> {
    const { topic, partition } = parsePartitionKey(key);
    const { monitor, groupId, transactionalIdPrefix } = this.o;
    const unit: TransactionUnit = { topic, partition, groupId, transactionalId: `${transactionalIdPrefix}.${monitor}.${topic}.${partition}` };
    const committed = await this.o.transactions.acquire(unit);
    let clock: unknown;
    try {
      clock = committed.metadata === '' ? undefined : (JSON.parse(committed.metadata) as unknown);
    } catch {
      clock = null; // refused just below, as malformed
    }
    try {
      this.o.windows.restoreClock(key, clock, this.o.clock());
    } catch (e) {
      // a foreign or corrupt metadata string must not stop the member: the clock starts afresh
      this.o.logger.warn({ monitor, partition: key, err: e }, 'committed clock unusable: the partition starts a fresh clock');
      this.o.windows.restoreClock(key, undefined, this.o.clock());
    }
    this.held.set(key, { unit, nextOffset: committed.offset, pending: [] });
    if (committed.offset !== undefined) this.o.resumeFrom([{ topic, partition, nextOffset: committed.offset }]);
    this.o.logger.info({ monitor, partition: key, offset: committed.offset }, 'partition taken over');
  }

  private async release(key: string): Promise<void> {
    const h = this.held.get(key);
    this.held.delete(key);
    this.o.windows.drop(key);
    if (h !== undefined) await this.o.transactions.release(h.unit);
  }

  /** After a processed batch: its position; commit when the interval has passed (or `force`). */
  async afterBatch(batch: RawBatch, force = false): Promise<void> {
    const p = batch.partition;
    if (p !== undefined) {
      const h = this.held.get(p.key);
      if (h !== undefined) h.nextOffset = p.position.nextOffset;
    }
    if (force || this.o.clock() - this.lastMs >= this.o.intervalMs) await this.commitAll();
  }

  /** One transaction per held partition (in parallel). A failure is logged; fenced partitions are dropped. */
  async commitAll(): Promise<void> {
    this.lastMs = this.o.clock();
    await Promise.all([...this.held.keys()].map((key) => this.commitOne(key)));
  }

  private async commitOne(key: string): Promise<void> {
    const h = this.held.get(key);
    if (h === undefined) return;
    const { monitor, partialsTopic, partialsPartitions, windows, serialize } = this.o;
    const now = this.o.clock();
    for (const w of windows.flush(key)) {
      const value = encodeExchange({ kind: 'partial', monitor, partition: key, sizeMs: w.sizeMs, startMs: w.startMs, rows: w.rows, weight: w.weight, profile: serialize(w.profile) });
      h.pending.push({ topic: partialsTopic, key: exchangeKey(monitor, w.sizeMs, w.startMs), value });
    }
    const progress = encodeExchange({ kind: 'progress', monitor, ...windows.progress(key, now) });
    const messages = [...h.pending];
    for (let q = 0; q < partialsPartitions; q++) messages.push({ topic: partialsTopic, partition: q, value: progress });
    try {
      await this.o.transactions.commit(h.unit, messages, h.nextOffset, JSON.stringify(windows.clockState(key)));
      h.pending = [];
    } catch (e) {
      if (e instanceof DriftmonError && !e.retryable) {
        this.o.logger.warn({ monitor, partition: key, err: e }, 'partition taken over by another member: dropped here');
        await this.release(key);
        return;
      }
      this.o.logger.warn({ monitor, partition: key, err: e, pendingMessages: h.pending.length }, 'transaction failed: its partials go with the next one');
    }
  }

  /** Partitions held (taken over and not released). */
  keys(): string[] {
    return [...this.held.keys()];
  }

  async close(): Promise<void> {
    await this.serial.run(async () => {
      for (const key of [...this.held.keys()]) await this.release(key);
    });
  }
}
