import { describe, expect, it } from 'vitest';
import { gaugeFacetValue } from './bias-gauges.js';

describe('gaugeFacetValue', () => {
  it('keeps a categorical value and gives a continuous facet one series whatever its window maximum', () => {
    expect(gaugeFacetValue('0')).toBe('0');
    expect(gaugeFacetValue('(0.5, 0.99]')).toBe('(0.5, max]');
    expect(gaugeFacetValue('(40, 87]')).toBe('(40, max]');
  });
});
