/**
 * A scaled-out stage's exactly-once cycle (docs/scale-out.md), in place of the one-process
 * checkpoint cycle: every interval, one Kafka transaction per held partition carries what the
 * partition's records produced since its last transaction (its outbox: a data-quality member's
 * partials, a label monitor's keyed records or window deltas), its progress to every partition of
 * the progress topic, and its consumer offset with its state as metadata.
 *
 * Takeover (the group gave this member a partition): initialise the partition's transactional id
 * (fencing the previous holder), read the committed offset and metadata, let the outbox restore
 * the partition from them, resume there. Release (the partition left): commit what it gathered
 * while it still can, then drop it; records not committed are read again by its next holder. A transaction that fails is aborted; its
 * messages stay pending and go with the next one (its readers merge two deltas of one window as
 * one), unless the partition was taken over (fenced), which drops it here.
 */
import { assignmentChanges, commitHeld, ownershipUnit, Serial, type HolderOptions } from './partition-ownership.js';
import type { CommittedOffset, OutgoingMessage, TransactionUnit } from '../source/kafka-transactions.js';
import type { RawBatch } from '../source/source.js';

/** What a stage makes of each held partition (one process's state of it lives here between transactions). */
export interface PartitionOutbox {
  /** Partition `key` was taken over at nowMs, with what its last holder committed. */
  restore(key: string, committed: CommittedOffset, nowMs: number): Promise<void>;
  /** The messages of key's next transaction (besides its progress). */
  flush(key: string, nowMs: number): OutgoingMessage[];
  /** key's progress, sent to every partition of the progress topic. */
  progress(key: string, nowMs: number): Uint8Array;
  /** key's state, committed as its offset's metadata. */
  metadata(key: string): string;
  /** Partition `key` left this member. */
  drop(key: string): void;
}

export interface MemberCycleOptions extends HolderOptions {
  /** Where progress goes: every partition of this topic. */
  progressTopic: string;
  progressPartitions: number;
  outbox: PartitionOutbox;
}

interface Held {
  readonly unit: TransactionUnit;
  nextOffset: number | undefined;
  pending: OutgoingMessage[];
}

export class MemberCycle {
  private readonly held = new Map<string, Held>();
  private lastMs = Number.NEGATIVE_INFINITY;
  /** Batches, commits and assignment changes of this member's partitions, one at a time (partition-ownership.ts). */
  readonly serial = new Serial();

  /** The source's onAssignment: gained partitions taken over, lost ones released, on `serial`. */
  readonly onAssignment = assignmentChanges(
    this.serial,
    (key) => this.release(key, true),
    (key) => this.takeOver(key),
  );

  constructor(private readonly o: MemberCycleOptions) {}

  private async takeOver(key: string): Promise<void> {
    const { monitor } = this.o;
    const unit = ownershipUnit(key, this.o);
    const { topic, partition } = unit;
    const committed = await this.o.transactions.acquire(unit);
    await this.o.outbox.restore(key, committed, this.o.clock());
    this.held.set(key, { unit, nextOffset: committed.offset, pending: [] });
    if (committed.offset !== undefined) this.o.resumeFrom([{ topic, partition, nextOffset: committed.offset }]);
    this.o.logger.info({ monitor, partition: key, offset: committed.offset }, 'partition taken over');
  }

  /**
   * Let partition `key` go. A revoked one commits what it gathered first, so its next holder does
   * not read it again (fenced instead when that holder took it over already: nothing is lost).
   */
  private async release(key: string, commitFirst = false): Promise<void> {
    if (commitFirst && this.held.has(key)) await this.commitOne(key);
    const h = this.held.get(key);
    this.held.delete(key);
    this.o.outbox.drop(key);
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
    const { monitor, progressTopic, progressPartitions, outbox } = this.o;
    const now = this.o.clock();
    h.pending.push(...outbox.flush(key, now));
    const progress = outbox.progress(key, now);
    const messages = [...h.pending];
    for (let q = 0; q < progressPartitions; q++) messages.push({ topic: progressTopic, partition: q, value: progress });
    const metadata = outbox.metadata(key);
    // a failed transaction's messages stay pending: they go with the next one
    const done = await commitHeld(() => this.o.transactions.commit(h.unit, messages, h.nextOffset, metadata), () => this.release(key), this.o.logger, { monitor, partition: key, pendingMessages: h.pending.length }, this.o.counted);
    if (done) h.pending = [];
  }

  /**
   * Commit every interval even without traffic (the next stage must hear the held partitions'
   * progress); clearInterval the result to stop.
   */
  startTicking(): NodeJS.Timeout {
    const t = setInterval(
      () => void this.serial.run(() => this.afterBatch(IDLE_TICK)).catch((e: unknown) => this.o.logger.warn({ monitor: this.o.monitor, err: e }, 'member commit failed')),
      this.o.intervalMs,
    );
    t.unref();
    return t;
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

/** A member's timer tick: no batch, only the interval's commit. */
const IDLE_TICK: RawBatch = { records: [], origin: () => 'tick' };
