import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Config } from '../config/load.js';
import { baselineOf, runPipeline } from '../monitors/data-quality/test-support/run-lines.js';
import type { CliIo } from './io.js';
import { printSummary } from './summary.js';

const captureIo = () => {
  const io = { text: '', out: (t: string) => void (io.text += t), err: () => {}, env: {}, stdin: new PassThrough(), isTTY: false, signal: new AbortController().signal };
  return io;
};

describe('printSummary', () => {
  it('blank lines are counted once, in the summary line and in driftmon_blank_lines_total, and are not records', async () => {
    const baseline = await baselineOf(['x'], ['1', '2']);
    const t0 = Date.UTC(2026, 0, 1);
    const { summary, registry } = await runPipeline({ format: 'flat-json' }, baseline, [`{"inferenceTime":${t0},"x":1}`], { blankLines: 4 });
    expect(summary.records).toBe(1);
    expect(summary.blankLines).toBe(4);
    const metric = await registry.getSingleMetric('driftmon_blank_lines_total')?.get();
    expect(metric?.values).toEqual([expect.objectContaining({ value: 4, labels: { monitor: 'proto' } })]);
    const io = captureIo();
    printSummary(io satisfies CliIo, [summary], { output: { dir: 'reports', deadLetterDir: 'dead' } } as Config);
    expect(io.text).toContain('monitor proto: 1 records, 1 rows, 0 invalid');
    expect(io.text).toContain('blank lines skipped: 4');
  });

  it('lists violations of features named constructor, toString, hasOwnProperty and valueOf', async () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];
    // baseline: integers 0..49 in every column; current: strings, so every feature fails data_type_check
    const baseline = await baselineOf(names, Array.from({ length: 50 }, (_, i) => names.map(() => i).join(',')));
    const t0 = Date.UTC(2026, 0, 1);
    const record = (t: number): string => `{"inferenceTime":${t},${names.map((n) => `${JSON.stringify(n)}:"v"`).join(',')}}`;
    const { summary } = await runPipeline({ format: 'flat-json' }, baseline, [record(t0), record(t0 + 1000)]);
    let out = '';
    const io = { out: (t: string) => (out += t), err: () => {}, env: {}, stdin: new PassThrough(), isTTY: false, signal: new AbortController().signal } satisfies CliIo;
    printSummary(io, [summary], { output: { dir: 'reports', deadLetterDir: 'dead' } } as Config);
    expect(out).toContain('violations (feature: check × windows):');
    for (const n of names) expect(out, n).toMatch(new RegExp(`\\n    ${n}: .*data_type_check × 1`));
    expect(Object.getOwnPropertyNames(Object).filter((k) => k.endsWith('_check'))).toEqual([]);
  });
});
