import { describe, expect, it } from 'vitest';
import { ExplainQueue } from './explain-queue.js';

/** Jobs that finish when the test says so. */
function gated(): { work: (job: number) => Promise<void>; started: number[]; finish: (job: number) => void } {
  const started: number[] = [];
  const open = new Map<number, () => void>();
  return {
    started,
    work: (job) => {
      started.push(job);
      return new Promise<void>((resolve) => open.set(job, resolve));
    },
    finish: (job) => open.get(job)?.(),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ExplainQueue', () => {
  it('runs at most `concurrency` jobs, holds at most `capacity` waiting, refuses the rest without waiting', async () => {
    const g = gated();
    const depths: number[] = [];
    const q = new ExplainQueue<number>(2, 1, g.work, (d) => depths.push(d));
    expect([1, 2, 3, 4, 5].map((j) => q.offer(j))).toEqual([true, true, true, false, false]);
    expect(g.started).toEqual([1]);
    expect(q.depth).toBe(2);
    g.finish(1);
    await tick();
    expect(g.started).toEqual([1, 2]);
    expect(q.offer(6)).toBe(true);
    g.finish(2);
    await tick();
    g.finish(3);
    await tick();
    expect(g.started).toEqual([1, 2, 3, 6]);
    expect(depths.at(-1)).toBe(0);
  });

  it('stop() hands back what waited and takes nothing more', () => {
    const g = gated();
    const q = new ExplainQueue<number>(10, 1, g.work);
    [1, 2, 3].forEach((j) => q.offer(j));
    expect(q.stop()).toEqual([2, 3]);
    expect(q.offer(4)).toBe(false);
    expect(g.started).toEqual([1]);
  });
});
