/**
 * A scaled-out label monitor's window owners (docs/scale-out.md, "Label monitors"): the owner of
 * partials partition q merges the window deltas the keyed partitions send it into its label
 * windows and runs the one-process lifecycle on the watermark over the keyed partitions: the first
 * report at end + grace, new versions as labels land, the final one at end + horizon
 * (label-windows.ts, label-reporter.ts).
 *
 * Every interval in which it read something it commits, per q, in one transaction: its windows'
 * snapshot with the watermark and the keyed partitions' progress (a `label-owner` message covering
 * q up to the last offset read) and its offset on q. A successor of q starts at that offset; the
 * deltas it reads there were not in its predecessor's windows, so it adds the predecessor's
 * snapshot to them (mergeSnapshot) when it meets it. A report re-emitted after a crash overwrites
 * the same window's report (each version of a label window is written to one place).
 */
import { DriftmonError, ErrorCode } from '../../errors.js';
import type { OutgoingMessage, TransactionUnit } from '../../source/kafka-transactions.js';
import { encodeExchange, type ExchangeMessage, type JoinCounts } from '../../state/exchange-messages.js';
import { LabelWindows, type LabelWindowOptions } from '../../window/label-windows.js';
import { ProgressWatermark } from '../../window/progress-watermark.js';
import { PartialsOwner, type OwnedPartition, type PartialsOwnerOptions } from '../partials-owner.js';
import type { LabelReporter } from './label-reporter.js';
import type { LabelWindowState } from './label-window-state.js';

export interface LabelWindowOwnerOptions extends PartialsOwnerOptions {
  /** The keyed partitions (partitionKey()): each holds the watermark until heard from. */
  keyedPartitions: () => readonly string[];
  windows: LabelWindowOptions<LabelWindowState>;
  reporter: LabelReporter;
  /** Notices of windows reported go to every partials partition (each owner learns of every newest window). */
  partialsPartitions: number;
}

interface Owned extends OwnedPartition {
  readonly windows: LabelWindows<LabelWindowState>;
  readonly watermark: ProgressWatermark;
  /** Each keyed partition's join counts so far (the latest its progress said). */
  readonly counts: Map<string, JoinCounts>;
  /** The predecessor's snapshot was added (once). */
  restored: boolean;
}

export class LabelWindowOwner extends PartialsOwner<Owned> {
  /** Per window size and state, the start of the newest window whose gauges this process shows. */
  private readonly newest = new Map<string, number>();
  /** Windows that became this process's newest of their size and state, to tell the other owners of. */
  private readonly notices: Array<{ sizeMs: number; startMs: number; state: 'provisional' | 'final' }> = [];

  constructor(private readonly o: LabelWindowOwnerOptions) {
    super(o, 'label-owner');
  }

  /** The reporter's onNewest: remember it, and tell the other owners with the next commit. */
  readonly published = (sizeMs: number, state: 'provisional' | 'final', startMs: number): void => {
    this.newest.set(`${sizeMs}:${state}`, startMs);
    this.notices.push({ sizeMs, startMs, state });
  };

  private reportedElsewhere(sizeMs: number, state: 'provisional' | 'final', startMs: number): void {
    const key = `${sizeMs}:${state}`;
    const mine = this.newest.get(key);
    if (mine === undefined || startMs <= mine) return;
    this.newest.delete(key);
    this.o.reporter.retract(sizeMs, state);
  }

  protected create(unit: TransactionUnit, startOffset: number): Owned {
    return {
      unit,
      windows: new LabelWindows(this.o.windows),
      watermark: new ProgressWatermark(this.o.keyedPartitions()),
      counts: new Map(),
      startOffset,
      nextOffset: startOffset,
      committedOffset: startOffset,
      changed: false,
      restored: false,
    };
  }

