/**
 * Prometheus metrics of label monitors: join health, model quality and bias drift. Names follow
 * SageMaker's CloudWatch metrics where they exist: model metrics by their statistics.json key
 * (`f2`, `auc`, `mse` → driftmon_model_metric{metric="f2"}), bias metrics after Clarify's
 * `bias_metric_<CODE>` (→ driftmon_bias_metric_CI{stage, facet, facet_value}). Gauges show the
 * newest reported window of each size; its values move as labels land (reports keep every window).
 * Labels are bounded: monitor, window size, metric, stage, facet and facet value (the facet values
 * of the analysis config, or at most the bias accumulator's cap of distinct values).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every bias metric code Clarify can report (pre- and post-training). */
export const BIAS_GAUGE_CODES = ['AD', 'CDDL', 'CDDPL', 'CI', 'DAR', 'DCA', 'DCR', 'DI', 'DPL', 'DPPL', 'DRR', 'FT', 'GE', 'JS', 'KL', 'KS', 'LP', 'RD', 'SD', 'TE', 'TVD'] as const;
export type BiasGaugeCode = (typeof BIAS_GAUGE_CODES)[number];

/** SageMaker publishes ±∞ bias values as ±2.348543e108 to CloudWatch; Prometheus takes ±Inf as is. */
export function createLabelMetrics(registry: Registry) {
  const registers = [registry];
  const biasLabels = ['monitor', 'window', 'stage', 'facet', 'facet_value'] as const;
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
      help: "Model-quality metric of the newest reported window, by SageMaker's statistics.json name (accuracy, f1, auc, mse, r2, …).",
      labelNames: ['monitor', 'window', 'metric'] as const,
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
      help: 'Model-quality constraint violations in the newest reported window.',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
    bias,
    biasViolations: new Gauge({
      name: 'driftmon_bias_drift_violations',
      help: 'bias_drift_check violations in the newest reported window.',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
  };
}

export type LabelMetrics = ReturnType<typeof createLabelMetrics>;
