import { describe, expect, it } from 'vitest';
import { FeatureRegistry } from './feature-registry.js';
import { decodePrediction, encodePrediction, PredictionExtractor, type Prediction } from './prediction.js';
import { createRow, ensureRowCapacity, ValueKind, type FeatureRow } from './row.js';

function row(registry: FeatureRegistry, values: Record<string, number | string | undefined>): FeatureRow {
  const r = createRow(registry.size);
  ensureRowCapacity(r, registry.size);
  r.width = registry.size;
  r.eventTimeMs = 1_700_000_000_000;
  for (const f of registry.features) {
    const v = values[f.name];
    if (v === undefined) r.kinds[f.index] = ValueKind.MISSING;
    else if (typeof v === 'number') {
      r.kinds[f.index] = Number.isInteger(v) ? ValueKind.INTEGRAL : ValueKind.FRACTIONAL;
      r.numbers[f.index] = v;
    } else {
      r.kinds[f.index] = ValueKind.STRING;
      r.strings[f.index] = v;
    }
  }
  return r;
}

describe('PredictionExtractor', () => {
  const fields = { inferenceAttribute: undefined, probabilityAttribute: 'score', probabilityThreshold: 0.8, facets: ['sex', 'age'], groupVariable: 'zip' };

  it('derives the predicted label from the score and threshold (score > threshold ⇒ 1), as SageMaker does', () => {
    const registry = new FeatureRegistry();
    const x = new PredictionExtractor(fields, registry);
    const p = x.extract(row(registry, { score: 0.81, sex: 'F', age: 41, zip: '12345' })) as Prediction;
    expect(p).toEqual({ inferenceTimeMs: 1_700_000_000_000, predicted: 1, score: 0.81, facets: ['F', 41], group: '12345' });
    expect((x.extract(row(registry, { score: 0.8 })) as Prediction).predicted).toBe(0);
  });

  it('prefers the inference attribute, and rejects a row with neither as missing_prediction', () => {
    const registry = new FeatureRegistry();
    const x = new PredictionExtractor({ ...fields, inferenceAttribute: 'label' }, registry);
    expect((x.extract(row(registry, { label: 'cat', score: 0.1 })) as Prediction).predicted).toBe('cat');
    expect(x.extract(row(registry, { sex: 'F' }))).toBe('missing_prediction');
  });

  it('encodes and decodes every shape of value exactly', () => {
    const cases: Prediction[] = [
      { inferenceTimeMs: -5.5, predicted: 1, score: 0.125, facets: ['a', 2.5, undefined], group: undefined },
      { inferenceTimeMs: 1e15, predicted: 'κλάση', score: undefined, facets: [], group: 'g' },
      { inferenceTimeMs: 0, predicted: -0.5, score: 1e-300, facets: [''], group: 7 },
    ];
    for (const c of cases) expect(decodePrediction(encodePrediction(c))).toEqual(c);
  });
});
