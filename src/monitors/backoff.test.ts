import { describe, expect, it } from 'vitest';
import { DriftmonError } from '../errors.js';
import { samplingKey } from '../record/id-hash.js';
import { BackoffController, type BackoffOptions } from './backoff.js';

const make = (over: Partial<BackoffOptions> = {}): BackoffController =>
  new BackoffController({ sampleRatio: 0.25, budgets: { lagRecords: 1000, lagSeconds: 60, diskUsage: 0.9 }, ...over });

const ids = (n: number, prefix = 'inf-'): string[] => Array.from({ length: n }, (_v, i) => `${prefix}${String(i).padStart(6, '0')}`);

describe('BackoffController', () => {
  it('switches on above 0.75, off below 0.5, and holds its state in between (hysteresis)', () => {
    const c = make();
    const seq = [0, 500, 750, 760, 700, 600, 500, 499, 600, 750, 751, 100];
    const states = seq.map((lag) => c.update({ lagRecords: lag }));
    expect(states.map((s) => s.active)).toEqual([false, false, false, true, true, true, true, false, false, false, true, false]);
    expect(states.map((s) => s.changed)).toEqual([false, false, false, true, false, false, false, true, false, false, true, true]);
    expect(states.map((s) => s.ratio)).toEqual(states.map((s) => (s.active ? 0.25 : 1)));
    expect(c.active).toBe(false);
    expect(c.ratio).toBe(1);
  });

  it('honours custom thresholds', () => {
    const c = make({ onAbove: 0.9, offBelow: 0.2 });
    expect(c.update({ lagSeconds: 53 }).active).toBe(false); // 0.883
    expect(c.update({ lagSeconds: 55 }).active).toBe(true); // 0.917
    expect(c.update({ lagSeconds: 13 }).active).toBe(true); // 0.217
    expect(c.update({ lagSeconds: 11 }).active).toBe(false); // 0.183
  });

  it('takes the largest pressure over the signals and reports each one', () => {
    const c = make();
    const s = c.update({ lagRecords: 100, lagSeconds: 30, diskUsage: 0.72 });
    expect(s.bySignal.lag_records).toBeCloseTo(0.1, 12);
    expect(s.bySignal.lag_seconds).toBeCloseTo(0.5, 12);
    expect(s.bySignal.disk).toBeCloseTo(0.8, 12);
    expect(s.pressure).toBeCloseTo(0.8, 12);
    expect(s.active).toBe(true);
  });

  it('ignores signals without a budget or without a value, and treats bad values as no pressure', () => {
    const c = new BackoffController({ sampleRatio: 0.5, budgets: { diskUsage: 0.8 } });
    const s = c.update({ lagRecords: 1e9, lagSeconds: 1e9 });
    expect(s).toEqual({ active: false, ratio: 1, pressure: 0, bySignal: { lag_records: 0, lag_seconds: 0, disk: 0 }, changed: false });
    expect(c.update({ diskUsage: Number.NaN }).pressure).toBe(0);
    expect(c.update({ diskUsage: -1 }).pressure).toBe(0);
    expect(c.update({ diskUsage: 0.7 }).active).toBe(true); // 0.875
    const none = new BackoffController({ sampleRatio: 0.5, budgets: {} });
    expect(none.update({ lagRecords: 1e12, diskUsage: 1 }).active).toBe(false);
  });

  it('keeps everything while not active', () => {
    const c = make();
    expect(ids(1000).every((id) => c.keep(id))).toBe(true);
    expect(c.keep(undefined)).toBe(true);
    expect(c.keepBytes(Buffer.from('inf-000001'))).toBe(true);
    expect(c.keepBytes(null)).toBe(true);
  });

  it('while active keeps exactly the ids whose sampling key is below the ratio, ≈ ratio of them', () => {
    const c = make();
    c.update({ lagRecords: 900 });
    const all = ids(200_000);
    const kept = all.filter((id) => c.keep(id));
    expect(kept).toEqual(all.filter((id) => samplingKey(id) < 0.25));
    expect(Math.abs(kept.length / all.length - 0.25)).toBeLessThan(0.005);
  });

  it('keepBytes decides like keep on the same id', () => {
    const c = make();
    c.update({ diskUsage: 0.85 });
    for (const id of [...ids(5000, 'req-'), 'café-1', '日本語-2', '😀-3']) expect(c.keepBytes(Buffer.from(id, 'utf8'))).toBe(c.keep(id));
  });

  it('two controllers (inference and ground truth) keep the same ids whatever their signals', () => {
    const inference = make({ sampleRatio: 0.3 });
    const groundTruth = make({ sampleRatio: 0.3, budgets: { lagSeconds: 10 } });
    inference.update({ lagRecords: 5000 });
    groundTruth.update({ lagSeconds: 9 });
    const all = ids(50_000, 'pred-');
    // ground truth sees the labels in another order, as keys
    const labelsKept = new Set([...all].reverse().filter((id) => groundTruth.keepBytes(Buffer.from(id, 'utf8'))));
    const predictionsKept = all.filter((id) => inference.keep(id));
    expect(predictionsKept.length).toBeGreaterThan(0);
    expect(new Set(predictionsKept)).toEqual(labelsKept);
  });

  it('thins records without an id evenly while active, reproducibly, and restarts the count at each switch-on', () => {
    const c = make({ sampleRatio: 0.25 });
    c.update({ lagRecords: 800 });
    const first = Array.from({ length: 1000 }, (_v, i) => (i % 2 === 0 ? c.keep(undefined) : c.keepBytes(new Uint8Array(0))));
    expect(first.filter(Boolean).length).toBe(250);
    expect(first.slice(0, 8)).toEqual([false, false, false, true, false, false, false, true]);
    expect(c.keep('')).toBe(false); // '' is no id: the 1001st id-less record
    c.update({ lagRecords: 0 });
    expect(c.keep(undefined)).toBe(true);
    c.update({ lagRecords: 800 });
    const again = Array.from({ length: 1000 }, () => c.keep(undefined));
    expect(again).toEqual(first);
  });

  it('keeps every id with ratio 1 while active', () => {
    const c = make({ sampleRatio: 1 });
    c.update({ lagRecords: 1000 });
    expect(c.active).toBe(true);
    expect(ids(1000).every((id) => c.keep(id))).toBe(true);
    expect(c.keep(undefined)).toBe(true);
  });

  it.each([
    [{ onAbove: 0.5, offBelow: 0.5 }, /offBelow \(0.5\) must be below onAbove \(0.5\)/],
    [{ onAbove: 0.4 }, /offBelow \(0.5\) must be below onAbove \(0.4\)/],
    [{ offBelow: -0.1 }, /offBelow must be a number >= 0/],
    [{ onAbove: 0 }, /onAbove must be a number > 0/],
    [{ sampleRatio: 0 }, /sampleRatio must be in \(0, 1\]/],
    [{ sampleRatio: 1.5 }, /sampleRatio must be in \(0, 1\]/],
    [{ sampleRatio: Number.NaN }, /sampleRatio must be in \(0, 1\]/],
    [{ budgets: { lagRecords: 0 } }, /budget lagRecords must be a number > 0/],
    [{ budgets: { lagSeconds: -5 } }, /budget lagSeconds must be a number > 0/],
    [{ budgets: { diskUsage: 90 } }, /budget diskUsage must be a fraction of the disk in \(0, 1\]/],
  ] as [Partial<BackoffOptions>, RegExp][])('rejects invalid options %j as CONFIG_INVALID', (over, message) => {
    let err: unknown;
    try {
      make(over);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DriftmonError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((err as Error).message).toMatch(message);
  });

  it('lists every problem at once', () => {
    expect(() => make({ sampleRatio: 2, budgets: { lagRecords: -1, diskUsage: 2 } })).toThrow(
      expect.objectContaining({ details: expect.arrayContaining([expect.stringMatching(/sampleRatio/), expect.stringMatching(/lagRecords/), expect.stringMatching(/diskUsage/)]) }),
    );
  });
});
