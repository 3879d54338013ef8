/**
 * Golden: Clarify's pre-training bias analysis.json of the SDK's clarify_check_step dataset,
 * reproduced from dataset.csv (library and built CLI), and bias_drift_check on the good/bad
 * analysis pair. The config is the SDK integration test's: headers Label,F1..F4, label positive
 * value 1, facet F1 threshold 0.5, group variable F2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBiasBaseline, loadBiasAnalysisFile } from '../src/baseline/bias-baseline.js';
import { parseAnalysisConfig } from '../src/sagemaker/analysis-config.js';
import { parseBiasAnalysisText, type BiasAnalysis, type BiasStageAnalysis } from '../src/sagemaker/analysis-json.js';
import { checkBiasDrift } from '../src/evaluate/bias/bias-drift-check.js';
import { runCli } from './support/cli.js';

const STEP = join(import.meta.dirname, 'fixtures', 'sagemaker', 'aws__sagemaker-python-sdk', 'tests', 'data', 'pipeline', 'clarify_check_step');
const DATASET = join(STEP, 'dataset.csv');
const GOOD = join(STEP, 'data_bias', 'good_cases', 'analysis.json');
const BAD = join(STEP, 'data_bias', 'bad_cases', 'analysis.json');
const TOLERANCE = 1e-9;

const CONFIG = {
  dataset_type: 'text/csv',
  headers: ['Label', 'F1', 'F2', 'F3', 'F4'],
  label: 'Label',
  label_values_or_threshold: [1],
  facet: [{ name_or_index: 'F1', value_or_threshold: [0.5] }],
  group_variable: 'F2',
  methods: { pre_training_bias: { methods: 'all' } },
};

/** Same structure and strings; every metric value within TOLERANCE (nulls and errors equal). */
function expectSameStage(actual: BiasStageAnalysis | undefined, expected: BiasStageAnalysis | undefined): void {
  expect(actual).toBeDefined();
  expect(expected).toBeDefined();
  const a = actual as BiasStageAnalysis;
  const e = expected as BiasStageAnalysis;
  expect(a.label).toBe(e.label);
  expect(a.labelValueOrThreshold).toBe(e.labelValueOrThreshold);
  expect(a.facets.map((f) => f.name)).toEqual(e.facets.map((f) => f.name));
  a.facets.forEach((f, i) => {
    const ef = e.facets[i]!;
    expect(f.values.map((v) => v.valueOrThreshold)).toEqual(ef.values.map((v) => v.valueOrThreshold));
    f.values.forEach((v, j) => {
      const ev = ef.values[j]!;
      expect(v.metrics.map((m) => [m.name, m.description, m.error])).toEqual(ev.metrics.map((m) => [m.name, m.description, m.error]));
      v.metrics.forEach((m, k) => {
        const em = ev.metrics[k]!;
        if (em.value === null) expect(m.value).toBeNull();
        else expect(Math.abs((m.value as number) - em.value), `${m.name}: ${m.value} vs ${em.value}`).toBeLessThanOrEqual(TOLERANCE);
      });
    });
  });
}

function expectSameAnalysis(actual: BiasAnalysis, expected: BiasAnalysis): void {
  expect(actual.version).toBe(expected.version);
  expectSameStage(actual.preTraining, expected.preTraining);
  expect(actual.postTraining).toBeUndefined();
}

describe('golden pre-training analysis.json (clarify_check_step)', () => {
  it('the library reproduces every metric within 1e-9, with the facet interval string', async () => {
    const expected = await loadBiasAnalysisFile(GOOD);
    const result = await buildBiasBaseline({ input: DATASET, config: parseAnalysisConfig(CONFIG) });
    expect(result.rows).toBe(100);
    expect(result.analysis.preTraining?.facets[0]?.values[0]?.valueOrThreshold).toBe('(0.5, 0.9936148802477393]');
    expectSameAnalysis(result.analysis, expected);
  });

  it('the built CLI writes the same analysis.json (driftmon baseline bias)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-bias-'));
    const configFile = join(dir, 'analysis_config.json');
    writeFileSync(configFile, JSON.stringify(CONFIG));
    const out = join(dir, 'out');
    const r = await runCli(['baseline', 'bias', '--input', DATASET, '--analysis-config', configFile, '--output', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const written = parseBiasAnalysisText(readFileSync(join(out, 'analysis.json'), 'utf8'));
    expectSameAnalysis(written, await loadBiasAnalysisFile(GOOD));
  });

  it('the CLI lists every problem of a bad analysis_config.json (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-bias-'));
    const configFile = join(dir, 'analysis_config.json');
    writeFileSync(configFile, JSON.stringify({ label: 'Label', facet: [{ value_or_threshold: [] }], methods: { pre_training_bias: { methods: ['CI', 'XX'] } } }));
    const r = await runCli(['baseline', 'bias', '--input', DATASET, '--analysis-config', configFile, '--output', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('label_values_or_threshold');
    expect(r.stderr).toContain('name_or_index');
    expect(r.stderr).toContain('value_or_threshold');
    expect(r.stderr).toContain('"XX"');
  });
});

describe('bias_drift_check on the golden pair', () => {
  it('good_cases against itself: no violation, all 8 metrics checked', async () => {
    const good = await loadBiasAnalysisFile(GOOD);
    const r = checkBiasDrift(good, good);
    expect(r.violations).toEqual([]);
    expect(r.checked).toBe(8);
  });

  it('bad_cases KS (7.9e-6) as the baseline, good_cases KS (0.0153) current: one KS violation', async () => {
    const good = await loadBiasAnalysisFile(GOOD);
    const bad = await loadBiasAnalysisFile(BAD);
    const r = checkBiasDrift(good, bad);
    expect(r.violations).toEqual([
      {
        facet: 'F1',
        facetValue: '(0.5, 0.9936148802477393]',
        metricName: 'KS',
        constraintCheckType: 'bias_drift_check',
        description: "Metric value 0.015297906602254496 doesn't meet the baseline constraint requirement 7.906602254496e-06",
      },
    ]);
  });

  it('good_cases as the baseline, bad_cases current: |KS| shrank, so no violation', async () => {
    const good = await loadBiasAnalysisFile(GOOD);
    const bad = await loadBiasAnalysisFile(BAD);
    expect(checkBiasDrift(bad, good).violations).toEqual([]);
  });
});
