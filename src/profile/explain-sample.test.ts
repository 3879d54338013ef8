import { describe, expect, it } from 'vitest';
import { idHash32 } from '../record/id-hash.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import { AttributionProfile } from './attribution-profile.js';
import { ExplainSample, type ExplainCandidate } from './explain-sample.js';

const candidates = (n: number): ExplainCandidate[] => Array.from({ length: n }, (_, i) => ({ id: `inf-${i}`, hash: idHash32(`inf-${i}`), values: [i, `s${i}`, null] }));
const ids = (s: ExplainSample): string[] => s.entries.map((e) => e.id);

describe('ExplainSample (bottom-k by inference-ID hash)', () => {
  const all = candidates(200);
  const expected = [...all].sort((a, b) => a.hash - b.hash).slice(0, 7).map((c) => c.id);

  it('keeps the k smallest hashes whatever the order, and counts what it was offered', () => {
    const forward = new ExplainSample(7);
    const backward = new ExplainSample(7);
    all.forEach((c) => forward.offer(c));
    [...all].reverse().forEach((c) => backward.offer(c));
    expect(ids(forward)).toEqual(expected);
    expect(ids(backward)).toEqual(expected);
    expect(forward.offered).toBe(200);
  });

  it('merging partial samples (members, partitions) gives the sample of the whole', () => {
    const a = new ExplainSample(7);
    const b = new ExplainSample(7);
    all.forEach((c, i) => (i % 3 === 0 ? a : b).offer(c));
    a.merge(b);
    expect(ids(a)).toEqual(expected);
    expect(a.offered).toBe(200);
  });

  it('round-trips through its bytes, values included; a replayed record is kept once', () => {
    const s = new ExplainSample(7);
    all.forEach((c) => s.offer(c));
    s.offer(all.find((c) => c.id === expected[0]) as ExplainCandidate);
    const back = ExplainSample.deserialize(s.serialize());
    expect(back.entries).toEqual(s.entries);
    expect(back.offered).toBe(201);
    expect(back.capacity).toBe(7);
  });

  it('an AttributionProfile carries its sample through a snapshot; one without a sample keeps version 1 bytes', () => {
    const q = quantileSketchFactory('kll');
    const plain = new AttributionProfile(q);
    plain.add('label0', ['a'], [0.5]);
    expect(plain.serialize()[4]).toBe(1);
    const p = new AttributionProfile(q);
    p.sample = new ExplainSample(3);
    all.slice(0, 10).forEach((c) => p.sample?.offer(c));
    p.add('label0', ['a'], [0.5]);
    const back = AttributionProfile.deserialize(p.serialize(), q);
    expect(back.sample?.entries).toEqual(p.sample.entries);
    expect(back.global('mean_abs')).toEqual(p.global('mean_abs'));
    expect(AttributionProfile.deserialize(plain.serialize(), q).sample).toBeUndefined();
  });
});
