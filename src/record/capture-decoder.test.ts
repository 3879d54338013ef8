import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rng, type Rng } from '../../test/support/random.js';
import { RecordErrorReason } from '../errors.js';
import { CaptureDecoder } from './capture-decoder.js';
import { encodeCaptureLine, toCsvRecord } from './capture-encoder.js';
import { createDecoder } from './create-decoder.js';
import { decodeAll, describeDecoderContract, type ContractSample } from './decoder.contract.js';
import { FeatureRegistry } from './feature-registry.js';
import { ValueKind } from './row.js';
import type { DatasetSchema } from './schema.js';

const FIXTURES = new URL('../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/monitor/', import.meta.url);
const fixtureLines = (name: string): string[] =>
  readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

function encodeContractSample(s: ContractSample): string {
  const line = encodeCaptureLine({
    inputData: toCsvRecord([...s.inputs, ...(s.extra ?? [])]),
    outputData: toCsvRecord(s.outputs),
    eventId: s.eventId,
    ...(s.inferenceId === undefined ? {} : { inferenceId: s.inferenceId }),
    inferenceTime: s.time ?? '',
  });
  if (s.time !== undefined) return line;
  const doc = JSON.parse(line) as { eventMetadata: Record<string, unknown> };
  delete doc.eventMetadata['inferenceTime'];
  return JSON.stringify(doc);
}

describeDecoderContract(
  'sagemaker-capture (CSV payloads)',
  (registry, names) => createDecoder({ format: 'sagemaker-capture', inputs: names.inputs, outputs: names.outputs }, registry),
  encodeContractSample,
  { hasEventId: true },
);

/** Decode with a fresh registry; rows as plain objects keyed by feature name. */
function run(schema: Omit<DatasetSchema, 'format'>, lines: string[]) {
  const registry = new FeatureRegistry();
  const decoder = new CaptureDecoder({ format: 'sagemaker-capture', ...schema }, registry);
  const out = lines.map((l) => decodeAll(decoder, registry, l));
  return { registry, decoder, out };
}
const kv = (row: { byName: Map<string, [ValueKind, number | string | undefined]> }): Record<string, unknown> =>
  Object.fromEntries([...row.byName].map(([k, [kind, v]]) => [k, `${kind}:${String(v)}`]));
const F = ValueKind.FRACTIONAL;
const I = ValueKind.INTEGRAL;
const S = ValueKind.STRING;

const T0 = '2024-01-19T20:06:08Z';
const line = (over: Partial<Parameters<typeof encodeCaptureLine>[0]>): string =>
  encodeCaptureLine({ inputData: '1,2', outputData: '0.5', eventId: 'ev-1', inferenceTime: T0, ...over });

