/** Publishes a closed window's global attributions and nDCG to the gauges (values only; nothing computed here). */
import type { AttributionGaugeMetrics } from '../../observability/component-metrics.js';
import type { AttributionWindowEvaluation } from './attribution-report.js';

export function publishAttributionGauges(metrics: AttributionGaugeMetrics, monitor: string, window: string, e: AttributionWindowEvaluation, baselineFeatures: ReadonlyMap<string, ReadonlySet<string>>): void {
  for (const [label, features] of baselineFeatures) {
    const live = e.global.get(label);
    // only the baseline's features: the label stays bounded whatever the model returns
    for (const f of features) {
      const v = live?.get(f);
      if (v !== undefined) metrics.featureAttribution.labels(monitor, label, f, window).set(v);
    }
  }
  for (const s of e.drift.scores) metrics.attributionNdcg.labels(monitor, s.label, window).set(s.ndcg);
  metrics.attributionViolations.labels(monitor, window).set(e.drift.violations.length);
}
