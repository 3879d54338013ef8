/**
 * Every Prometheus metric driftmon exports, declared once. Names carry the `driftmon_` prefix and
 * base units; labels are bounded (monitor, window size, feature, check type, reason — never a
 * window id or a raw value). Per-feature gauges follow SageMaker's CloudWatch metrics:
 * feature_baseline_drift_<f> → driftmon_feature_baseline_drift, feature_non_null_<f> →
 * driftmon_feature_non_null_ratio, feature_data_<f> (a statistic set) → driftmon_feature_data.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createMetrics(registry: Registry) {
  const registers = [registry];
  return {
    recordsTotal: new Counter({
      name: 'driftmon_records_total',
      help: 'Records read from the source (capture lines / messages), valid or not.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    rowsTotal: new Counter({
      name: 'driftmon_rows_total',
      help: 'Rows decoded from valid records (a multi-row payload gives several).',
      labelNames: ['monitor'] as const,
      registers,
    }),
    recordsInvalidTotal: new Counter({
      name: 'driftmon_records_invalid_total',
      help: 'Records rejected and dead-lettered, by reason.',
      labelNames: ['monitor', 'reason'] as const,
      registers,
    }),
    rowsLateTotal: new Counter({
      name: 'driftmon_rows_late_total',
      help: 'Rows whose event-time window had already closed (past grace), by window size.',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
    windowsOpen: new Gauge({
      name: 'driftmon_windows_open',
      help: 'Event-time windows currently open.',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
    windowsClosedTotal: new Counter({
      name: 'driftmon_windows_closed_total',
      help: 'Windows closed, evaluated and reported.',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
    windowCloseDuration: new Histogram({
      name: 'driftmon_window_close_duration_seconds',
      help: 'Time to evaluate a closed window and write its report.',
      labelNames: ['monitor'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    windowCloseDelay: new Gauge({
      name: 'driftmon_window_close_delay_seconds',
      help: 'Wall-clock time between the end of the last closed window and its report (replays show large values).',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
    lastWindowEnd: new Gauge({
      name: 'driftmon_last_window_end_timestamp_seconds',
      help: 'Event-time end of the last closed window.',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
    streamTime: new Gauge({
      name: 'driftmon_stream_time_seconds',
      help: 'Stream time: the largest event time seen.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    violations: new Gauge({
      name: 'driftmon_violations',
      help: 'Constraint violations in the last closed window, by check type.',
      labelNames: ['monitor', 'window', 'check'] as const,
      registers,
    }),
    featureViolation: new Gauge({
      name: 'driftmon_feature_violation',
      help: '1 when the feature violated the check in the last closed window, else 0.',
      labelNames: ['monitor', 'window', 'feature', 'check'] as const,
      registers,
    }),
    featureBaselineDrift: new Gauge({
      name: 'driftmon_feature_baseline_drift',
      help: 'Baseline drift distance of the last closed window (the value baseline_drift_check compares; SageMaker feature_baseline_drift_<feature>).',
      labelNames: ['monitor', 'window', 'feature'] as const,
      registers,
    }),
    featureBaselineDriftThreshold: new Gauge({
      name: 'driftmon_feature_baseline_drift_threshold',
      help: 'The threshold baseline_drift_check compares the distance with (from constraints.json).',
      labelNames: ['monitor', 'feature'] as const,
      registers,
    }),
    featureNonNull: new Gauge({
      name: 'driftmon_feature_non_null_ratio',
      help: 'Fraction of non-null values in the last closed window (SageMaker feature_non_null_<feature>).',
      labelNames: ['monitor', 'window', 'feature'] as const,
      registers,
    }),
    featureData: new Gauge({
      name: 'driftmon_feature_data',
      help: 'Numeric summary of the last closed window (SageMaker feature_data_<feature>): statistic = min, max, sum, sample_count, average, std_dev.',
      labelNames: ['monitor', 'window', 'feature', 'statistic'] as const,
      registers,
    }),
    featureDriftScore: new Gauge({
      name: 'driftmon_feature_drift_score',
      help: 'Report-only drift scores of the last closed window: psi, jensen_shannon, wasserstein_normalized, ks_p_value.',
      labelNames: ['monitor', 'window', 'feature', 'metric'] as const,
      registers,
    }),
    deadLettersTotal: new Counter({
      name: 'driftmon_dead_letters_total',
      help: 'Records written to the dead-letter file.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    reportWriteFailuresTotal: new Counter({
      name: 'driftmon_report_write_failures_total',
      help: 'Report writes that failed.',
      labelNames: ['monitor'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
