import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { ModelQualityAccumulator } from '../../evaluate/model-quality/accumulator.js';
import { evaluateModelQualityWindow } from '../../evaluate/model-quality/evaluation.js';
import { createLabelMetrics } from '../../observability/metrics.js';
import { ComparisonOperator, type ModelQualityConstraints } from '../../sagemaker/model-quality-model.js';
import { ProblemType } from '../../sagemaker/problem-type.js';
import type { WindowContext } from './label-evaluator.js';
import { publishModelQualityGauges } from './model-quality-gauges.js';
import { buildModelQualityReport } from './model-quality-report.js';

const CONSTRAINTS: ModelQualityConstraints = {
  problemType: ProblemType.BINARY_CLASSIFICATION,
  constraints: { accuracy: { threshold: 0.9, comparisonOperator: ComparisonOperator.LESS_THAN } },
};
const W: WindowContext = { monitor: 'm', window: '1h', startMs: 0, endMs: 3_600_000, nowMs: 3_600_000, state: 'final' };

function evaluation(constraints: ModelQualityConstraints | undefined) {
  const acc = new ModelQualityAccumulator(ProblemType.BINARY_CLASSIFICATION);
  // one class only: auc is NaN (prom-client prints it as Nan)
  acc.add({ sampleKey: 'a', predicted: 1, score: 0.9, actual: 1 });
  acc.add({ sampleKey: 'b', predicted: 0, score: 0.2, actual: 1 });
  return evaluateModelQualityWindow(acc, constraints, new Date(W.nowMs).toISOString());
}

describe('model-quality report and gauges', () => {
  it('writes constraints.json only with constraints, and non-finite metrics as text in the summary', () => {
    const without = buildModelQualityReport(ProblemType.BINARY_CLASSIFICATION, undefined, evaluation(undefined));
    expect(without.files.map((f) => f.name)).toEqual(['statistics.json', 'constraint_violations.json']);
    const part = buildModelQualityReport(ProblemType.BINARY_CLASSIFICATION, CONSTRAINTS, evaluation(CONSTRAINTS));
    expect(part.files.map((f) => f.name)).toEqual(['statistics.json', 'constraints.json', 'constraint_violations.json']);
    expect([part.itemCount, part.violationCount]).toEqual([2, 1]);
    const metrics = part.summary.metrics as Record<string, number | string>;
    expect([metrics['accuracy'], metrics['auc']]).toEqual([0.5, 'NaN']);
    expect(part.summary.violations).toEqual(['accuracy']);
  });

  it('publishes every metric (NaN too) and the violation count', async () => {
    const registry = new Registry();
    publishModelQualityGauges(createLabelMetrics(registry), W, evaluation(CONSTRAINTS));
    const text = await registry.metrics();
    expect(text).toContain('driftmon_model_metric{monitor="m",window="1h",state="final",metric="accuracy"} 0.5');
    expect(text).toContain('driftmon_model_metric{monitor="m",window="1h",state="final",metric="auc"} Nan');
    expect(text).toContain('driftmon_model_quality_violations{monitor="m",window="1h",state="final"} 1');
  });
});
