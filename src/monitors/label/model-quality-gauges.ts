/** Publishes model quality to the Prometheus gauges (values only; nothing computed here). */
import type { ModelQualityEvaluation } from '../../evaluate/model-quality/evaluation.js';
import type { ModelQualityConstraints } from '../../sagemaker/model-quality-model.js';
import type { ModelQualityGaugeMetrics } from '../../observability/component-metrics.js';
import type { WindowContext } from './label-evaluator.js';

/** The constraint thresholds (static: once, at start) for alert rules to compare against. */
export function publishModelQualityThresholds(metrics: ModelQualityGaugeMetrics, monitor: string, constraints: ModelQualityConstraints | undefined): void {
  for (const [metric, c] of Object.entries(constraints?.constraints ?? {})) {
    metrics.modelMetricThreshold.labels(monitor, metric, c.comparisonOperator).set(c.threshold);
  }
}

/** Every metric of the window's statistics (NaN too: the gauge shows it) and its violation count. */
export function publishModelQualityGauges(metrics: ModelQualityGaugeMetrics, w: WindowContext, evaluation: ModelQualityEvaluation): void {
  for (const [metric, m] of Object.entries(evaluation.statistics.metrics)) metrics.modelMetric.labels(w.monitor, w.window, w.state, metric).set(m.value);
  metrics.modelViolations.labels(w.monitor, w.window, w.state).set(evaluation.violations.length);
}
