/**
 * The RecordDecoder contract, run against every decoder (capture-decoder.test.ts,
 * flat-json-decoder.test.ts, batch-transform-decoder.test.ts). A decoder test supplies a factory and an encoder that writes a
 * ContractSample as one line of its format; the suite checks rows, values, kinds, ids and times,
 * the rejection reasons every format shares, and that nothing is emitted for a rejected line.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { RecordErrorReason } from '../errors.js';
import type { RecordDecoder } from './decoder.js';
import { FeatureRegistry } from './feature-registry.js';
import { ValueKind, type FeatureRow } from './row.js';

/** Deequ's patterns, used as the independent reference for expected kinds. */
const FRACTIONAL = /^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$/;
const INTEGRAL = /^(-|\+)? ?\d+$/;
const BOOLEAN = /^(true|false)$/;
/** driftmon's non-finite literals (Spark's cast to double), case-insensitive. */
const NON_FINITE = /^([-+]?inf(inity)?|nan)$/i;

/** Reference classification of a text value (regex based), with the number Deequ would see. */
export function referenceKind(text: string | undefined): { kind: ValueKind; value?: number } {
  if (text === undefined || text === '') return { kind: ValueKind.MISSING };
  const value = (): number => Number(text.replace(/^([-+]?) /, '$1'));
  if (FRACTIONAL.test(text)) return { kind: ValueKind.FRACTIONAL, value: value() };
  if (INTEGRAL.test(text)) return { kind: ValueKind.INTEGRAL, value: value() };
  if (BOOLEAN.test(text)) return { kind: ValueKind.BOOLEAN };
  // Spark's cast to double reads these literals as non-finite doubles (classify.ts)
  if (NON_FINITE.test(text)) return { kind: ValueKind.FRACTIONAL, value: /^nan$/i.test(text) ? NaN : text.startsWith('-') ? -Infinity : Infinity };
  return { kind: ValueKind.STRING };
}

export const CONTRACT_INPUTS: readonly string[] = ['age', 'income', 'city', 'member', 'note'];
export const CONTRACT_OUTPUTS: readonly string[] = ['prediction'];

export interface ContractSample {
  eventId: string;
  inferenceId?: string;
  /** Event time as text (ISO-8601); undefined: the line has none. */
  time: string | undefined;
  /** Input values as text (undefined: missing), aligned with CONTRACT_INPUTS. */
  inputs: readonly (string | undefined)[];
  /** Output values, aligned with CONTRACT_OUTPUTS. */
  outputs: readonly (string | undefined)[];
  /** Extra input values beyond the declared ones (undeclared features). */
  extra?: readonly string[];
}

export interface DecoderContractOptions {
  /** Whether rows carry the sample's eventId (capture) or not (flat records). */
  hasEventId: boolean;
  /** Lines are CSV records (batch-transform-csv): CSV's own malformed lines replace the JSON-syntax ones. Default json. */
  lineSyntax?: 'json' | 'csv';
}

export type MakeDecoder = (
  registry: FeatureRegistry,
  names: { inputs: readonly string[]; outputs: readonly string[] },
) => RecordDecoder;

/** Value pool for random samples: every Deequ class and the edge cases of its patterns. */
export const VALUE_POOL: readonly (string | undefined)[] = [
  '0', '42', '-7', '+5', '007', ' 5', '- 5', '-0', '123456789012345678901',
  '3.0', '0.302709460258', '-1.5e3', '1E5', '2.5e-3', '1e400', '12345678901234567890.5', '1000.125',
  'true', 'false', 'TRUE', 'nan', 'inf', '1.', '.5', '1 ', ' ', 'hello', 'a,b', 'say "hi"',
  'line\nbreak', 'tab\there', 'é日本', 'back\\slash', '',
  undefined,
];

interface Captured {
  rows: { eventTimeMs: number; eventId: string | undefined; inferenceId: string | undefined; byName: Map<string, [ValueKind, number | string | undefined]> }[];
  reason: RecordErrorReason | undefined;
}

