/**
 * The composition an attribution monitor with `explain` needs beyond the others: its RowExplainer —
 * the analysis_config.json (predictor, SHAP baseline) checked against the monitor's features, and
 * a model client with the monitor's timeout and retries.
 */
import type { AttributionSettings } from '../config/attribution-config.js';
import type { RowExplainer } from '../baseline/row-explainer.js';
import type { ExplainabilityAnalysis } from '../sagemaker/explainability-analysis.js';

export async function attributionExplainer(monitor: string, attribution: AttributionSettings, baseline: ExplainabilityAnalysis, signal: AbortSignal | undefined): Promise<{ explainer?: RowExplainer }> {
  const explain = attribution.explain;
  if (explain === undefined) return {};
  const [{ RowExplainer, loadRowExplainerSetup }, { featuresOf }, { baselineAttributions }] = await Promise.all([
    import('../baseline/row-explainer.js'),
    import('../monitors/attribution/attribution-monitor.js'),
    import('../monitors/attribution/attribution-report.js'),
  ]);
  const features = featuresOf(monitor, attribution, baselineAttributions(baseline));
  const { config, baseline: rows } = await loadRowExplainerSetup(explain.analysisConfigPath, features);
  return { explainer: new RowExplainer(config, rows, { timeoutMs: explain.timeoutMs, retries: explain.retries, ...(signal ? { signal } : {}) }) };
}
