/**
 * A feature attribution monitor (Clarify's ModelExplainabilityMonitor, over attributions the model
 * returns with each prediction): capture lines → attributions at the configured output path
 * (record/attribution-extractor.ts) → event-time windows of AttributionProfile (the data-quality
 * monitor's windowing: sizes, grace, late rows, the outlier-safe StreamClock) → at each close, the
 * global attribution by agg_method, nDCG against the baseline analysis.json, and the window's
 * Clarify files (attribution-report.ts) through the report sink, with its gauges.
 *
 * Sources: one ordered stream (capture files, stdin: stream time from its StreamClock), or Kafka
 * (the watermark over its partitions' clocks, and the checkpoint cycle of the other monitors: the
 * open windows and clocks saved with the positions they cover, offsets committed after them, a
 * stop checkpoints instead of reporting). Records it cannot use are counted by reason and
 * dead-lettered; the stream goes on.
 *
 * With `attribution.explain`, the attributions are not read from the records: a sample of each
 * window is explained against the model endpoint (live-explanations.ts), and a window is reported
 * once its sample is settled.
 */
import type { Logger } from 'pino';
import type { AttributionSettings } from '../../config/attribution-config.js';
import { formatDuration } from '../../config/duration.js';
import type { MonitorSettings } from '../../config/load.js';
import { DriftmonError, ErrorCode, RecordErrorReason } from '../../errors.js';
import type { LabelAttributions } from '../../evaluate/attribution/attribution-drift-check.js';
import type { RowExplainer } from '../../baseline/row-explainer.js';
import type { AttributionExplainMetrics, AttributionGaugeMetrics, CheckpointMetrics, DataQualityWindowMetrics, RecordMetrics } from '../../observability/component-metrics.js';
import { AttributionProfile } from '../../profile/attribution-profile.js';
import { ExplainSample } from '../../profile/explain-sample.js';
import { AttributionExtractor } from '../../record/attribution-extractor.js';
import { idHash32 } from '../../record/id-hash.js';
import { ModelInputReader } from '../../record/model-input-reader.js';
import type { ExplainabilityAnalysis } from '../../sagemaker/explainability-analysis.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import type { ReportSink } from '../../sink/report.js';
import { quantileSketchFactory } from '../../sketch/quantile-factory.js';
import type { QuantileSketchFactory } from '../../sketch/quantile-sketch.js';
import type { RawBatch, Source } from '../../source/source.js';
import type { CheckpointStore } from '../../state/checkpoint-store.js';
import { PartitionClock } from '../../window/partition-clock.js';
import { StreamClock } from '../../window/stream-clock.js';
import { CheckpointCycle, type CheckpointState } from '../checkpoint-cycle.js';
import { consume } from '../consume-loop.js';
import { decodeAttributionCheckpoint, encodeAttributionCheckpoint } from './attribution-checkpoint.js';
import { MemoryWindowStore, type ProfileCodec, type WindowState } from '../../window/window-store.js';
import { Windower } from '../../window/windower.js';
import { publishAttributionGauges } from './attribution-gauges.js';
import { baselineAttributions, buildAttributionReport, evaluateAttributionWindow } from './attribution-report.js';
import { LiveExplanations, type ExplainProgress } from './live-explanations.js';

export interface AttributionMonitorSummary {
  monitor: string;
  records: number;
  /** Explained rows (a record may carry several). */
  rows: number;
  lateRows: number;
  invalid: Partial<Record<RecordErrorReason, number>>;
  blankLines: number;
  windowsClosed: number;
  windowsWithViolations: number;
  /** Windows reported as not evaluated (too few rows). */
  windowsNotEvaluated: number;
  /** Live explanations: what became of the windows' samples. */
  samples?: { explained: number; failed: number; skipped: number; unfinished: number };
  reportPaths: string[];
}

export interface AttributionMonitorDeps {
  settings: MonitorSettings & { attribution: AttributionSettings };
  baseline: ExplainabilityAnalysis;
  source: Source;
  reports: ReportSink;
  deadLetters: DeadLetterSink;
  metrics: RecordMetrics & CheckpointMetrics & Pick<DataQualityWindowMetrics, 'rowsLateTotal' | 'windowsOpen'>;
  gauges: AttributionGaugeMetrics & AttributionExplainMetrics;
  logger: Logger;
  /** With `attribution.explain`: KernelSHAP of one row against the model endpoint. */
  explainer?: Pick<RowExplainer, 'endpointUrl' | 'explain'>;
  clock?: () => number;
  /** Kafka sources: where window state is checkpointed with the offsets it covers. */
  checkpoints?: CheckpointStore;
}