/** Decode one line and copy every emitted row (the row object is reused). */
export function decodeAll(decoder: RecordDecoder, registry: FeatureRegistry, line: string): Captured {
  const rows: Captured['rows'] = [];
  const reason = decoder.decode(line, (row: FeatureRow) => {
    const byName = new Map<string, [ValueKind, number | string | undefined]>();
    for (let i = 0; i < row.width; i++) {
      const kind = row.kinds[i] as ValueKind;
      if (kind === ValueKind.MISSING) continue;
      const numeric = kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL;
      byName.set(registry.at(i).name, [kind, numeric ? row.numbers[i] : row.strings[i]]);
    }
    rows.push({ eventTimeMs: row.eventTimeMs, eventId: row.eventId, inferenceId: row.inferenceId, byName });
  });
  return { rows, reason };
}

function expectValue(got: [ValueKind, number | string | undefined] | undefined, text: string | undefined, what: string): void {
  const ref = referenceKind(text);
  if (ref.kind === ValueKind.MISSING) {
    expect(got, what).toBeUndefined();
    return;
  }
  expect(got?.[0], what).toBe(ref.kind);
  if (ref.kind === ValueKind.INTEGRAL || ref.kind === ValueKind.FRACTIONAL) {
    expect(Object.is(got?.[1], ref.value), `${what}: ${String(got?.[1])} vs ${String(ref.value)}`).toBe(true);
  } else {
    expect(got?.[1], what).toBe(text);
  }
}

