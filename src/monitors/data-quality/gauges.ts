/**
 * Publishes a closed window's evaluation to the Prometheus gauges (values only; nothing computed
 * here), the series set counted per window size (gauge-series.ts: a scaled-out member takes them
 * back when another member reported a newer window of that size).
 */
import { CHECK_TYPES, type DatasetStatistics } from '../../sagemaker/data-quality-model.js';
import type { DataQualityEvaluation } from '../../evaluate/data-quality.js';
import type { DataQualityGaugeMetrics } from '../../observability/component-metrics.js';
import { GaugeSeries } from '../../observability/gauge-series.js';
import type { GaugeMetric } from '../../observability/metric-shapes.js';

const setIfNumber = (g: { set(v: number): void }, v: number | null | undefined): void => {
  if (v !== null && v !== undefined && Number.isFinite(v)) g.set(v);
};

export function publishWindowGauges(
  metrics: DataQualityGaugeMetrics,
  monitor: string,
  window: string,
  statistics: DatasetStatistics,
  evaluation: DataQualityEvaluation,
  published: GaugeSeries = new GaugeSeries(),
): void {
  published.begin(window);
  const at = (gauge: GaugeMetric, ...rest: string[]): { set(value: number): void } => published.at(window, gauge, [monitor, window, ...rest]);
  const violated = new Map<string, Set<string>>();
  const byCheck = new Map<string, number>();
  for (const v of evaluation.violations) {
    byCheck.set(v.constraintCheckType, (byCheck.get(v.constraintCheckType) ?? 0) + 1);
    let s = violated.get(v.featureName);
    if (s === undefined) violated.set(v.featureName, (s = new Set()));
    s.add(v.constraintCheckType);
  }
  for (const check of CHECK_TYPES) at(metrics.violations, check).set(byCheck.get(check) ?? 0);

  const statsByName = new Map(statistics.features.map((f) => [f.name, f]));
  for (const f of evaluation.features) {
    if (!f.emitMetrics) continue;
    const feature = f.name;
    const checks = violated.get(feature);
    for (const check of CHECK_TYPES) at(metrics.featureViolation, feature, check).set(checks?.has(check) ? 1 : 0);
    if (f.drift !== null) {
      setIfNumber(at(metrics.featureBaselineDrift, feature), f.drift.distance);
      metrics.featureBaselineDriftThreshold.labels(monitor, feature).set(f.drift.threshold);
    }
    setIfNumber(at(metrics.featureNonNull, feature), f.completeness);
    const scores = f.metrics;
    setIfNumber(at(metrics.featureDriftScore, feature, 'psi'), scores.psi);
    setIfNumber(at(metrics.featureDriftScore, feature, 'jensen_shannon'), scores.jensenShannon);
    setIfNumber(at(metrics.featureDriftScore, feature, 'wasserstein_normalized'), scores.wassersteinNormalized);
    setIfNumber(at(metrics.featureDriftScore, feature, 'ks_p_value'), scores.ksPValue);
    const verdict = f.verdict;
    if (verdict !== null) {
      at(metrics.featureDriftDetected, feature).set(verdict.detected ? 1 : 0);
      for (const t of [verdict.distribution, verdict.missing]) if (t !== null) setIfNumber(at(metrics.featureDriftEffect, feature, t.effectName), t.effectSize);
    }
    const stats = statsByName.get(feature);
    const num = stats?.numerical;
    if (num !== undefined) {
      const data = (statistic: string, v: number): void => setIfNumber(at(metrics.featureData, feature, statistic), v);
      data('min', num.min);
      data('max', num.max);
      data('sum', num.sum);
      data('sample_count', num.numPresent);
      data('average', num.mean);
      data('std_dev', num.stdDev);
      data('non_finite_count', stats?.typeCounts?.nonFinite ?? 0);
    }
  }
}
