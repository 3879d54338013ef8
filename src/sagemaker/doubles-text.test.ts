import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { doublesArrayText } from './doubles-text.js';
import { javaDoubleToString } from './java-double.js';

/** The definition: each item as javaDoubleToString prints it (non-finite ones as Jackson's strings), Jackson's array layout. */
function reference(xs: readonly number[]): string {
  if (xs.length === 0) return '[ ]';
  const item = (x: number): string => (Number.isFinite(x) ? javaDoubleToString(x) : `"${String(x)}"`);
  return `[ ${xs.map(item).join(', ')} ]`;
}

describe('doublesArrayText', () => {
  it('writes the bytes javaDoubleToString gives, item by item, in Jackson array layout (edge values)', () => {
    const edges = [
      0, -0, 1, -1, 7, 10, 100, 1e6, 9999999, 9999999.5, 1e7, -1e7, 1e-3, -1e-3, 0.001, 0.0009999, 0.1, 0.25, -0.5, 0.30000000000000004,
      1.5, 12.345, 123456.78901, 1234567.1, 0.00123, 0.012345678, 1e-8, 5e-324, 1.7976931348623157e308, 1e21, 123456789012345,
      100000000.5, 99999999.99999999, 4.35, 2.675, 1.005, 0.1 + 0.2, 1 / 3, 2 / 3, Math.PI, -Math.E, NaN, Infinity, -Infinity,
    ];
    expect(doublesArrayText(edges)).toBe(reference(edges));
    expect(doublesArrayText([])).toBe('[ ]');
    expect(doublesArrayText(new Float64Array([2.5]))).toBe('[ 2.5 ]');
  });

  it('equals the reference on seeded values of every shape (short decimals of 1 to 8 places, whole numbers, full doubles)', () => {
    const r = rng(3);
    const xs: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const sign = r.next() < 0.3 ? -1 : 1;
      const scale = 10 ** (r.int(14) - 5);
      switch (i % 4) {
        case 0: // a CSV's own numbers: k decimal places
          xs.push((sign * Math.round(r.next() * scale * 10 ** (i % 9))) / 10 ** (i % 9));
          break;
        case 1:
          xs.push(sign * Math.round(r.next() * scale));
          break;
        case 2:
          xs.push(sign * r.next() * scale);
          break;
        default:
          xs.push(sign * Math.exp(r.normal() * 20));
      }
    }
    expect(doublesArrayText(xs)).toBe(reference(xs));
  });

  it('grows its buffer for long arrays and starts afresh for each', () => {
    const long = Array.from({ length: 50_000 }, (_, i) => i / 7);
    expect(doublesArrayText(long)).toBe(reference(long));
    expect(doublesArrayText([1, 2])).toBe('[ 1.0, 2.0 ]');
  });
});
