import { describe, expect, it } from 'vitest';
import { javaDoubleToString } from './java-double.js';
import { rng } from '../../test/support/random.js';

describe('javaDoubleToString', () => {
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [231, '231.0'],
    [2048, '2048.0'],
    [0.64, '0.64'],
    [0.8330066026148891, '0.8330066026148891'],
    [1e-3, '0.001'],
    [9.99e-4, '9.99E-4'],
    [1e-4, '1.0E-4'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [-3.5e-7, '-3.5E-7'],
    [1e21, '1.0E21'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
    // Not listed: values where JDK ≤ 18 printed a non-shortest form (e.g. 4.9E-324 for 5e-324,
    // 9.999999999999999E22 for 1e23); we print the shortest form, as JDK ≥ 19 does.
  ])('%s → %s (as printed by java.lang.Double.toString)', (x, s) => {
    expect(javaDoubleToString(x)).toBe(s);
  });

  it('prints plain-range values as String(x) does (+ ".0" for whole numbers): short decimals, long ones, negatives', () => {
    const r = rng(7);
    for (let i = 0; i < 200_000; i++) {
      const k = 1 + (i % 8);
      const m = Math.floor(r.next() * 10 ** (1 + (i % 15)));
      const x = (i % 3 === 0 ? -1 : 1) * (i % 5 === 0 ? r.next() * 10 ** ((i % 10) - 3) : m / 10 ** k);
      const ax = Math.abs(x);
      if (!(ax >= 1e-3 && ax < 1e7)) continue;
      const s = String(x);
      expect(javaDoubleToString(x)).toBe(s.includes('.') ? s : `${s}.0`);
    }
  });
});
