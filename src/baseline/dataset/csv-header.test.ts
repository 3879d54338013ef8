import { describe, expect, it } from 'vitest';
import { looksLikeHeader, safeHeader } from './csv-header.js';

describe('safeHeader / looksLikeHeader', () => {
  it("names columns like Spark's makeSafeHeader", () => {
    expect(safeHeader(['a', '', 'B', 'b', 'c'])).toEqual(['a', '_c1', 'B2', 'b3', 'c']);
  });

  it('detects a header from the first row and the rows below it', () => {
    expect(looksLikeHeader(['a', 'b'], [['1', 'x']])).toBe(true);
    expect(looksLikeHeader(['a', 'b'], [['x', 'y']])).toBe(false); // all text: ambiguous → no header
    expect(looksLikeHeader(['a', 'b'], [['', 'y'], ['2.5', '']])).toBe(true);
    expect(looksLikeHeader(['3.0', 'b'], [['1', 'x']])).toBe(false); // a numeric cell
    expect(looksLikeHeader(['a', 'a'], [['1', '2']])).toBe(false); // repeated names
    expect(looksLikeHeader(['a', ''], [['1', '2']])).toBe(false); // an empty name
    expect(looksLikeHeader(['a', 'b'], [])).toBe(true);
    expect(looksLikeHeader(['1', '2'], [])).toBe(false);
  });
});
