/**
 * Property-based fuzz of the record decoders (fast-check, fixed seed): adversarial keys
 * (`__proto__`, constructor, prototype, toString, empty, very long, Unicode, lone surrogates) and
 * values (NaN, ±Infinity, 1e400, −0, huge integers, deep nesting), BOM, CRLF, truncated lines,
 * flat JSON records, SageMaker capture envelopes (JSON, CSV and base64 payloads) and batch-transform
 * output (JSON records, arrays and batchTransformOutput envelopes; CSV with the id/time columns).
 * Invariants, for every line: decode never throws; it returns a reason from the closed list and
 * emits no row, or returns undefined and emits at least one row; Object.prototype is untouched;
 * no non-finite value (NaN, ±Infinity, 1e400, "inf") is emitted as a STRING value (it would retype
 * a numeric column), and every numeric slot holds a number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../errors.js';
import { nonFiniteLiteral } from './classify.js';
import { createDecoder } from './create-decoder.js';
import type { DecoderOptions, RecordDecoder } from './decoder.js';
import { FeatureRegistry } from './feature-registry.js';
import { ValueKind, type FeatureRow } from './row.js';
import type { DatasetSchema } from './schema.js';

const SEED = 20_261_204;
const RUNS = 1_000;
const LINES_PER_RUN = 100; // 100,000 lines per decoder
const REASONS = new Set<string>(Object.values(RecordErrorReason));
const PROTOTYPE_OWN = Object.getOwnPropertyNames(Object.prototype).sort();

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '', ' ') },
  { weight: 3, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, fc.constantFrom('a', '\u00e9', '\u{1F600}')), maxLength: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 5_000 }).map((n) => 'k'.repeat(n)) },
);
/** A JSON value as text; some are not JSON at all (NaN, Infinity), as real producers write them. */
const scalarText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '1e-400', '-0', '-0.0', '0', '123456789012345678901234567890', '9007199254740993', '-9223372036854775809', 'true', 'false', 'null', '""', '"NaN"', '"Infinity"', '"1e400"'),
  },
  { weight: 2, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)) },
);
const deep = fc.tuple(fc.integer({ min: 1, max: 1_500 }), fc.boolean()).map(([d, arr]) => (arr ? `${'['.repeat(d)}1${']'.repeat(d)}` : `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`));
const valueText: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: scalarText },
    { weight: 1, arbitrary: fc.oneof({ weight: 9, arbitrary: fc.constant('1') }, { weight: 1, arbitrary: deep }) },
    { weight: 1, arbitrary: fc.array(tie('v'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`) },
    { weight: 1, arbitrary: fc.array(fc.tuple(key, tie('v')), { maxLength: 3 }).map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`) },
  ),
})).v;
const objectText = fc.array(fc.tuple(key, valueText), { maxLength: 6 }).map((kv) => kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(','));
const timeText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('"2026-01-01T00:00:00Z"', '1767225600000', '"1767225600000"', '-0') },
  { weight: 1, arbitrary: fc.constantFrom('"2026-13-45T99:99:99Z"', '1e400', 'NaN', '"', 'null', '{"__proto__":1}') },
);

/** Line-level damage: none mostly; else a BOM, CRLF, truncation, or raw garbage. */
function damage(line: string, how: number, at: number): string {
  switch (how) {
    case 1:
      return `\ufeff${line}`;
    case 2:
      return `${line}\r`;
    case 3:
      return line.slice(0, Math.floor(at * line.length));
    case 4:
      return `${line.slice(0, Math.floor(at * line.length))}\u0000${line.slice(Math.floor(at * line.length))}`;
    default:
      return line;
  }
}
const damaged = (line: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(line, fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }), fc.double({ min: 0, max: 1, noNaN: true })).map(([l, how, at]) => damage(l, how, at));

const flatLine = damaged(
  fc.tuple(fc.option(timeText, { freq: 8 }), objectText).map(([t, body]) => `{${t === null ? '' : `"inferenceTime":${t}${body === '' ? '' : ','}`}${body}}`),
);

