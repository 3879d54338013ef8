import { describe, expect, it } from 'vitest';
import type { BiasGaugeMetrics } from '../../observability/component-metrics.js';
import { parseAnalysisConfig } from '../../sagemaker/analysis-config.js';
import { BiasEvaluator } from './bias-evaluator.js';

describe('BiasEvaluator', () => {
  it('reads the values of a facet named __proto__ (not Object.prototype)', () => {
    const config = parseAnalysisConfig({ label: 'y', label_values_or_threshold: [1], facet: [{ name_or_index: '__proto__', value_or_threshold: ['a'] }] });
    const evaluator = new BiasEvaluator(config, undefined, { inferenceAttribute: 'p', probabilityAttribute: undefined }, {} as BiasGaugeMetrics);
    const acc = evaluator.create();
    for (let i = 0; i < 40; i++) {
      const reason = evaluator.add(acc, {
        id: `r${i}`,
        label: i % 2,
        prediction: { inferenceTimeMs: 0, predicted: i % 3 === 0 ? 1 : 0, score: undefined, facets: [i % 4 === 0 ? 'a' : 'b'], group: undefined },
      });
      expect(reason).toBeUndefined();
    }
    const facet = acc.toAnalysis().preTraining?.facets[0];
    expect(facet?.name).toBe('__proto__');
    const ci = facet?.values[0]?.metrics.find((m) => m.name === 'CI');
    // 10 rows of facet d = "a" out of 40: CI = (30 - 10) / 40
    expect(ci?.value).toBeCloseTo(0.5, 12);
  });
});
