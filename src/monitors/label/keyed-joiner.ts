/**
 * A scaled-out label monitor's joining stage (docs/scale-out.md, "Label monitors"): the holder of
 * keyed partition r joins the predictions and labels whose IDs hash to r, exactly as one process
 * does (label-join.ts), with windows that hold only what they gained since r's last transaction
 * (deltas) and a watermark over the input partitions (their progress, relayed by the keying
 * stage). Per transaction (member-cycle.ts) r sends each window's delta to its owner, its
 * watermark and join counts as progress to every partials partition, and its join store's changes
 * to changelog partition r; its offset's metadata is its watermark mark and counts. Whoever takes
 * r over reads changelog partition r into an empty store first: the store it had at its last
 * commit.
 */
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../../errors.js';
import { ChangelogJoinStore, decodeJoinChange, encodeJoinChange, type ChangelogReader } from '../../join/changelog-join-store.js';
import type { JoinStore } from '../../join/join-store.js';
import type { LabelJoinMetrics } from '../../observability/component-metrics.js';
import type { CommittedOffset, OutgoingMessage } from '../../source/kafka-transactions.js';
import { parsePartitionKey, type RawBatch } from '../../source/source.js';
import { decodeExchange, encodeExchange, exchangeKey, type JoinCounts } from '../../state/exchange-messages.js';
import { LabelWindows, type LabelWindowOptions } from '../../window/label-windows.js';
import { ProgressWatermark } from '../../window/progress-watermark.js';
import type { PartitionOutbox } from '../member-cycle.js';
import type { LabelEvaluator } from './label-evaluator.js';
import { LabelJoin } from './label-join.js';
import { emptyLabelSummary, JOIN_COUNTERS, joinCounters, type LabelMonitorSummary } from './label-summary.js';
import type { LabelWindowState } from './label-window-state.js';

export interface KeyedJoinerOptions {
  monitor: string;
  changelogTopic: string;
  partialsTopic: string;
  horizonMs: number;
  windows: Omit<LabelWindowOptions<LabelWindowState>, 'merge'>;
  evaluators: readonly LabelEvaluator[];
  /** The input partitions (both topics) whose progress the watermark waits for. */
  inputPartitions: () => readonly string[];
  /** An empty join store for keyed partition `key` (its old files, if any, removed). */
  openStore: (key: string) => Promise<JoinStore>;
  changelog: ChangelogReader;
  /** Every keyed partition's counts add up here (this process's share of the monitor's summary). */
  summary: LabelMonitorSummary;
  labelMetrics: Pick<LabelJoinMetrics, 'latency'>;
  /** A message of the keyed topic that was refused, or a joined example an evaluator could not count. */
  onInvalid: (why: string) => void;
  logger: Logger;
}

interface Joining {
  readonly store: ChangelogJoinStore;
  readonly windows: LabelWindows<LabelWindowState>;
  readonly join: LabelJoin;
  readonly watermark: ProgressWatermark;
  /** This partition's own counts (its share of the monitor-wide figures), restored with it. */
  readonly summary: LabelMonitorSummary;
  readonly changelogPartition: number;
}

/** What a keyed partition commits as its offset's metadata. */
interface JoiningState {
  readonly v: 1;
  readonly markMs: number | null;
  readonly counts: JoinCounts;
}


export class KeyedJoiner implements PartitionOutbox {
  private readonly parts = new Map<string, Joining>();

  constructor(private readonly o: KeyedJoinerOptions) {}

  async restore(key: string, committed: CommittedOffset): Promise<void> {
    this.drop(key);
    const { partition } = parsePartitionKey(key);
    const store = new ChangelogJoinStore(await this.o.openStore(key));
    let changes = 0;
    await this.o.changelog.read(partition, (id, value) => {
      store.applyChange(decodeJoinChange(id, value));
      changes++;
    });
    const windows = new LabelWindows<LabelWindowState>(this.o.windows);
    const summary = emptyLabelSummary(this.o.monitor);
    const join = new LabelJoin({ monitor: this.o.monitor, evaluators: this.o.evaluators, windows, summary, labelMetrics: this.o.labelMetrics, count: (reason) => this.o.onInvalid(reason) });
    join.store = store;
    const p: Joining = { store, windows, join, watermark: new ProgressWatermark(this.o.inputPartitions()), summary, changelogPartition: partition };
    const state = parseState(committed.metadata);
    if (state !== undefined) {
      p.watermark.restore({ mark: state.markMs ?? Number.NEGATIVE_INFINITY, clocks: [] });
      Object.assign(summary, state.counts);
    }
    windows.advanceTo(p.watermark.watermark());
    this.parts.set(key, p);
    this.o.logger.info({ monitor: this.o.monitor, keyedPartition: key, changes, pendingPredictions: store.pendingPredictions, pendingLabels: store.pendingLabels }, 'keyed partition restored from its changelog');
  }