const payload = fc.oneof(
  objectText.map((b) => ({ type: 'application/json', enc: 'JSON', data: `{"instances":[{${b}}]}` })),
  objectText.map((b) => ({ type: 'application/json', enc: 'JSON', data: `{${b}}` })),
  fc.array(valueText, { maxLength: 4 }).map((xs) => ({ type: 'application/json', enc: 'JSON', data: `[${xs.join(',')}]` })),
  objectText.map((b) => ({ type: 'application/json', enc: 'BASE64', data: Buffer.from(`{"instances":[{${b}}]}`).toString('base64') })),
  fc.array(scalarText, { maxLength: 4 }).map((xs) => ({ type: 'text/csv', enc: 'CSV', data: xs.join(',') })),
  fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 12 })).map(([enc, data]) => ({ type: 'text/plain', enc, data })),
);
/** Mostly one CSV score, so that row counts match and lines reach the row path. */
const outputPayload = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('0.5', 'NaN', '1e400', '-0').map((data) => ({ type: 'text/csv', enc: 'CSV', data })) },
  { weight: 1, arbitrary: payload },
);
const captureLine = damaged(
  fc.tuple(payload, outputPayload, fc.option(timeText, { freq: 8 }), fc.option(key)).map(([input, output, t, extra]) => {
    const side = (mode: string, p: { type: string; enc: string; data: string }): string =>
      `{"observedContentType":${JSON.stringify(p.type)},"mode":"${mode}","data":${JSON.stringify(p.data)},"encoding":${JSON.stringify(p.enc)}}`;
    const meta = `{"eventId":"e"${t === null ? '' : `,"inferenceTime":${t}`}${extra === null ? '' : `,${JSON.stringify(extra)}:1`}}`;
    return `{"captureData":{"endpointInput":${side('INPUT', input)},"endpointOutput":${side('OUTPUT', output)}},"eventMetadata":${meta},"eventVersion":"0"}`;
  }),
);

/** Batch-transform output: a JSON record with SageMaker's reserved keys, an array of them, or a batchTransformOutput envelope. */
const batchTime = fc.oneof({ weight: 4, arbitrary: fc.constant('"2026-01-01T00:00:00Z"') }, { weight: 1, arbitrary: timeText });
const batchRecord = fc
  .tuple(objectText, fc.option(valueText, { freq: 3 }), fc.option(batchTime, { freq: 8 }), fc.option(valueText, { freq: 6 }))
  .map(([body, out, t, id]) => {
    const parts = [body, out === null ? '' : `"SageMakerOutput":${out}`, t === null ? '' : `"SageMakerInferenceTime":${t}`, id === null ? '' : `"SageMakerInferenceId":${id}`];
    return `{${parts.filter((x) => x !== '').join(',')}}`;
  });
const batchJsonLine = damaged(
  fc.oneof(
    { weight: 6, arbitrary: batchRecord },
    { weight: 1, arbitrary: fc.array(batchRecord, { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.oneof(payload, batchRecord.map((r) => ({ type: 'application/json', enc: 'JSON', data: r }))), fc.option(timeText, { freq: 4 })).map(
        ([p, t]) => `{"captureData":{"batchTransformOutput":{"data":${JSON.stringify(p.data)},"encoding":${JSON.stringify(p.enc)}}},"eventMetadata":{"eventId":"e"${t === null ? '' : `,"inferenceTime":${t}`}}}`,
      ),
    },
  ),
);
/** Batch-transform CSV output: values, then (mostly) SageMaker's id and time columns. */
const batchCsvLine = damaged(
  fc
    .tuple(fc.array(fc.oneof(scalarText, fc.string({ maxLength: 6 })), { maxLength: 6 }), fc.option(fc.tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.constant('2026-01-01T00:00:00Z'), fc.string({ maxLength: 8 }))), { freq: 8 }))
    .map(([xs, tail]) => [...xs, ...(tail === null ? [] : tail)].join(',')),
);

