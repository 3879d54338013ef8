import { describe, expect, it } from 'vitest';
import { ComparisonOperator, type ModelQualityConstraints } from '../../sagemaker/model-quality-model.js';
import { ProblemType } from '../../sagemaker/problem-type.js';
import { ModelQualityAccumulator } from './accumulator.js';
import { evaluateModelQualityWindow } from './evaluation.js';

const CONSTRAINTS: ModelQualityConstraints = {
  problemType: ProblemType.BINARY_CLASSIFICATION,
  constraints: { accuracy: { threshold: 0.9, comparisonOperator: ComparisonOperator.LESS_THAN } },
};

function window(rows: [predicted: number, actual: number][]): ModelQualityAccumulator {
  const acc = new ModelQualityAccumulator(ProblemType.BINARY_CLASSIFICATION);
  rows.forEach(([predicted, actual], i) => expect(acc.add({ sampleKey: `id-${i}`, predicted, actual })).toBeUndefined());
  return acc;
}

describe('evaluateModelQualityWindow', () => {
  const rows: [number, number][] = [[1, 1], [0, 0], [1, 0], [0, 1]];

  it('computes the statistics at the evaluation time and judges them against the constraints', () => {
    const e = evaluateModelQualityWindow(window(rows), CONSTRAINTS, '2026-11-02T09:00:00.000Z');
    expect(e.itemCount).toBe(4);
    expect(e.statistics.evaluationTime).toBe('2026-11-02T09:00:00.000Z');
    expect(e.statistics.metrics['accuracy']?.value).toBe(0.5);
    expect(e.violations.map((v) => v.metricName)).toEqual(['accuracy']);
  });

  it('raises nothing without constraints, nor for a window without labelled rows', () => {
    expect(evaluateModelQualityWindow(window(rows), undefined, '2026-11-02T09:00:00.000Z').violations).toEqual([]);
    const empty = evaluateModelQualityWindow(window([]), CONSTRAINTS, '2026-11-02T09:00:00.000Z');
    expect([empty.itemCount, empty.violations]).toEqual([0, []]);
  });
});
