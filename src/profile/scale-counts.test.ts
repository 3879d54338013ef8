import { describe, expect, it } from 'vitest';
import { InferredType, OTHER_CATEGORY, type DatasetStatistics } from '../sagemaker/data-quality-model.js';
import { createDecoder } from '../record/create-decoder.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import { DatasetProfile } from './dataset-profile.js';
import { scaleCounts } from './scale-counts.js';

describe('scaleCounts', () => {
  it('scales counts to the traffic a 25 % sample stands for and leaves shapes alone', () => {
    const registry = new FeatureRegistry();
    const p = new DatasetProfile(registry, { quantiles: quantileSketchFactory('kll') });
    const decoder = createDecoder({ format: 'flat-json' }, registry);
    for (let i = 0; i < 400; i++) {
      const line = JSON.stringify({ inferenceTime: 1_700_000_000_000 + i, x: i % 10 === 0 ? null : i, c: i % 4 === 0 ? 'a' : 'b' });
      expect(decoder.decode(line, (row) => p.updateRow(row))).toBeUndefined();
    }
    const sample = p.toStatistics();
    const scaled = scaleCounts(sample, 4);
    expect(scaled.itemCount).toBe(1600);
    const [sx, sc] = [scaled.features.find((f) => f.name === 'x'), scaled.features.find((f) => f.name === 'c')];
    const [ox, oc] = [sample.features.find((f) => f.name === 'x'), sample.features.find((f) => f.name === 'c')];
    expect(sx?.numerical?.numPresent).toBe(360 * 4);
    expect(sx?.numerical?.numMissing).toBe(40 * 4);
    expect(sx?.numerical?.sum).toBeCloseTo((ox?.numerical?.sum as number) * 4, 6);
    expect(sx?.numerical?.mean).toBe(ox?.numerical?.mean);
    expect(sx?.numerical?.stdDev).toBe(ox?.numerical?.stdDev);
    expect(sx?.numerical?.buckets.reduce((a, b) => a + b.count, 0)).toBeCloseTo(360 * 4, 6);
    expect(sc?.string?.categories).toEqual(oc?.string?.categories.map((k) => ({ ...k, count: k.count * 4 })));
    expect(scaleCounts(sample, 1)).toBe(sample);
  });

  it("a truncated category list: the other bucket takes the rounding, so the buckets sum to the scaled total; the count error scales", () => {
    const sample: DatasetStatistics = {
      itemCount: 7,
      features: [
        {
          name: 'c',
          inferredType: InferredType.STRING,
          string: {
            numPresent: 7,
            numMissing: 0,
            distinctCount: 6,
            categories: [
              { value: 'a', count: 1.5 },
              { value: 'b', count: 1.5 },
              { value: OTHER_CATEGORY, count: 4 },
            ],
            categoriesComplete: false,
            categoryCountError: 1,
          },
        },
      ],
    };
    const s = scaleCounts(sample, 3).features[0]?.string;
    // 4.5 rounds up twice: without the correction the buckets would sum to 22, not 21
    expect(s?.categories).toEqual([
      { value: 'a', count: 5 },
      { value: 'b', count: 5 },
      { value: OTHER_CATEGORY, count: 11 },
    ]);
    expect(s?.numPresent).toBe(21);
    expect(s?.categoryCountError).toBe(3);
  });
});
