import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../errors.js';
import { createDecoder } from './create-decoder.js';
import { CONTRACT_INPUTS, CONTRACT_OUTPUTS, decodeAll, describeDecoderContract, type ContractSample } from './decoder.contract.js';
import { FeatureRegistry } from './feature-registry.js';
import { FlatJsonDecoder } from './flat-json-decoder.js';
import { ValueKind } from './row.js';
import type { DatasetSchema } from './schema.js';

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

/** A value as JSON: numbers and booleans as literals when the text is one, else a JSON string. */
function literal(text: string | undefined): string {
  if (text === undefined) return 'null';
  if (JSON_NUMBER.test(text) || text === 'true' || text === 'false') return text;
  return JSON.stringify(text);
}

function encodeFlat(s: ContractSample): string {
  const parts: string[] = [`"inferenceId":${JSON.stringify(s.inferenceId ?? s.eventId)}`];
  if (s.time !== undefined) parts.push(`"inferenceTime":${JSON.stringify(s.time)}`);
  CONTRACT_INPUTS.forEach((n, i) => parts.push(`${JSON.stringify(n)}:${literal(s.inputs[i])}`));
  CONTRACT_OUTPUTS.forEach((n, i) => parts.push(`${JSON.stringify(n)}:${literal(s.outputs[i])}`));
  (s.extra ?? []).forEach((v, i) => parts.push(`"extra_${i}":${literal(v)}`));
  return `{${parts.join(',')}}`;
}

describeDecoderContract(
  'flat-json',
  (registry, names) => createDecoder({ format: 'flat-json', inputs: names.inputs, outputs: names.outputs }, registry),
  encodeFlat,
  { hasEventId: false },
);

function run(schema: Omit<DatasetSchema, 'format'>, lines: string[]) {
  const registry = new FeatureRegistry();
  const decoder = new FlatJsonDecoder({ format: 'flat-json', ...schema }, registry);
  return { registry, out: lines.map((l) => decodeAll(decoder, registry, l)) };
}
const kv = (row: { byName: Map<string, [ValueKind, number | string | undefined]> }): Record<string, unknown> =>
  Object.fromEntries([...row.byName].map(([k, [kind, v]]) => [k, `${kind}:${String(v)}`]));
const I = ValueKind.INTEGRAL;
const F = ValueKind.FRACTIONAL;
const S = ValueKind.STRING;
const T0 = '2024-01-19T20:06:08Z';
const MS0 = Date.parse(T0);

