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
import type { DatasetProfile } from '../../profile/dataset-profile.js';
import type { OutgoingMessage, TransactionUnit } from '../../source/kafka-transactions.js';
import { encodeExchange, exchangeKey, type ExchangeMessage } from '../../state/exchange-messages.js';
import { WindowAssembler } from '../../window/window-assembler.js';
import { PartialsOwner, type OwnedPartition, type PartialsOwnerOptions } from '../partials-owner.js';
import type { WindowCloser } from './window-closer.js';

export interface WindowOwnerOptions extends PartialsOwnerOptions {
  /** The monitor's input partitions (partitionKey()): each holds the watermark until heard from. */
  inputPartitions: () => readonly string[];
  graceMs: number;
  createProfile: () => DatasetProfile;
  deserializeProfile: (bytes: Uint8Array) => DatasetProfile;
  closer: WindowCloser;
  /** Closed markers go to every partials partition: each owner learns of every window reported. */
  partialsPartitions: number;
}

interface Owned extends OwnedPartition {
  readonly assembler: WindowAssembler<DatasetProfile>;
  /** Windows merged from a predecessor's consolidation (each is merged once). */
  consolidated: Set<string>;
  closedSinceCommit: Array<{ sizeMs: number; startMs: number }>;
}

export class WindowOwner extends PartialsOwner<Owned> {
  /** Per window size, the start of the newest window this process reported (its gauges show it). */
  private readonly newestPublished = new Map<number, number>();

  constructor(private readonly o: WindowOwnerOptions) {
    super(o, 'owner');
  }

  protected create(unit: TransactionUnit, startOffset: number): Owned {
    const assembler = new WindowAssembler<DatasetProfile>({ create: this.o.createProfile, merge: (into, from) => into.merge(from) }, this.o.graceMs, this.o.inputPartitions());
    return { unit, assembler, startOffset, nextOffset: startOffset, committedOffset: startOffset, changed: false, consolidated: new Set(), closedSinceCommit: [] };
  }

  /** Close what is due; closed markers go out at once: a successor (after a crash or a rebalance) then does not close them again. */
  protected async afterRead(owned: Owned): Promise<boolean> {
    const due = owned.assembler.closeDue();
    for (const w of due) {
      await this.o.closer.close(w, owned.assembler.lateRowsBySize.get(w.sizeMs) ?? 0, true);
      owned.closedSinceCommit.push({ sizeMs: w.sizeMs, startMs: w.startMs });
      if (w.startMs > (this.newestPublished.get(w.sizeMs) ?? Number.NEGATIVE_INFINITY)) this.newestPublished.set(w.sizeMs, w.startMs);
    }
    return due.length > 0;
  }

  protected applyMessage(owned: Owned, m: ExchangeMessage, offset: number): boolean {
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
          if (!predecessors(m.coversThrough) || owned.consolidated.has(windowKey)) return false;
          owned.consolidated.add(windowKey);
        }
        let profile: DatasetProfile;
        try {
          profile = this.o.deserializeProfile(m.profile);
        } catch {
          this.o.onInvalid?.('profile');
          return false;
        }
        a.addPartial({ sizeMs: m.sizeMs, startMs: m.startMs, partition: m.kind === 'partial' ? m.partition : 'consolidated', rows: m.rows, weight: m.weight, profile, position: offset });
        return m.kind === 'partial';
      }
      case 'progress':
        a.progress(m);
        return true;
      case 'owner':
        if (predecessors(m.coversThrough)) a.restoreState({ mark: m.markMs, clocks: m.clocks });
        return false;
      case 'closed': {
        a.markReported(m.sizeMs, m.startMs);
        // another owner reported a newer window of a size whose gauges this process holds: they go
        const mine = this.newestPublished.get(m.sizeMs);
        if (mine !== undefined && m.startMs > mine) {
          this.newestPublished.delete(m.sizeMs);
          this.o.closer.retract(m.sizeMs);
        }
        return false;
      }
      default:
        return false; // a label monitor's message: not ours
    }
  }

  /** Consolidations, state and closed markers. */
  protected commitMessages(owned: Owned): { messages: OutgoingMessage[]; committed: () => void } | undefined {
    const { monitor, partialsTopic } = this.o;
    const partition = owned.unit.partition;
    const coversThrough = owned.nextOffset - 1;
    // nothing read since the last commit: the consolidations and state it wrote still hold
    const advanced = owned.nextOffset !== owned.committedOffset;
    if (!advanced && owned.closedSinceCommit.length === 0) return undefined;
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
    for (const c of owned.closedSinceCommit) {
      for (let q = 0; q < this.o.partialsPartitions; q++) messages.push({ topic: partialsTopic, partition: q, value: encodeExchange({ kind: 'closed', monitor, ...c }) });
    }
    return { messages, committed: () => (owned.closedSinceCommit = owned.closedSinceCommit.slice(closed)) };
  }
}