export class AttributionMonitorPipeline {
  readonly name: string;
  readonly summary: AttributionMonitorSummary;
  private readonly extractor: AttributionExtractor;
  /** Explaining monitors: the records' model inputs, and the samples' way to the endpoint. */
  private readonly inputs: ModelInputReader | undefined;
  private readonly live: LiveExplanations | undefined;
  /** Reports are written one at a time, whether the batch loop or a finished explanation asks. */
  private reporting: Promise<number> = Promise.resolve(0);
  private failure: unknown;
  private wake: (() => void) | undefined;
  private readonly features: readonly string[];
  /** The labels explained, in the order of the extractor's paths. */
  private readonly labels: readonly string[];
  private readonly codec: ProfileCodec<AttributionProfile>;
  private readonly quantiles: QuantileSketchFactory;
  private readonly store: MemoryWindowStore<AttributionProfile>;
  private readonly windower: Windower<AttributionProfile>;
  private readonly streamClock = new StreamClock();
  private readonly partitionClock: PartitionClock;
  private readonly cycle: CheckpointCycle;
  private readonly baseline: LabelAttributions;
  private readonly baselineFeatures: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly clock: () => number;
  private lateReported: number[];
  private ready = false;

  constructor(private readonly deps: AttributionMonitorDeps) {
    const s = deps.settings;
    this.name = s.name;
    this.clock = deps.clock ?? Date.now;
    this.labels = s.attribution.labels.map((l) => l.label);
    const baseline = baselineAttributions(deps.baseline);
    this.features = featuresOf(s.name, s.attribution, baseline);
    // only the labels this monitor explains are checked (a baseline may hold more)
    this.baseline = new Map([...baseline].filter(([label]) => this.labels.includes(label)));
    this.baselineFeatures = new Map([...this.baseline].map(([label, f]) => [label, new Set(f.keys())]));
    this.extractor = new AttributionExtractor({ paths: s.attribution.labels.map((l) => l.path), features: this.features });
    const quantiles = (this.quantiles = quantileSketchFactory(s.quantileSketch));
    const explain = s.attribution.explain;
    this.inputs = explain === undefined ? undefined : new ModelInputReader(s.record, this.features);
    if (explain !== undefined) {
      if (deps.explainer === undefined) throw new DriftmonError(ErrorCode.CONFIG_INVALID, `monitor ${s.name}: attribution.explain needs the model endpoint's explainer`);
      this.live = new LiveExplanations({
        monitor: s.name,
        settings: explain,
        explainer: deps.explainer,
        features: this.features,
        labels: this.labels,
        metrics: deps.gauges,
        logger: deps.logger,
        clock: this.clock,
        onSettled: () => this.settledLater(),
      });
    }
    this.codec = {
      create: () => {
        const p = new AttributionProfile(quantiles);
        if (explain !== undefined) p.sample = new ExplainSample(explain.samplesPerWindow);
        return p;
      },
      serialize: (p) => p.serialize(),
      deserialize: (b) => AttributionProfile.deserialize(b, quantiles),
    };
    this.store = new MemoryWindowStore<AttributionProfile>(this.codec);
    this.windower = new Windower(this.store, { sizesMs: s.windowsMs, graceMs: s.graceMs });
    this.partitionClock = new PartitionClock(s.partitionIdleMs);
    this.cycle = new CheckpointCycle(s.name, deps, this.clock, s.checkpointIntervalMs);
    this.lateReported = s.windowsMs.map(() => 0);
    this.summary = {
      monitor: s.name,
      records: 0,
      rows: 0,
      lateRows: 0,
      invalid: {},
      blankLines: 0,
      windowsClosed: 0,
      windowsWithViolations: 0,
      windowsNotEvaluated: 0,
      ...(explain === undefined ? {} : { samples: { explained: 0, failed: 0, skipped: 0, unfinished: 0 } }),
      reportPaths: [],
    };
    deps.gauges.attributionNdcgThreshold.labels(s.name).set(s.attribution.threshold);
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Read the source to its end (or the signal), reporting windows as they close; then the rest. */
  async run(signal?: AbortSignal): Promise<AttributionMonitorSummary> {
    const { source, logger } = this.deps;
    await this.start();
    // windows checkpointed while still being explained: closed again now, their samples re-queued
    if (this.live !== undefined) await this.closeWindows(this.windower.closeDue(), false);
    logger.info({ monitor: this.name, source: source.description, labels: this.labels, features: this.features.length }, 'attribution monitor started');
    this.ready = true;
    await consume(
      {
        monitor: this.name,
        deps: this.deps,
        cycle: this.cycle,
        state: this.state,
        processBatch: (batch) => this.processBatch(batch),
        openWindows: () => this.windower.openCount(),
        // before the requests in flight are aborted: their failures are the stop's, not the endpoint's
        onAbort: () => this.live?.stop(),
        beforeFinalCheckpoint: async () => {
          // closed windows still being explained go to the checkpoint, a report being written first
          this.live?.stop();
          await this.reporting;
          return { closedUnsettled: this.live?.pendingCount ?? 0 };
        },
        finish: async () => void (await this.closeWindows(this.windower.closeAll(), true)),
        cleanup: () => this.live?.stop(),
      },
      signal,
    );
    const { reportPaths: _paths, ...counts } = this.summary;
    logger.info(counts, 'attribution monitor finished');
    return this.summary;
  }

  /** One batch into its windows; then the windows stream time has passed are reported (how many). */
  async processBatch(batch: RawBatch): Promise<number> {
    const now = this.clock();
    const key = batch.partition?.key;
    this.read(batch, key === undefined ? this.streamClock : this.partitionClock.clockOf(key, now), key === undefined);
    if (key !== undefined) {
      const assigned = this.deps.source.assignment?.();
      if (assigned !== undefined) this.partitionClock.assign(assigned, now);
      this.partitionClock.seen(key, now);
      this.windower.advanceTo(this.partitionClock.watermark(now));
    }
    return this.closeWindows(this.windower.closeDue(), false);
  }

  /**
   * Closed windows → reported; an explaining monitor hands them to its explanations and reports
   * those settled (`all`: waits until every one is). Returns how many windows closed.
   */
  private async closeWindows(closed: WindowState<AttributionProfile>[], all: boolean): Promise<number> {
    if (this.live === undefined) {
      await this.report(closed);
      return closed.length;
    }
    this.live.closed(closed);
    await this.reportSettled();
    while (all && this.live.pendingCount > 0) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      await this.reportSettled();
    }
    return closed.length;
  }

