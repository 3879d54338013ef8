import { describe, expect, it } from 'vitest';
import { chiSquaredSurvival, logGamma, regularizedGammaP, regularizedGammaQ } from './special-functions.js';

/** P(χ²_df > x) for even df = 2k, in closed form: e^{−x/2} Σ_{i<k} (x/2)^i / i!. */
function evenDfSurvival(x: number, df: number): number {
  const half = x / 2;
  let term = 1;
  let sum = 1;
  for (let i = 1; i < df / 2; i++) {
    term *= half / i;
    sum += term;
  }
  return Math.exp(-half) * sum;
}

describe('logGamma', () => {
  it('matches ln((n−1)!) and ln Γ(½) = ln √π', () => {
    let lnFact = 0;
    for (let n = 1; n <= 150; n++) {
      if (n > 1) lnFact += Math.log(n - 1);
      expect(Math.abs(logGamma(n) - lnFact)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lnFact)));
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 13);
    expect(logGamma(0)).toBeNaN();
  });
});

describe('regularized incomplete gamma', () => {
  it('P + Q = 1 and P(1, x) = 1 − e^{−x}', () => {
    for (const a of [0.5, 1, 2.5, 10, 100]) {
      for (const x of [0.01, 0.5, 1, 3, 10, 50, 150]) {
        expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 12);
      }
    }
    for (const x of [0.001, 0.3, 2, 7, 30]) {
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 14);
    }
    expect(regularizedGammaP(0, 1)).toBeNaN();
    expect(regularizedGammaQ(1, -1)).toBeNaN();
  });
});

describe('chiSquaredSurvival', () => {
  it('equals the closed form for even degrees of freedom (1e-10 relative), in both algorithm branches', () => {
    for (const df of [2, 4, 10, 50, 200]) {
      for (const x of [0.1, 1, df / 2, df - 1, df, df + 1, 2 * df, 3 * df + 20]) {
        const exact = evenDfSurvival(x, df);
        expect(Math.abs(chiSquaredSurvival(x, df) - exact) / exact, `df=${df} x=${x}`).toBeLessThan(1e-10);
      }
    }
  });

  it('reproduces published χ² table critical values', () => {
    // Upper-tail critical values (any statistics table); 3 decimals ⇒ tolerance 2e-4 on p.
    const table: [number, number, number][] = [
      [1, 3.841, 0.05],
      [1, 6.635, 0.01],
      [1, 10.828, 0.001],
      [2, 5.991, 0.05],
      [3, 7.815, 0.05],
      [5, 11.07, 0.05],
      [10, 18.307, 0.05],
      [10, 23.209, 0.01],
      [20, 31.41, 0.05],
    ];
    for (const [df, x, p] of table) {
      expect(Math.abs(chiSquaredSurvival(x, df) - p), `df=${df} x=${x}`).toBeLessThan(2e-4);
    }
  });

  it('is 1 at x ≤ 0 and NaN for bad input', () => {
    expect(chiSquaredSurvival(0, 3)).toBe(1);
    expect(chiSquaredSurvival(NaN, 3)).toBeNaN();
    expect(chiSquaredSurvival(1, 0)).toBeNaN();
  });
});
