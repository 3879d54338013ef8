import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/metrics.js';
import type { RawBatch, Source } from '../source/source.js';
import type { Checkpoint, CheckpointStore } from '../state/checkpoint-store.js';
import type { SourcePosition } from '../state/source-position.js';
import { CheckpointCycle } from './checkpoint-cycle.js';

/** A source whose first `failures` commits fail (the broker is down), then commits work. */
function flakySource(failures: number): Source & { commits: SourcePosition[][]; attempts: number } {
  const s = {
    description: 'flaky',
    partitioned: true,
    commits: [] as SourcePosition[][],
    attempts: 0,
    batches: async function* (): AsyncIterable<RawBatch> {},
    close: async () => undefined,
    commit: async (positions: readonly SourcePosition[]) => {
      s.attempts++;
      if (s.attempts <= failures) throw new Error('broker down');
      s.commits.push([...positions]);
    },
  };
  return s;
}

function memoryStore(): CheckpointStore & { saved: Checkpoint[] } {
  const saved: Checkpoint[] = [];
  return { saved, load: async () => saved.at(-1), save: async (c) => (saved.push(c), c.state.length), describe: () => 'memory' };
}

function batch(nextOffset: number): RawBatch {
  return {
    records: [],
    origin: () => '',
    key: () => null,
    bytes: () => new Uint8Array(0),
    timestampMs: () => 0,
    partition: { key: 't/0', position: { topic: 't', partition: 0, nextOffset } },
  };
}

function cycle(source: Source, store: CheckpointStore): { cycle: CheckpointCycle; registry: Registry } {
  const registry = new Registry();
  const deadLetters = { write: () => undefined, count: 0, flush: async () => undefined, close: async () => undefined };
  const c = new CheckpointCycle('m', { checkpoints: store, source, deadLetters, metrics: createMetrics(registry), logger: pino({ level: 'silent' }) }, Date.now, 60_000);
  c.commitRetryDelayMs = { base: 5, max: 20 };
  return { cycle: c, registry };
}

async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

describe('CheckpointCycle: a commit that fails after its checkpoint is durable', () => {
  it('is retried without waiting for another batch, and `committed` runs once it succeeds', async () => {
    const source = flakySource(3);
    const store = memoryStore();
    const { cycle: c } = cycle(source, store);
    let committed = 0;
    await c.afterBatch(batch(42), true, async () => ({ state: new Uint8Array([1]), committed: () => committed++ }));
    expect(store.saved).toHaveLength(1); // durable before the commit was tried
    expect(committed).toBe(0);
    await until(() => committed === 1);
    expect(source.attempts).toBe(4);
    expect(source.commits).toEqual([[{ topic: 't', partition: 0, nextOffset: 42 }]]);
  });

  it('stops retrying once a newer checkpoint commits its own positions', async () => {
    const source = flakySource(1);
    const store = memoryStore();
    const { cycle: c } = cycle(source, store);
    c.commitRetryDelayMs = { base: 60_000, max: 60_000 }; // the retry would wait a minute
    const committed: number[] = [];
    await c.afterBatch(batch(10), true, async () => ({ state: new Uint8Array([1]), committed: () => committed.push(10) }));
    await c.afterBatch(batch(20), true, async () => ({ state: new Uint8Array([2]), committed: () => committed.push(20) }));
    expect(source.commits).toEqual([[{ topic: 't', partition: 0, nextOffset: 20 }]]);
    expect(committed).toEqual([20]);
    await sleep(50);
    expect(source.attempts).toBe(2); // the superseded retry never ran
  });

  it('at stop, a failed commit does not fail the stop: the checkpoint is written, the source reports the commit', async () => {
    const source = flakySource(1);
    const store = memoryStore();
    const { cycle: c, registry } = cycle(source, store);
    await c.load(); // the interval starts: the batch below does not checkpoint
    await c.afterBatch(batch(5), false, async () => ({ state: new Uint8Array([1]) }));
    await expect(c.save(async () => ({ state: new Uint8Array([9]) }), true)).resolves.toBeUndefined();
    expect(store.saved.at(-1)?.state).toEqual(new Uint8Array([9]));
    expect(source.attempts).toBe(1);
    expect((await registry.getSingleMetric('driftmon_checkpoint_failures_total')?.get())?.values[0]?.value).toBe(1);
  });
});
