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

    // --- Kafka source -------------------------------------------------------------------------
    kafkaMessagesConsumedTotal: new Counter({
      name: 'driftmon_kafka_messages_consumed_total',
      help: 'Kafka messages consumed (before sampling), by topic. rate() of it is the consumption speed.',
      labelNames: ['monitor', 'topic'] as const,
      registers,
    }),
    kafkaLagRecords: new Gauge({
      name: 'driftmon_kafka_consumer_lag_records',
      help: 'Consumer lag in messages: high watermark minus the next offset to process, per partition.',
      labelNames: ['monitor', 'topic', 'partition'] as const,
      registers,
    }),
    kafkaLagSeconds: new Gauge({
      name: 'driftmon_kafka_consumer_lag_seconds',
      help: 'Consumer lag in time: wall clock minus the broker timestamp of the last processed message, per partition (0 when caught up).',
      labelNames: ['monitor', 'topic', 'partition'] as const,
      registers,
    }),

    // --- Checkpoints --------------------------------------------------------------------------
    checkpointsTotal: new Counter({
      name: 'driftmon_checkpoints_total',
      help: 'Checkpoints written (window state + offsets), each followed by an offset commit.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    checkpointFailuresTotal: new Counter({
      name: 'driftmon_checkpoint_failures_total',
      help: 'Checkpoints or offset commits that failed (the previous checkpoint stays valid).',
      labelNames: ['monitor'] as const,
      registers,
    }),
    checkpointDuration: new Histogram({
      name: 'driftmon_checkpoint_duration_seconds',
      help: 'Time to write a checkpoint and commit its offsets.',
      labelNames: ['monitor'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    checkpointBytes: new Gauge({
      name: 'driftmon_checkpoint_size_bytes',
      help: 'Size of the last checkpoint written.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    lastCheckpoint: new Gauge({
      name: 'driftmon_last_checkpoint_timestamp_seconds',
      help: 'Wall-clock time of the last successful checkpoint; time() minus it is the checkpoint age.',
      labelNames: ['monitor'] as const,
      registers,
    }),

    // --- Back-off (sampling under pressure) ---------------------------------------------------
    samplingRatio: new Gauge({
      name: 'driftmon_sampling_ratio',
      help: 'Fraction of inference IDs captured: 1 = full capture, < 1 = backed off (deterministic by inference-ID hash).',
      labelNames: ['monitor'] as const,
      registers,
    }),
    backoffPressure: new Gauge({
      name: 'driftmon_backoff_pressure_ratio',
      help: 'Pressure signals against their budgets (lag_records, lag_seconds, disk); sampling starts above 0.75 and stops below 0.5.',
      labelNames: ['monitor', 'signal'] as const,
      registers,
    }),
    backoffTransitionsTotal: new Counter({
      name: 'driftmon_backoff_transitions_total',
      help: 'Times sampling was switched on or off.',
      labelNames: ['monitor', 'state'] as const,
      registers,
    }),
    recordsSampledOutTotal: new Counter({
      name: 'driftmon_records_sampled_out_total',
      help: 'Records skipped by back-off sampling (their inference-ID hash fell outside the sampling ratio).',
      labelNames: ['monitor'] as const,
      registers,
    }),
    stateDiskUsage: new Gauge({
      name: 'driftmon_state_disk_usage_ratio',
      help: 'Used fraction of the filesystem holding the state directory (checkpoints, spool).',
      registers,
    }),

    // --- Report delivery (S3) -----------------------------------------------------------------
    s3UploadsTotal: new Counter({
      name: 'driftmon_s3_uploads_total',
      help: 'Report objects uploaded to S3.',
      registers,
    }),
    s3UploadFailuresTotal: new Counter({
      name: 'driftmon_s3_upload_failures_total',
      help: 'S3 upload attempts that failed (each is retried with capped backoff; the report stays spooled).',
      registers,
    }),
    reportSpoolDepth: new Gauge({
      name: 'driftmon_report_spool_depth',
      help: 'Reports spooled on local disk, waiting for delivery to S3.',
      registers,
    }),
    reportSpoolOldestAge: new Gauge({
      name: 'driftmon_report_spool_oldest_age_seconds',
      help: 'Age of the oldest spooled report (0 when the spool is empty).',
      registers,
    }),

    // --- Dead-letter topic --------------------------------------------------------------------
    deadLetterPublishFailuresTotal: new Counter({
      name: 'driftmon_dead_letter_publish_failures_total',
      help: 'Attempts to publish dead letters to the dead-letter topic that failed (retried; offsets are not committed past them).',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
