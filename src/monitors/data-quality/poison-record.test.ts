/**
 * A record whose processing throws (a decoder wrapped to throw on marker records stands for any
 * bug an input could meet) is dead-lettered as processing_error with the error's message, counted,
 * and the batch goes on after it: every window holds exactly the good records. What still stops
 * the monitor (record-fault.ts): a throw after a row reached window state, and infrastructure faults.
 */
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode, RecordErrorReason } from '../../errors.js';
import type { RecordDecoder } from '../../record/decoder.js';
import { asDataQualityReport } from '../../sink/report.js';
import { ERROR_MESSAGE_MAX_CHARS } from '../../errors.js';
import { baselineOf, runPipeline } from './test-support/run-lines.js';

const T0 = Date.UTC(2026, 0, 1);
const WINDOW_MS = 300_000;
const BATCH = 64;

/** What the wrapped decoder throws for a marker record: `"poison":N` picks the kind. */
function thrownFor(kind: number): unknown {
  if (kind === 1) return new TypeError('boom');
  if (kind === 2) return new RangeError('x'.repeat(5_000));
  if (kind === 3) return 'a bare string';
  return Object.create(null) as object; // String() of it throws
}

/** Throws for lines holding `"poison":`, before the real decoder sees them. */
const poisoning = (inner: RecordDecoder): RecordDecoder => ({
  decode(line, onRow) {
    const at = line.indexOf('"poison":');
    if (at >= 0) throw thrownFor(Number(line[at + 9]));
    return inner.decode(line, onRow);
  },
});

async function run(lines: string[], wrapDecoder: (d: RecordDecoder) => RecordDecoder) {
  const baseline = await baselineOf(['age', 'region'], Array.from({ length: 20 }, (_, i) => `${20 + i},r${i % 3}`));
  return runPipeline({ format: 'flat-json' }, baseline, lines, { batchSize: BATCH, wrapDecoder });
}

const good = (i: number): string => `{"inferenceTime":${T0 + i * 250},"age":${20 + (i % 50)},"region":"r${i % 3}"}`;

describe('a poison record never stops the data-quality monitor', () => {
  it('dead-letters each record whose decoding throws (first, last, consecutive in a batch), with its message, and windows hold exactly the good records', async () => {
    const n = 3_000;
    // 0: first record; 63/64/65: last of a batch, then the next batch's first two; 2999: the last record
    const poison = new Map<number, number>([
      [0, 1],
      [63, 2],
      [64, 3],
      [65, 4],
      [1_000, 1],
      [n - 1, 1],
    ]);
    const notJson = 1_500;
    const lines = Array.from({ length: n }, (_, i) => {
      const kind = poison.get(i);
      if (kind !== undefined) return `{"inferenceTime":${T0 + i * 250},"age":1,"poison":${kind}}`;
      return i === notJson ? '{not json' : good(i);
    });
    const { summary, reports, deadLetters, registry } = await run(lines, poisoning);

    // exact: count the good records of each 5-minute window directly
    const expected = new Map<number, number>();
    lines.forEach((_l, i) => {
      if (poison.has(i) || i === notJson) return;
      const start = T0 + Math.floor((i * 250) / WINDOW_MS) * WINDOW_MS;
      expected.set(start, (expected.get(start) ?? 0) + 1);
    });
    const got = new Map(reports.reports.map(asDataQualityReport).map((r) => [r.windowStartMs, r.statistics.itemCount]));
    expect(got).toEqual(expected);
    expect(summary.rows).toBe(n - poison.size - 1);
    expect(summary.invalid).toEqual({ [RecordErrorReason.PROCESSING_ERROR]: poison.size, [RecordErrorReason.NOT_JSON]: 1 });

    const letters = deadLetters.letters.filter((l) => l.reason === RecordErrorReason.PROCESSING_ERROR);
    expect(letters.map((l) => l.source)).toEqual([...poison.keys()].map((i) => `array:${i + 1}`));
    expect(letters.map((l) => l.record)).toEqual([...poison.keys()].map((i) => lines[i]));
    expect(letters[0]?.error).toBe('TypeError: boom');
    // a long message is cut to the bound, marked with an ellipsis
    expect(letters[1]?.error).toHaveLength(ERROR_MESSAGE_MAX_CHARS);
    expect(letters[1]?.error?.startsWith('RangeError: xxx')).toBe(true);
    expect(letters[1]?.error?.endsWith('…')).toBe(true);
    expect(letters[2]?.error).toBe('thrown: a bare string');
    expect(letters[3]?.error).toBe('thrown: a value that cannot be shown');

    const invalid = (await registry.getSingleMetric('driftmon_records_invalid_total')?.get())?.values ?? [];
    expect(invalid.find((v) => v.labels['reason'] === RecordErrorReason.PROCESSING_ERROR)?.value).toBe(poison.size);
    expect((await registry.getSingleMetric('driftmon_dead_letters_total')?.get())?.values[0]?.value).toBe(poison.size + 1);
  });

  it('stops with INTERNAL, naming the record, when a throw comes after the record reached a window', async () => {
    // a decoder that breaks its contract: emits the row, then throws
    const emitsThenThrows = (inner: RecordDecoder): RecordDecoder => ({
      decode(line, onRow) {
        const r = inner.decode(line, onRow);
        if (line.includes('"age":33')) throw new Error('after emission');
        return r;
      },
    });
    const lines = Array.from({ length: 100 }, (_, i) => good(i));
    const err = await run(lines, emitsThenThrows).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DriftmonError);
    expect((err as DriftmonError).code).toBe(ErrorCode.INTERNAL);
    expect((err as DriftmonError).message).toContain('array:14');
    expect((err as DriftmonError).message).toContain('Error: after emission');
  });

  it('lets an infrastructure fault through instead of dead-lettering the record', async () => {
    const sinkDown = (inner: RecordDecoder): RecordDecoder => ({
      decode(line, onRow) {
        if (line.includes('"age":40')) throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, 'disk full');
        return inner.decode(line, onRow);
      },
    });
    await expect(run(Array.from({ length: 100 }, (_, i) => good(i)), sinkDown)).rejects.toMatchObject({ code: ErrorCode.SINK_WRITE_FAILED, message: 'disk full' });
  });
});
