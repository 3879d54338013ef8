/**
 * Issue 10, "Wrong results": one Infinity in a numeric column typed the column String for the
 * window and hid a ×1.8 drift behind a data_type_check violation. Through the real pipeline
 * (decoder, profiles, evaluation, reports, prom-client metrics): a numeric column with a ×1.8
 * drift plus non-finite values stays Integral, its sum and mean are the exact ones over the finite
 * values, the drift check fires, no data_type_check, and the non-finite values are counted.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/support/random.js';
import { encodeCaptureLine } from '../../record/capture-encoder.js';
import { InferredType } from '../../sagemaker/data-quality-model.js';
import { asDataQualityReport } from '../../sink/report.js';
import { baselineOf, runPipeline } from './test-support/run-lines.js';

const T0 = Date.UTC(2026, 0, 1);
const N = 1000;

/** Seeded integer samples around 100 (sd 15), scaled by `factor`. */
function draws(seed: number, n: number, factor: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.round(factor * (100 + 15 * r.normal())));
}

const baseline = () =>
  baselineOf(
    ['score', 'x'],
    draws(7, 2000, 1).map((x, i) => `${(i % 10) / 10},${x}`),
  );

/** The window's x values: N drifted integers, then the non-finite texts as a format writes them. */
const drifted = draws(8, N, 1.8);

interface Case {
  name: string;
  record: Parameters<typeof runPipeline>[0];
  /** One line per x value (a number, or a non-finite value as that format writes it). */
  line: (x: string, i: number) => string;
  nonFinite: string[];
}

const cases: Case[] = [
  {
    name: 'flat JSON ("Infinity" as a string, 1e400 as a number, "NaN")',
    record: { format: 'flat-json' },
    line: (x, i) => `{"inferenceTime":${T0 + i},"score":0.5,"x":${x}}`,
    nonFinite: ['"Infinity"', '1e400', '"NaN"'],
  },
  {
    name: 'SageMaker capture, CSV payload (Infinity, 1e400, -inf)',
    record: { format: 'sagemaker-capture', outputs: ['score'], inputs: ['x'] },
    line: (x, i) => encodeCaptureLine({ inputData: x, outputData: '0.5', eventId: `e${i}`, inferenceTime: new Date(T0 + i).toISOString() }),
    nonFinite: ['Infinity', '1e400', '-inf'],
  },
];

describe('non-finite values never retype a numeric column (×1.8 drift still found)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const b = await baseline();
      expect(b.statistics.features.find((f) => f.name === 'x')?.inferredType).toBe(InferredType.INTEGRAL);
      const lines = drifted.map((x, i) => c.line(String(x), i));
      // the non-finite values in the middle of the window
      lines.splice(N / 2, 0, ...c.nonFinite.map((x, k) => c.line(x, N / 2 + k)));
      const { summary, reports, registry } = await runPipeline(c.record, b, lines);
      expect(summary.invalid).toEqual({});
      // the source's end closes the one window: the gauges below are this window's
      expect(reports.reports).toHaveLength(1);
      const report = asDataQualityReport(reports.reports[0]!);
      const x = report.statistics.features.find((f) => f.name === 'x')!;
      expect(x.inferredType).toBe(InferredType.INTEGRAL);
      expect(x.typeCounts).toMatchObject({ integral: N, fractional: 0, string: 0, missing: 0, nonFinite: c.nonFinite.length });
      // integer sums are exact in doubles here: compare exactly
      const sum = drifted.reduce((a, v) => a + v, 0);
      expect(x.numerical!.sum).toBe(sum);
      expect(Math.abs(x.numerical!.mean - sum / N)).toBeLessThanOrEqual(1e-12 * (sum / N));
      expect(x.numerical!.numPresent).toBe(N + c.nonFinite.length);
      expect(x.numerical!.max).toBe(Math.max(...drifted));
      const checks = report.violations.filter((v) => v.featureName === 'x').map((v) => v.constraintCheckType);
      expect(checks).toContain('baseline_drift_check');
      expect(checks).not.toContain('data_type_check');
      expect(checks).not.toContain('completeness_check');
      // counted where users look: driftmon-report.json and /metrics
      const features = (report.summary as { features: { name: string; non_finite_count: number }[] }).features;
      expect(features.find((f) => f.name === 'x')?.non_finite_count).toBe(c.nonFinite.length);
      expect(features.find((f) => f.name === 'score')?.non_finite_count).toBe(0);
      const metric = await registry.getSingleMetric('driftmon_feature_data')!.get();
      const gauge = metric.values.find((v) => v.labels['feature'] === 'x' && v.labels['statistic'] === 'non_finite_count');
      expect(gauge?.value).toBe(c.nonFinite.length);
    });
  }
});

describe('baseline and window read non-finite values alike', () => {
  it('the same rows as a baseline CSV and as headerless SageMaker CSV capture: same types and counts, no violation', async () => {
    const r = rng(12);
    const specials = ['Infinity', 'NaN', '-inf', '1e400', 'nan'];
    const rows = Array.from({ length: 600 }, (_, i) => {
      const x = i % 60 === 30 ? specials[(i / 60) % specials.length | 0]! : String(40 + r.int(30));
      const y = i % 100 === 50 ? '-Infinity' : (r.next() * 10).toFixed(3);
      return [(r.next() < 0.3 ? 1 : 0).toString(), x, y];
    });
    const b = await baselineOf(['label', 'x', 'y'], rows.map((v) => v.join(',')));
    const lines = rows.map(([label, x, y], i) =>
      encodeCaptureLine({ inputData: `${x},${y}`, outputData: label!, eventId: `e${i}`, inferenceTime: new Date(T0 + i * 100).toISOString() }),
    );
    const { summary, reports } = await runPipeline({ format: 'sagemaker-capture', outputs: ['label'], inputs: ['x', 'y'] }, b, lines);
    expect(summary.invalid).toEqual({});
    expect(reports.reports).toHaveLength(1);
    const report = asDataQualityReport(reports.reports[0]!);
    expect(report.violations).toEqual([]);
    for (const name of ['x', 'y']) {
      const base = b.statistics.features.find((f) => f.name === name)!;
      const win = report.statistics.features.find((f) => f.name === name)!;
      expect(win.inferredType, name).toBe(name === 'x' ? InferredType.INTEGRAL : InferredType.FRACTIONAL);
      expect(win.inferredType, name).toBe(base.inferredType);
      expect(win.typeCounts, name).toEqual(base.typeCounts);
      expect(win.numerical!.sum, name).toBe(base.numerical!.sum);
      expect(win.numerical!.mean, name).toBe(base.numerical!.mean);
      expect(win.numerical!.numPresent, name).toBe(600);
    }
    expect(b.statistics.features.find((f) => f.name === 'x')!.typeCounts!.nonFinite).toBe(10);
  });
});