  /** Report what is due; a final window leaves the snapshot, so it is committed at once (a successor does not report it again). */
  protected async afterRead(owned: Owned): Promise<boolean> {
    owned.windows.advanceTo(owned.watermark.watermark());
    const due = owned.windows.due(this.o.clock());
    if (due.length > 0) await this.o.reporter.report(due, this.counts(owned));
    this.o.reporter.publishOpen(this.o.windows.sizesMs, (size) => this.openCount(size));
    return due.some((d) => d.final);
  }

  protected applyMessage(owned: Owned, m: ExchangeMessage, offset: number): boolean {
    try {
      switch (m.kind) {
        case 'label-delta': {
          const { sizeMs, startMs, predictions, labeled, expired } = m;
          if (!owned.windows.mergeDelta({ sizeMs, startMs, predictions, labeled, expired, state: this.o.windows.deserialize(m.state) })) this.o.onInvalid?.('late_delta');
          return true;
        }
        case 'progress':
          owned.watermark.progress(m);
          if (m.counts !== undefined) owned.counts.set(m.partition, m.counts);
          return true;
        case 'label-owner':
          // the predecessor's last commit set our start offset; its snapshot covers exactly what came before it
          if (m.coversThrough !== owned.startOffset - 1 || owned.restored) return false;
          owned.restored = true;
          owned.windows.mergeSnapshot(m.snapshot);
          owned.watermark.restore({ mark: m.markMs, clocks: m.clocks });
          for (const c of m.clocks) if (c.counts !== undefined && !owned.counts.has(c.partition)) owned.counts.set(c.partition, c.counts);
          return false;
        case 'closed':
          // another member reported a newer window of a size and state whose gauges this process shows
          if (m.state !== undefined) this.reportedElsewhere(m.sizeMs, m.state, m.startMs);
          return false;
        default:
          return false; // a data-quality monitor's message: not ours
      }
    } catch (e) {
      if (!(e instanceof DriftmonError) || e.code !== ErrorCode.SNAPSHOT_INVALID) throw e;
      this.o.onInvalid?.('profile');
      this.o.logger.debug({ monitor: this.o.monitor, offset, err: e }, 'label window owner: message refused');
      return false;
    }
  }

  /** The monitor-wide join counts: the sum of the keyed partitions' latest. */
  private counts(owned: Owned): JoinCounts {
    let orphanLabels = 0;
    let duplicateLabels = 0;
    let latePredictions = 0;
    for (const c of owned.counts.values()) {
      orphanLabels += c.orphanLabels;
      duplicateLabels += c.duplicateLabels;
      latePredictions += c.latePredictions;
    }
    return { orphanLabels, duplicateLabels, latePredictions };
  }

  private openCount(sizeMs: number): number {
    let n = 0;
    for (const owned of this.owned.values()) n += owned.windows.openCount(sizeMs);
    return n;
  }

  /** The windows' snapshot, watermark and the keyed partitions' progress (asked only after news: one snapshot per coversThrough). */
  protected commitMessages(owned: Owned): { messages: OutgoingMessage[]; committed: () => void } | undefined {
    const { mark, clocks } = owned.watermark.state();
    const value = encodeExchange({
      kind: 'label-owner',
      monitor: this.o.monitor,
      coversThrough: owned.nextOffset - 1,
      markMs: mark,
      clocks: clocks.map((c) => {
        const counts = owned.counts.get(c.partition);
        return counts === undefined ? c : { ...c, counts };
      }),
      snapshot: owned.windows.snapshot(),
    });
    const messages: OutgoingMessage[] = [{ topic: this.o.partialsTopic, partition: owned.unit.partition, value }];
    const notices = this.notices.length; // more may come while the commit is in flight
    for (const n of this.notices) {
      const notice = encodeExchange({ kind: 'closed', monitor: this.o.monitor, ...n });
      for (let q = 0; q < this.o.partialsPartitions; q++) messages.push({ topic: this.o.partialsTopic, partition: q, value: notice });
    }
    return { messages, committed: () => void this.notices.splice(0, notices) };
  }
}
