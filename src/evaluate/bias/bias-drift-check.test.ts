/** bias_drift_check rules: |current| > |baseline|, DI by |ln DI|, null / NaN / Infinity handling. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBiasAnalysisText, type BiasAnalysis } from '../../sagemaker/analysis-json.js';
import { formatBiasViolations } from '../../sagemaker/bias-violations-file.js';
import { biasSeverity, checkBiasDrift } from './bias-drift-check.js';

const FRAUD = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'sagemaker', 'aws__amazon-sagemaker-examples', 'end_to_end', 'fraud_detection', 'clarify_output');
const load = (name: string): BiasAnalysis => parseBiasAnalysisText(readFileSync(join(FRAUD, name, 'analysis.json'), 'utf8'));

function analysis(metrics: Record<string, number | null>, facetValue = '1'): BiasAnalysis {
  return {
    version: '1.0',
    postTraining: {
      label: 'y',
      labelValueOrThreshold: '1',
      facets: [{ name: 'sex', values: [{ valueOrThreshold: facetValue, metrics: Object.entries(metrics).map(([name, value]) => ({ name, description: name, value })) }] }],
    },
  };
}

describe('checkBiasDrift', () => {
  it('the documented example: baseline DPPL 0.2 → 0.1 passes, −0.3 violates', () => {
    expect(checkBiasDrift(analysis({ DPPL: 0.1 }), analysis({ DPPL: 0.2 })).violations).toEqual([]);
    expect(checkBiasDrift(analysis({ DPPL: -0.3 }), analysis({ DPPL: 0.2 })).violations).toEqual([
      { facet: 'sex', facetValue: '1', metricName: 'DPPL', constraintCheckType: 'bias_drift_check', description: "Metric value -0.3 doesn't meet the baseline constraint requirement 0.2" },
    ]);
  });

  it('Infinity: a current Infinity violates a finite baseline; an Infinity baseline is never exceeded', () => {
    expect(checkBiasDrift(analysis({ TE: Infinity }), analysis({ TE: 2.9167 })).violations[0]?.description).toBe(
      "Metric value Infinity doesn't meet the baseline constraint requirement 2.9167",
    );
    expect(checkBiasDrift(analysis({ TE: -Infinity }), analysis({ TE: Infinity })).violations).toEqual([]);
  });

  it('DI is judged by |ln DI| (parity is 1): 0.9 vs 0.8 passes, 2 vs 0.8 violates, 0.5 vs 2 ties (no violation)', () => {
    expect(checkBiasDrift(analysis({ DI: 0.9 }), analysis({ DI: 0.8 })).violations).toEqual([]);
    expect(checkBiasDrift(analysis({ DI: 2 }), analysis({ DI: 0.8 })).violations).toHaveLength(1);
    expect(checkBiasDrift(analysis({ DI: 0.5 }), analysis({ DI: 2 })).violations).toEqual([]);
    expect(checkBiasDrift(analysis({ DI: 0 }), analysis({ DI: 0.5 })).violations).toHaveLength(1);
    expect(biasSeverity('DI', 1)).toBe(0);
  });

  it('null or NaN baseline sets no requirement; null / NaN / absent current values are not evaluated', () => {
    const r = checkBiasDrift(analysis({ CDDPL: 0.9, AD: null, TE: Number.NaN }), analysis({ CDDPL: null, AD: 0.1, TE: 0.1, GE: 0.2 }));
    expect(r.violations).toEqual([]);
    expect(r.checked).toBe(0);
    expect(r.notEvaluated.map((n) => n.metricName)).toEqual(['AD', 'TE', 'GE']);
  });

  it('continuous facets match by name although the interval max differs', () => {
    const r = checkBiasDrift(analysis({ DPPL: 0.5 }, '(0.5, 0.97]'), analysis({ DPPL: 0.2 }, '(0.5, 0.99]'));
    expect(r.violations.map((v) => [v.facetValue, v.metricName])).toEqual([['(0.5, 0.99]', 'DPPL']]);
  });

  it('fraud_detection bias_2 (after mitigation) against bias_1: exactly the metrics farther from 0', () => {
    const bias1 = load('bias_1');
    const bias2 = load('bias_2');
    const r = checkBiasDrift(bias2, bias1);
    // expected from the rule applied to the two files by hand: |bias_2| > |bias_1|
    const expected: string[] = [];
    for (const [stage1, stage2] of [[bias1.preTraining, bias2.preTraining], [bias1.postTraining, bias2.postTraining]]) {
      for (const m of stage1?.facets[0]?.values[0]?.metrics ?? []) {
        const c = stage2?.facets[0]?.values[0]?.metrics.find((x) => x.name === m.name);
        if (m.value === null || c?.value == null) continue;
        const far = m.name === 'DI' ? Math.abs(Math.log(c.value)) > Math.abs(Math.log(m.value)) : Math.abs(c.value) > Math.abs(m.value);
        if (far) expected.push(m.name);
      }
    }
    expect(r.violations.map((v) => v.metricName)).toEqual(expected);
    expect(expected).toEqual(['DPL', 'JS', 'KL', 'KS', 'LP', 'TVD', 'AD', 'DAR', 'DCA', 'DCR', 'FT']);
    expect(r.notEvaluated.map((n) => n.metricName)).toEqual([]);
  });

  it('violations file layout', () => {
    const text = formatBiasViolations(checkBiasDrift(analysis({ DPPL: -0.3 }), analysis({ DPPL: 0.2 })).violations);
    expect(JSON.parse(text)).toEqual({
      version: '1.0',
      violations: [{ facet: 'sex', facet_value: '1', metric_name: 'DPPL', constraint_check_type: 'bias_drift_check', description: "Metric value -0.3 doesn't meet the baseline constraint requirement 0.2" }],
    });
    expect(formatBiasViolations([])).toBe('{\n    "version": "1.0",\n    "violations": []\n}');
  });
});
