/**
 * Golden model-quality baseline: the SDK's quality-check fixture. Its statistics.json was computed
 * with ground truth = column `Prediction` and predicted = column `Label` (the SDK integ test passes
 * them swapped; see shared/fixtures/sagemaker/SOURCES.md). We rebuild it from baseline_dataset.csv
 * through the built CLI and through the library. Tolerance: 1e-12 relative per metric (our sums are
 * compensated; the container's Spark sums are not, so last digits may differ);
 * standard_deviation must be "NaN" (100 rows < 200).
 * Then: bad_cases/constraints.json gives exactly one violation (mse), good_cases none.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModelQualityBaseline } from '../src/baseline/model-quality-baseline.js';
import { formatModelQualityConstraints, parseModelQualityConstraints, parseModelQualityStatistics } from '../src/sagemaker/model-quality-files.js';
import { evaluateModelQuality, suggestModelQualityConstraints } from '../src/evaluate/model-quality/constraints.js';
import type { ModelQualityStatistics } from '../src/sagemaker/model-quality-model.js';
import { runCli } from './support/cli.js';

const MQ = join(import.meta.dirname, 'fixtures', 'sagemaker', 'aws__sagemaker-python-sdk', 'tests', 'data', 'pipeline', 'quality_check_step', 'model_quality');
const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));
const golden = (): ModelQualityStatistics => parseModelQualityStatistics(readJson(join(MQ, 'statistics.json')));

function expectGolden(stats: ModelQualityStatistics): void {
  const g = golden();
  expect(stats.problemType).toBe('Regression');
  expect(stats.itemCount).toBe(g.itemCount);
  expect(Object.keys(stats.metrics)).toEqual(Object.keys(g.metrics));
  for (const [name, m] of Object.entries(g.metrics)) {
    const got = stats.metrics[name]!;
    expect(Math.abs(got.value - m.value), name).toBeLessThanOrEqual(1e-12 * Math.abs(m.value));
    expect(got.standardDeviation).toBeNaN();
  }
}

describe('golden regression baseline (SDK quality_check_step/model_quality)', () => {
  it('driftmon baseline model-quality reproduces statistics.json; its constraints match good_cases', async () => {
    const out = mkdtempSync(join(tmpdir(), 'driftmon-mq-'));
    const r = await runCli([
      'baseline', 'model-quality',
      '--input', join(MQ, 'baseline_dataset.csv'),
      '--output', out,
      '--problem-type', 'Regression',
      '--inference-attribute', 'Label',
      '--ground-truth-attribute', 'Prediction',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(join(out, 'statistics.json'), 'utf8');
    expect(text).toContain('"standard_deviation" : "NaN"');
    expectGolden(parseModelQualityStatistics(JSON.parse(text)));
    const constraints = parseModelQualityConstraints(readJson(join(out, 'constraints.json')));
    const good = parseModelQualityConstraints(readJson(join(MQ, 'good_cases', 'constraints.json')));
    expect(Object.keys(constraints.constraints)).toEqual(Object.keys(good.constraints));
    for (const [name, c] of Object.entries(good.constraints)) {
      expect(constraints.constraints[name]!.comparisonOperator).toBe(c.comparisonOperator);
      expect(Math.abs(constraints.constraints[name]!.threshold - c.threshold)).toBeLessThanOrEqual(1e-12 * Math.abs(c.threshold));
    }
  });

  it('the library gives the same statistics; suggesting from the golden statistics writes good_cases byte for byte', async () => {
    const b = await buildModelQualityBaseline({
      input: join(MQ, 'baseline_dataset.csv'),
      problemType: 'Regression',
      inferenceAttribute: 'Label',
      groundTruthAttribute: 'Prediction',
    });
    expectGolden(b.statistics);
    expect(b.rows).toBe(100);
    expect(b.rejected).toEqual({});
    expect(formatModelQualityConstraints(suggestModelQualityConstraints(golden()))).toBe(
      readFileSync(join(MQ, 'good_cases', 'constraints.json'), 'utf8'),
    );
  });

  it('bad_cases/constraints.json gives exactly one violation, on mse; good_cases none', () => {
    const bad = evaluateModelQuality(golden(), parseModelQualityConstraints(readJson(join(MQ, 'bad_cases', 'constraints.json'))));
    expect(bad).toEqual([
      {
        metricName: 'mse',
        constraintCheckType: 'GreaterThanThreshold',
        description: 'Metric mse with 0.33364933609800973 was GreaterThanThreshold 0.03364933609800973',
      },
    ]);
    expect(evaluateModelQuality(golden(), parseModelQualityConstraints(readJson(join(MQ, 'good_cases', 'constraints.json'))))).toEqual([]);
  });

  it('a missing attribute exits 2 naming it; a missing input exits 3', async () => {
    const out = mkdtempSync(join(tmpdir(), 'driftmon-mq-'));
    const base = ['baseline', 'model-quality', '--output', out, '--problem-type', 'Regression', '--ground-truth-attribute', 'Prediction'];
    const r = await runCli([...base, '--input', join(MQ, 'baseline_dataset.csv'), '--inference-attribute', 'Nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"Nope" names no column');
    const m = await runCli([...base, '--input', '/nonexistent.csv', '--inference-attribute', 'Label']);
    expect(m.code).toBe(3);
  });
});
