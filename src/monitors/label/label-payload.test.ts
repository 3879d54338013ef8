import { describe, expect, it } from 'vitest';
import { decodeLabel, encodeLabel } from './label-payload.js';

describe('label payload', () => {
  it('keeps a number as f64 (tag 1) and text as UTF-8 (tag 2)', () => {
    expect([...encodeLabel(1)]).toEqual([1, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect([...encodeLabel('é')]).toEqual([2, 0xc3, 0xa9]);
    for (const v of [0.25, -3, 'yes', '']) expect(decodeLabel(encodeLabel(v))).toBe(v);
  });
});
