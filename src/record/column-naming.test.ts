import { describe, expect, it } from 'vitest';
import { CaptureDecoder } from './capture-decoder.js';
import { encodeCaptureLine, toCsvRecord } from './capture-encoder.js';
import { decodeAll } from './decoder.contract.js';
import { FeatureRegistry } from './feature-registry.js';
import type { DatasetSchema } from './schema.js';

const T0 = '2024-01-19T20:06:08Z';

/** As the data-quality monitor does: the baseline's features declared first, then the decoder. */
function decode(baseline: readonly string[], schema: DatasetSchema, lines: string[]) {
  const registry = new FeatureRegistry();
  for (const name of baseline) registry.declare(name);
  const decoder = new CaptureDecoder(schema, registry, { baselineNames: baseline });
  const out = lines.map((l) => decodeAll(decoder, registry, l));
  const rows = out.flatMap((o) => {
    expect(o.reason).toBeUndefined();
    return o.rows.map((r) => Object.fromEntries([...r.byName].map(([k, [, v]]) => [k, v])));
  });
  return { rows, naming: decoder.columnNaming(), names: registry.features.map((f) => f.name) };
}

const csvLines = (n: number, extraInput: string[] = []): string[] =>
  Array.from({ length: n }, (_, i) =>
    encodeCaptureLine({ inputData: toCsvRecord([20 + i, i % 2 === 0 ? 'north' : 'south, east', ...extraInput]), outputData: `0.${i + 1}`, eventId: `e${i}`, inferenceTime: T0 }),
  );

describe('headerless capture columns named after the baseline (SageMaker)', () => {
  it('counts match: the analysed row (output first) takes the baseline names in order, on the fast and the quoted path', () => {
    const { rows, naming, names } = decode(['risk', 'age', 'region'], {}, csvLines(4));
    expect(rows).toEqual([
      { risk: 0.1, age: 20, region: 'north' },
      { risk: 0.2, age: 21, region: 'south, east' },
      { risk: 0.3, age: 22, region: 'north' },
      { risk: 0.4, age: 23, region: 'south, east' },
    ]);
    expect(naming).toEqual({ fromBaseline: true, columns: 3, baselineFeatures: 3 });
    expect(names).toEqual(['risk', 'age', 'region']); // no _cN registered
  });

  it('outputsPosition end: the analysed row is inputs then outputs, and so are the names', () => {
    const { rows, naming } = decode(['age', 'region', 'risk'], { outputsPosition: 'end' }, csvLines(2));
    expect(rows).toEqual([
      { age: 20, region: 'north', risk: 0.1 },
      { age: 21, region: 'south, east', risk: 0.2 },
    ]);
    expect(naming?.fromBaseline).toBe(true);
  });

  it('JSON instances (arrays): columns counted per row, several rows per record', () => {
    const line = encodeCaptureLine({ inputData: '{"instances":[[1,"a"],[2,"b"]]}', outputData: '{"predictions":[0.5,0.7]}', encoding: 'JSON', eventId: 'e', inferenceTime: T0 });
    const { rows, naming } = decode(['score', 'x', 'y'], {}, [line]);
    expect(rows).toEqual([
      { score: 0.5, x: 1, y: 'a' },
      { score: 0.7, x: 2, y: 'b' },
    ]);
    expect(naming).toEqual({ fromBaseline: true, columns: 3, baselineFeatures: 3 });
  });

  it('counts differ: columns keep _cN names and the decoder says both counts', () => {
    const { rows, naming, names } = decode(['risk', 'age', 'region', 'channel'], {}, csvLines(2));
    expect(rows[0]).toEqual({ _c0: 0.1, _c1: 20, _c2: 'north' });
    expect(naming).toEqual({ fromBaseline: false, columns: 3, baselineFeatures: 4 });
    expect(names).toEqual(['risk', 'age', 'region', 'channel', '_c0', '_c1', '_c2']);
  });

  it('decided once, on the first row: a later wider row gets _cN for its extra column', () => {
    const lines = [...csvLines(1), ...csvLines(1, ['extra'])];
    const { rows } = decode(['risk', 'age', 'region'], {}, lines);
    expect(rows[1]).toEqual({ risk: 0.1, age: 20, region: 'north', _c3: 'extra' });
  });

  it('explicit names always win (the baseline names nothing then)', () => {
    const { rows, naming } = decode(['risk', 'age', 'region'], { outputs: ['y'] }, csvLines(1));
    expect(rows[0]).toEqual({ y: 0.1, _c1: 20, _c2: 'north' });
    expect(naming).toBeUndefined();
  });

  it('named JSON objects have no unnamed columns: nothing to decide', () => {
    const line = encodeCaptureLine({ inputData: '{"age":3}', outputData: '{"score":0.5}', encoding: 'JSON', eventId: 'e', inferenceTime: T0 });
    const { rows, naming } = decode(['risk', 'age'], {}, [line]);
    expect(rows[0]).toEqual({ score: 0.5, age: 3 });
    expect(naming).toBeUndefined();
  });
});

