import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../errors.js';
import { createLabelMetrics } from '../../observability/metrics.js';
import { ModelQualityEvaluator } from './model-quality-evaluator.js';
import { labelWindowState } from './label-window-state.js';
import type { LabelEvaluator } from './label-evaluator.js';

describe('label window state', () => {
  const evaluator = new ModelQualityEvaluator('BinaryClassification', undefined, createLabelMetrics(new Registry())) as LabelEvaluator;
  const codec = labelWindowState([evaluator]);

  it('round-trips every evaluator part and the latency sketch', () => {
    const w = codec.create();
    evaluator.add(w.parts[0], { id: 'a', prediction: { inferenceTimeMs: 0, predicted: 1, score: 0.8, facets: [], group: undefined }, label: 1 });
    w.latency.update(12.5);
    const bytes = codec.serialize(w);
    const back = codec.deserialize(bytes);
    expect(Buffer.from(codec.serialize(back)).equals(Buffer.from(bytes))).toBe(true);
    expect([back.latency.count, back.latency.max]).toEqual([1, 12.5]);
  });

  it('rejects truncated bytes as an invalid snapshot', () => {
    const bytes = codec.serialize(codec.create());
    expect(() => codec.deserialize(bytes.subarray(0, bytes.length - 1))).toThrow(expect.objectContaining({ code: ErrorCode.SNAPSHOT_INVALID }));
  });
});
