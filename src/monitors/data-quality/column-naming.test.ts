import { pino, type Logger } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeCaptureLine, toCsvRecord } from '../../record/capture-encoder.js';
import { asDataQualityReport } from '../../sink/report.js';
import { baselineOf, runPipeline } from './test-support/run-lines.js';

const T0 = Date.UTC(2026, 0, 1);
/** Headerless CSV capture: output risk, inputs age and region (and `extra` input fields). */
const capture = (n: number, extra: string[] = []): string[] =>
  Array.from({ length: n }, (_, i) =>
    encodeCaptureLine({ inputData: toCsvRecord([20 + (i % 40), ['north', 'south'][i % 2], ...extra]), outputData: `0.${(i % 9) + 1}`, eventId: `e${i}`, inferenceTime: T0 + i * 1000 }),
  );
const baselineRows = Array.from({ length: 200 }, (_, i) => `0.${(i % 9) + 1},${20 + (i % 40)},${['north', 'south'][i % 2]}`);

/** A pino logger whose lines land in `lines`. */
function capturingLogger(): { logger: Logger; lines: { level: number; msg: string; captureColumns?: number; baselineFeatures?: number }[] } {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream) as Logger, lines };
}

describe('data-quality monitor: headerless capture against a baseline with a header', () => {
  it('counts match: columns take the baseline names: no extra_column_check, every feature complete, said once', async () => {
    const baseline = await baselineOf(['risk', 'age', 'region'], baselineRows);
    const { logger, lines } = capturingLogger();
    const { summary, reports } = await runPipeline({ format: 'sagemaker-capture' }, baseline, capture(200), { logger, batchSize: 50 });
    const report = asDataQualityReport(reports.reports[0]!);
    expect(report.statistics.features.map((f) => [f.name, f.numerical?.numMissing ?? f.string?.numMissing])).toEqual([
      ['risk', 0],
      ['age', 0],
      ['region', 0],
    ]);
    expect(report.violations).toEqual([]);
    expect(summary.columnNaming).toEqual({ fromBaseline: true, columns: 3, baselineFeatures: 3 });
    expect(summary.warnings).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.msg.includes('headerless columns'))).toHaveLength(1);
  });

  it('counts differ: one warning, logged once and kept for the summary, naming both counts and the flags', async () => {
    const baseline = await baselineOf(['risk', 'age', 'region'], baselineRows);
    const { logger, lines } = capturingLogger();
    const { summary, reports } = await runPipeline({ format: 'sagemaker-capture' }, baseline, capture(200, ['x']), { logger, batchSize: 50 });
    expect(summary.columnNaming).toEqual({ fromBaseline: false, columns: 4, baselineFeatures: 3 });
    expect(summary.warnings).toHaveLength(1);
    const w = summary.warnings[0] as string;
    for (const part of ['4 unnamed columns', 'baseline has 3 features', '--outputs', '--inputs', 'record.outputs', 'record.inputs']) expect(w).toContain(part);
    await new Promise((r) => setImmediate(r));
    const warned = lines.filter((l) => l.level === 40);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ msg: w, captureColumns: 4, baselineFeatures: 3 });
    // the old behaviour, kept when the counts differ: positional names, reported as extra columns
    const report = asDataQualityReport(reports.reports[0]!);
    expect(report.violations.map((v) => `${v.featureName}:${v.constraintCheckType}`)).toContain('_c0:extra_column_check');
  });

  it('explicit names win: no naming from the baseline, no warning', async () => {
    const baseline = await baselineOf(['risk', 'age', 'region'], baselineRows);
    const { summary, reports } = await runPipeline({ format: 'sagemaker-capture', outputs: ['risk'], inputs: ['age', 'region'] }, baseline, capture(100, ['x']));
    expect(summary.columnNaming).toBeUndefined();
    expect(summary.warnings).toEqual([]);
    expect(asDataQualityReport(reports.reports[0]!).statistics.features.map((f) => f.name)).toEqual(['risk', 'age', 'region', '_c3']);
  });
});