describe('CaptureDecoder: SageMaker SDK fixtures', () => {
  it('captured-data.jsonl: JSON instances → three rows per line, _c0 = prediction', () => {
    const { out, registry } = run({}, fixtureLines('captured-data.jsonl'));
    expect(out.map((o) => o.reason)).toEqual([undefined, undefined]);
    expect(out[0]!.rows.map(kv)).toEqual([
      { _c0: `${F}:3.5`, _c1: `${F}:1` },
      { _c0: `${F}:4`, _c1: `${F}:2` },
      { _c0: `${F}:5.5`, _c1: `${F}:5` },
    ]);
    expect(out[0]!.rows.every((r) => r.eventId === '12b73486-e916-45de-9d82-7fa23d4a39a6' && r.inferenceId === r.eventId)).toBe(true);
    expect(out[0]!.rows[0]!.eventTimeMs).toBe(Date.parse('2019-11-24T07:30:50Z'));
    expect(out[1]!.rows[0]!.eventTimeMs).toBe(Date.parse('2019-11-24T07:31:30Z'));
    expect(registry.get('_c0')).toMatchObject({ isOutput: true, declared: false });
    expect(registry.get('_c1')).toMatchObject({ isOutput: false, declared: false });
  });

  it('capture.jsonl: the "{%s}" placeholder is a bad event time; with a real time every line decodes', () => {
    const raw = fixtureLines('capture.jsonl');
    expect(raw).toHaveLength(44);
    const placeholder = run({}, raw.slice(0, 1));
    expect(placeholder.out[0]!.reason).toBe(RecordErrorReason.BAD_EVENT_TIME);
    const lines = raw.map((l, i) => l.replace('"{%s}"', `"2024-01-19T20:${String(i).padStart(2, '0')}:00Z"`));
    const { out, registry, decoder } = run({}, lines);
    expect(out.every((o) => o.reason === undefined && o.rows.length === 1)).toBe(true);
    expect(registry.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2', '_c3', '_c4', '_c5', '_c6', '_c7']);
    expect(kv(out[0]!.rows[0]!)).toEqual({
      _c0: `${F}:0.302709460258`,
      _c1: `${I}:9`,
      _c2: `${I}:45`,
      _c3: `${I}:45`,
      _c4: `${I}:42`,
      _c5: `${I}:7`,
      _c6: `${I}:5`,
      _c7: `${I}:0`,
    });
    expect(out[5]!.rows[0]!.eventTimeMs).toBe(Date.parse('2024-01-19T20:05:00Z'));
    expect(out[1]!.rows[0]!.eventId).toBe('79f96714-0136-39c8-a200-38faf8a5f96f');
    // eventMetadata comes first in this file; after the first line the learned template applies
    expect(decoder.stats).toMatchObject({ fast: 44, template: 43, fallback: 0 });
  });

  it('names declared columns: outputs first, inputs after', () => {
    const lines = fixtureLines('capture.jsonl').map((l) => l.replace('"{%s}"', `"${T0}"`));
    const { out, registry } = run({ inputs: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], outputs: ['score'] }, lines.slice(0, 1));
    expect(registry.features.map((f) => f.name)).toEqual(['score', 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(kv(out[0]!.rows[0]!)).toMatchObject({ score: `${F}:0.302709460258`, a: `${I}:9`, g: `${I}:0` });
  });
});

describe('CaptureDecoder: payloads', () => {
  it('multi-row CSV gives several rows sharing ids and time', () => {
    const { out } = run({}, [line({ inputData: '1,2\n3,4\r\n5,6\n', outputData: '0.1\n0.2\n0.3', inferenceId: 'inf-9' })]);
    expect(out[0]!.reason).toBeUndefined();
    expect(out[0]!.rows.map(kv)).toEqual([
      { _c0: `${F}:0.1`, _c1: `${I}:1`, _c2: `${I}:2` },
      { _c0: `${F}:0.2`, _c1: `${I}:3`, _c2: `${I}:4` },
      { _c0: `${F}:0.3`, _c1: `${I}:5`, _c2: `${I}:6` },
    ]);
    expect(out[0]!.rows.every((r) => r.inferenceId === 'inf-9' && r.eventId === 'ev-1' && r.eventTimeMs === Date.parse(T0))).toBe(true);
  });

  it('CSV quoting: quoted fields with commas, quotes and newlines', () => {
    const { out } = run({}, [line({ inputData: '"a,b","say ""hi""","x\ny",7', outputData: '"3"' })]);
    expect(out[0]!.reason).toBeUndefined();
    expect(kv(out[0]!.rows[0]!)).toEqual({ _c0: `${I}:3`, _c1: `${S}:a,b`, _c2: `${S}:say "hi"`, _c3: `${S}:x\ny`, _c4: `${I}:7` });
  });

  it('outputsPosition end: _c0 is the first input', () => {
    const { out } = run({ outputsPosition: 'end' }, [line({})]);
    expect(kv(out[0]!.rows[0]!)).toEqual({ _c0: `${I}:1`, _c1: `${I}:2`, _c2: `${F}:0.5` });
  });

  it('extra columns beyond the declared names become undeclared _cN; missing trailing columns are MISSING', () => {
    const { out, registry } = run({ inputs: ['a', 'b', 'c'], outputs: ['p'] }, [line({ inputData: '1,2,3,4' }), line({ inputData: '1' })]);
    expect(kv(out[0]!.rows[0]!)).toEqual({ p: `${F}:0.5`, a: `${I}:1`, b: `${I}:2`, c: `${I}:3`, _c4: `${I}:4` });
    expect(registry.get('_c4')).toMatchObject({ declared: false, isOutput: false });
    expect(kv(out[1]!.rows[0]!)).toEqual({ p: `${F}:0.5`, a: `${I}:1` });
  });

  it('BASE64 CSV payloads', () => {
    const { out } = run({}, [line({ encoding: 'BASE64', contentType: 'text/csv', inputData: '1,x\n2,y', outputData: '0.1\n0.2' })]);
    expect(out[0]!.reason).toBeUndefined();
    expect(out[0]!.rows.map(kv)).toEqual([
      { _c0: `${F}:0.1`, _c1: `${I}:1`, _c2: `${S}:x` },
      { _c0: `${F}:0.2`, _c1: `${I}:2`, _c2: `${S}:y` },
    ]);
  });

  it('BASE64 JSON Lines payloads (one instance per line; object keys name features)', () => {
    const { out, registry } = run({}, [
      line({
        encoding: 'BASE64',
        contentType: 'application/jsonlines',
        inputData: '{"features":[1,2.0]}\n\n{"features":[3,4.5]}\n',
        outputData: '{"score":0.1,"label":1}\n{"score":0.9,"label":0}',
      }),
    ]);
    expect(out[0]!.reason).toBeUndefined();
    expect(out[0]!.rows.map(kv)).toEqual([
      { score: `${F}:0.1`, label: `${I}:1`, _c2: `${I}:1`, _c3: `${F}:2` },
      { score: `${F}:0.9`, label: `${I}:0`, _c2: `${I}:3`, _c3: `${F}:4.5` },
    ]);
    expect(registry.get('score')).toMatchObject({ isOutput: true, declared: false });
  });

  it('JSON-encoded JSON Lines (content type added to JsonContentTypes)', () => {
    const { out } = run({}, [line({ encoding: 'JSON', contentType: 'application/jsonlines', inputData: '[1,2]\n[3,4]', outputData: '[0.1]\n[0.2]' })]);
    expect(out[0]!.rows.map(kv)).toEqual([
      { _c0: `${F}:0.1`, _c1: `${I}:1`, _c2: `${I}:2` },
      { _c0: `${F}:0.2`, _c1: `${I}:3`, _c2: `${I}:4` },
    ]);
  });

  it('JSON instances: arrays, objects, nested values, and the 3 vs 3.0 distinction', () => {
    const { out } = run({}, [
      line({
        encoding: 'JSON',
        inputData: JSON.stringify({ instances: [{ age: 3, w: 1.5, tags: ['a'], ok: true, n: null }] }).replace('"age":3', '"age":3.0'),
        outputData: '{"predictions": [{"score": 1e2}]}',
      }),
    ]);
    expect(out[0]!.reason).toBeUndefined();
    expect(kv(out[0]!.rows[0]!)).toEqual({ score: `${F}:100`, age: `${F}:3`, w: `${F}:1.5`, tags: `${S}:["a"]`, ok: `${ValueKind.BOOLEAN}:true` });
  });

  it('JSON: explicit inputPath / outputPath and featurePaths into nested objects', () => {
    const doc = { body: { rows: [{ user: { age: 40, city: 'Oslo' }, x: 1 }, { user: { age: 41 }, x: 2 }] } };
    const { out, registry } = run(
      { inputPath: 'body.rows', outputPath: 'result.0.scores', featurePaths: { age: 'user.age', city: 'user.city' } },
      [line({ encoding: 'JSON', inputData: JSON.stringify(doc), outputData: '{"result":[{"scores":[0.2,0.8]}]}' })],
    );
    expect(out[0]!.reason).toBeUndefined();
    expect(out[0]!.rows.map(kv)).toEqual([
      { _c0: `${F}:0.2`, x: `${I}:1`, age: `${I}:40`, city: `${S}:Oslo` },
      { _c0: `${F}:0.8`, x: `${I}:2`, age: `${I}:41` },
    ]);
    expect(registry.get('user')).toBeUndefined();
    expect(registry.get('age')).toMatchObject({ declared: true });
  });

  it('JSON: whole-document arrays (sklearn style) — rows when the other side agrees', () => {
    const { out } = run({}, [
      line({ encoding: 'JSON', inputData: '[[1,2],[3,4]]', outputData: '[0.1,0.9]' }),
      line({ encoding: 'JSON', inputData: '[1,2,3]', outputData: '[0.7]' }),
    ]);
    expect(out[0]!.rows.map(kv)).toEqual([
      { _c0: `${F}:0.1`, _c1: `${I}:1`, _c2: `${I}:2` },
      { _c0: `${F}:0.9`, _c1: `${I}:3`, _c2: `${I}:4` },
    ]);
    expect(out[1]!.rows.map(kv)).toEqual([{ _c0: `${F}:0.7`, _c1: `${I}:1`, _c2: `${I}:2`, _c3: `${I}:3` }]);
  });

  it('mixed encodings: CSV input, JSON output', () => {
    const { out } = run({}, [line({ inputData: '1,2\n3,4', outputEncoding: 'JSON', outputData: '{"predictions":[0,1]}' })]);
    expect(out[0]!.rows.map(kv)).toEqual([
      { _c0: `${I}:0`, _c1: `${I}:1`, _c2: `${I}:2` },
      { _c0: `${I}:1`, _c1: `${I}:3`, _c2: `${I}:4` },
    ]);
  });

  it('captureIndexNames [endpointInput]: input-only capture', () => {
    const l = encodeCaptureLine({ inputData: '1,2', eventId: 'e', inferenceTime: T0 });
    const { out } = run({ captureIndexNames: ['endpointInput'], outputs: ['p'] }, [l]);
    expect(out[0]!.reason).toBeUndefined();
    // the missing output keeps its declared position: inputs start at _c1
    expect(kv(out[0]!.rows[0]!)).toEqual({ _c1: `${I}:1`, _c2: `${I}:2` });
    expect(run({}, [l]).out[0]!.reason).toBe(RecordErrorReason.MISSING_CAPTURE_DATA);
  });

  it('inference times with fractional seconds and offsets; inferenceId "" falls back to eventId', () => {
    const { out } = run({}, [
      line({ inferenceTime: '2024-01-19T20:06:08.123456Z', inferenceId: '' }),
      line({ inferenceTime: '2024-01-19T22:06:08+02:00' }),
      line({ inferenceTime: '2024-01-19T15:06:08.5-0500' }),
    ]);
    expect(out.map((o) => o.rows[0]!.eventTimeMs)).toEqual([
      Date.parse('2024-01-19T20:06:08.123Z'),
      Date.parse(T0),
      Date.parse('2024-01-19T20:06:08.500Z'),
    ]);
    expect(out[0]!.rows[0]!.inferenceId).toBe('ev-1');
  });
});

describe('CaptureDecoder: non-finite numbers (README "Non-finite numbers")', () => {
  const nf = (v: unknown): string => (Number.isNaN(v) ? 'NaN' : String(v));
  const kinds = (row: { byName: Map<string, [ValueKind, number | string | undefined]> }): Record<string, string> =>
    Object.fromEntries([...row.byName].map(([k, [kind, v]]) => [k, `${kind}:${nf(v)}`]));
  it('CSV payload: 1e400, Infinity, -inf, NaN, nan (plain and quoted) are FRACTIONAL non-finite; -nan stays a string', () => {
    // the same line several times: the template fast path and the first (scanned) decode must agree
    const l = line({ inputData: '1e400,Infinity,-inf,NaN,"nan",-nan,"-1e400"', outputData: 'inf' });
    const { out } = run({}, [l, l, l]);
    for (const o of out) {
      expect(o.reason).toBeUndefined();
      expect(kinds(o.rows[0]!)).toEqual({
        _c0: `${F}:Infinity`,
        _c1: `${F}:Infinity`,
        _c2: `${F}:Infinity`,
        _c3: `${F}:-Infinity`,
        _c4: `${F}:NaN`,
        _c5: `${F}:NaN`,
        _c6: `${S}:-nan`,
        _c7: `${F}:-Infinity`,
      });
    }
  });

  it('JSON payload: 1e400 (a number) and "Infinity"/"NaN" (strings) are FRACTIONAL non-finite; a bare NaN is not JSON', () => {
    const { out } = run({}, [
      line({ encoding: 'JSON', inputData: '{"instances":[{"a":1e400,"b":-1e400,"c":"Infinity","d":"NaN","e":41}]}', outputData: '{"predictions":[{"score":"-inf"}]}' }),
      line({ encoding: 'JSON', inputData: '{"instances":[{"a":NaN}]}', outputData: '{"predictions":[{"score":1}]}' }),
    ]);
    expect(out[0]!.reason).toBeUndefined();
    expect(kinds(out[0]!.rows[0]!)).toEqual({ score: `${F}:-Infinity`, a: `${F}:Infinity`, b: `${F}:-Infinity`, c: `${F}:Infinity`, d: `${F}:NaN`, e: `${I}:41` });
    expect(out[1]!.rows).toEqual([]);
    expect(out[1]!.reason).toBeDefined();
  });
});

describe('CaptureDecoder: templates', () => {
  it('lines whose shape never repeats still decode on the fast path (template learning backs off)', () => {
    const lines = Array.from({ length: 200 }, (_, i) => {
      const doc = JSON.parse(line({ inputData: `${i},x` })) as { eventMetadata: Record<string, unknown> };
      doc.eventMetadata['customAttributes'] = [`req-${i}`];
      return JSON.stringify(doc);
    });
    const { out, decoder } = run({}, lines);
    expect(out.map((o) => kv(o.rows[0]!)['_c1'])).toEqual(lines.map((_, i) => `${I}:${i}`));
    expect(decoder.stats).toMatchObject({ fast: 200, template: 0, fallback: 0 });
  });

  it('a huge line that exhausts the regex engine is scanned instead (never throws)', () => {
    const n = 1_000_000;
    const big = (k: number): string =>
      line({ inputData: Array.from({ length: k }, (_, i) => `${i},"a""b"`).join('\n'), outputData: Array.from({ length: k }, () => '1').join('\n') });
    const registry = new FeatureRegistry();
    const decoder = new CaptureDecoder({}, registry);
    expect(decoder.decode(big(2), () => undefined)).toBeUndefined(); // learns a template admitting escapes
    let rows = 0;
    let last = 0;
    expect(decoder.decode(big(n), (row) => {
      rows++;
      last = row.numbers[1] as number;
    })).toBeUndefined();
    expect([rows, last]).toEqual([n, n - 1]);
  });

  it('several shapes interleaved each get their template', () => {
    const a = (i: number): string => line({ inputData: `${i}`, eventId: `a${i}` });
    const b = (i: number): string => line({ inputData: `${i}`, eventId: `b${i}`, inferenceId: `i${i}` });
    const c = (i: number): string => line({ inputData: `${i}`, eventId: `c${i}`, encoding: 'JSON', outputData: '[1]' }).replace(`"data":"${i}"`, `"data":"[${i}]"`);
    const lines = Array.from({ length: 60 }, (_, i) => [a, b, c][i % 3]!(i));
    const { out, decoder } = run({}, lines);
    expect(out.every((o) => o.reason === undefined && o.rows.length === 1)).toBe(true);
    expect(out.map((o) => o.rows[0]!.inferenceId)).toEqual(lines.map((_, i) => (i % 3 === 1 ? `i${i}` : `${'abc'[i % 3]}${i}`)));
    // full scans: a0, b1 (learned), c2 (third scan in a row: back-off, not learned), c5 (learned)
    expect(decoder.stats).toMatchObject({ fast: 60, template: 56, fallback: 0 });
  });
});

describe('CaptureDecoder: template path edge cases ≡ reference path', () => {
  /** Decode `l` with a decoder that learned the shape of line({}) first, and with the reference path. */
  function both(l: string, schema: DatasetSchema = {}) {
    const registry = new FeatureRegistry();
    const decoder = new CaptureDecoder(schema, registry);
    expect(decodeAll(decoder, registry, line({})).reason).toBeUndefined(); // learns the template
    expect(decodeAll(decoder, registry, line({ inputData: '3,4' })).reason).toBeUndefined();
    expect(decoder.stats.template).toBe(1);
    const fast = decodeAll(decoder, registry, l);
    const refRegistry = new FeatureRegistry();
    const ref = new CaptureDecoder(schema, refRegistry);
    const rows: typeof fast.rows = [];
    const reason = ref.decodeReference(l, (row) => {
      const byName = new Map<string, [ValueKind, number | string | undefined]>();
      for (let i = 0; i < row.width; i++) {
        const kind = row.kinds[i] as ValueKind;
        if (kind === ValueKind.MISSING) continue;
        byName.set(refRegistry.at(i).name, [kind, kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL ? row.numbers[i] : row.strings[i]]);
      }
      rows.push({ eventTimeMs: row.eventTimeMs, eventId: row.eventId, inferenceId: row.inferenceId, byName });
    });
    expect(fast, l).toEqual({ rows, reason });
    return { fast, stats: decoder.stats };
  }
  const base = line({});
  const cases: [string, string, RecordErrorReason | undefined][] = [
    ['the learned shape', line({ inputData: '7,8.5' }), undefined],
    ['a raw control character in data', base.replace('"data":"1,2"', '"data":"1,\u00012"'), RecordErrorReason.NOT_JSON],
    ['a raw newline in data', base.replace('"data":"1,2"', '"data":"1\n2"'), RecordErrorReason.NOT_JSON],
    ['a raw control character in the time', base.replace(T0, `${T0.slice(0, 5)}\u0007${T0.slice(6)}`), RecordErrorReason.NOT_JSON],
    ['a raw control character in inferenceId', line({ inferenceId: 'a' }).replace('"inferenceId":"a"', '"inferenceId":"a\u001f"'), RecordErrorReason.NOT_JSON],
    ['an escaped character in eventId', base.replace('"eventId":"ev-1"', '"eventId":"ev\\u002d1"'), undefined],
    ['an escaped quote in eventId', base.replace('"eventId":"ev-1"', '"eventId":"ev\\"1"'), undefined],
    ['an escaped backslash in eventId', base.replace('"eventId":"ev-1"', '"eventId":"ev\\\\1"'), undefined],
    ['an invalid escape in eventId', base.replace('"eventId":"ev-1"', '"eventId":"ev\\x1"'), RecordErrorReason.NOT_JSON],
    ['an escape in data', base.replace('"data":"1,2"', '"data":"1,\\u0032"'), undefined],
    ['an escaped newline in data (two rows vs one output row)', base.replace('"data":"1,2"', '"data":"1\\n2"'), RecordErrorReason.ROW_COUNT_MISMATCH],
    ['trailing garbage after the closing brace', `${base}x`, RecordErrorReason.NOT_JSON],
    ['a second closing brace', `${base}}`, RecordErrorReason.NOT_JSON],
    ['trailing whitespace (valid JSON)', `${base} \n`, undefined],
    ['leading whitespace (valid JSON)', `\t${base}`, undefined],
    ['a constant value one character off', base.replace('"mode":"INPUT"', '"mode":"INPUX"'), undefined],
    ['an encoding one character off', base.replace('"encoding":"CSV"', '"encoding":"CSW"'), RecordErrorReason.UNSUPPORTED_ENCODING],
    ['a key one character off', base.replace('"eventId"', '"eventID"'), undefined],
    ['a data key one character off', base.replace('"data":"1,2"', '"dato":"1,2"'), RecordErrorReason.MISSING_CAPTURE_DATA],
    ['truncated by one character', base.slice(0, -1), RecordErrorReason.NOT_JSON],
    ['truncated inside the data', base.slice(0, base.indexOf('"data":"1,2"') + 9), RecordErrorReason.NOT_JSON],
    ['truncated after a data closing quote', base.slice(0, base.indexOf('"data":"1,2"') + 12), RecordErrorReason.NOT_JSON],
    ['empty data', base.replace('"data":"1,2"', '"data":""'), RecordErrorReason.EMPTY_PAYLOAD],
    ['a quoted CSV field (escaped quotes)', base.replace('"data":"1,2"', '"data":"\\"a,b\\",2"'), undefined],
    ['non-ASCII data', base.replace('"data":"1,2"', '"data":"1,é"'), undefined],
    ['a time one character off (the time cache must miss)', base.replace(T0, T0.replace(':08Z', ':09Z')), undefined],
    ['a time of another length', base.replace(T0, T0.replace('Z', '+01:00')), undefined],
    ['an invalid time of the same length', base.replace(T0, T0.replace(':08Z', ':61Z')), RecordErrorReason.BAD_EVENT_TIME],
  ];
  for (const [what, l, reason] of cases) {
    it(`${what} → ${reason ?? 'rows'}`, () => {
      const { fast } = both(l);
      expect(fast.reason).toBe(reason);
      if (reason !== undefined) expect(fast.rows).toEqual([]);
      else expect(fast.rows.length).toBeGreaterThan(0);
    });
  }

  it('the learned shape decodes through the template; ids and time come out right', () => {
    const { fast, stats } = both(line({ inputData: '7,8.5', eventId: 'e-9', inferenceTime: '2024-01-19T20:06:09Z' }));
    expect(stats).toMatchObject({ template: 2, fallback: 0 });
    expect(fast.rows[0]).toMatchObject({ eventId: 'e-9', inferenceId: 'e-9', eventTimeMs: Date.parse('2024-01-19T20:06:09Z') });
  });

  it('inferenceId through the template: its own value, or the eventId when empty', () => {
    const withId = (id: string, n: number): string => line({ inputData: `${n}`, eventId: `e-${n}`, inferenceId: id });
    const lines = [withId('r-0', 0), withId('r-1', 1), withId('', 2), withId('r-3', 3), withId('', 4)];
    const { out, decoder } = run({}, lines);
    expect(out.map((o) => [o.reason, o.rows[0]?.eventId, o.rows[0]?.inferenceId])).toEqual([
      [undefined, 'e-0', 'r-0'],
      [undefined, 'e-1', 'r-1'],
      [undefined, 'e-2', 'e-2'],
      [undefined, 'e-3', 'r-3'],
      [undefined, 'e-4', 'e-4'],
    ]);
    expect(decoder.stats).toMatchObject({ fast: 5, template: 4, fallback: 0 });
  });
});

describe('CaptureDecoder: rejections', () => {
  const cases: [string, string, RecordErrorReason][] = [
    ['no endpointOutput', encodeCaptureLine({ inputData: '1', eventId: 'e', inferenceTime: T0 }), RecordErrorReason.MISSING_CAPTURE_DATA],
    ['no captureData', JSON.stringify({ eventMetadata: { eventId: 'e', inferenceTime: T0 } }), RecordErrorReason.MISSING_CAPTURE_DATA],
    ['data null', line({}).replace('"data":"1,2"', '"data":null'), RecordErrorReason.MISSING_CAPTURE_DATA],
    ['data not a string', line({}).replace('"data":"1,2"', '"data":12'), RecordErrorReason.BAD_PAYLOAD],
    ['inferenceTime not a string', line({}).replace(`"${T0}"`, '1705694768'), RecordErrorReason.BAD_EVENT_TIME],
    ['unknown encoding', line({}).replace('"encoding":"CSV"', '"encoding":"XML"'), RecordErrorReason.UNSUPPORTED_ENCODING],
    ['BASE64 of an unknown content type', line({ encoding: 'BASE64', contentType: 'image/png' }), RecordErrorReason.UNSUPPORTED_ENCODING],
    ['invalid base64', line({ encoding: 'BASE64', contentType: 'text/csv' }).replace('"data":"MSwy"', '"data":"M!wy"'), RecordErrorReason.BAD_BASE64],
    ['a JSON payload that does not parse', line({ encoding: 'JSON', inputData: '{"instances": [1,' }), RecordErrorReason.BAD_PAYLOAD],
    ['an explicit path that is absent', line({ encoding: 'JSON', inputData: '{"x": 1}', outputData: '[1]' }), RecordErrorReason.BAD_PAYLOAD],
    ['an empty CSV payload', line({ inputData: '' }), RecordErrorReason.EMPTY_PAYLOAD],
    ['a blank multi-line CSV payload', line({ inputData: '\n\r\n' }), RecordErrorReason.EMPTY_PAYLOAD],
    ['an empty instances array', line({ encoding: 'JSON', inputData: '{"instances": []}', outputData: '{"predictions": []}' }), RecordErrorReason.EMPTY_PAYLOAD],
    ['3 input rows, 1 output row', line({ inputData: '1\n2\n3', outputData: '0.5' }), RecordErrorReason.ROW_COUNT_MISMATCH],
    ['1 input row, 2 output rows', line({ inputData: '1', outputData: '0.5\n0.6' }), RecordErrorReason.ROW_COUNT_MISMATCH],
    ['a raw control character in data', line({}).replace('"data":"1,2"', '"data":"1,\t2"'), RecordErrorReason.NOT_JSON],
    ['a raw control character in eventId', line({}).replace('"eventId":"ev-1"', '"eventId":"ev\u00011"'), RecordErrorReason.NOT_JSON],
    ['an invalid escape', line({}).replace('"data":"1,2"', '"data":"1,\\x2"'), RecordErrorReason.NOT_JSON],
    ['a byte-order mark', `\ufeff${line({})}`, RecordErrorReason.NOT_JSON],
  ];
  for (const [what, l, reason] of cases) {
    it(`${what} → ${reason} (fast and reference paths agree, nothing emitted)`, () => {
      const registry = new FeatureRegistry();
      const schema: DatasetSchema = what.startsWith('an explicit path') ? { inputPath: 'instances' } : {};
      const decoder = new CaptureDecoder(schema, registry);
      // teach the decoder the line's shape first, so the template path sees the bad line too
      decoder.decode(line({}), () => undefined);
      let emitted = 0;
      expect(decoder.decode(l, () => emitted++)).toBe(reason);
      expect(decoder.decodeReference(l, () => emitted++)).toBe(reason);
      expect(emitted).toBe(0);
    });
  }

  it('a full registry rejects a multi-row record before emitting any row', () => {
    const registry = new FeatureRegistry(3);
    const decoder = new CaptureDecoder({}, registry);
    let emitted = 0;
    expect(decoder.decode(line({ inputData: '1,2\n3,4,5', outputData: '0\n1' }), () => emitted++)).toBe(RecordErrorReason.TOO_MANY_FEATURES);
    expect(emitted).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Property test: the fast path and the JSON.parse reference path give identical results.

/**
 * JSON text with random whitespace and random (valid) string escapes, keys in the given order.
 * Control characters, quotes and backslashes are always escaped (short or \uXXXX form, at
 * random); other characters are escaped as \uXXXX (either hex case) or '/' as '\/' at `rate`.
 */
function serialize(v: unknown, fmt: Rng, esc: Rng, rate: number): string {
  const ws = (): string => {
    let s = '';
    const n = fmt.next() < 0.7 ? 0 : fmt.int(3);
    for (let i = 0; i < n; i++) s += ' \t\n\r'[fmt.int(4)] as string;
    return s;
  };
  if (typeof v === 'string') {
    let out = '"';
    for (const ch of v) {
      const code = ch.charCodeAt(0);
      const hex = code.toString(16).padStart(4, '0');
      if (ch === '"' || ch === '\\') out += `\\${ch}`;
      else if (code < 32) out += esc.next() < 0.5 ? JSON.stringify(ch).slice(1, -1) : `\\u${hex}`;
      else if (ch.length === 1 && esc.next() < rate) out += `\\u${esc.next() < 0.5 ? hex : hex.toUpperCase()}`;
      else if (ch === '/' && rate > 0 && esc.next() < 0.5) out += '\\/';
      else out += ch;
    }
    return `${out}"`;
  }
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => serialize(x, fmt, esc, rate)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    return `{${ws()}${entries.map(([k, x]) => `${serialize(k, fmt, esc, rate)}${ws()}:${ws()}${serialize(x, fmt, esc, rate)}`).join(`${ws()},${ws()}`)}${ws()}}`;
  }
  return JSON.stringify(v);
}

function shuffled<T>(r: Rng, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

const CELLS = ['0', '17', '-3', '2.5', '0.302709460258', '1e3', '-0.5E-2', 'true', 'abc', '', 'x y', '"q,""r"""', '12345678901234567.25',
  'é',
  // signs on the inline path's edges
  '-0', '-0.0', '-', '--1', '-1.', '-.5', '+4', '-123456789012345', '-1234567890123456', '-98765.4321098765', '-98765.43210987654',
];

function randomPayload(r: Rng, rows: number, cols: number): { csv: string; json: string; jsonl: string } {
  const csvRows: string[] = [];
  const jsonRows: unknown[] = [];
  for (let i = 0; i < rows; i++) {
    const cells = Array.from({ length: cols }, () => CELLS[r.int(CELLS.length)] as string);
    csvRows.push(cells.join(','));
    jsonRows.push(cells.map((c) => (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(c) ? Number(c) : c)));
  }
  const json = r.next() < 0.5 ? JSON.stringify({ instances: jsonRows }) : JSON.stringify(jsonRows).replace(/\b2\.5\b/g, '2.50');
  return { csv: csvRows.join(r.next() < 0.5 ? '\n' : '\r\n'), json, jsonl: jsonRows.map((x) => JSON.stringify({ features: x })).join('\n') };
}

interface Shape {
  seed: number;
  encoding: 'CSV' | 'JSON' | 'BASE64';
  contentType: string;
  withInferenceId: boolean;
  extraKeys: boolean;
  rowsMax: number;
  cols: number;
  /** Rate of gratuitous escapes in every string (0 for most shapes, so templates can apply). */
  escapeRate: number;
}

function randomLine(shape: Shape, values: Rng, n: number): string {
  const fmt = rng(shape.seed);
  const keyOrder = rng(shape.seed + 1);
  const rows = 1 + values.int(shape.rowsMax);
  const input = randomPayload(values, rows, shape.cols);
  const output = randomPayload(values, rows, 1);
  const pick = (p: { csv: string; json: string; jsonl: string }): string => {
    if (shape.encoding === 'CSV') return p.csv;
    if (shape.encoding === 'JSON') return p.json;
    const text = shape.contentType === 'text/csv' ? p.csv : shape.contentType === 'application/jsonlines' ? p.jsonl : p.json;
    return Buffer.from(text, 'utf8').toString('base64');
  };
  const entry = (mode: string, data: string): Record<string, unknown> => {
    const e: Record<string, unknown> = { observedContentType: shape.contentType, mode, data, encoding: shape.encoding };
    if (shape.extraKeys) e['x-extra'] = { nested: [1, -2.5e-3, true, null, { s: 'v/w' }] };
    return Object.fromEntries(shuffled(keyOrder, Object.entries(e)));
  };
  const seconds = 1_705_694_400 + Math.floor(n / 3);
  const iso = new Date(seconds * 1000).toISOString();
  const time = n % 7 === 0 ? iso.replace('Z', '+00:00') : n % 5 === 0 ? iso : iso.replace('.000Z', 'Z');
  const meta: Record<string, unknown> = { eventId: `ev-${values.int(1e9)}-${n}`, inferenceTime: time };
  if (shape.withInferenceId) meta['inferenceId'] = values.next() < 0.3 ? `id/${n}"q` : `id-${n}`;
  if (shape.extraKeys) meta['customAttributes'] = ['a', 'b'];
  const doc: Record<string, unknown> = {
    captureData: Object.fromEntries(shuffled(keyOrder, [['endpointInput', entry('INPUT', pick(input))], ['endpointOutput', entry('OUTPUT', pick(output))]])),
    eventMetadata: Object.fromEntries(shuffled(keyOrder, Object.entries(meta))),
    eventVersion: '0',
  };
  return serialize(Object.fromEntries(shuffled(keyOrder, Object.entries(doc))), fmt, values, shape.escapeRate);
}

describe('CaptureDecoder: fast path ≡ reference path (property, fixed seed)', () => {
  it('gives identical rows and reasons for random capture lines', () => {
    const r = rng(2024);
    const fastRegistry = new FeatureRegistry();
    const refRegistry = new FeatureRegistry();
    const fast = new CaptureDecoder({}, fastRegistry);
    const ref = new CaptureDecoder({}, refRegistry);
    const encodings: [Shape['encoding'], string][] = [
      ['CSV', 'text/csv'],
      ['CSV', 'text/csv; charset=utf-8'],
      ['JSON', 'application/json'],
      ['BASE64', 'text/csv'],
      ['BASE64', 'application/json'],
      ['BASE64', 'application/jsonlines'],
    ];
    let lines = 0;
    let accepted = 0;
    for (let s = 0; s < 60; s++) {
      const [encoding, contentType] = encodings[s % encodings.length]!;
      const shape: Shape = {
        seed: 1000 + s,
        encoding,
        contentType,
        withInferenceId: r.next() < 0.6,
        extraKeys: r.next() < 0.4,
        rowsMax: r.next() < 0.5 ? 1 : 3,
        cols: 1 + r.int(6),
        escapeRate: r.next() < 0.3 ? 0.02 : 0,
      };
      for (let n = 0; n < 25; n++) {
        const l = randomLine(shape, r, n);
        const a = decodeAll(fast, fastRegistry, l);
        const b = { rows: [] as typeof a.rows, reason: undefined as RecordErrorReason | undefined };
        b.reason = ref.decodeReference(l, (row) => {
          const byName = new Map<string, [ValueKind, number | string | undefined]>();
          for (let i = 0; i < row.width; i++) {
            const kind = row.kinds[i] as ValueKind;
            if (kind === ValueKind.MISSING) continue;
            byName.set(refRegistry.at(i).name, [kind, kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL ? row.numbers[i] : row.strings[i]]);
          }
          b.rows.push({ eventTimeMs: row.eventTimeMs, eventId: row.eventId, inferenceId: row.inferenceId, byName });
        });
        expect(a, l).toEqual(b);
        expect(JSON.parse(l)).toBeTypeOf('object');
        lines++;
        if (a.reason === undefined) accepted++;
      }
    }
    expect(lines).toBe(1500);
    expect(accepted / lines).toBeGreaterThan(0.6);
    // Lines whose keys or ids hold escapes (a third of the shapes escape characters at random)
    // and rejected lines go to the reference path; the rest take the fast path, mostly through
    // learned templates (actual with this seed: 705 fast, 655 of them via templates).
    expect(fast.stats.fast / lines).toBeGreaterThan(0.4);
    expect(fast.stats.template).toBeGreaterThan(500);
    expect(fastRegistry.features.map((f) => f.name)).toEqual(refRegistry.features.map((f) => f.name));
  });
});
