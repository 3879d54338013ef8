import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTION_DEFAULTS, type AttributionSettings } from '../../config/attribution-config.js';
import { attributionNdcg } from '../../evaluate/attribution/ndcg.js';
import { createAttributionMetrics } from '../../observability/attribution-metrics.js';
import { AttributionProfile } from '../../profile/attribution-profile.js';
import type { ExplainabilityAnalysis } from '../../sagemaker/explainability-analysis.js';
import { quantileSketchFactory } from '../../sketch/quantile-factory.js';
import type { WindowState } from '../../window/window-store.js';
import { publishAttributionGauges } from './attribution-gauges.js';
import { baselineAttributions, buildAttributionReport, evaluateAttributionWindow } from './attribution-report.js';

const FEATURES = ['a', 'b', 'c'];
const BASELINE: ExplainabilityAnalysis = { version: '1.0', kernelShap: [{ label: 'label0', globalShapValues: [['a', 0.6], ['b', 0.3], ['c', 0.1]], expectedValue: 0.4 }] };
const settings = (over: Partial<AttributionSettings> = {}): AttributionSettings => ({ baselinePath: 'analysis.json', labels: [{ label: 'label0', path: 'shap' }], features: undefined, aggMethod: ATTRIBUTION_DEFAULTS.aggMethod, threshold: ATTRIBUTION_DEFAULTS.threshold, minRows: ATTRIBUTION_DEFAULTS.minRows, ...over });

function window(rows: number[][]): WindowState<AttributionProfile> {
  const profile = new AttributionProfile(quantileSketchFactory('kll'));
  for (const r of rows) profile.add('label0', FEATURES, r);
  return { sizeMs: 3_600_000, startMs: 0, endMs: 3_600_000, rows: rows.length, weight: rows.length, profile };
}

describe('attribution window report', () => {
  const base = baselineAttributions(BASELINE);

  it('reports the nDCG of the mean |φ| ranking, a violation under the threshold, and publishes the gauges', () => {
    const w = window([[0.1, -0.2, 0.9], [-0.1, 0.4, 0.7]]);
    const e = evaluateAttributionWindow(w.profile, w.profile.rowCount, base, settings());
    const expected = attributionNdcg(new Map([['a', 0.6], ['b', 0.3], ['c', 0.1]]), new Map([['a', 0.1], ['b', 0.3], ['c', 0.8]]));
    expect(e.drift.scores[0]?.ndcg).toBeCloseTo(expected, 12);
    expect(e.drift.violations).toHaveLength(1);
    const report = buildAttributionReport('m', w, e, BASELINE, settings(), { window: '1h', nowMs: 0 });
    expect(report.kind).toBe('feature-attribution');
    expect(report.itemCount).toBe(2);
    expect(report.violationCount).toBe(1);
    expect(report.files.map((f) => f.name)).toEqual(['analysis.json', 'constraint_violations.json']);
    const registry = new Registry();
    const gauges = createAttributionMetrics(registry);
    publishAttributionGauges(gauges, 'm', '1h', e, new Map([['label0', new Set(FEATURES)]]));
    return registry.metrics().then((text) => {
      expect(text).toContain('driftmon_feature_attribution{monitor="m",label="label0",feature="c",window="1h"} 0.8');
      expect(text).toMatch(/driftmon_feature_attribution_ndcg\{monitor="m",label="label0",window="1h"\} 0\.\d+/);
      expect(text).toContain('driftmon_feature_attribution_drift_violations{monitor="m",window="1h"} 1');
    });
  });

  it('a window with fewer rows than minRows, or none, is not evaluated, with the reason', () => {
    const few = window([[0.1, 0.2, 0.9]]);
    const e = evaluateAttributionWindow(few.profile, few.profile.rowCount, base, settings({ minRows: 5 }));
    expect(e.drift).toEqual({ violations: [], scores: [], notEvaluated: [{ label: 'label0', reason: '1 explained row(s), fewer than minRows 5' }] });
    const none = window([]);
    const empty = evaluateAttributionWindow(none.profile, 0, base, settings());
    expect(empty.drift.notEvaluated).toEqual([{ label: 'label0', reason: 'no attributions in this window' }]);
    const report = buildAttributionReport('m', none, empty, BASELINE, settings(), { window: '1h', nowMs: 0 });
    expect(report.violationCount).toBe(0);
    expect(JSON.parse(report.files[0]?.body ?? '')).toEqual({ version: '1.0', explanations: { kernel_shap: {} } });
  });
});
