/**
 * The owner side of a scaled-out data-quality monitor (docs/scale-out.md): it consumes its
 * partitions of the partials topic (read_committed, group `<group>.partials`), assembles each
 * window from the members' partials (window-assembler.ts), and closes it once — evaluation, report
 * and gauges (window-closer.ts) — when the watermark over every input partition has passed it.
 *
 * Per partials partition q it holds one assembler and one transactional unit. Every interval it
 * commits, in one transaction: a consolidation per open window (its merged state, covering q up
 * to the last offset read), its state (watermark and progress), a closed marker per window
 * reported since, and its offset on q. A successor of q starts at that offset; it merges the
 * consolidations and state written by its predecessor (coversThrough below its start) and skips
 * its own later ones. Messages that fail their checks are counted and skipped: the topic is
 * internal, but whoever can write to it is not trusted.
 */
import type { Logger } from 'pino';
import { assignmentChanges, Serial } from '../assignment-changes.js';
import { DriftmonError } from '../../errors.js';
import type { DatasetProfile } from '../../profile/dataset-profile.js';
import type { KafkaTransactions, OutgoingMessage, TransactionUnit } from '../../source/kafka-transactions.js';
import { parsePartitionKey, type RawBatch, type Source } from '../../source/source.js';
import { decodeExchange, encodeExchange, exchangeKey, type ExchangeMessage } from '../../state/exchange-messages.js';
import type { SourcePosition } from '../../state/source-position.js';
import { WindowAssembler } from '../../window/window-assembler.js';
import type { WindowCloser } from './window-closer.js';

export interface WindowOwnerOptions {
  monitor: string;
  /** The owners' consumer group on the partials topic. */
  groupId: string;
  partialsTopic: string;
  transactionalIdPrefix: string;
  /** The monitor's input partitions (partitionKey()): each holds the watermark until heard from. */
  inputPartitions: () => readonly string[];
  graceMs: number;
  createProfile: () => DatasetProfile;
  deserializeProfile: (bytes: Uint8Array) => DatasetProfile;
  closer: WindowCloser;
  transactions: KafkaTransactions;
  resumeFrom: (positions: readonly SourcePosition[]) => void;
  clock: () => number;
  intervalMs: number;
  logger: Logger;
  /** Counts a message of the partials topic that was refused, by why. */
  onInvalid?: (why: 'malformed' | 'other_monitor' | 'profile') => void;
}

interface Owned {
  readonly unit: TransactionUnit;
  readonly assembler: WindowAssembler<DatasetProfile>;
  /** The offset this owner started reading q at (its predecessor's commit point). */
  readonly startOffset: number;
  /** The next offset to read (everything before it is in the assembler). */
  nextOffset: number;
  /** The offset of this owner's last commit on q (its start until it commits). */
  committedOffset: number;
  /** Windows merged from a predecessor's consolidation (each is merged once). */
  consolidated: Set<string>;
  closedSinceCommit: Array<{ sizeMs: number; startMs: number }>;
}

