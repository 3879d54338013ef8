/**
 * The fast part of the drift verdict's calibration (the large part, to 1M-row windows and more
 * seeds, is bench/drift-calibration.bench.ts). Fixed seeds; the targets are issue 11's:
 *  - false alarms: at most 1 % of no-drift windows raise any feature (windows of 500 to 10,000
 *    rows here, every distribution of test/support/drift-scenarios.ts in each window);
 *  - power: every practical shift is found in exactly its feature in 10,000-row windows;
 *  - quiet on a trivial shift (0.02 sd) at 1,000,000 rows.
 * Baselines reach the verdict as `driftmon baseline data` writes them: statistics.json read back
 * with its companion of tracked bounds.
 */
import { describe, expect, it } from 'vitest';
import { DISTRIBUTIONS, PRACTICAL_SHIFTS, drawFeature } from '../../test/support/drift-scenarios.js';
import { rng } from '../../test/support/random.js';
import { driftVerdicts } from './drift-verdict.js';

const BASELINE_ROWS = 20_000;
const FORM = 'file+companion';

describe('drift verdict calibration (fast part)', () => {
  it.each([
    [500, 200],
    [1_000, 200],
    [10_000, 30],
  ])('no drift, windows of %i rows (%i of them, 9 features each): at most 1 percent raise any feature', (rows, windows) => {
    let raised = 0;
    for (let w = 0; w < windows; w++) {
      const r = rng(1_000 * rows + w);
      const features = DISTRIBUTIONS.map((d) => ({ name: d, baseline: drawFeature(d, BASELINE_ROWS, r, undefined, 0.01, FORM), current: drawFeature(d, rows, r, undefined, 0.01) }));
      if (driftVerdicts(features).some((v) => v.detected)) raised++;
    }
    expect(raised / windows).toBeLessThanOrEqual(0.01);
  }, 60_000);

  it('every practical shift is found in exactly its feature, 10,000-row windows (3 seeds each)', () => {
    for (const s of PRACTICAL_SHIFTS) {
      for (let seed = 1; seed <= 3; seed++) {
        const r = rng(seed * 7_919);
        const [baseMissing, curMissing] = s.missing ?? [0.01, 0.01];
        // the shifted feature among unchanged ones, so the Holm family is a real window's
        const features = [
          { name: 'shifted', baseline: drawFeature(s.dist, BASELINE_ROWS, r, undefined, baseMissing, FORM), current: drawFeature(s.dist, 10_000, r, s.shift, curMissing) },
          ...DISTRIBUTIONS.map((d) => ({ name: `same_${d}`, baseline: drawFeature(d, BASELINE_ROWS, r, undefined, 0.01, FORM), current: drawFeature(d, 10_000, r, undefined, 0.01) })),
        ];
        const raised = driftVerdicts(features).filter((v) => v.detected).map((v) => v.feature);
        expect(raised, `${s.name}, seed ${seed}`).toEqual(['shifted']);
      }
    }
  }, 120_000);

  it('a variance ×1.5 at 1,000,000 rows is found against a baseline read with its companion, not from statistics.json alone', () => {
    // bench:peers' 1M vs 1M data: the exact KS distance (≈ 0.05) is just above the derived bound
    // of a file-read 1M-row sketch (≈ 0.045) plus the window's (≈ 0.012), well above the tracked ones
    const spread = { kind: 'spread', factor: Math.sqrt(1.5) } as const;
    const verdict = (form: 'file+companion' | 'file'): boolean | undefined => {
      const r = rng(1_500);
      return driftVerdicts([{ name: 'x', baseline: drawFeature('normal', 1_000_000, r, undefined, 0, form), current: drawFeature('normal', 1_000_000, r, spread) }])[0]?.detected;
    };
    expect(verdict('file+companion')).toBe(true);
    expect(verdict('file')).toBe(false);
  }, 60_000);

  it('a 0.02 sd mean shift at 1,000,000 rows is not raised (evidence yes, effect below the floor)', () => {
    const r = rng(42);
    const [v] = driftVerdicts([{ name: 'x', baseline: drawFeature('normal', 1_000_000, r, undefined, 0, FORM), current: drawFeature('normal', 1_000_000, r, { kind: 'mean', sd: 0.02 }) }]);
    expect(v?.detected).toBe(false);
    expect(v?.distribution?.effectSize).toBeGreaterThan(0.01);
    expect(v?.distribution?.effectSize).toBeLessThan(0.05);
  }, 60_000);
});