function fuzz(
  schema: DatasetSchema,
  line: fc.Arbitrary<string>,
  options: DecoderOptions = {},
): { rows: number; rejected: Map<string, number>; lines: number; finite: number; nonFinite: number } {
  const rejected = new Map<string, number>();
  let rows = 0;
  let lines = 0;
  let finite = 0;
  let nonFinite = 0;
  fc.assert(
    fc.property(fc.array(line, { minLength: LINES_PER_RUN, maxLength: LINES_PER_RUN }), (batch) => {
      const decoder: RecordDecoder = createDecoder(schema, new FeatureRegistry(1_000), options);
      let emitted = 0;
      const onRow = (row: FeatureRow): void => {
        emitted++;
        for (let i = 0; i < row.width; i++) {
          const kind = row.kinds[i];
          if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
            if (typeof row.numbers[i] !== 'number') throw new Error(`slot ${i}: numeric kind without a number`);
            if (Number.isFinite(row.numbers[i])) finite++;
            else nonFinite++;
          } else if (kind === ValueKind.STRING) {
            const t = row.strings[i] ?? '';
            if (nonFiniteLiteral(t, 0, t.length) !== 0) throw new Error(`non-finite ${JSON.stringify(t)} typed STRING`);
          }
        }
      };
      for (const l of batch) {
        emitted = 0;
        const reason = decoder.decode(l, onRow);
        lines++;
        if (reason === undefined) {
          if (emitted === 0) throw new Error(`no row and no reason for ${JSON.stringify(l.slice(0, 200))}`);
          rows++;
        } else {
          if (!REASONS.has(reason)) throw new Error(`unknown reason ${String(reason)}`);
          if (emitted !== 0) throw new Error(`${reason} after ${emitted} rows for ${JSON.stringify(l.slice(0, 200))}`);
          rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
        }
      }
      const own = Object.getOwnPropertyNames(Object.prototype).sort();
      if (own.join() !== PROTOTYPE_OWN.join()) throw new Error(`Object.prototype changed: ${own.join()}`);
      if (Object.getPrototypeOf({}) !== Object.prototype || ({} as Record<string, unknown>)['a'] !== undefined) throw new Error('plain objects changed');
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  return { rows, rejected, lines, finite, nonFinite };
}

/** Every line was accounted for, both outcomes were reached, and these reasons among the rejections. */
function expectAccounted(r: ReturnType<typeof fuzz>, minRowShare: number, reasons: string[]): void {
  expect(r.lines).toBe(RUNS * LINES_PER_RUN);
  const rejected = [...r.rejected.values()].reduce((a, b) => a + b, 0);
  expect(r.rows + rejected).toBe(r.lines);
  expect(r.rows).toBeGreaterThan(r.lines * minRowShare);
  expect([...r.rejected.keys()]).toEqual(expect.arrayContaining(reasons));
  // both kinds of numbers reached the rows (so the non-finite invariant was exercised)
  expect(r.finite).toBeGreaterThan(0);
  expect(r.nonFinite).toBeGreaterThan(0);
}

describe('decoder fuzz (fast-check, fixed seed)', () => {
  it(`flat JSON: ${RUNS * LINES_PER_RUN} adversarial lines, each a row or a counted reason`, () => {
    expectAccounted(fuzz({ format: 'flat-json' }, flatLine), 0.1, ['not_json', 'missing_event_time', 'bad_event_time']);
  }, 60_000);

  it(`SageMaker capture: ${RUNS * LINES_PER_RUN} adversarial lines, each a row or a counted reason`, () => {
    expectAccounted(fuzz({ format: 'sagemaker-capture', outputs: ['score'] }, captureLine), 0.05, ['not_json', 'bad_payload', 'unsupported_encoding']);
  }, 60_000);

  it(`batch-transform JSON Lines: ${RUNS * LINES_PER_RUN} adversarial lines, each a row or a counted reason`, () => {
    expectAccounted(fuzz({ format: 'batch-transform-jsonl', outputs: ['score'] }, batchJsonLine), 0.05, ['not_json', 'missing_event_time', 'bad_event_time', 'bad_payload']);
  }, 60_000);

  it(`batch-transform CSV, unnamed columns named from a baseline: ${RUNS * LINES_PER_RUN} adversarial lines, each a row or a counted reason`, () => {
    expectAccounted(fuzz({ format: 'batch-transform-csv' }, batchCsvLine, { baselineNames: ['__proto__', 'constructor', 'score'] }), 0.05, ['bad_event_time', 'empty_payload']);
  }, 60_000);

  it(`SageMaker capture, unnamed columns named from a baseline: ${RUNS * LINES_PER_RUN} adversarial lines, each a row or a counted reason`, () => {
    const baselineNames = ['__proto__', 'constructor', 'toString', '', 'score'];
    expectAccounted(fuzz({ format: 'sagemaker-capture' }, captureLine, { baselineNames }), 0.05, ['not_json', 'bad_payload', 'unsupported_encoding']);
  }, 60_000);
});