  /** Report the settled windows, one report at a time; a write failure surfaces in the batch loop. */
  private reportSettled(): Promise<number> {
    const live = this.live as LiveExplanations;
    this.reporting = this.reporting.then(async () => {
      if (this.failure !== undefined) throw this.failure;
      const settled = live.takeSettled();
      for (const { w, progress } of settled) await this.reportOne(w, progress);
      if (settled.length > 0) this.publishWindowCounts();
      return settled.length;
    });
    return this.reporting;
  }

  /** A window may have settled (an explanation finished, or a deadline passed): report it now. */
  private settledLater(): void {
    this.reportSettled().catch((e: unknown) => (this.failure ??= e)).finally(() => {
      const w = this.wake;
      this.wake = undefined;
      w?.();
    });
  }

  /** Each record's attributions into its windows, or the record counted and dead-lettered. */
  private read(batch: RawBatch, clock: StreamClock, ordered: boolean): void {
    if (this.inputs !== undefined) {
      this.readInputs(batch, this.inputs, clock, ordered);
      return;
    }
    const { metrics } = this.deps;
    const futureLimitMs = this.clock() + this.deps.settings.maxFutureSkewMs;
    const maxLength = this.deps.settings.maxLineLength;
    let rows = 0;
    for (let i = 0; i < batch.records.length; i++) {
      const line = batch.records[i] as string;
      const rejected = batch.rejected?.(i);
      let r = rejected?.reason ?? (line.length > maxLength ? RecordErrorReason.LINE_TOO_LONG : this.extractor.extract(line));
      if (typeof r !== 'string' && r.timeMs > futureLimitMs) r = RecordErrorReason.EVENT_TIME_IN_FUTURE;
      if (typeof r === 'string') {
        this.reject(r, batch, i, rejected?.bytes);
        continue;
      }
      const got = r;
      this.windower.add(got.timeMs, (p) => {
        // a row counts once, however many labels it explains
        got.rows.forEach((rows, k) => {
          for (const row of rows) p.add(this.labels[k] as string, this.features, row, k === 0);
        });
      });
      clock.record(got.timeMs);
      // one ordered stream moves stream time record by record; partitions by their watermark, after the batch
      if (ordered) this.windower.advanceTo(clock.confirmedMs);
      rows += got.rows[0]?.length ?? 0;
    }
    this.summary.records += batch.records.length;
    this.summary.rows += rows;
    metrics.recordsTotal.labels(this.name).inc(batch.records.length);
    metrics.rowsTotal.labels(this.name).inc(rows);
    if (batch.blankLines !== undefined && batch.blankLines > 0) {
      this.summary.blankLines += batch.blankLines;
      metrics.blankLinesTotal.labels(this.name).inc(batch.blankLines);
    }
    this.publishWindowCounts();
  }

