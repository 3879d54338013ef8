import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../errors.js';
import { normalSamples } from '../../../test/support/random.js';
import { expectDriftmonError, fill } from '../quantile-sketch.contract.js';
import { KllSketch } from './kll-sketch.js';

describe('KllSketch: binary form', () => {
  it('starts with the magic and version, and rejects inconsistent content', () => {
    const s = fill(new KllSketch(), normalSamples(31, 5000)) as KllSketch;
    const bytes = s.serialize();
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('DMKL');
    expect(bytes[4]).toBe(1);
    // count (offset 5 + 4 + 8 = 17) no longer equal to the total weight
    const wrongCount = bytes.slice();
    new DataView(wrongCount.buffer).setFloat64(17, 4999, true);
    expectDriftmonError(() => KllSketch.deserialize(wrongCount), ErrorCode.SKETCH_CORRUPT);
    // min above the smallest item
    const wrongMin = bytes.slice();
    new DataView(wrongMin.buffer).setFloat64(25, 0, true);
    expectDriftmonError(() => KllSketch.deserialize(wrongMin), ErrorCode.SKETCH_CORRUPT);
    // an item that is NaN (first item of level 0: header 49 + u32 + f64 + u8 + u32)
    const nanItem = bytes.slice();
    new DataView(nanItem.buffer).setFloat64(49 + 4 + 8 + 1 + 4, NaN, true);
    expectDriftmonError(() => KllSketch.deserialize(nanItem), ErrorCode.SKETCH_CORRUPT);
    // k out of range
    const badK = bytes.slice();
    new DataView(badK.buffer).setUint32(5, 1, true);
    expectDriftmonError(() => KllSketch.deserialize(badK), ErrorCode.SKETCH_CORRUPT);
  });
});
