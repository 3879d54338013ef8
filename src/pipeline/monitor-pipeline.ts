/**
 * One monitor's streaming pipeline: raw batches → decode → event-time windows of profiles →
 * on close: statistics → evaluation against the baseline → report sink + gauges.
 *
 * Hot path (per record): one decode call and, per row, one profile update per window size.
 * Counters are accumulated locally and flushed to prom-client once per batch; nothing is logged
 * per record.
 */
import type { Logger } from 'pino';
import type { Constraints, DatasetStatistics } from '../baseline/model.js';
import { formatDuration } from '../config/duration.js';
import type { MonitorSettings } from '../config/load.js';
import { DriftmonError, ErrorCode, RecordErrorReason } from '../errors.js';
import { evaluateDataQuality, type DataQualityEvaluation } from '../evaluate/data-quality.js';
import { DatasetProfile } from '../profile/dataset-profile.js';
import { createDecoder, type RecordDecoder } from '../record/decoder.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import type { FeatureRow } from '../record/row.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import type { DeadLetterSink } from '../sink/dead-letter.js';
import { publishWindowGauges } from '../sink/metric-gauges.js';
import type { Metrics } from '../sink/metrics.js';
import type { ReportSink } from '../sink/report.js';
import type { RawBatch, Source } from '../source/source.js';
import { MemoryWindowStore, type WindowState } from '../window/window-store.js';
import { Windower } from '../window/windower.js';
import { buildWindowReport } from './window-report.js';

export interface Baseline {
  statistics: DatasetStatistics | undefined;
  constraints: Constraints;
}

export interface MonitorDeps {
  settings: MonitorSettings;
  baseline: Baseline;
  source: Source;
  reports: ReportSink;
  deadLetters: DeadLetterSink;
  metrics: Metrics;
  logger: Logger;
  clock?: () => number;
}

/** What a finished run saw: used by the CLI's summary and by tests. */
export interface MonitorSummary {
  monitor: string;
  records: number;
  rows: number;
  invalid: Partial<Record<RecordErrorReason, number>>;
  lateRows: Record<string, number>;
  windowsClosed: number;
  windowsWithViolations: number;
  /** feature → check type → number of windows that violated it. */
  violations: Record<string, Record<string, number>>;
  reportPaths: string[];
}

export class MonitorPipeline {
  readonly registry: FeatureRegistry;
  private readonly decoder: RecordDecoder;
  private readonly windower: Windower<DatasetProfile>;
  private readonly store: MemoryWindowStore<DatasetProfile>;
  private readonly clock: () => number;
  readonly name: string;
  private row: FeatureRow | undefined;
  private readonly applyRow = (p: DatasetProfile): void => p.updateRow(this.row as FeatureRow);
  private readonly onRow = (row: FeatureRow): void => {
    this.row = row;
    this.batchRows++;
    this.windower.add(row.eventTimeMs, this.applyRow);
  };
  private batchRows = 0;
  private lateReported: number[];
  private readonly summary: MonitorSummary;
  private ready = false;