describe('FlatJsonDecoder', () => {
  it('top-level keys except id and time are features; 3 and 3.0 keep their Deequ kinds', () => {
    const { out, registry } = run({}, [`{"inferenceId":"a","inferenceTime":"${T0}","n":3,"x":3.0,"e":1e2,"s":"7","b":false,"o":{"k":[1]}}`]);
    expect(out[0]!.reason).toBeUndefined();
    expect(kv(out[0]!.rows[0]!)).toEqual({ n: `${I}:3`, x: `${F}:3`, e: `${F}:100`, s: `${I}:7`, b: `${ValueKind.BOOLEAN}:false`, o: `${S}:{"k":[1]}` });
    expect(out[0]!.rows[0]).toMatchObject({ inferenceId: 'a', eventId: undefined, eventTimeMs: MS0 });
    expect(registry.get('inferenceId')).toBeUndefined();
  });

  it('custom id/time fields, a features object, and featurePaths into nested objects', () => {
    const { out, registry } = run(
      { idField: 'id', timeField: 'ts', featuresField: 'features', outputs: ['score'], featurePaths: { city: 'address.city', zip: 'address.zip' } },
      [`{"id":17,"ts":1705694768000,"other":1,"features":{"age":40,"score":0.9,"address":{"city":"Oslo"}}}`],
    );
    expect(out[0]!.reason).toBeUndefined();
    expect(kv(out[0]!.rows[0]!)).toEqual({ age: `${I}:40`, score: `${F}:0.9`, city: `${S}:Oslo` });
    expect(out[0]!.rows[0]).toMatchObject({ inferenceId: '17', eventTimeMs: MS0 });
    expect(registry.get('score')).toMatchObject({ isOutput: true, declared: true });
    expect(registry.get('address')).toBeUndefined();
    expect(registry.get('other')).toBeUndefined();
  });

  it('event times: ISO-8601 with offsets, epoch ms as number or string, epoch seconds', () => {
    const lines = [
      `{"inferenceTime":"2024-01-19T21:06:08.250+01:00","f":1}`,
      `{"inferenceTime":1705694768000,"f":1}`,
      `{"inferenceTime":"1705694768000","f":1}`,
      `{"inferenceTime":1705694768.5e3,"f":1}`,
    ];
    expect(run({}, lines).out.map((o) => o.rows[0]?.eventTimeMs)).toEqual([MS0 + 250, MS0, MS0, MS0 + 500]);
    const secs = run({ timeUnit: 's' }, [`{"inferenceTime":1705694768,"f":1}`, `{"inferenceTime":"1705694768.25","f":1}`]);
    expect(secs.out.map((o) => o.rows[0]?.eventTimeMs)).toEqual([MS0, MS0 + 250]);
  });

  const rejections: [string, string, RecordErrorReason, Omit<DatasetSchema, 'format'>?][] = [
    ['a line that is not an object', '[{"inferenceTime":"x"}]', RecordErrorReason.NOT_JSON],
    ['invalid JSON', '{"inferenceTime":"2024-01-19T20:06:08Z", "f": 01}', RecordErrorReason.NOT_JSON],
    ['a null time', '{"inferenceTime":null,"f":1}', RecordErrorReason.MISSING_EVENT_TIME],
    ['a boolean time', '{"inferenceTime":true,"f":1}', RecordErrorReason.BAD_EVENT_TIME],
    ['a time out of range', '{"inferenceTime":1e300,"f":1}', RecordErrorReason.BAD_EVENT_TIME],
    ['a missing features object', `{"inferenceTime":"${T0}","f":1}`, RecordErrorReason.BAD_PAYLOAD, { featuresField: 'features' }],
    ['a features value that is not an object', `{"inferenceTime":"${T0}","features":[1]}`, RecordErrorReason.BAD_PAYLOAD, { featuresField: 'features' }],
  ];
  for (const [what, line, reason, schema] of rejections) {
    it(`rejects ${what} with ${reason}`, () => {
      const { out } = run(schema ?? {}, [line]);
      expect(out[0]).toEqual({ rows: [], reason });
    });
  }
});

describe('FlatJsonDecoder: non-finite numbers (README "Non-finite numbers")', () => {
  it('1e400 and the strings "Infinity", "-inf", "NaN" are FRACTIONAL non-finite; a bare NaN or Infinity is not JSON', () => {
    const { out } = run({}, [
      `{"inferenceId":"a","inferenceTime":"${T0}","a":1e400,"b":-1e400,"c":"Infinity","d":"-inf","e":"NaN","f":"nan!"}`,
      `{"inferenceId":"b","inferenceTime":"${T0}","a":NaN}`,
      `{"inferenceId":"c","inferenceTime":"${T0}","a":Infinity}`,
    ]);
    expect(out[0]!.reason).toBeUndefined();
    const got = Object.fromEntries([...out[0]!.rows[0]!.byName].map(([k, [kind, v]]) => [k, `${kind}:${Number.isNaN(v) ? 'NaN' : String(v)}`]));
    expect(got).toEqual({ a: `${F}:Infinity`, b: `${F}:-Infinity`, c: `${F}:Infinity`, d: `${F}:-Infinity`, e: `${F}:NaN`, f: `${S}:nan!` });
    expect(out[1]!.reason).toBe(RecordErrorReason.NOT_JSON);
    expect(out[2]!.reason).toBe(RecordErrorReason.NOT_JSON);
  });
});