  /** One batch of keyed partition `key`: join its records, follow the input partitions' progress, expire. */
  process(batch: RawBatch): void {
    const key = batch.partition?.key;
    const p = key === undefined ? undefined : this.parts.get(key);
    if (p === undefined || batch.bytes === undefined) return;
    const before = joinCounters(p.summary);
    for (let i = 0; i < batch.records.length; i++) {
      try {
        const m = decodeExchange(batch.bytes(i));
        if (m.monitor !== this.o.monitor) this.o.onInvalid('other_monitor');
        else if (m.kind === 'keyed') m.side === 'prediction' ? p.join.prediction(m.id, m.timeMs, m.payload) : p.join.label(m.id, m.timeMs, m.payload);
        else if (m.kind === 'progress') p.watermark.progress(m);
        else this.o.onInvalid('unexpected_kind');
      } catch (e) {
        // a hostile or corrupt message of the internal topic: counted and skipped
        if (!(e instanceof DriftmonError) || e.code !== ErrorCode.SNAPSHOT_INVALID) this.o.logger.warn({ monitor: this.o.monitor, err: e, at: batch.origin(i) }, 'keyed record could not be joined: skipped');
        this.o.onInvalid('malformed');
      }
    }
    const mark = p.watermark.watermark();
    if (mark > Number.NEGATIVE_INFINITY) {
      // expired before the windows see the new mark: an expiry at this mark may fall in a window
      // this mark makes final here, and it must still reach its owner (whose watermark is behind)
      const r = p.store.expire(mark - this.o.horizonMs, (e) => void p.windows.expired(e.timeMs));
      p.summary.expiredPredictions += r.expiredPredictions;
      p.summary.orphanLabels += r.orphanLabels;
    }
    p.windows.advanceTo(mark);
    JOIN_COUNTERS.forEach((c, i) => (this.o.summary[c] += p.summary[c] - (before[i] as number)));
  }

  flush(key: string): OutgoingMessage[] {
    const p = this.parts.get(key);
    if (p === undefined) return [];
    const { monitor, partialsTopic, changelogTopic } = this.o;
    const out: OutgoingMessage[] = p.windows.takeDeltas().map((d) => ({
      topic: partialsTopic,
      key: exchangeKey(monitor, d.sizeMs, d.startMs),
      value: encodeExchange({ kind: 'label-delta', monitor, sizeMs: d.sizeMs, startMs: d.startMs, predictions: d.predictions, labeled: d.labeled, expired: d.expired, state: this.o.windows.serialize(d.state) }),
    }));
    for (const c of p.store.takeChanges()) out.push({ topic: changelogTopic, partition: p.changelogPartition, key: c.id, value: encodeJoinChange(c) ?? null });
    return out;
  }

  progress(key: string): Uint8Array {
    const p = this.held(key);
    return encodeExchange({ kind: 'progress', monitor: this.o.monitor, partition: key, clockMs: p.watermark.watermark(), idle: false, counts: counts(p.summary) });
  }

  metadata(key: string): string {
    const p = this.held(key);
    const mark = p.watermark.watermark();
    const state: JoiningState = { v: 1, markMs: Number.isFinite(mark) ? mark : null, counts: counts(p.summary) };
    return JSON.stringify(state);
  }

  drop(key: string): void {
    this.parts.get(key)?.store.close();
    this.parts.delete(key);
  }

  /** Pending predictions and labels over the held keyed partitions (gauges). */
  pending(): { predictions: number; labels: number; diskBytes: number } {
    let predictions = 0;
    let labels = 0;
    let diskBytes = 0;
    for (const p of this.parts.values()) {
      predictions += p.store.pendingPredictions;
      labels += p.store.pendingLabels;
      diskBytes += p.store.diskBytes;
    }
    return { predictions, labels, diskBytes };
  }

  private held(key: string): Joining {
    const p = this.parts.get(key);
    if (p === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `keyed partition ${key} is not held here`);
    return p;
  }
}

function counts(s: LabelMonitorSummary): JoinCounts {
  return { orphanLabels: s.orphanLabels, duplicateLabels: s.duplicateLabels, latePredictions: s.latePredictions };
}

/** The metadata a keyed partition's last holder committed (undefined: none, or not ours). */
function parseState(metadata: string): JoiningState | undefined {
  try {
    const s = JSON.parse(metadata) as Partial<JoiningState> | null;
    const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
    const c = s?.counts as Partial<JoinCounts> | undefined;
    const ok =
      s !== null && typeof s === 'object' && s.v === 1 && (s.markMs === null || Number.isFinite(s.markMs)) && c !== undefined && count(c.orphanLabels) && count(c.duplicateLabels) && count(c.latePredictions);
    return ok ? (s as JoiningState) : undefined;
  } catch {
    return undefined;
  }
}