  /** Explaining monitors: each record's model inputs offered to its windows' samples (by inference-ID hash). */
  private readInputs(batch: RawBatch, inputs: ModelInputReader, clock: StreamClock, ordered: boolean): void {
    const futureLimitMs = this.clock() + this.deps.settings.maxFutureSkewMs;
    const maxLength = this.deps.settings.maxLineLength;
    for (let i = 0; i < batch.records.length; i++) {
      const line = batch.records[i] as string;
      const rejected = batch.rejected?.(i);
      let r = rejected?.reason ?? (line.length > maxLength ? RecordErrorReason.LINE_TOO_LONG : inputs.read(line));
      if (typeof r !== 'string' && r.some((row) => row.timeMs > futureLimitMs)) r = RecordErrorReason.EVENT_TIME_IN_FUTURE;
      if (typeof r === 'string') {
        this.reject(r, batch, i, rejected?.bytes);
        continue;
      }
      r.forEach((row, k) => {
        // a record without IDs is still chosen by a hash, of its values: the same record, the same choice
        const id = (row.id ?? JSON.stringify(row.values)) + (k === 0 ? '' : `#${k}`);
        const hash = idHash32(id);
        this.windower.add(row.timeMs, (p) => p.sample?.offer({ id, hash, values: row.values }));
      });
      const first = r[0];
      if (first === undefined) continue;
      // the rows of a record share its time: the clock sees the record once
      clock.record(first.timeMs);
      if (ordered) this.windower.advanceTo(clock.confirmedMs);
    }
    this.summary.records += batch.records.length;
    this.deps.metrics.recordsTotal.labels(this.name).inc(batch.records.length);
    if (batch.blankLines !== undefined && batch.blankLines > 0) {
      this.summary.blankLines += batch.blankLines;
      this.deps.metrics.blankLinesTotal.labels(this.name).inc(batch.blankLines);
    }
    this.publishWindowCounts();
  }

  /** The open windows, clocks and counters, for a checkpoint. */
  private readonly state = (): Promise<CheckpointState> => {
    const { reportPaths: _paths, monitor: _monitor, ...counts } = this.summary;
    const t = this.windower.streamTimeMs;
    return Promise.resolve({
      state: encodeAttributionCheckpoint({ partitions: this.partitionClock.snapshot(), streamTimeMs: Number.isFinite(t) ? t : null, lateBySize: [...this.windower.lateBySize], counts, windows: this.windowsToSave() }),
    });
  };

  /** The open windows, and the closed ones whose samples are not settled yet (a restart re-queues them). */
  private windowsToSave(): Uint8Array {
    const open = this.store.snapshot();
    const unsettled = this.live?.unsettledAsClosed(() => new AttributionProfile(this.quantiles)) ?? [];
    if (unsettled.length === 0) return open;
    const all = new MemoryWindowStore<AttributionProfile>(this.codec);
    all.restore(open);
    for (const u of unsettled) Object.assign(all.getOrCreate(u.sizeMs, u.startMs), { rows: u.rows, weight: u.weight, profile: u.profile });
    return all.snapshot();
  }

