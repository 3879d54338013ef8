/**
 * BatchTransformDecoder: the RecordDecoder contract over CSV output, JSON Lines output records and
 * batchTransformOutput envelopes; AWS's documented lines; layouts (outputs first or last, joined or
 * not, whole-document jobs); and hostile lines, each rejected with its reason and nothing emitted.
 */
import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../errors.js';
import { BatchTransformDecoder } from './batch-transform-decoder.js';
import { toCsvRecord } from './capture-encoder.js';
import { createDecoder } from './create-decoder.js';
import { CONTRACT_INPUTS, CONTRACT_OUTPUTS, decodeAll, describeDecoderContract, type ContractSample } from './decoder.contract.js';
import { FeatureRegistry } from './feature-registry.js';
import { ValueKind } from './row.js';
import type { DatasetSchema } from './schema.js';

/** Outputs first (outputsPosition start), then inputs and extras, then SageMaker's id and time columns. */
function encodeCsv(s: ContractSample): string {
  return toCsvRecord([...s.outputs, ...s.inputs, ...(s.extra ?? []), s.inferenceId ?? s.eventId, s.time ?? '']);
}

/** A joined (join_source=Input) JSON Lines output record: inputs as keys, the prediction under SageMakerOutput. */
function encodeJsonl(s: ContractSample): string {
  const rec: Record<string, unknown> = {};
  CONTRACT_INPUTS.forEach((n, i) => {
    if (s.inputs[i] !== undefined) rec[n] = s.inputs[i];
  });
  (s.extra ?? []).forEach((v, i) => (rec[`extra${i}`] = v));
  const out: Record<string, unknown> = {};
  CONTRACT_OUTPUTS.forEach((n, i) => {
    if (s.outputs[i] !== undefined) out[n] = s.outputs[i];
  });
  rec['SageMakerOutput'] = out;
  rec['SageMakerInferenceId'] = s.inferenceId ?? s.eventId;
  if (s.time !== undefined) rec['SageMakerInferenceTime'] = s.time;
  return JSON.stringify(rec);
}

/** The same record as a merged capture envelope (captureData.batchTransformOutput, JSON data). */
function encodeEnvelope(s: ContractSample): string {
  const inner = JSON.parse(encodeJsonl(s)) as Record<string, unknown>;
  delete inner['SageMakerInferenceId'];
  delete inner['SageMakerInferenceTime'];
  const meta: Record<string, unknown> = { eventId: s.eventId, ...(s.inferenceId === undefined ? {} : { inferenceId: s.inferenceId }) };
  if (s.time !== undefined) meta['inferenceTime'] = s.time;
  return JSON.stringify({ eventMetadata: meta, captureData: { batchTransformOutput: { data: JSON.stringify(inner), encoding: 'JSON' } } });
}

const make = (format: DatasetSchema['format']) => (registry: FeatureRegistry, names: { inputs: readonly string[]; outputs: readonly string[] }) =>
  createDecoder({ format, inputs: names.inputs, outputs: names.outputs }, registry);

describeDecoderContract('batch-transform-csv', make('batch-transform-csv'), encodeCsv, { hasEventId: false, lineSyntax: 'csv' });
describeDecoderContract('batch-transform-jsonl (output records)', make('batch-transform-jsonl'), encodeJsonl, { hasEventId: false });
describeDecoderContract('batch-transform-jsonl (batchTransformOutput envelopes)', make('batch-transform-jsonl'), encodeEnvelope, { hasEventId: true });

const T = '2022-08-30T00:49:15Z';
const TMS = Date.parse(T);
const ID = '1f1d57b1-2e6f-488c-8c30-db4e6d757861';

function run(schema: DatasetSchema, line: string) {
  const registry = new FeatureRegistry(16);
  const decoder = new BatchTransformDecoder(schema, registry);
  const got = decodeAll(decoder, registry, line);
  const rows = got.rows.map((r) => ({ ...r, values: Object.fromEntries([...r.byName].map(([k, [kind, v]]) => [k, `${kind}:${String(v)}`])) }));
  return { reason: got.reason, rows, registry };
}
const I = ValueKind.INTEGRAL;
const F = ValueKind.FRACTIONAL;
const S = ValueKind.STRING;

