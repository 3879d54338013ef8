/**
 * The composition an attribution monitor with `explain` needs beyond the others: its RowExplainer —
 * the analysis_config.json (predictor, SHAP baseline) checked against the monitor's features, and
 * a model client with the monitor's timeout and retries — and its settings with the features in the
 * order the model takes them (the order of the captured inputs and of the φ it returns).
 */
import type { AttributionSettings } from '../config/attribution-config.js';
import type { RowExplainer } from '../baseline/row-explainer.js';
import type { ExplainabilityAnalysis } from '../sagemaker/explainability-analysis.js';

export async function attributionExplainer(
  monitor: string,
  attribution: AttributionSettings,
  baseline: ExplainabilityAnalysis,
  signal: AbortSignal | undefined,
): Promise<{ attribution: AttributionSettings; explainer?: RowExplainer }> {
  const explain = attribution.explain;
  if (explain === undefined) return { attribution };
  const [{ RowExplainer, loadRowExplainerSetup }, { featuresOf }, { baselineAttributions }] = await Promise.all([
    import('../baseline/row-explainer.js'),
    import('../monitors/attribution/attribution-monitor.js'),
    import('../monitors/attribution/attribution-report.js'),
  ]);
  const features = featuresOf(monitor, attribution, baselineAttributions(baseline));
  const setup = await loadRowExplainerSetup(explain.analysisConfigPath, features);
  return {
    attribution: { ...attribution, features: [...setup.features] },
    explainer: new RowExplainer(setup.config, setup.baseline, { timeoutMs: explain.timeoutMs, retries: explain.retries, ...(signal ? { signal } : {}) }),
  };
}
