import { describe, expect, it } from 'vitest';
import { retry, type RetryOptions } from './retry.js';

/** A function that fails `failures` times (with errors e1, e2, …), then returns 'ok'. */
function flaky(failures: number): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      calls++;
      if (calls <= failures) throw new Error(`e${calls}`);
      return 'ok';
    },
    calls: () => calls,
  };
}

/** Records the waits instead of waiting. */
function sleeps(): { waits: number[]; sleep: NonNullable<RetryOptions['sleep']> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

describe('retry', () => {
  it('returns the first success, waiting base, 2·base, 4·base… between calls, and reports each failure before its wait', async () => {
    const f = flaky(3);
    const { waits, sleep } = sleeps();
    const seen: [string, number, number][] = [];
    const r = await retry(f.fn, { baseDelayMs: 100, sleep, onRetry: (e, attempt, ms) => seen.push([(e as Error).message, attempt, ms]) });
    expect(r).toBe('ok');
    expect(f.calls()).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
    expect(seen).toEqual([
      ['e1', 1, 100],
      ['e2', 2, 200],
      ['e3', 3, 400],
    ]);
  });

  it('makes `attempts` calls in all, then throws the last error', async () => {
    const f = flaky(10);
    const { waits, sleep } = sleeps();
    await expect(retry(f.fn, { attempts: 3, baseDelayMs: 1000, sleep })).rejects.toThrow('e3');
    expect(f.calls()).toBe(3);
    expect(waits).toEqual([1000, 2000]);
    const once = flaky(10);
    await expect(retry(once.fn, { attempts: 1, baseDelayMs: 1000, sleep })).rejects.toThrow('e1');
    expect(once.calls()).toBe(1);
  });

  it('never waits longer than maxDelayMs, however many failures', async () => {
    const f = flaky(40);
    const { waits, sleep } = sleeps();
    await retry(f.fn, { baseDelayMs: 5, maxDelayMs: 20, sleep });
    expect(waits.slice(0, 5)).toEqual([5, 10, 20, 20, 20]);
    expect(waits).toHaveLength(40);
    expect(Math.max(...waits)).toBe(20);
  });

  it('with jitter, draws each wait from [d/2, d) of the capped exponential wait d', async () => {
    const draws = [0, 0.5, 0.999, 0.25, 0];
    const f = flaky(draws.length);
    const { waits, sleep } = sleeps();
    let i = 0;
    await retry(f.fn, { baseDelayMs: 200, maxDelayMs: 1000, jitter: true, sleep, random: () => draws[i++]! });
    expect(waits).toEqual([100, 300, 799.6, 625, 500]);
    const capped = [200, 400, 800, 1000, 1000];
    waits.forEach((w, k) => {
      expect(w).toBeGreaterThanOrEqual(capped[k]! / 2);
      expect(w).toBeLessThan(capped[k]!);
    });
  });

  it('stops at once, with that error, when shouldRetry says no', async () => {
    const f = flaky(10);
    const { waits, sleep } = sleeps();
    const asked: [string, number][] = [];
    const shouldRetry = (e: unknown, attempt: number): boolean => {
      asked.push([(e as Error).message, attempt]);
      return attempt < 2;
    };
    await expect(retry(f.fn, { baseDelayMs: 10, shouldRetry, sleep })).rejects.toThrow('e2');
    expect(f.calls()).toBe(2);
    expect(asked).toEqual([
      ['e1', 1],
      ['e2', 2],
    ]);
    expect(waits).toEqual([10]);
  });

  it('an abort ends the wait at once and throws the last error without calling again', async () => {
    const f = flaky(10);
    const ac = new AbortController();
    const t0 = Date.now();
    const run = retry(f.fn, { baseDelayMs: 60_000, signal: ac.signal, onRetry: () => setTimeout(() => ac.abort(), 10) });
    await expect(run).rejects.toThrow('e1');
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(f.calls()).toBe(1);
  });

  it('does not retry once the signal is aborted: the failure is thrown without a wait or onRetry', async () => {
    const ac = new AbortController();
    ac.abort();
    const f = flaky(10);
    const { waits, sleep } = sleeps();
    let retried = 0;
    await expect(retry(f.fn, { baseDelayMs: 10, signal: ac.signal, sleep, onRetry: () => retried++ })).rejects.toThrow('e1');
    expect([f.calls(), waits.length, retried]).toEqual([1, 0, 0]);
  });

  it('waits for real by default', async () => {
    const f = flaky(2);
    const t0 = Date.now();
    await expect(retry(f.fn, { baseDelayMs: 20 })).resolves.toBe('ok');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });
});