describe('BatchTransformDecoder: CSV output', () => {
  const csv: DatasetSchema = { format: 'batch-transform-csv', inputs: ['a', 'b'], outputs: ['score'] };

  it("reads AWS's documented line (spaces around the id) with outputs first", () => {
    const { reason, rows } = run(csv, `0.5,3,x, ${ID},${T}`);
    expect(reason).toBeUndefined();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventTimeMs: TMS, inferenceId: ID, eventId: undefined, values: { score: `${F}:0.5`, a: `${I}:3`, b: `${S}:x` } });
  });

  it('reads join_source=Input rows (inputs, then outputs) with outputsPosition end', () => {
    const { rows } = run({ ...csv, outputsPosition: 'end' }, `3,x,0.5,${ID},${T}`);
    expect(rows[0]?.values).toEqual({ a: `${I}:3`, b: `${S}:x`, score: `${F}:0.5` });
    // unnamed extra inputs before the outputs keep _cN numbering across the analysed row
    const extra = run({ format: 'batch-transform-csv', outputs: ['score'], outputsPosition: 'end' }, `3,x,0.5,${ID},${T}`);
    expect(extra.rows[0]?.values).toEqual({ _c0: `${I}:3`, _c1: `${S}:x`, score: `${F}:0.5` });
    expect(extra.registry.get('score')?.isOutput).toBe(true);
  });

  it('quoted fields may hold commas; a quoted id is unquoted', () => {
    const { rows } = run(csv, `0.5,"a,b","say ""hi""","${ID}",${T}`);
    expect(rows[0]).toMatchObject({ inferenceId: ID, values: { score: `${F}:0.5`, a: `${S}:a,b`, b: `${S}:say "hi"` } });
  });

  it('names unnamed columns after the baseline when the counts match', () => {
    const registry = new FeatureRegistry();
    const decoder = new BatchTransformDecoder({ format: 'batch-transform-csv' }, registry, { baselineNames: ['p', 'x', 'y'] });
    const got = decodeAll(decoder, registry, `1,2,3,${ID},${T}`);
    expect([...got.rows[0]!.byName.keys()]).toEqual(['p', 'x', 'y']);
    expect(decoder.columnNaming()).toEqual({ fromBaseline: true, columns: 3, baselineFeatures: 3 });
  });

  const hostile: [string, string, RecordErrorReason][] = [
    ['a blank line', '  \r', RecordErrorReason.EMPTY_PAYLOAD],
    ['only the id and time columns', `${ID},${T}`, RecordErrorReason.EMPTY_PAYLOAD],
    ['no id/time columns (GenerateInferenceId=false output)', '0.5,3,x', RecordErrorReason.BAD_EVENT_TIME],
    ['an empty time column', `0.5,3,x,${ID},`, RecordErrorReason.MISSING_EVENT_TIME],
    ['a time that is not one', `0.5,3,x,${ID},2022-13-40T00:00:00Z`, RecordErrorReason.BAD_EVENT_TIME],
    ['a single field', 'hello', RecordErrorReason.MISSING_EVENT_TIME],
    ['a comma only', ',', RecordErrorReason.MISSING_EVENT_TIME],
    ['more columns than the registry holds', `${Array.from({ length: 20 }, (_, i) => i).join(',')},${ID},${T}`, RecordErrorReason.TOO_MANY_FEATURES],
  ];
  for (const [what, line, reason] of hostile) {
    it(`rejects ${what} with ${reason}`, () => {
      const { reason: got, rows } = run(csv, line);
      expect(got).toBe(reason);
      expect(rows).toHaveLength(0);
    });
  }
});

