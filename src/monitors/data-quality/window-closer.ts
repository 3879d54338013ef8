/**
 * What closing one data-quality window means, wherever it closes (one process, or the window's
 * owner in a scaled-out group, docs/scale-out.md): statistics → evaluation against the baseline →
 * report → gauges, counters and the run's summary, once per window.
 */
import type { Logger } from 'pino';
import { formatDuration } from '../../config/duration.js';
import type { MonitorSettings } from '../../config/load.js';
import { evaluateDataQuality, type DataQualityEvaluation } from '../../evaluate/data-quality.js';
import type { DataQualityGaugeMetrics, DataQualityWindowMetrics, RecordMetrics } from '../../observability/component-metrics.js';
import type { DatasetProfile } from '../../profile/dataset-profile.js';
import { scaleCounts } from '../../profile/scale-counts.js';
import type { ReportSink } from '../../sink/report.js';
import type { WindowState } from '../../window/window-store.js';
import { GaugeSeries } from '../../observability/gauge-series.js';
import { publishWindowGauges } from './gauges.js';
import type { Baseline, MonitorSummary } from './data-quality-monitor.js';
import { buildWindowReport } from './window-report.js';

export interface WindowCloserDeps {
  settings: MonitorSettings;
  baseline: Baseline;
  reports: ReportSink;
  metrics: DataQualityWindowMetrics & DataQualityGaugeMetrics & Pick<RecordMetrics, 'reportWriteFailuresTotal'>;
  logger: Logger;
  clock: () => number;
  /** The run's summary, updated in place. */
  summary: MonitorSummary;
}

export class WindowCloser {
  /** The gauge series this process set, per window size (a scaled-out owner takes them back). */
  private readonly published = new GaugeSeries();

  constructor(private readonly deps: WindowCloserDeps) {}

  /**
   * Another member reported a newer window of size `sizeMs` than this process did: drop this
   * process's gauges of that size, so Prometheus sees one series per monitor and feature (the
   * newest window's, from whichever member reported it) rather than one per member.
   */
  retract(sizeMs: number): void {
    this.published.retract(formatDuration(sizeMs));
  }

  /**
   * Evaluate, report and publish window `w`; `lateRowsSoFar`: late rows of its size so far. A
   * failed report write is logged, counted and rethrown. `once`: a window a previous owner may
   * have reported just before it died (docs/scale-out.md) — if the sink has its report, the
   * gauges are published but the report is not stored or counted again.
   */
  async close(w: WindowState<DatasetProfile>, lateRowsSoFar: number, once = false): Promise<void> {
    const { metrics, baseline, logger, summary, clock } = this.deps;
    const monitor = this.deps.settings.name;
    const started = performance.now();
    const label = formatDuration(w.sizeMs);
    const sampled = w.profile.toStatistics();
    // evaluated on the rows seen; counts in the report stand for the traffic (see scale-counts.ts)
    const verdict = this.deps.settings.driftVerdict;
    const evaluation: DataQualityEvaluation = evaluateDataQuality(sampled, baseline.statistics, baseline.constraints, verdict === undefined ? {} : { verdict });
    const statistics = w.weight > w.rows && w.rows > 0 ? scaleCounts(sampled, w.weight / w.rows) : sampled;
    const report = buildWindowReport(
      {
        monitor,
        sizeMs: w.sizeMs,
        startMs: w.startMs,
        endMs: w.endMs,
        rows: w.rows,
        samplingRate: w.rows > 0 && w.weight > 0 ? w.rows / w.weight : 1,
        lateRowsSoFar,
        closedAtMs: clock(),
      },
      statistics,
      baseline.constraints,
      evaluation,
    );
    const start = new Date(w.startMs).toISOString();
    if (once && (await this.deps.reports.has(report))) {
      publishWindowGauges(metrics, monitor, label, statistics, evaluation, this.published);
      logger.info({ monitor, window: label, start, rows: w.rows }, 'window reported already by its previous owner: gauges published, report not stored again');
      return;
    }
    try {
      summary.reportPaths.push(await this.deps.reports.write(report));
    } catch (e) {
      metrics.reportWriteFailuresTotal.labels(monitor).inc();
      logger.error({ monitor, err: e, window: label, start }, 'report write failed');
      throw e;
    }
    publishWindowGauges(metrics, monitor, label, statistics, evaluation, this.published);
    metrics.windowsClosedTotal.labels(monitor, label).inc();
    metrics.lastWindowEnd.labels(monitor, label).set(w.endMs / 1000);
    metrics.windowCloseDelay.labels(monitor, label).set(Math.max(0, clock() - w.endMs) / 1000);
    metrics.windowCloseDuration.labels(monitor).observe((performance.now() - started) / 1000);
    summary.windowsClosed++;
    if (evaluation.violations.length > 0) summary.windowsWithViolations++;
    for (const v of evaluation.violations) {
      const f = (summary.violations[v.featureName] ??= Object.create(null) as Record<string, number>);
      f[v.constraintCheckType] = (f[v.constraintCheckType] ?? 0) + 1;
    }
    for (const f of evaluation.features) if (f.verdict?.detected === true) summary.drifted[f.name] = (summary.drifted[f.name] ?? 0) + 1;
    if (evaluation.violations.length > 0) {
      logger.info({ monitor, window: label, start, violations: evaluation.violations.length, rows: w.rows }, 'window closed with violations');
    } else {
      logger.debug({ monitor, window: label, start, rows: w.rows }, 'window closed');
    }
  }
}