  constructor(private readonly deps: MonitorDeps) {
    const s = deps.settings;
    this.name = s.name;
    this.clock = deps.clock ?? Date.now;
    this.registry = new FeatureRegistry(s.maxFeatures);
    // Baseline features first, in the baseline's order; String-typed ones keep their text.
    for (const f of deps.baseline.constraints.features) {
      this.registry.declare(f.name, { keepText: f.inferredType === 'String' || f.inferredType === 'Boolean' });
    }
    this.decoder = createDecoder(s.record, this.registry);
    const quantiles = quantileSketchFactory(s.quantileSketch);
    const profileOptions = { quantiles, frequencyCap: s.categoryCap };
    const store = (this.store = new MemoryWindowStore<DatasetProfile>({
      create: () => new DatasetProfile(this.registry, profileOptions),
      serialize: (p) => p.serialize(),
      deserialize: (b) => DatasetProfile.deserialize(b, this.registry, profileOptions),
    }));
    this.windower = new Windower(store, { sizesMs: s.windowsMs, graceMs: s.graceMs });
    this.lateReported = s.windowsMs.map(() => 0);
    this.summary = {
      monitor: s.name,
      records: 0,
      rows: 0,
      invalid: {},
      lateRows: {},
      windowsClosed: 0,
      windowsWithViolations: 0,
      violations: {},
      reportPaths: [],
    };
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Consume the source until it ends or `signal` aborts; closes every window at the end. */
  async run(signal?: AbortSignal): Promise<MonitorSummary> {
    const { source, logger } = this.deps;
    logger.info({ monitor: this.name, source: source.description, windows: this.deps.settings.windowsMs.map(formatDuration) }, 'monitor started');
    this.ready = true;
    const onAbort = (): void => void source.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const batch of source.batches()) {
        await this.processBatch(batch);
        if (signal?.aborted) break;
      }
      if (signal?.aborted) {
        // stopped, not finished: open windows are incomplete, so they are not reported as if they
        // were (checkpointing them for a restart comes with the Kafka source)
        const open = this.windower.openCount();
        if (open > 0) logger.warn({ monitor: this.name, openWindows: open }, 'stopped: open windows dropped unreported');
      } else {
        await this.closeWindows(this.windower.closeAll());
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.deps.reports.flush();
    }
    logger.info({ monitor: this.name, ...this.summaryCounts() }, 'monitor finished');
    return this.summary;
  }

  /** Decode and window one batch, then close the windows stream time has passed. */
  async processBatch(batch: RawBatch): Promise<void> {
    const { metrics, deadLetters } = this.deps;
    const records = batch.records;
    let invalid: Map<RecordErrorReason, number> | undefined;
    this.batchRows = 0;
    const maxLength = this.deps.settings.maxLineLength;
    for (let i = 0; i < records.length; i++) {
      const line = records[i] as string;
      const reason = line.length > maxLength ? RecordErrorReason.LINE_TOO_LONG : this.decoder.decode(line, this.onRow);
      if (reason !== undefined) {
        invalid ??= new Map();
        invalid.set(reason, (invalid.get(reason) ?? 0) + 1);
        deadLetters.write({ monitor: this.name, reason, source: batch.origin(i), record: records[i] as string });
      }
    }
    this.summary.records += records.length;
    this.summary.rows += this.batchRows;
    metrics.recordsTotal.labels(this.name).inc(records.length);
    metrics.rowsTotal.labels(this.name).inc(this.batchRows);
    if (invalid !== undefined) {
      for (const [reason, n] of invalid) {
        metrics.recordsInvalidTotal.labels(this.name, reason).inc(n);
        this.summary.invalid[reason] = (this.summary.invalid[reason] ?? 0) + n;
      }
      metrics.deadLettersTotal.labels(this.name).inc([...invalid.values()].reduce((a, b) => a + b, 0));
    }
    this.publishLate();
    if (Number.isFinite(this.windower.streamTimeMs)) metrics.streamTime.labels(this.name).set(this.windower.streamTimeMs / 1000);
    await this.closeWindows(this.windower.closeDue());
  }

  /**
   * The monitor's window state as bytes: stream time, late counters and every open window's
   * profile. Restoring it into a fresh pipeline over the same config continues exactly where this
   * one stood (the Kafka issue checkpoints these bytes together with the consumed offsets).
   */
  snapshot(): Uint8Array {
    const header = new TextEncoder().encode(
      JSON.stringify({ version: 1, streamTimeMs: this.windower.streamTimeMs, lateBySize: this.windower.lateBySize, sizesMs: this.windower.sizesMs }),
    );
    const windows = this.store.snapshot();
    const out = new Uint8Array(4 + header.length + windows.length);
    new DataView(out.buffer).setUint32(0, header.length);
    out.set(header, 4);
    out.set(windows, 4 + header.length);
    return out;
  }

