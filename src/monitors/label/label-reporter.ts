/**
 * Label windows that are due (label-windows.ts) into reports and gauges: per window and evaluator
 * evaluate → report (label-window-report.ts) → sink, and the newest window's gauges. One process
 * reports its own windows; a scaled-out monitor's window owner reports the windows it merged.
 */
import type { Logger } from 'pino';
import { formatDuration } from '../../config/duration.js';
import type { LabelWindowMetrics, RecordMetrics } from '../../observability/component-metrics.js';
import type { ReportSink } from '../../sink/report.js';
import type { DueWindow } from '../../window/label-windows.js';
import type { GaugeSeries } from '../../observability/gauge-series.js';
import type { LabelEvaluator, WindowContext } from './label-evaluator.js';
import type { LabelMonitorSummary } from './label-summary.js';
import { buildLabelReport, joinHealth, type MonitorJoinCounts } from './label-window-report.js';
import type { LabelWindowState } from './label-window-state.js';

/** Report locations kept in the summary. */
const RECENT_REPORT_PATHS = 100;

export interface LabelReporterDeps {
  monitor: string;
  evaluators: readonly LabelEvaluator[];
  reports: ReportSink;
  metrics: Pick<RecordMetrics, 'reportWriteFailuresTotal'>;
  labelMetrics: LabelWindowMetrics;
  logger: Logger;
  clock: () => number;
  /** Counts reports into it (reports, finalReports, reportPaths). */
  summary: LabelMonitorSummary;
  /**
   * A scaled-out member's: the gauge series its newest windows set, per window size and state
   * (the evaluators' and this reporter's metrics must come from `series.recording(...)`), and
   * what it is told when a window became its newest of a size and state.
   */
  series?: GaugeSeries;
  onNewest?: (sizeMs: number, state: 'provisional' | 'final', startMs: number) => void;
}

/** The gauge scope of a label window size and state (gauge-series.ts). */
const scopeOf = (sizeMs: number, state: string): string => `${sizeMs}:${state}`;

export class LabelReporter {
  /** Newest window start whose gauges were published, per window size and state. */
  private readonly gaugeStart = new Map<string, number>();

  constructor(private readonly d: LabelReporterDeps) {}

  /** Write a report (one per evaluator) for each due window and publish the newest ones' gauges; returns reports written. */
  async report(due: readonly DueWindow<LabelWindowState>[], counts: MonitorJoinCounts): Promise<number> {
    const { monitor, evaluators, labelMetrics, metrics, logger, summary } = this.d;
    let written = 0;
    for (const { window: w, final } of due) {
      const window = formatDuration(w.sizeMs);
      const state = final ? 'final' : 'provisional';
      const ctx: WindowContext = { monitor, window, startMs: w.startMs, endMs: w.endMs, nowMs: this.d.clock(), state };
      const join = joinHealth(w, final, counts);
      const gaugeKey = `${w.sizeMs}:${state}`;
      const newest = w.startMs >= (this.gaugeStart.get(gaugeKey) ?? Number.NEGATIVE_INFINITY);
      for (const [j, e] of evaluators.entries()) {
        const evaluation = e.evaluate(w.state.parts[j], ctx);
        const report = buildLabelReport(w, ctx, e.kind, e.report(evaluation), join);
        try {
          const paths = summary.reportPaths;
          paths.push(await this.d.reports.write(report));
          if (paths.length > RECENT_REPORT_PATHS) paths.splice(0, paths.length - RECENT_REPORT_PATHS);
        } catch (err) {
          metrics.reportWriteFailuresTotal.labels(monitor).inc();
          logger.error({ monitor, err, window, start: report.summary.window_start }, 'report write failed');
          throw err;
        }
        if (newest) this.scoped(w.sizeMs, state, j === 0, () => e.publish(evaluation, ctx));
        written++;
      }
      if (newest) {
        const first = this.gaugeStart.get(gaugeKey) !== w.startMs;
        this.gaugeStart.set(gaugeKey, w.startMs);
        this.scoped(w.sizeMs, state, false, () => labelMetrics.coverage.labels(monitor, window, state).set(w.predictions > 0 ? w.labeled / w.predictions : 0));
        if (first) this.d.onNewest?.(w.sizeMs, state, w.startMs);
      }
      labelMetrics.labelWindowsReportedTotal.labels(monitor, window, state).inc();
      summary.reports++;
      if (final) summary.finalReports++;
    }
    return written;
  }

  /** Another member reported a newer window of this size and state: drop this process's gauges of it. */
  retract(sizeMs: number, state: 'provisional' | 'final'): void {
    this.d.series?.retract(scopeOf(sizeMs, state));
  }

  /** Run `publish` with its gauge series counted under the window's size and state (`fresh`: forget the older window's first). */
  private scoped(sizeMs: number, state: string, fresh: boolean, publish: () => void): void {
    const series = this.d.series;
    if (series === undefined) publish();
    else series.within(scopeOf(sizeMs, state), publish, fresh);
  }

  /** The open-windows gauge, per window size. */
  publishOpen(sizesMs: readonly number[], openCount: (sizeMs: number) => number): void {
    for (const size of sizesMs) this.d.labelMetrics.labelWindowsOpen.labels(this.d.monitor, formatDuration(size)).set(openCount(size));
  }
}
