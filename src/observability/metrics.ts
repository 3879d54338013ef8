/**
 * Every Prometheus metric driftmon exports, declared once. Names carry the `driftmon_` prefix and
 * base units; labels are bounded (monitor, window size, feature, check type, reason — never a
 * window id or a raw value). Per-feature gauges follow SageMaker's CloudWatch metrics:
 * feature_baseline_drift_<f> → driftmon_feature_baseline_drift, feature_non_null_<f> →
 * driftmon_feature_non_null_ratio, feature_data_<f> (a statistic set) → driftmon_feature_data.
 *
 * The one place that builds metrics on the registry; components receive only the interface of
 * theirs (component-metrics.ts), so they depend on the shape of prom-client, not on the package.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BIAS_GAUGE_CODES, type BiasGaugeCode } from './component-metrics.js';

export function createMetrics(registry: Registry) {
  const registers = [registry];
  return {
    recordsTotal: new Counter({
      name: 'driftmon_records_total',
      help: 'Records read from the source (capture lines / messages), valid or not.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    blankLinesTotal: new Counter({
      name: 'driftmon_blank_lines_total',
      help: 'Blank lines and empty or whitespace-only messages skipped: not records, not dead-lettered, only counted.',
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
      help: 'Numeric summary of the last closed window (SageMaker feature_data_<feature>): statistic = min, max, sum, sample_count, average, std_dev, and non_finite_count (values ±Infinity/NaN, present but outside the other statistics).',
      labelNames: ['monitor', 'window', 'feature', 'statistic'] as const,
      registers,
    }),
    featureDriftScore: new Gauge({
      name: 'driftmon_feature_drift_score',
      help: 'Report-only drift scores of the last closed window: psi, jensen_shannon, wasserstein_normalized, ks_p_value.',
      labelNames: ['monitor', 'window', 'feature', 'metric'] as const,
      registers,
    }),
    featureDriftDetected: new Gauge({
      name: 'driftmon_feature_drift_detected',
      help: "driftmon's drift verdict for the last closed window: 1 when a test of the feature has Holm-adjusted evidence below alpha and an effect at or above its floor, else 0.",
      labelNames: ['monitor', 'window', 'feature'] as const,
      registers,
    }),
    featureDriftEffect: new Gauge({
      name: 'driftmon_feature_drift_effect',
      help: 'Effect size behind the drift verdict, last closed window: wasserstein_normalized (numeric, baseline sds), total_variation (categorical), missing_share_change.',
      labelNames: ['monitor', 'window', 'feature', 'effect'] as const,
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

    // --- Scale-out -----------------------------------------------------------------------------
    scaleOutTransactionsTotal: new Counter({
      name: 'driftmon_scale_out_transactions_total',
      help: 'Kafka transactions of a scaled-out monitor by stage (member, keying, joining, owner) and outcome: committed; failed (its messages go with the next); fenced (the partition was taken over by another member and dropped here).',
      labelNames: ['monitor', 'stage', 'outcome'] as const,
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

    // --- Actions on violations -----------------------------------------------------------------
    actionsTotal: new Counter({
      name: 'driftmon_actions_total',
      help: 'Actions on window reports with violations, by action (webhook, kafka) and outcome (sent; webhook: failed after its retries, dropped, too many waiting; kafka: retried, a failed attempt, duplicate, already on the topic).',
      labelNames: ['action', 'outcome'] as const,
      registers,
    }),

    // --- Hooks (user code: record pre-processor, report post-processor) -------------------------
    hookCallsTotal: new Counter({
      name: 'driftmon_hook_calls_total',
      help: 'Calls of a monitor\'s hooks by hook (preprocess: one per decoded record; postprocess: one per window report) and outcome: kept, dropped (preprocess returned null), invalid (its output is not a record), failed (threw), timeout; postprocess: delivered, failed, timeout, skipped (too many waiting).',
      labelNames: ['monitor', 'hook', 'outcome'] as const,
      registers,
    }),
    hookRestartsTotal: new Counter({
      name: 'driftmon_hook_restarts_total',
      help: 'Times a hook\'s thread was ended and started again: a call over its timeout, or the thread died.',
      labelNames: ['monitor', 'hook'] as const,
      registers,
    }),

    // --- Dead-letter topic --------------------------------------------------------------------
    deadLetterPublishFailuresTotal: new Counter({
      name: 'driftmon_dead_letter_publish_failures_total',
      help: 'Attempts to publish dead letters to the dead-letter topic that failed (retried; offsets are not committed past them).',
      registers,
    }),

    // --- Input files ---------------------------------------------------------------------------
    inputFilesUnreadableTotal: new Counter({
      name: 'driftmon_input_files_unreadable_total',
      help: 'Input files skipped because they could not be read (gone, unreadable, corrupt or truncated gzip).',
      labelNames: ['monitor'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

// ---- label monitors: join health, model quality, bias drift --------------------------------
//
// Names follow SageMaker's CloudWatch metrics where they exist: model metrics by their
// statistics.json key (`f2`, `auc`, `mse` → driftmon_model_metric{metric="f2"}), bias metrics after
// Clarify's `bias_metric_<CODE>` (→ driftmon_bias_metric_CI{stage, facet, facet_value}). Window
// gauges carry `state`: "provisional" shows the newest reported window of each size (its values move
// as labels land), "final" the newest window past the horizon (what alerts on settled metrics use).
// Facet values are bounded by the analysis config or the bias accumulator's cap; a continuous
// facet is labelled by its threshold, "(t, max]", not by each window's own maximum.

/** SageMaker publishes ±∞ bias values as ±2.348543e108 to CloudWatch; Prometheus takes ±Inf as is. */
export function createLabelMetrics(registry: Registry) {
  const registers = [registry];
  const biasLabels = ['monitor', 'window', 'state', 'stage', 'facet', 'facet_value'] as const;
  const bias = Object.fromEntries(
    BIAS_GAUGE_CODES.map((code) => [
      code,
      new Gauge({ name: `driftmon_bias_metric_${code}`, help: `Clarify bias metric ${code} of the newest reported window, per facet value.`, labelNames: biasLabels, registers }),
    ]),
  ) as Record<BiasGaugeCode, Gauge<(typeof biasLabels)[number]>>;
  return {
    predictionsTotal: new Counter({
      name: 'driftmon_label_join_predictions_total',
      help: 'Predictions taken into the label join (not duplicates, not late).',
      labelNames: ['monitor'] as const,
      registers,
    }),
    labelsTotal: new Counter({
      name: 'driftmon_label_join_labels_total',
      help: 'Ground-truth labels read (one per row of a record), valid ones.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    joinedTotal: new Counter({
      name: 'driftmon_label_join_joined_total',
      help: 'Predictions joined with their label.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    duplicatesTotal: new Counter({
      name: 'driftmon_label_join_duplicates_total',
      help: 'Predictions or labels whose ID was already pending or joined (the first one counts).',
      labelNames: ['monitor', 'side'] as const,
      registers,
    }),
    expiredTotal: new Counter({
      name: 'driftmon_label_join_expired_predictions_total',
      help: 'Predictions whose label did not come within the horizon.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    orphanTotal: new Counter({
      name: 'driftmon_label_join_orphan_labels_total',
      help: 'Labels that met no prediction within the horizon.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    latePredictionsTotal: new Counter({
      name: 'driftmon_label_join_late_predictions_total',
      help: 'Predictions older than the horizon when read (their windows were final).',
      labelNames: ['monitor'] as const,
      registers,
    }),
    pendingPredictions: new Gauge({
      name: 'driftmon_label_join_pending_predictions',
      help: 'Predictions waiting for their label in the join store.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    pendingLabels: new Gauge({
      name: 'driftmon_label_join_pending_labels',
      help: 'Labels waiting for their prediction in the join store.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    storeBytes: new Gauge({
      name: 'driftmon_label_join_store_bytes',
      help: 'Bytes the join store occupies on disk.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    latency: new Histogram({
      name: 'driftmon_label_latency_seconds',
      help: 'Time from inference to label (label time − inference time) of joined predictions.',
      labelNames: ['monitor'] as const,
      buckets: [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 4 * 86400, 8 * 86400, 16 * 86400],
      registers,
    }),
    coverage: new Gauge({
      name: 'driftmon_label_coverage_ratio',
      help: 'Labelled share of the predictions of the newest reported window (state: provisional while labels may come, final at the horizon).',
      labelNames: ['monitor', 'window', 'state'] as const,
      registers,
    }),
    labelWindowsReportedTotal: new Counter({
      name: 'driftmon_label_windows_reported_total',
      help: 'Label-window report versions written (state: provisional or final).',
      labelNames: ['monitor', 'window', 'state'] as const,
      registers,
    }),
    labelWindowsOpen: new Gauge({
      name: 'driftmon_label_windows_open',
      help: 'Inference-time windows waiting for labels.',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
    modelMetric: new Gauge({
      name: 'driftmon_model_metric',
      help: "Model-quality metric of the newest reported window (state: provisional, or final at the horizon), by SageMaker's statistics.json name (accuracy, f1, auc, mse, r2, …).",
      labelNames: ['monitor', 'window', 'state', 'metric'] as const,
      registers,
    }),
    modelMetricThreshold: new Gauge({
      name: 'driftmon_model_metric_threshold',
      help: 'Model-quality constraint threshold, by metric and comparison operator (constraints.json).',
      labelNames: ['monitor', 'metric', 'operator'] as const,
      registers,
    }),
    modelViolations: new Gauge({
      name: 'driftmon_model_quality_violations',
      help: 'Model-quality constraint violations in the newest reported window (state: provisional or final).',
      labelNames: ['monitor', 'window', 'state'] as const,
      registers,
    }),
    bias,
    biasViolations: new Gauge({
      name: 'driftmon_bias_drift_violations',
      help: 'bias_drift_check violations in the newest reported window (state: provisional or final).',
      labelNames: ['monitor', 'window', 'state'] as const,
      registers,
    }),
  };
}

export type LabelMetrics = ReturnType<typeof createLabelMetrics>;

// ---- ground-truth ingestion (POST /v1/ground-truth) ------------------------------------------

export function createIngestMetrics(registry: Registry) {
  const registers = [registry];
  return {
    labelsAcceptedTotal: new Counter({
      name: 'driftmon_ground_truth_accepted_total',
      help: 'Ground-truth records accepted and acknowledged by the ground-truth topic.',
      registers,
    }),
    labelsDuplicateTotal: new Counter({
      name: 'driftmon_ground_truth_duplicates_total',
      help: 'Ground-truth records not produced again because their event ID was already accepted.',
      registers,
    }),
    labelsRejectedTotal: new Counter({
      name: 'driftmon_ground_truth_rejected_total',
      help: 'Invalid ground-truth records (their request was answered 400), by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    requestsTotal: new Counter({
      name: 'driftmon_ground_truth_requests_total',
      help: 'Requests to POST /v1/ground-truth, by HTTP status code.',
      labelNames: ['status'] as const,
      registers,
    }),
  };
}
