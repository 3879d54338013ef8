/** analysis.json: every AWS fixture parses and formats back with no metric lost; Clarify's layout. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { formatBiasAnalysis, parseBiasAnalysisText, type BiasAnalysis } from './analysis-json.js';
import { pythonFloat } from './python-json.js';

const FIX = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'sagemaker');
const FILES = [
  'aws__sagemaker-python-sdk/tests/data/pipeline/clarify_check_step/data_bias/good_cases/analysis.json',
  'aws__sagemaker-python-sdk/tests/data/pipeline/clarify_check_step/data_bias/bad_cases/analysis.json',
  'aws__sagemaker-python-sdk/tests/data/model_card/evaluation_metrics/clarify_bias.json',
  'aws__amazon-sagemaker-examples/end_to_end/fraud_detection/clarify_output/bias_1/analysis.json',
  'aws__amazon-sagemaker-examples/end_to_end/fraud_detection/clarify_output/bias_2/analysis.json',
];

/** (stage, facet, value, metric) → [value, error, description] straight from the raw JSON. */
function rawMetrics(json: Record<string, unknown>): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const stage of ['pre_training_bias_metrics', 'post_training_bias_metrics']) {
    const s = json[stage] as { facets: Record<string, { value_or_threshold: string; metrics: Record<string, unknown>[] }[]> } | undefined;
    for (const [facet, values] of Object.entries(s?.facets ?? {})) {
      for (const v of values) {
        for (const m of v.metrics) {
          const value = m['value'] === 'Infinity' ? Infinity : m['value'] === '-Infinity' ? -Infinity : m['value'];
          out.set([stage, facet, v.value_or_threshold, m['name']].join('|'), [value, m['error'], m['description']]);
        }
      }
    }
  }
  return out;
}

function modelMetrics(a: BiasAnalysis): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const [stage, s] of [['pre_training_bias_metrics', a.preTraining], ['post_training_bias_metrics', a.postTraining]] as const) {
    for (const f of s?.facets ?? []) {
      for (const v of f.values) for (const m of v.metrics) out.set([stage, f.name, v.valueOrThreshold, m.name].join('|'), [m.value, m.error, m.description]);
    }
  }
  return out;
}

describe('analysis.json fixtures', () => {
  for (const file of FILES) {
    it(`${file.split('/').slice(-3).join('/')}: parse → format → parse keeps every metric`, () => {
      const text = readFileSync(join(FIX, file), 'utf8');
      const parsed = parseBiasAnalysisText(text, file);
      const raw = rawMetrics(JSON.parse(text) as Record<string, unknown>);
      expect(raw.size).toBeGreaterThan(0);
      expect(modelMetrics(parsed)).toEqual(raw);
      const again = parseBiasAnalysisText(formatBiasAnalysis(parsed));
      expect(again).toEqual(parsed);
    });
  }

  it('keeps null values with their errors (fraud_detection bias_1 CDDL/CDDPL)', () => {
    const a = parseBiasAnalysisText(readFileSync(join(FIX, FILES[3]!), 'utf8'));
    const cddl = a.preTraining?.facets[0]?.values[0]?.metrics[0];
    expect(cddl).toEqual({ name: 'CDDL', description: 'Conditional Demographic Disparity in Labels (CDDL)', value: null, error: 'Group variable is empty or not provided' });
    expect(a.postTraining?.labelValueOrThreshold).toBe('0');
  });

  it('formatting the parsed golden good_cases gives the file byte for byte (Clarify’s layout)', () => {
    const text = readFileSync(join(FIX, FILES[0]!), 'utf8');
    const out = formatBiasAnalysis(parseBiasAnalysisText(text));
    expect(out).toBe(text);
  });

  it('±Infinity are written as the strings Clarify writes, NaN as "NaN", and read back', () => {
    const a: BiasAnalysis = {
      version: '1.0',
      postTraining: {
        label: 'y',
        labelValueOrThreshold: '1',
        facets: [{ name: '0', values: [{ valueOrThreshold: 'é', metrics: [
          { name: 'TE', description: 'Treatment Equality (TE)', value: Infinity },
          { name: 'DCR', description: 'Difference in Conditional Rejection (DCR)', value: -Infinity },
          { name: 'AD', description: 'Accuracy Difference (AD)', value: Number.NaN },
        ] }] }],
      },
    };
    const text = formatBiasAnalysis(a);
    expect(text).toContain('"value": "Infinity"');
    expect(text).toContain('"value": "-Infinity"');
    expect(text).toContain('"value_or_threshold": "\\u00e9"');
    expect(parseBiasAnalysisText(text)).toEqual(a);
  });

  it('lists every problem of a malformed file (BASELINE_INVALID)', () => {
    const bad = { pre_training_bias_metrics: { facets: { F: [{ metrics: [{ value: 'x' }, 3] }] } } };
    try {
      parseBiasAnalysisText(JSON.stringify(bad), 'bad.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: ErrorCode.BASELINE_INVALID });
      const details = (e as { details: string[] }).details.join('\n');
      for (const s of ['.label:', '.label_value_or_threshold:', 'value_or_threshold: missing', 'metrics[0].name', 'metrics[0].value', 'metrics[1]']) expect(details).toContain(s);
    }
  });
});

describe('pythonFloat (Python repr)', () => {
  it.each([
    [0.5, '0.5'], [1, '1.0'], [-0.08, '-0.08'], [1e-5, '1e-05'], [1.5e-7, '1.5e-07'], [0.0001, '0.0001'],
    [1e16, '1e+16'], [1.2345e21, '1.2345e+21'], [123456789012345.6, '123456789012345.6'], [0, '0.0'], [-72, '-72.0'],
    [7.906602254496e-6, '7.906602254496e-06'], [Infinity, 'Infinity'],
  ])('%s → %s', (x, s) => expect(pythonFloat(x)).toBe(s));
});
