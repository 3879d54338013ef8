/**
 * Publishes a window's bias to the Prometheus gauges: driftmon_bias_metric_<CODE> per stage, facet
 * and facet value, and the violation count (values only; nothing computed here).
 */
import type { BiasEvaluation } from '../../evaluate/bias/bias-evaluation.js';
import type { BiasStageAnalysis } from '../../sagemaker/analysis-json.js';
import { BIAS_GAUGE_CODES, type BiasGaugeCode, type BiasGaugeMetrics } from '../../observability/component-metrics.js';
import type { WindowContext } from './label-evaluator.js';

const STAGES = [
  ['Pre-training', 'preTraining'],
  ['Post-training', 'postTraining'],
] as const;

export function publishBiasGauges(metrics: BiasGaugeMetrics, w: WindowContext, evaluation: BiasEvaluation): void {
  for (const [stage, key] of STAGES) publishStage(metrics, w, stage, evaluation.analysis[key]);
  metrics.biasViolations.labels(w.monitor, w.window, w.state).set(evaluation.drift?.violations.length ?? 0);
}

/** "(0.5, 0.99]" (a continuous facet: the window's own maximum) → "(0.5, max]", one series per facet. */
export function gaugeFacetValue(valueOrThreshold: string): string {
  const m = /^\((.*), .*\]$/.exec(valueOrThreshold);
  return m === null ? valueOrThreshold : `(${m[1]}, max]`;
}

function publishStage(metrics: BiasGaugeMetrics, w: WindowContext, stage: string, s: BiasStageAnalysis | undefined): void {
  if (s === undefined) return;
  for (const facet of s.facets) {
    for (const v of facet.values) {
      for (const m of v.metrics) {
        if (m.value === null || !(BIAS_GAUGE_CODES as readonly string[]).includes(m.name)) continue;
        metrics.bias[m.name as BiasGaugeCode].labels(w.monitor, w.window, w.state, stage, facet.name, gaugeFacetValue(v.valueOrThreshold)).set(m.value);
      }
    }
  }
}
