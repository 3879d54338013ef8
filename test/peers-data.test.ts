/**
 * bench:peers' data generator (bench/peers/data.ts): the five shifts are what they claim at 100k
 * rows for seed 11 (tolerances of about 4 standard errors), the fifteen other features keep their
 * distribution, and a seed gives the same rows every time.
 */
import { describe, expect, it } from 'vitest';
import { PEER_FEATURES, peerRows } from '../bench/peers/data.js';

const N = 100_000;
const SEED = 11;

const ROWS = { baseline: [...peerRows(N, SEED, false)], current: [...peerRows(N, SEED, true)] };

function column(name: string, current: boolean): (string | undefined)[] {
  const i = PEER_FEATURES.findIndex((f) => f.name === name);
  expect(i).toBeGreaterThanOrEqual(0);
  return (current ? ROWS.current : ROWS.baseline).map((row) => row[i]);
}

function moments(values: (string | undefined)[]): { mean: number; variance: number } {
  const xs = values.filter((v): v is string => v !== undefined).map(Number);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length };
}

const share = (values: (string | undefined)[], pred: (v: string | undefined) => boolean): number => values.filter(pred).length / values.length;

describe('bench:peers data', () => {
  it('has 20 features: 5 shifted, 15 unchanged', () => {
    expect(PEER_FEATURES).toHaveLength(20);
    expect(PEER_FEATURES.filter((f) => f.shift).map((f) => f.shift)).toEqual(['mean', 'variance', 'new-category', 'missing', 'share']);
    expect(new Set(PEER_FEATURES.map((f) => f.name)).size).toBe(20);
  });

  it('shifts the mean by 0.2 sd (±0.02) and the variance by ×1.5 (±0.04)', () => {
    const base = moments(column('mean_shift', false));
    const cur = moments(column('mean_shift', true));
    expect(Math.abs((cur.mean - base.mean) / Math.sqrt(base.variance) - 0.2)).toBeLessThan(0.02);
    const ratio = moments(column('variance_shift', true)).variance / moments(column('variance_shift', false)).variance;
    expect(Math.abs(ratio - 1.5)).toBeLessThan(0.04);
  });

  it('adds a new category at 5 % (±0.3 pp), raises missing values 1 % → 10 % (±0.4 pp), drops one share by 0.1 (±0.01)', () => {
    expect(share(column('new_category', false), (v) => v === 'e')).toBe(0);
    expect(Math.abs(share(column('new_category', true), (v) => v === 'e') - 0.05)).toBeLessThan(0.003);
    expect(Math.abs(share(column('missing_rise', false), (v) => v === undefined) - 0.01)).toBeLessThan(0.001);
    expect(Math.abs(share(column('missing_rise', true), (v) => v === undefined) - 0.1)).toBeLessThan(0.004);
    const drop = share(column('share_drop', false), (v) => v === 'x') - share(column('share_drop', true), (v) => v === 'x');
    expect(Math.abs(drop - 0.1)).toBeLessThan(0.01);
  });

  it('keeps the unchanged features: means within 4 standard errors, category shares within 1 pp', () => {
    for (const f of PEER_FEATURES.filter((x) => !x.shift)) {
      const base = column(f.name, false);
      const cur = column(f.name, true);
      if (f.kind === 'numeric') {
        const b = moments(base);
        const c = moments(cur);
        expect(Math.abs(c.mean - b.mean), f.name).toBeLessThan(4 * Math.sqrt((2 * b.variance) / N));
      } else {
        for (const level of new Set(base)) {
          expect(Math.abs(share(base, (v) => v === level) - share(cur, (v) => v === level)), `${f.name}=${level}`).toBeLessThan(0.01);
        }
        expect(new Set(cur)).toEqual(new Set(base));
      }
    }
  });

  it('is deterministic for a seed, and another seed gives other rows', () => {
    expect([...peerRows(200, SEED, true)]).toEqual([...peerRows(200, SEED, true)]);
    expect([...peerRows(200, SEED, true)]).not.toEqual([...peerRows(200, SEED + 1, true)]);
    expect([...peerRows(200, SEED, false)]).not.toEqual([...peerRows(200, SEED, true)]);
  });
});