  restore(bytes: Uint8Array): void {
    const fail = (why: string): never => {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `monitor ${this.name}: snapshot is invalid: ${why}`);
    };
    if (bytes.length < 4) fail('too short');
    const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
    if (4 + len > bytes.length) fail('truncated header');
    let header: { version?: number; streamTimeMs?: number | null; lateBySize?: number[]; sizesMs?: number[] };
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as typeof header;
    } catch {
      return fail('header is not JSON');
    }
    if (header.version !== 1) fail(`unknown version ${String(header.version)}`);
    if (JSON.stringify(header.sizesMs) !== JSON.stringify(this.windower.sizesMs)) {
      fail(`window sizes ${JSON.stringify(header.sizesMs)} differ from the configured ${JSON.stringify(this.windower.sizesMs)}`);
    }
    this.store.restore(bytes.subarray(4 + len));
    // JSON writes -Infinity (no record seen yet) as null
    this.windower.setStreamTime(header.streamTimeMs ?? Number.NEGATIVE_INFINITY);
    (header.lateBySize ?? []).forEach((n, i) => (this.windower.lateBySize[i] = n));
    this.lateReported = [...this.windower.lateBySize];
  }

  private publishLate(): void {
    const sizes = this.windower.sizesMs;
    sizes.forEach((size, i) => {
      const late = this.windower.lateBySize[i] as number;
      const delta = late - (this.lateReported[i] as number);
      const label = formatDuration(size);
      if (delta > 0) this.deps.metrics.rowsLateTotal.labels(this.name, label).inc(delta);
      this.lateReported[i] = late;
      this.summary.lateRows[label] = late;
      this.deps.metrics.windowsOpen.labels(this.name, label).set(this.windower.openCount(size));
    });
  }

  private async closeWindows(closed: WindowState<DatasetProfile>[]): Promise<void> {
    for (const w of closed) await this.closeWindow(w);
    if (closed.length > 0) this.publishLate();
  }

  private async closeWindow(w: WindowState<DatasetProfile>): Promise<void> {
    const { metrics, baseline, logger } = this.deps;
    const started = performance.now();
    const label = formatDuration(w.sizeMs);
    const statistics = w.profile.toStatistics();
    const evaluation: DataQualityEvaluation = evaluateDataQuality(statistics, baseline.statistics, baseline.constraints);
    const sizeIndex = this.windower.sizesMs.indexOf(w.sizeMs);
    const report = buildWindowReport(
      {
        monitor: this.name,
        sizeMs: w.sizeMs,
        startMs: w.startMs,
        endMs: w.endMs,
        rows: w.rows,
        lateRowsSoFar: this.windower.lateBySize[sizeIndex] ?? 0,
        closedAtMs: this.clock(),
      },
      statistics,
      baseline.constraints,
      evaluation,
    );
    try {
      this.summary.reportPaths.push(await this.deps.reports.write(report));
    } catch (e) {
      metrics.reportWriteFailuresTotal.labels(this.name).inc();
      logger.error({ monitor: this.name, err: e, window: label, start: new Date(w.startMs).toISOString() }, 'report write failed');
      throw e;
    }
    publishWindowGauges(metrics, this.name, label, statistics, evaluation);
    metrics.windowsClosedTotal.labels(this.name, label).inc();
    metrics.lastWindowEnd.labels(this.name, label).set(w.endMs / 1000);
    metrics.windowCloseDelay.labels(this.name, label).set(Math.max(0, this.clock() - w.endMs) / 1000);
    metrics.windowCloseDuration.labels(this.name).observe((performance.now() - started) / 1000);
    this.summary.windowsClosed++;
    if (evaluation.violations.length > 0) this.summary.windowsWithViolations++;
    for (const v of evaluation.violations) {
      const f = (this.summary.violations[v.featureName] ??= {});
      f[v.constraintCheckType] = (f[v.constraintCheckType] ?? 0) + 1;
    }
    if (evaluation.violations.length > 0) {
      logger.info(
        { monitor: this.name, window: label, start: new Date(w.startMs).toISOString(), violations: evaluation.violations.length, rows: w.rows },
        'window closed with violations',
      );
    } else {
      logger.debug({ monitor: this.name, window: label, start: new Date(w.startMs).toISOString(), rows: w.rows }, 'window closed');
    }
  }

  private summaryCounts(): Record<string, unknown> {
    const { records, rows, invalid, windowsClosed, windowsWithViolations, lateRows } = this.summary;
    return { records, rows, invalid, windowsClosed, windowsWithViolations, lateRows };
  }
}


