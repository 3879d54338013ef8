/**
 * The feature attribution monitors' gauges (built only when a config has one), after Clarify's
 * CloudWatch metrics `feature_<name>` (global SHAP per label): bounded by the baseline's features
 * and labels, and by the window sizes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AttributionExplainMetrics, AttributionGaugeMetrics } from './component-metrics.js';

export function createAttributionMetrics(registry: Registry): AttributionGaugeMetrics & AttributionExplainMetrics {
  const registers = [registry];
  return {
    featureAttribution: new Gauge({
      name: 'driftmon_feature_attribution',
      help: "Global attribution (Clarify's agg_method, default mean |SHAP|) of a feature in the newest closed window, per label.",
      labelNames: ['monitor', 'label', 'feature', 'window'] as const,
      registers,
    }),
    attributionNdcg: new Gauge({
      name: 'driftmon_feature_attribution_ndcg',
      help: "nDCG of the newest closed window's feature ranking against the baseline's (1 = same ranking), per label.",
      labelNames: ['monitor', 'label', 'window'] as const,
      registers,
    }),
    attributionNdcgThreshold: new Gauge({
      name: 'driftmon_feature_attribution_ndcg_threshold',
      help: 'nDCG below this is a feature_attribution_drift_check violation.',
      labelNames: ['monitor'] as const,
      registers,
    }),
    attributionViolations: new Gauge({
      name: 'driftmon_feature_attribution_drift_violations',
      help: 'feature_attribution_drift_check violations in the newest closed window.',
      labelNames: ['monitor', 'window'] as const,
      registers,
    }),
    explainSamplesTotal: new Counter({
      name: 'driftmon_attribution_samples_total',
      help: 'Window samples explained against the model endpoint, by outcome: explained, failed (after retries), skipped (queue full), unfinished (deadline passed or stopped).',
      labelNames: ['monitor', 'outcome'] as const,
      registers,
    }),
    explainQueueDepth: new Gauge({
      name: 'driftmon_attribution_explain_queue_depth',
      help: 'Samples waiting for the model endpoint.',
      labelNames: ['monitor'] as const,
      registers,
    }),
  };
}
