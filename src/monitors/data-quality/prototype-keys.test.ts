/**
 * Keys from input that name Object.prototype members (`__proto__`, constructor, toString,
 * hasOwnProperty, valueOf) are ordinary feature names. Through the real pipeline (decoder,
 * profiles, evaluation, reports, prom-client metrics on a fresh Registry): no crash, the features
 * are profiled and reported under their names, the run summary lists their violations, and
 * Object.prototype is untouched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { asDataQualityReport } from '../../sink/report.js';
import { baselineOf, runPipeline } from './test-support/run-lines.js';

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const PROTOTYPE_OWN = Object.getOwnPropertyNames(Object.prototype).sort();
const T0 = Date.UTC(2026, 0, 1);

function expectPrototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_OWN);
  expect(Object.getOwnPropertyNames(Object).filter((k) => k.endsWith('_check'))).toEqual([]);
  expect(({} as Record<string, unknown>)['a']).toBeUndefined();
}

afterEach(() => {
  // a failing run must not leak a polluted prototype into the next test
  for (const k of Object.getOwnPropertyNames(Object.prototype)) if (!PROTOTYPE_OWN.includes(k)) delete (Object.prototype as Record<string, unknown>)[k];
  for (const k of Object.getOwnPropertyNames(Object)) if (k.endsWith('_check')) delete (Object as unknown as Record<string, unknown>)[k];
});

describe('prototype member names as feature names, through the pipeline', () => {
  it('flat JSON records keyed __proto__, constructor, toString, hasOwnProperty, valueOf: counted, reported, not fatal', async () => {
    const baseline = await baselineOf(
      ['age', ...PROTO_NAMES],
      Array.from({ length: 50 }, (_, i) => `${20 + i},${i},${i % 3},x${i % 2},${i / 2},${i}`),
    );
    expectPrototypeUntouched();
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `{"inferenceTime":${T0 + i * 1000},"age":${30 + i},"__proto__":{"a":1},"constructor":${i},"toString":"s${i % 2}","hasOwnProperty":${i},"valueOf":${i / 4}}`,
    );
    lines.push(`{"inferenceTime":${T0 + 600_000},"age":1}`); // closes the first window
    const { summary, reports, registry } = await runPipeline({ format: 'flat-json' }, baseline, lines);
    expectPrototypeUntouched();
    expect(summary.rows).toBe(21);
    expect(summary.invalid).toEqual({});
    const first = asDataQualityReport(reports.reports[0]!);
    expect(first.statistics.itemCount).toBe(20);
    const byName = new Map(first.statistics.features.map((f) => [f.name, f]));
    for (const n of PROTO_NAMES) expect(byName.get(n)?.numerical?.numPresent ?? byName.get(n)?.string?.numPresent, n).toBe(20);
    expect(byName.get('constructor')?.numerical?.sum).toBe(190);
    // the run summary (what the console prints) keeps every feature that violated, prototype names included
    const violated = Object.keys(summary.violations).sort();
    expect(violated).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'toString', 'valueOf']));
    expect(summary.violations['constructor']?.['baseline_drift_check']).toBe(1);
    expect(summary.violations['toString']?.['categorical_values_check']).toBe(1);
    // metrics carry the names as label values
    expect(await registry.metrics()).toMatch(/feature="__proto__"/);
  });

  it('a SageMaker capture line with a JSON payload instance keyed __proto__ is profiled, not fatal', async () => {
    const baseline = await baselineOf(
      ['risk_score', 'age', '__proto__'],
      Array.from({ length: 50 }, (_, i) => `${(i % 10) / 10},${20 + i},${i}`),
    );
    const line = (i: number, t: number): string =>
      JSON.stringify({
        captureData: {
          endpointInput: {
            observedContentType: 'application/json',
            mode: 'INPUT',
            data: `{"instances":[{"age":${40 + i},"__proto__":{"a":1}}]}`,
            encoding: 'JSON',
          },
          endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: '0.5', encoding: 'CSV' },
        },
        eventMetadata: { eventId: `e${i}`, inferenceId: `i${i}`, inferenceTime: new Date(t).toISOString() },
        eventVersion: '0',
      });
    const lines = Array.from({ length: 10 }, (_, i) => line(i, T0 + i * 1000));
    lines.push(line(99, T0 + 600_000));
    const { summary, reports } = await runPipeline({ format: 'sagemaker-capture', outputs: ['risk_score'] }, baseline, lines);
    expectPrototypeUntouched();
    expect(summary.rows).toBe(11);
    expect(summary.invalid).toEqual({});
    const first = asDataQualityReport(reports.reports[0]!);
    expect(first.statistics.itemCount).toBe(10);
    const proto = first.statistics.features.find((f) => f.name === '__proto__');
    expect(proto?.inferredType).toBe('String');
    expect(proto?.string?.numPresent).toBe(10);
    expect(first.statistics.features.find((f) => f.name === 'age')?.numerical?.sum).toBe(445);
    expect(first.violations.map((v) => `${v.featureName}:${v.constraintCheckType}`)).toContain('__proto__:data_type_check');
    expect(Object.keys(summary.violations)).toContain('__proto__');
    expect(summary.violations['__proto__']?.['data_type_check']).toBe(reports.reports.length);
  });
});