describe('BatchTransformDecoder: JSON Lines output', () => {
  const jsonl: DatasetSchema = { format: 'batch-transform-jsonl', outputs: ['label', 'score'] };

  it("reads AWS's documented unjoined record: the non-reserved keys are the model's output", () => {
    const { rows, registry } = run({ format: 'batch-transform-jsonl' }, `{"output": 0, "SageMakerInferenceId": "${ID}", "SageMakerInferenceTime": "${T}"}`);
    expect(rows[0]).toMatchObject({ eventTimeMs: TMS, inferenceId: ID, values: { output: `${I}:0` } });
    expect(registry.get('output')?.isOutput).toBe(true);
    expect(registry.get('SageMakerInferenceId')).toBeUndefined();
  });

  it('reads a joined record whose input has features under a default instance key', () => {
    const line = `{"features":[37,2,"x"],"SageMakerOutput":{"label":1,"score":0.9},"SageMakerInferenceId":"${ID}","SageMakerInferenceTime":"${T}"}`;
    const { rows } = run(jsonl, line);
    // outputs first: label, score are _c0/_c1's places; the input array numbers on from 2
    expect(rows[0]?.values).toEqual({ label: `${I}:1`, score: `${F}:0.9`, _c2: `${I}:37`, _c3: `${I}:2`, _c4: `${S}:x` });
  });

  it('reads a JSON array of records (observed in a .jsonl file) as several rows, all or nothing', () => {
    const rec = (id: string, score: string): string => `{"SageMakerOutput":{"score":${score}},"SageMakerInferenceId":"${id}","SageMakerInferenceTime":"${T}"}`;
    const ok = run(jsonl, `[${rec('a', '0.1')}, ${rec('b', '0.2')}]`);
    expect(ok.rows.map((r) => [r.inferenceId, r.values['score']])).toEqual([['a', `${F}:0.1`], ['b', `${F}:0.2`]]);
    const bad = run(jsonl, `[${rec('a', '0.1')}, {"SageMakerOutput":{"score":1},"SageMakerInferenceId":"b"}]`);
    expect(bad.reason).toBe(RecordErrorReason.MISSING_EVENT_TIME);
    expect(bad.rows).toHaveLength(0);
  });

  it("reads a whole-document job's record (instances ↔ predictions, as in AWS's notebook) as one row per instance", () => {
    const doc = (preds: string): string =>
      `{"instances":[{"age":30,"k":1},{"age":40,"k":0}],"SageMakerOutput":{"predictions":${preds}},"SageMakerInferenceId":"${ID}","SageMakerInferenceTime":"${T}"}`;
    const ok = run(jsonl, doc('[{"label":1,"score":0.9},{"label":0,"score":0.2}]'));
    expect(ok.rows.map((r) => [r.inferenceId, r.values])).toEqual([
      [ID, { label: `${I}:1`, score: `${F}:0.9`, age: `${I}:30`, k: `${I}:1` }],
      [ID, { label: `${I}:0`, score: `${F}:0.2`, age: `${I}:40`, k: `${I}:0` }],
    ]);
    const scalars = run({ ...jsonl, outputs: ['score'] }, doc('[0.9, 0.2]'));
    expect(scalars.rows.map((r) => r.values['score'])).toEqual([`${F}:0.9`, `${F}:0.2`]);
    const mismatch = run(jsonl, doc('[{"label":1,"score":0.9}]'));
    expect(mismatch.reason).toBe(RecordErrorReason.ROW_COUNT_MISMATCH);
    expect(mismatch.rows).toHaveLength(0);
  });

  it('reads merged envelopes: CSV and BASE64 data, id and time from eventMetadata when the records lack them', () => {
    const csvEnv = JSON.stringify({ eventMetadata: { eventId: 'ev' }, captureData: { batchTransformOutput: { data: `1,0.9,${ID},${T}\n0,0.2,id2,${T}\n`, encoding: 'CSV' } } });
    const a = run(jsonl, csvEnv);
    expect(a.rows.map((r) => [r.inferenceId, r.eventId, r.values['score']])).toEqual([[ID, 'ev', `${F}:0.9`], ['id2', 'ev', `${F}:0.2`]]);
    const data = Buffer.from(`{"SageMakerOutput":{"label":1}}`).toString('base64');
    const b = run(jsonl, JSON.stringify({ eventMetadata: { eventId: 'ev', inferenceTime: T }, captureData: { batchTransformOutput: { data, encoding: 'BASE64' } } }));
    expect(b.rows[0]).toMatchObject({ inferenceId: 'ev', eventTimeMs: TMS, values: { label: `${I}:1` } });
  });

  const env = (bto: unknown, meta: unknown = { eventId: 'e', inferenceTime: T }): string => JSON.stringify({ eventMetadata: meta, captureData: { batchTransformOutput: bto } });
  const hostile: [string, string, RecordErrorReason][] = [
    ['an empty array', '[]', RecordErrorReason.EMPTY_PAYLOAD],
    ['an array holding a number', `[{"SageMakerInferenceTime":"${T}","x":1}, 5]`, RecordErrorReason.NOT_JSON],
    ['nested arrays', `[[{"SageMakerInferenceTime":"${T}"}]]`, RecordErrorReason.NOT_JSON],
    ['a time that is a number', `{"SageMakerInferenceTime": 1661820555000, "x": 1}`, RecordErrorReason.BAD_EVENT_TIME],
    ['an envelope without batchTransformOutput', JSON.stringify({ captureData: { endpointInput: { data: '1', encoding: 'CSV' } } }), RecordErrorReason.MISSING_CAPTURE_DATA],
    ['envelope data that is not a string', env({ data: { x: 1 }, encoding: 'JSON' }), RecordErrorReason.BAD_PAYLOAD],
    ['envelope data that is not JSON', env({ data: '{"x": oops', encoding: 'JSON' }), RecordErrorReason.BAD_PAYLOAD],
    ['envelope JSON data holding a number', env({ data: '[1]', encoding: 'JSON' }), RecordErrorReason.BAD_PAYLOAD],
    ['envelope data in an unknown encoding', env({ data: 'x', encoding: 'XML' }), RecordErrorReason.UNSUPPORTED_ENCODING],
    ['envelope data that is not base64', env({ data: '%%%', encoding: 'BASE64' }), RecordErrorReason.BAD_BASE64],
    ['empty envelope data', env({ data: '\n', encoding: 'CSV' }), RecordErrorReason.EMPTY_PAYLOAD],
  ];
  for (const [what, line, reason] of hostile) {
    it(`rejects ${what} with ${reason}`, () => {
      const { reason: got, rows } = run(jsonl, line);
      expect(got).toBe(reason);
      expect(rows).toHaveLength(0);
    });
  }

  it('takes hostile keys as plain feature names (no prototype pollution)', () => {
    const { reason, rows } = run({ format: 'batch-transform-jsonl' }, `{"__proto__": {"polluted": 1}, "constructor": 2, "SageMakerInferenceTime":"${T}", "SageMakerOutput": 1}`);
    expect(reason).toBeUndefined();
    expect(rows[0]?.values['constructor']).toBe(`${I}:2`);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
