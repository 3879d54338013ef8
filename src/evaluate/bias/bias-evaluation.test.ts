import { describe, expect, it } from 'vitest';
import { parseAnalysisConfig } from '../../sagemaker/analysis-config.js';
import { BiasAccumulator } from './bias-accumulator.js';
import { evaluateBiasWindow } from './bias-evaluation.js';
import { ColumnKind, PredictionSource, resolveBiasSpec } from './bias-spec.js';

const SPEC = resolveBiasSpec(parseAnalysisConfig({ label: 'y', label_values_or_threshold: [1], facet: [{ name_or_index: 'k', value_or_threshold: [0] }] }), {
  labelKind: ColumnKind.CATEGORICAL,
  facetKinds: {},
  predictions: PredictionSource.LABEL,
});

function window(rows: [k: number, label: number, predicted: number][]): BiasAccumulator {
  const acc = new BiasAccumulator(SPEC);
  for (const [k, label, predicted] of rows) expect(acc.add({ label, predictedLabel: predicted, facets: { k }, group: undefined })).toBeUndefined();
  return acc;
}

describe('evaluateBiasWindow', () => {
  const fair: [number, number, number][] = [[0, 1, 1], [0, 0, 0], [1, 1, 1], [1, 0, 0]];
  const skewed: [number, number, number][] = [[0, 0, 0], [0, 0, 0], [0, 1, 1], [1, 1, 1], [1, 1, 1], [1, 0, 1]];

  it('judges the window analysis against the baseline analysis (bias_drift_check)', () => {
    const baseline = evaluateBiasWindow(window(fair), undefined).analysis;
    const e = evaluateBiasWindow(window(skewed), baseline);
    expect(e.rows).toBe(6);
    expect(e.drift?.checked).toBeGreaterThan(0);
    expect(e.drift?.violations.map((v) => v.metricName)).toContain('DPL');
  });

  it('checks nothing without a baseline, nor for a window without rows', () => {
    const baseline = evaluateBiasWindow(window(fair), undefined).analysis;
    expect(evaluateBiasWindow(window(skewed), undefined).drift).toBeUndefined();
    const empty = evaluateBiasWindow(window([]), baseline);
    expect([empty.rows, empty.drift]).toEqual([0, undefined]);
  });
});