export function describeDecoderContract(
  name: string,
  makeDecoder: MakeDecoder,
  encode: (sample: ContractSample) => string,
  options: DecoderContractOptions,
): void {
  const names = { inputs: CONTRACT_INPUTS, outputs: CONTRACT_OUTPUTS };
  const setup = (maxFeatures?: number): { registry: FeatureRegistry; decoder: RecordDecoder } => {
    const registry = new FeatureRegistry(maxFeatures);
    return { registry, decoder: makeDecoder(registry, names) };
  };
  const sample = (over: Partial<ContractSample> = {}): ContractSample => ({
    eventId: '8f1c2b7e-3d4a-4b5c-9d6e-7f8091a2b3c4',
    inferenceId: 'req-0001',
    time: '2024-01-19T20:06:08Z',
    inputs: ['42', '1000.125', 'Oslo', 'true', undefined],
    outputs: ['0.93'],
    ...over,
  });
  const checkSample = (got: Captured, s: ContractSample): void => {
    expect(got.reason).toBeUndefined();
    expect(got.rows).toHaveLength(1);
    const row = got.rows[0]!;
    expect(row.eventTimeMs).toBe(Date.parse(s.time as string));
    expect(row.inferenceId).toBe(s.inferenceId ?? s.eventId);
    expect(row.eventId).toBe(options.hasEventId ? s.eventId : undefined);
    CONTRACT_INPUTS.forEach((n, i) => expectValue(row.byName.get(n), s.inputs[i], `${n} = ${JSON.stringify(s.inputs[i])}`));
    CONTRACT_OUTPUTS.forEach((n, i) => expectValue(row.byName.get(n), s.outputs[i], `${n} = ${JSON.stringify(s.outputs[i])}`));
  };

  describe(`RecordDecoder contract: ${name}`, () => {
    it('decodes a valid record into one row with values, kinds, ids and time', () => {
      const { registry, decoder } = setup();
      const s = sample();
      checkSample(decodeAll(decoder, registry, encode(s)), s);
    });

    it('declares the schema features in the registry, outputs flagged', () => {
      const { registry } = setup();
      for (const n of CONTRACT_INPUTS) expect(registry.get(n)).toMatchObject({ declared: true, isOutput: false });
      for (const n of CONTRACT_OUTPUTS) expect(registry.get(n)).toMatchObject({ declared: true, isOutput: true });
    });

    it('classifies every kind of value like Deequ (random samples, fixed seed)', () => {
      const { registry, decoder } = setup();
      const r = rng(7);
      const pick = (): string | undefined => VALUE_POOL[r.int(VALUE_POOL.length)];
      for (let n = 0; n < 400; n++) {
        const s = sample({
          eventId: `ev-${n}`,
          inferenceId: n % 3 === 0 ? undefined : `inf-${n}`,
          time: new Date(Date.UTC(2024, 0, 1) + n * 7919_000).toISOString().replace('.000Z', 'Z'),
          inputs: CONTRACT_INPUTS.map(pick),
          outputs: [['0.5', '1', '-2.25e-1', 'yes'][n % 4]],
        });
        checkSample(decodeAll(decoder, registry, encode(s)), s);
      }
    });

    it('marks missing values MISSING', () => {
      const { registry, decoder } = setup();
      const s = sample({ inputs: [undefined, undefined, undefined, undefined, undefined] });
      const got = decodeAll(decoder, registry, encode(s));
      checkSample(got, s);
      expect([...got.rows[0]!.byName.keys()]).toEqual(['prediction']);
    });

    it('keeps the text of numbers for keepText features', () => {
      const { registry, decoder } = setup();
      registry.declare('age', { keepText: true });
      let text: string | undefined;
      decoder.decode(encode(sample({ inputs: ['42', '3.5', 'x', 'false', '-7'] })), (row) => {
        text = row.strings[registry.get('age')!.index];
      });
      expect(text).toBe('42');
    });

    it('registers extra values as undeclared features', () => {
      const { registry, decoder } = setup();
      const before = registry.size;
      const got = decodeAll(decoder, registry, encode(sample({ extra: ['5', 'x'] })));
      expect(got.reason).toBeUndefined();
      expect(registry.size).toBe(before + 2);
      const added = registry.features.slice(before);
      expect(added.every((f) => !f.declared)).toBe(true);
      expect(got.rows[0]!.byName.get(added[0]!.name)).toEqual([ValueKind.INTEGRAL, 5]);
      expect(got.rows[0]!.byName.get(added[1]!.name)).toEqual([ValueKind.STRING, 'x']);
    });

    type Malformed = [string, (s: ContractSample) => string, RecordErrorReason, number?];
    const syntax: Malformed[] =
      options.lineSyntax === 'csv'
        ? [
            ['an empty line', () => '', RecordErrorReason.EMPTY_PAYLOAD],
            ['a line without the id and time columns', () => 'hello', RecordErrorReason.MISSING_EVENT_TIME],
            ['trailing garbage', (s) => `${encode(s)} x`, RecordErrorReason.BAD_EVENT_TIME],
          ]
        : [
            ['a line that is not JSON', () => '{"captureData": oops', RecordErrorReason.NOT_JSON],
            ['an empty line', () => '', RecordErrorReason.NOT_JSON],
            ['a JSON array', () => '[1, 2, 3]', RecordErrorReason.NOT_JSON],
            ['a JSON string', () => '"hello"', RecordErrorReason.NOT_JSON],
            ['trailing garbage', (s) => `${encode(s)} x`, RecordErrorReason.NOT_JSON],
          ];
    const malformed: Malformed[] = [
      ...syntax,
      ['a record without event time', (s) => encode({ ...s, time: undefined }), RecordErrorReason.MISSING_EVENT_TIME],
      ['an event time that is not a time', (s) => encode({ ...s, time: 'yesterday' }), RecordErrorReason.BAD_EVENT_TIME],
      ['an impossible date', (s) => encode({ ...s, time: '2024-02-30T00:00:00Z' }), RecordErrorReason.BAD_EVENT_TIME],
      ['more features than the registry holds', (s) => encode({ ...s, extra: ['1'] }), RecordErrorReason.TOO_MANY_FEATURES, 6],
    ];
    for (const [what, line, reason, cap] of malformed) {
      it(`rejects ${what} with ${reason}, emits nothing, and keeps working`, () => {
        const { registry, decoder } = setup(cap);
        let emitted = 0;
        expect(decoder.decode(line(sample()), () => emitted++)).toBe(reason);
        expect(emitted).toBe(0);
        const s = sample({ eventId: 'after', inferenceId: undefined });
        checkSample(decodeAll(decoder, registry, encode(s)), s);
      });
    }

    it('never throws on arbitrary input', () => {
      const { decoder } = setup(8);
      const r = rng(11);
      const base = encode(sample());
      for (let n = 0; n < 2000; n++) {
        // mutate a valid line: delete, duplicate or replace characters
        let line = base;
        for (let k = 0; k < 1 + r.int(4); k++) {
          const at = r.int(line.length + 1);
          const op = r.int(3);
          const ch = '{}[]":,\\ 0aZ\n\u0001é'[r.int(15)] as string;
          line = op === 0 ? line.slice(0, at) + line.slice(at + 1) : op === 1 ? line.slice(0, at) + ch + line.slice(at) : line.slice(0, at) + ch + line.slice(at + 1);
        }
        let rows = 0;
        const reason = decoder.decode(line, () => rows++);
        if (reason !== undefined) expect(rows).toBe(0);
      }
    });
  });
}
