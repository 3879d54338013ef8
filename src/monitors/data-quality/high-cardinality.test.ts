/**
 * Issue 10 ("1M distinct values of a string feature in one window: statistics.json keeps one
 * bucket of count 1 and the categorical drift distance is 0"), through the real pipeline: the
 * window's statistics keep the mass of the values beyond the category cap in an OTHER_CATEGORY
 * bucket, statistics.json still reads back as SageMaker's format, and baseline_drift_check fires
 * with a distance within its stated error bound of the exact one.
 */
import { describe, expect, it } from 'vitest';
import { evaluateDataQuality } from '../../evaluate/data-quality.js';
import { OTHER_CATEGORY } from '../../sagemaker/data-quality-model.js';
import { formatStatistics, parseStatistics } from '../../sagemaker/statistics-file.js';
import { asDataQualityReport } from '../../sink/report.js';
import { baselineOf, runPipeline } from './test-support/run-lines.js';

const T0 = Date.UTC(2026, 0, 1);
const N = 1_000_000;

describe('high cardinality through the pipeline', () => {
  it('1M distinct values in one window against a baseline of 10 categories: drift raised, statistics.json sums to the total', async () => {
    const baseline = await baselineOf(
      ['x', 'c'],
      Array.from({ length: 1000 }, (_, i) => `${i % 100},a${i % 10}`),
    );
    const lines: string[] = new Array(N + 1);
    for (let i = 0; i < N; i++) lines[i] = `{"inferenceTime":${T0 + Math.floor(i / 10)},"x":${i % 100},"c":"new-${i}"}`;
    lines[N] = `{"inferenceTime":${T0 + 600_000},"x":1,"c":"a0"}`; // closes the window
    const { reports } = await runPipeline({ format: 'flat-json' }, baseline, lines);
    const report = asDataQualityReport(reports.reports[0]!);
    expect(report.statistics.itemCount).toBe(N);
    const c = report.statistics.features.find((f) => f.name === 'c')!.string!;
    expect(c.numPresent).toBe(N);
    expect(c.categoriesComplete).toBe(false);
    expect(c.categories.reduce((s, k) => s + k.count, 0)).toBe(N);
    const other = c.categories[c.categories.length - 1]!;
    expect(other.value).toBe(OTHER_CATEGORY);
    expect(other.count).toBeGreaterThan(0.99 * N);

    // exact L∞ over the partition {listed values} ∪ {rest}: every current value occurs once, the baseline is 10 × 10 %
    const listed = c.categories.filter((k) => k.value !== OTHER_CATEGORY);
    for (const k of listed) expect(k.count).toBe(1); // lower bounds of true counts of 1
    const exact = Math.max(0.1, 1 - listed.length / N);
    const drift = report.summary['features'] as Array<{ name: string; baseline_drift: Record<string, number | string | boolean> | null }>;
    const d = drift.find((f) => f.name === 'c')!.baseline_drift!;
    console.log(`1M distinct: L∞ ${d['linf_simple']}, exact ${exact}, error bound ${d['error_bound']}, robust distance ${d['distance']}`);
    expect(d['current_count']).toBe(N);
    expect(d['error_bound'] as number).toBeGreaterThan(0);
    expect(d['error_bound'] as number).toBeLessThan(0.02);
    expect(Math.abs((d['linf_simple'] as number) - exact)).toBeLessThanOrEqual(d['error_bound'] as number);
    expect(d['distance'] as number).toBeGreaterThan(0.9);
    expect(report.violations.filter((v) => v.featureName === 'c').map((v) => v.constraintCheckType).sort()).toEqual([
      'baseline_drift_check',
      'categorical_values_check',
    ]);

    // statistics.json: SageMaker's categorical buckets, the rest as one more bucket; read back it is still truncated
    const json = JSON.parse(formatStatistics(report.statistics)) as {
      features: Array<{ name: string; string_statistics?: { common: { num_present: number }; distribution: { categorical: { buckets: Array<{ value: string; count: number }> } } } }>;
    };
    const s = json.features.find((f) => f.name === 'c')!.string_statistics!;
    expect(s.distribution.categorical.buckets.reduce((a, b) => a + b.count, 0)).toBe(s.common.num_present);
    const read = parseStatistics(json);
    expect(read.features.find((f) => f.name === 'c')!.string!.categoriesComplete).toBe(false);
    // `check` on the files raises the same drift
    const again = evaluateDataQuality(read, baseline.statistics, baseline.constraints);
    const fromFile = again.features.find((f) => f.name === 'c')!.drift!;
    expect(fromFile.distance).toBeCloseTo(d['distance'] as number, 12);
    expect(again.violations.some((v) => v.featureName === 'c' && v.constraintCheckType === 'baseline_drift_check')).toBe(true);
  }, 120_000);
});
