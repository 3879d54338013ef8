import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KllSketch } from '../sketch/kll/kll-sketch.js';
import { formatConstraints } from '../sagemaker/constraints-file.js';
import { InferredType, SUGGESTED_MONITORING_CONFIG, type FeatureStatistics } from '../sagemaker/data-quality-model.js';
import { parseStatistics } from '../sagemaker/statistics-file.js';
import { suggestConstraints, suggestDomain } from './suggest.js';

const DQ = join(
  import.meta.dirname,
  '../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/pipeline/quality_check_step/data_quality',
);

function stringFeature(counts: number[], numMissing = 0, complete = true): FeatureStatistics {
  return {
    name: 's',
    inferredType: InferredType.STRING,
    string: {
      numPresent: counts.reduce((a, b) => a + b, 0),
      numMissing,
      distinctCount: counts.length,
      categories: counts.map((count, i) => ({ value: `v${i}`, count })),
      categoriesComplete: complete,
    },
  };
}

describe('suggestConstraints', () => {
  it('reproduces good_cases/constraints.json byte for byte from the golden statistics.json', () => {
    const stats = parseStatistics(JSON.parse(readFileSync(join(DQ, 'statistics.json'), 'utf8')));
    const suggested = suggestConstraints(stats);
    expect(formatConstraints(suggested)).toBe(readFileSync(join(DQ, 'good_cases/constraints.json'), 'utf8'));
  });

  it('completeness is the observed non-null fraction; is_non_negative follows min; Unknown gets 0', () => {
    const sketch = new KllSketch();
    sketch.update(-1);
    const c = suggestConstraints({
      itemCount: 8,
      features: [
        {
          name: 'n',
          inferredType: InferredType.INTEGRAL,
          numerical: { numPresent: 6, numMissing: 2, mean: 0, sum: 0, stdDev: 0, min: -1, max: 1, buckets: [], sketch },
        },
        { name: 'u', inferredType: InferredType.UNKNOWN },
      ],
    });
    expect(c.features).toEqual([
      { name: 'n', inferredType: InferredType.INTEGRAL, completeness: 0.75, isNonNegative: false },
      { name: 'u', inferredType: InferredType.UNKNOWN, completeness: 0 },
    ]);
    expect(c.monitoringConfig).toEqual(SUGGESTED_MONITORING_CONFIG);
    expect(c.monitoringConfig).not.toBe(SUGGESTED_MONITORING_CONFIG);
  });

  it('monitor/statistics.json String feature gets its one-value domain', () => {
    const stats = parseStatistics(
      JSON.parse(
        readFileSync(
          join(DQ, '../../../monitor/statistics.json'),
          'utf8',
        ),
      ),
    );
    expect(suggestConstraints(stats).features).toEqual([
      {
        name: 'message',
        inferredType: InferredType.STRING,
        completeness: 1,
        domains: ['preproc-not-YET-supported-for-csv-json'],
      },
    ]);
  });
});

describe('suggestDomain (Deequ CategoricalRangeRule)', () => {
  it('fires when ≤ 10 % of the histogram entries occur exactly once, most frequent first', () => {
    // 10 entries, 1 seen once → ratio 0.1 → domain.
    expect(suggestDomain(stringFeature([1, 5, 9, 2, 2, 3, 4, 6, 7, 8]))).toEqual(
      ['v2', 'v9', 'v8', 'v7', 'v1', 'v6', 'v5', 'v3', 'v4', 'v0'],
    );
    // 9 entries, 1 seen once → ratio 0.111 → none.
    expect(suggestDomain(stringFeature([1, 5, 9, 2, 2, 3, 4, 6, 7]))).toBeUndefined();
  });

  it('counts the null entry like Deequ (an entry; once-seen when exactly one value is missing)', () => {
    // 9 categories + null entry = 10 entries; none once → domain (without the null).
    expect(suggestDomain(stringFeature([2, 2, 2, 2, 2, 2, 2, 2, 2], 3))).toHaveLength(9);
    // 9 categories with one once-seen + null (3 missing) → 1/10 → domain.
    expect(suggestDomain(stringFeature([1, 2, 2, 2, 2, 2, 2, 2, 2], 3))).toHaveLength(9);
    // … and with exactly one missing value the null entry is once-seen too → 2/10 → none.
    expect(suggestDomain(stringFeature([1, 2, 2, 2, 2, 2, 2, 2, 2], 1))).toBeUndefined();
  });

  it('needs a complete category list of at most 120 values', () => {
    expect(suggestDomain(stringFeature([3, 3], 0, false))).toBeUndefined();
    expect(suggestDomain(stringFeature(new Array<number>(120).fill(2)))).toHaveLength(120);
    expect(suggestDomain(stringFeature(new Array<number>(121).fill(2)))).toBeUndefined();
    expect(suggestDomain(stringFeature([]))).toBeUndefined();
  });
});
