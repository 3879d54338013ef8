/**
 * The feature attribution monitors' gauges (built only when a config has one), after Clarify's
 * CloudWatch metrics `feature_<name>` (global SHAP per label): bounded by the baseline's features
 * and labels, and by the window sizes.
 */
import { Gauge, type Registry } from 'prom-client';
import type { AttributionGaugeMetrics } from './component-metrics.js';

export function createAttributionMetrics(registry: Registry): AttributionGaugeMetrics {
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
  };
}