export class WindowOwner {
  private readonly owned = new Map<string, Owned>();
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: WindowOwnerOptions) {}

  /** Batches, commits and assignment changes of the owned partials partitions, one at a time (assignment-changes.ts). */
  private readonly serial = new Serial();

  /** The partials source's onAssignment: gained partitions taken over, lost ones released, on `serial`. */
  readonly onAssignment = assignmentChanges(
    this.serial,
    (key) => this.release(key),
    (key) => this.takeOver(key),
  );

  private async takeOver(key: string): Promise<void> {
    const { topic, partition } = parsePartitionKey(key);
    const { monitor, groupId, transactionalIdPrefix } = this.o;
    const unit: TransactionUnit = { topic, partition, groupId, transactionalId: `${transactionalIdPrefix}.${monitor}.owner.${partition}` };
    const committed = await this.o.transactions.acquire(unit);
    const startOffset = committed.offset ?? 0;
    const assembler = new WindowAssembler<DatasetProfile>({ create: this.o.createProfile, merge: (into, from) => into.merge(from) }, this.o.graceMs, this.o.inputPartitions());
    this.owned.set(key, { unit, assembler, startOffset, nextOffset: startOffset, committedOffset: startOffset, consolidated: new Set(), closedSinceCommit: [] });
    this.o.resumeFrom([{ topic, partition, nextOffset: startOffset }]);
    this.o.logger.info({ monitor, partialsPartition: key, offset: startOffset }, 'window owner: partials partition taken over');
  }

  private async release(key: string): Promise<void> {
    const owned = this.owned.get(key);
    this.owned.delete(key);
    if (owned !== undefined) await this.o.transactions.release(owned.unit);
  }

  /** One batch of a partials partition: assemble, close what is due, commit when the interval passed. */
  async onBatch(batch: RawBatch): Promise<void> {
    const key = batch.partition?.key;
    const owned = key === undefined ? undefined : this.owned.get(key);
    if (owned === undefined || batch.bytes === undefined || batch.offset === undefined) return;
    for (let i = 0; i < batch.records.length; i++) this.apply(owned, batch.bytes(i), batch.offset(i));
    owned.nextOffset = batch.partition?.position.nextOffset ?? owned.nextOffset;
    const due = owned.assembler.closeDue();
    for (const w of due) {
      await this.o.closer.close(w, owned.assembler.lateRowsBySize.get(w.sizeMs) ?? 0, true);
      owned.closedSinceCommit.push({ sizeMs: w.sizeMs, startMs: w.startMs });
    }
    // closed markers go out at once: a successor (after a crash or a rebalance) then does not close them again
    if (due.length > 0 && key !== undefined) await this.commitOne(key);
    if (this.o.clock() - this.lastMs >= this.o.intervalMs) await this.commitAll();
  }

  private apply(owned: Owned, bytes: Uint8Array, offset: number): void {
    let m: ExchangeMessage;
    try {
      m = decodeExchange(bytes);
    } catch {
      this.o.onInvalid?.('malformed');
      return;
    }
    if (m.monitor !== this.o.monitor) {
      this.o.onInvalid?.('other_monitor');
      return;
    }
    const a = owned.assembler;
    // the predecessor's last commit set our start offset; its consolidations (and state) cover
    // exactly what came before it. Earlier commits' are superseded, later ones are our own
    const predecessors = (coversThrough: number): boolean => coversThrough === owned.startOffset - 1;
    switch (m.kind) {
      case 'partial':
      case 'consolidated': {
        if (m.kind === 'consolidated') {
          // an owner that commits twice without reading between writes the same consolidation twice: merge one
          const windowKey = exchangeKey(m.monitor, m.sizeMs, m.startMs);
          if (!predecessors(m.coversThrough) || owned.consolidated.has(windowKey)) return;
          owned.consolidated.add(windowKey);
        }
        let profile: DatasetProfile;
        try {
          profile = this.o.deserializeProfile(m.profile);
        } catch {
          this.o.onInvalid?.('profile');
          return;
        }
        a.addPartial({ sizeMs: m.sizeMs, startMs: m.startMs, partition: m.kind === 'partial' ? m.partition : 'consolidated', rows: m.rows, weight: m.weight, profile, position: offset });
        return;
      }
      case 'progress':
        a.progress(m);
        return;
      case 'owner':
        if (predecessors(m.coversThrough)) a.restoreState({ mark: m.markMs, clocks: m.clocks });
        return;
      case 'closed':
        a.markReported(m.sizeMs, m.startMs);
        return;
    }
  }

  /** One transaction per owned partials partition: consolidations, state, closed markers, offset. */
  async commitAll(): Promise<void> {
    this.lastMs = this.o.clock();
    await Promise.all([...this.owned.keys()].map((key) => this.commitOne(key)));
  }

  private async commitOne(key: string): Promise<void> {
    const owned = this.owned.get(key);
    if (owned === undefined) return;
    const { monitor, partialsTopic } = this.o;
    const partition = owned.unit.partition;
    const coversThrough = owned.nextOffset - 1;
    // nothing read since the last commit: the consolidations and state it wrote still hold
    const advanced = owned.nextOffset !== owned.committedOffset;
    if (!advanced && owned.closedSinceCommit.length === 0) return;
    const messages: OutgoingMessage[] = [];
    const send = (m: ExchangeMessage, windowKey?: string): void => {
      messages.push({ topic: partialsTopic, partition, ...(windowKey === undefined ? {} : { key: windowKey }), value: encodeExchange(m) });
    };
    for (const w of advanced ? owned.assembler.openWindows() : []) {
      send({ kind: 'consolidated', monitor, coversThrough, sizeMs: w.sizeMs, startMs: w.startMs, rows: w.rows, weight: w.weight, profile: w.profile.serialize() }, exchangeKey(monitor, w.sizeMs, w.startMs));
    }
    const state = owned.assembler.state();
    if (advanced) send({ kind: 'owner', monitor, coversThrough, markMs: state.mark, clocks: state.clocks });
    const closed = owned.closedSinceCommit.length; // windows may close while the commit is in flight
    for (const c of owned.closedSinceCommit) send({ kind: 'closed', monitor, ...c });
    try {
      const offset = owned.nextOffset;
      await this.o.transactions.commit(owned.unit, messages, offset, '');
      owned.committedOffset = offset;
      owned.closedSinceCommit = owned.closedSinceCommit.slice(closed);
    } catch (e) {
      if (e instanceof DriftmonError && !e.retryable) {
        this.o.logger.warn({ monitor, partialsPartition: key, err: e }, 'window owner: partials partition taken over by another member: dropped here');
        await this.release(key);
        return;
      }
      this.o.logger.warn({ monitor, partialsPartition: key, err: e }, 'window owner: commit failed; retried at the next interval');
    }
  }

  /** Consume the partials source until it stops; then commit and let every partials partition go. */
  async run(source: Source, signal?: AbortSignal): Promise<void> {
    const onAbort = (): void => (source.stop ? source.stop() : void source.close());
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const batch of source.batches()) {
        await this.serial.run(() => this.onBatch(batch));
        if (signal?.aborted) break;
      }
      await this.serial.run(() => this.commitAll());
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.close();
      await source.close();
    }
  }

  async close(): Promise<void> {
    await this.serial.run(async () => {
      for (const key of [...this.owned.keys()]) await this.release(key);
    });
  }
}
