import { describe, expect, it } from 'vitest';
import { evaluateModelQuality, suggestModelQualityConstraints, violates } from './constraints.js';
import { ComparisonOperator, type ModelQualityStatistics } from '../../sagemaker/model-quality-model.js';

const stats: ModelQualityStatistics = {
  problemType: 'BinaryClassification',
  metrics: {
    accuracy: { value: 0.8, standardDeviation: NaN },
    false_positive_rate: { value: 0.1, standardDeviation: NaN },
    auc: { value: NaN, standardDeviation: NaN },
    f1_best_constant_classifier: { value: 0.4, standardDeviation: NaN },
  },
};

describe('model-quality constraints', () => {
  it('a violation is raised when value <operator> threshold holds', () => {
    expect(violates(2, ComparisonOperator.GREATER_THAN, 1)).toBe(true);
    expect(violates(1, ComparisonOperator.GREATER_THAN, 1)).toBe(false);
    expect(violates(1, ComparisonOperator.GREATER_THAN_OR_EQUAL, 1)).toBe(true);
    expect(violates(0, ComparisonOperator.LESS_THAN, 1)).toBe(true);
    expect(violates(1, ComparisonOperator.LESS_THAN, 1)).toBe(false);
    expect(violates(1, ComparisonOperator.LESS_THAN_OR_EQUAL, 1)).toBe(true);
  });

  it('NaN values and metrics the statistics lack raise nothing; problem types must agree', () => {
    const v = evaluateModelQuality(stats, {
      problemType: 'BinaryClassification',
      constraints: {
        accuracy: { threshold: 0.9, comparisonOperator: 'LessThanThreshold' },
        auc: { threshold: 0.9, comparisonOperator: 'LessThanThreshold' },
        recall: { threshold: 0.9, comparisonOperator: 'LessThanThreshold' },
        false_positive_rate: { threshold: 0.1, comparisonOperator: 'GreaterThanOrEqualToThreshold' },
      },
    });
    expect(v.map((x) => [x.metricName, x.constraintCheckType, x.description])).toEqual([
      ['accuracy', 'LessThanThreshold', 'Metric accuracy with 0.8 was LessThanThreshold 0.9'],
      ['false_positive_rate', 'GreaterThanOrEqualToThreshold', 'Metric false_positive_rate with 0.1 was GreaterThanOrEqualToThreshold 0.1'],
    ]);
    expect(() => evaluateModelQuality(stats, { problemType: 'Regression', constraints: {} })).toThrow(/Regression/);
  });

  it('suggests value thresholds: errors GreaterThan, scores LessThan, no best-constant or NaN metrics', () => {
    expect(suggestModelQualityConstraints(stats)).toEqual({
      problemType: 'BinaryClassification',
      constraints: {
        accuracy: { threshold: 0.8, comparisonOperator: 'LessThanThreshold' },
        false_positive_rate: { threshold: 0.1, comparisonOperator: 'GreaterThanThreshold' },
      },
    });
  });
});
