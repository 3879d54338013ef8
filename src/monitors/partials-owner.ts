/**
 * What every owner of partials partitions does (docs/scale-out.md), whatever it assembles: take a
 * partition over (fence its previous owner, start at the committed offset), read its batches in
 * order, commit every interval or when asked, and let it go — all on one Serial. Subclasses say
 * what a partition's state is, how a message changes it, what a batch leads to, and what a commit
 * carries: the data-quality window owner (data-quality/window-owner.ts) and the label window owner
 * (label/label-window-owner.ts).
 */
import type { OutgoingMessage, TransactionUnit } from '../source/kafka-transactions.js';
import type { RawBatch, Source } from '../source/source.js';
import { decodeExchange, type ExchangeMessage } from '../state/exchange-messages.js';
import { assignmentChanges, commitHeld, ownershipUnit, runPartitionOwner, Serial, type PartitionOwner, type HolderOptions } from './partition-ownership.js';

/** groupId: the owners' consumer group on the partials topic. */
export interface PartialsOwnerOptions extends HolderOptions {
  partialsTopic: string;
  /** Counts a message of the partials topic that was refused (or came too late), by why. */
  onInvalid?: (why: 'malformed' | 'other_monitor' | 'profile' | 'late_delta') => void;
}

/** An owned partials partition: its unit, offsets and whatever the owner assembles. */
export interface OwnedPartition {
  readonly unit: TransactionUnit;
  /** The offset this owner started reading at (its predecessor's commit point). */
  readonly startOffset: number;
  /** The next offset to read (everything before it is applied). */
  nextOffset: number;
  /** The offset of this owner's last commit (its start until it commits). */
  committedOffset: number;
  /** Something other than owner state (its own, or its predecessor's) was read since the last commit. */
  changed: boolean;
}

export abstract class PartialsOwner<S extends OwnedPartition> implements PartitionOwner {
  protected readonly owned = new Map<string, S>();
  private lastMs = Number.NEGATIVE_INFINITY;
  private readonly serial = new Serial();

  /** The partials source's onAssignment: gained partitions taken over, lost ones released, on one Serial. */
  readonly onAssignment = assignmentChanges(
    this.serial,
    (key) => this.release(key),
    (key) => this.takeOver(key),
  );

  constructor(
    private readonly base: PartialsOwnerOptions,
    /** What this owner is, for its logs. */
    private readonly role: string,
  ) {}

  /** A partition's state, new, for an owner starting at `startOffset`. */
  protected abstract create(unit: TransactionUnit, startOffset: number): S;
  /**
   * One message of the partition (checked, of this monitor), read at `offset`; true when it is
   * news (not owner state read back: an owner's own commits must not make it commit again).
   */
  protected abstract applyMessage(owned: S, m: ExchangeMessage, offset: number): boolean;
  /** After a batch was applied: close or report what is due; true asks for a commit now. */
  protected abstract afterRead(owned: S): Promise<boolean>;
  /** What a commit of `owned` carries (asked only when `changed`); undefined: nothing. `committed` runs once it is. */
  protected abstract commitMessages(owned: S): { messages: OutgoingMessage[]; committed: () => void } | undefined;

  private apply(owned: S, bytes: Uint8Array, offset: number): void {
    let m: ExchangeMessage;
    try {
      m = decodeExchange(bytes);
    } catch {
      this.base.onInvalid?.('malformed');
      return;
    }
    if (m.monitor !== this.base.monitor) this.base.onInvalid?.('other_monitor');
    else if (this.applyMessage(owned, m, offset)) owned.changed = true;
  }

  private async takeOver(key: string): Promise<void> {
    const unit = ownershipUnit(key, this.base);
    const committed = await this.base.transactions.acquire(unit);
    const startOffset = committed.offset ?? 0;
    this.owned.set(key, this.create(unit, startOffset));
    this.base.resumeFrom([{ topic: unit.topic, partition: unit.partition, nextOffset: startOffset }]);
    this.base.logger.info({ monitor: this.base.monitor, partialsPartition: key, offset: startOffset, role: this.role }, 'partials partition taken over');
  }

  private async release(key: string): Promise<void> {
    const owned = this.owned.get(key);
    this.owned.delete(key);
    if (owned !== undefined) await this.base.transactions.release(owned.unit);
  }

  /** One batch of a partials partition: apply, then what is due, then commit when asked or when the interval passed. */
  async onBatch(batch: RawBatch): Promise<void> {
    const key = batch.partition?.key;
    const owned = key === undefined ? undefined : this.owned.get(key);
    if (owned === undefined || key === undefined || batch.bytes === undefined || batch.offset === undefined) return;
    for (let i = 0; i < batch.records.length; i++) this.apply(owned, batch.bytes(i), batch.offset(i));
    owned.nextOffset = batch.partition?.position.nextOffset ?? owned.nextOffset;
    if (await this.afterRead(owned)) await this.commitOne(key);
    if (this.base.clock() - this.lastMs >= this.base.intervalMs) await this.commitAll();
  }

  /** One transaction per owned partials partition that has something to commit. */
  async commitAll(): Promise<void> {
    this.lastMs = this.base.clock();
    await Promise.all([...this.owned.keys()].map((key) => this.commitOne(key)));
  }

  private async commitOne(key: string): Promise<void> {
    const owned = this.owned.get(key);
    const what = owned === undefined || !owned.changed ? undefined : this.commitMessages(owned);
    if (owned === undefined || what === undefined) return;
    const offset = owned.nextOffset;
    const commit = (): Promise<void> => this.base.transactions.commit(owned.unit, what.messages, offset, '');
    if (await commitHeld(commit, () => this.release(key), this.base.logger, { monitor: this.base.monitor, partialsPartition: key, role: this.role }, this.base.counted)) {
      owned.committedOffset = offset;
      owned.changed = false;
      what.committed();
    }
  }

  /** Consume the partials source until it stops; then commit and let every partials partition go. */
  run(source: Source, signal?: AbortSignal): Promise<void> {
    return runPartitionOwner(this, this.serial, source, signal);
  }

  async releaseAll(): Promise<void> {
    for (const key of [...this.owned.keys()]) await this.release(key);
  }
}