  /** Restore from the last checkpoint, if there is one (Kafka sources). */
  private async start(): Promise<void> {
    const c = await this.cycle.load();
    if (c === undefined) return;
    const cp = decodeAttributionCheckpoint(c.state, (why) => {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `monitor ${this.name}: checkpoint state is invalid: ${why}`);
    });
    this.store.restore(cp.windows);
    this.partitionClock.restore(cp.partitions, this.clock());
    if (cp.streamTimeMs !== null) this.windower.setStreamTime(cp.streamTimeMs);
    cp.lateBySize.forEach((n, i) => (this.windower.lateBySize[i] = n));
    this.lateReported = [...this.windower.lateBySize];
    Object.assign(this.summary, cp.counts);
    this.deps.logger.info({ monitor: this.name, checkpoint: this.cycle.describe(), openWindows: this.windower.openCount() }, 'restored from checkpoint');
  }

  private reject(reason: RecordErrorReason, batch: RawBatch, i: number, recordBytes: number | undefined): void {
    const { metrics } = this.deps;
    this.summary.invalid[reason] = (this.summary.invalid[reason] ?? 0) + 1;
    metrics.recordsInvalidTotal.labels(this.name, reason).inc();
    this.deps.deadLetters.write({ monitor: this.name, reason, source: batch.origin(i), record: batch.records[i] as string, recordBytes, bytes: batch.bytes?.(i), key: batch.key?.(i) });
    metrics.deadLettersTotal.labels(this.name).inc();
  }

  /** Late rows (per window size, each row counted once per record's window) and open windows. */
  private publishWindowCounts(): void {
    const { metrics } = this.deps;
    this.windower.sizesMs.forEach((size, i) => {
      const label = formatDuration(size);
      const late = this.windower.lateBySize[i] as number;
      const delta = late - (this.lateReported[i] as number);
      if (delta > 0) {
        metrics.rowsLateTotal.labels(this.name, label).inc(delta);
        this.summary.lateRows += delta;
      }
      metrics.windowsOpen.labels(this.name, label).set(this.windower.openCount(size));
    });
    this.lateReported = [...this.windower.lateBySize];
  }

  private async report(closed: readonly WindowState<AttributionProfile>[]): Promise<void> {
    for (const w of closed) await this.reportOne(w, undefined);
    if (closed.length > 0) this.publishWindowCounts();
  }

  private async reportOne(w: WindowState<AttributionProfile>, explained: ExplainProgress | undefined): Promise<void> {
    const s = this.deps.settings;
    const window = formatDuration(w.sizeMs);
    const evaluation = evaluateAttributionWindow(w.profile, w.profile.rowCount, this.baseline, s.attribution, explained);
    const report = buildAttributionReport(this.name, w, evaluation, this.deps.baseline, s.attribution, { window, nowMs: this.clock(), explained, endpoint: this.live?.endpointUrl });
    if (explained !== undefined && this.summary.samples !== undefined) {
      const t = this.summary.samples;
      t.explained += explained.explained;
      t.failed += explained.failed;
      t.skipped += explained.skipped;
      t.unfinished += explained.unfinished;
      this.summary.rows += w.profile.rowCount;
    }
    try {
      this.summary.reportPaths.push(await this.deps.reports.write(report));
    } catch (e) {
      this.deps.metrics.reportWriteFailuresTotal.labels(this.name).inc();
      this.deps.logger.error({ monitor: this.name, err: e, window, start: new Date(w.startMs).toISOString() }, 'report write failed');
      throw e;
    }
    publishAttributionGauges(this.deps.gauges, this.name, window, evaluation, this.baselineFeatures);
    this.summary.windowsClosed++;
    if (evaluation.drift.violations.length > 0) this.summary.windowsWithViolations++;
    if (evaluation.drift.scores.length === 0) this.summary.windowsNotEvaluated++;
  }
}

/** The features of array attributions (default: the first label's baseline order); every label's baseline features among them. */
export function featuresOf(monitor: string, a: AttributionSettings, baseline: LabelAttributions): readonly string[] {
  const problem = (text: string): DriftmonError => new DriftmonError(ErrorCode.CONFIG_INVALID, `monitor ${monitor}: ${text}`);
  let features = a.features;
  for (const { label } of a.labels) {
    const base = baseline.get(label);
    if (base === undefined) throw problem(`attribution label "${label}" is not a label of the baseline ${a.baselinePath} (it has ${[...baseline.keys()].join(', ') || 'none'})`);
    features ??= [...base.keys()];
    const missing = [...base.keys()].filter((f) => !(features as string[]).includes(f));
    if (missing.length > 0) throw problem(`attribution.features lacks the baseline's feature(s) ${missing.join(', ')} of label "${label}"`);
  }
  return features ?? [];
}
