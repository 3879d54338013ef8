/**
 * HookRunner against real threads (the built hook-worker.js): outcomes in order, and every way a
 * hook can misbehave — throw, reject, return garbage, loop, never settle, end its thread — met
 * with the right outcome for that item only, the others run again in a fresh thread.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { HookKind } from '../../config/hooks-config.js';
import type { HookInput } from '../../record/hook-record.js';
import { HookRunner } from './hook-runner.js';

const runners: HookRunner[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) await r.close();
});

function counters(): { restarts: number; metrics: ConstructorParameters<typeof HookRunner>[3] } {
  const c = { restarts: 0, metrics: undefined as unknown as ConstructorParameters<typeof HookRunner>[3] };
  const noop = { inc: () => undefined };
  c.metrics = {
    hookCallsTotal: { inc: () => undefined, labels: () => noop },
    hookRestartsTotal: { inc: () => undefined, labels: () => ({ inc: () => void c.restarts++ }) },
  };
  return c;
}

function runner(source: string, kind: HookKind = 'preprocess', timeoutMs = 200): { runner: HookRunner; restarts: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-hook-runner-'));
  const modulePath = join(dir, 'hook.mjs');
  writeFileSync(modulePath, source);
  const c = counters();
  const r = new HookRunner('m', { kind, modulePath, timeoutMs }, 100, c.metrics, pino({ level: 'silent' }));
  runners.push(r);
  return { runner: r, restarts: () => c.restarts };
}

const item = (n: number): HookInput => ({ inferenceId: `i${n}`, eventId: null, eventTimeMs: n, names: ['x'], values: [n] });

const MISBEHAVING = `
export function preprocess(r) {
  const n = r.eventTimeMs;
  if (n === 1) return null;
  if (n === 2) throw new RangeError('two');
  if (n === 3) return Promise.reject(new Error('three'));
  if (n === 4) for (;;) {}
  if (n === 5) return new Promise(() => {});
  if (n === 6) return 42;
  if (n === 7) process.exit(3);
  r.features.y = r.features.x * 10;
  return Promise.resolve(r);
}
`;

describe('HookRunner', () => {
  it('calls the hook once per item, in order; each misbehaviour costs its own item only', async () => {
    const { runner: r, restarts } = runner(MISBEHAVING);
    expect(await r.start()).toBeUndefined();
    const results = await r.run([0, 1, 2, 3, 4, 5, 6, 7, 8].map(item));
    expect(results).toEqual([
      { outcome: 'kept', names: ['x', 'y'], values: [0, 0] },
      { outcome: 'dropped' },
      { outcome: 'failed', error: 'RangeError: two' },
      { outcome: 'failed', error: 'Error: three' },
      { outcome: 'timeout' },
      { outcome: 'timeout' },
      { outcome: 'invalid', error: 'returned a number, not a record' },
      { outcome: 'failed', error: "the hook's thread exited (code 3)" },
      { outcome: 'kept', names: ['x', 'y'], values: [8, 80] },
    ]);
    expect(restarts()).toBe(3); // the loop, the promise that never settles, the exit
    // the thread after the restarts still serves
    expect(await r.run([item(9)])).toEqual([{ outcome: 'kept', names: ['x', 'y'], values: [9, 90] }]);
  }, 30_000);

  it('runs asked for at once run one after the other', async () => {
    const { runner: r } = runner('export async function preprocess(r) { await new Promise((ok) => setTimeout(ok, 5)); return r; }');
    expect(await r.start()).toBeUndefined();
    const all = await Promise.all([r.run([item(1), item(2)]), r.run([item(3)])]);
    expect(all.flat().map((x) => (x.outcome === 'kept' ? x.values[0] : x.outcome))).toEqual([1, 2, 3]);
  });

  it('a thread that dies between runs (a hook timer that throws) is replaced at the next run', async () => {
    const { runner: r } = runner("export function preprocess(r) { if (r.eventTimeMs === 1) setTimeout(() => { throw new Error('later'); }, 1); return r; }");
    expect(await r.start()).toBeUndefined();
    expect((await r.run([item(1)]))[0]?.outcome).toBe('kept');
    await new Promise((ok) => setTimeout(ok, 100));
    expect((await r.run([item(2)]))[0]?.outcome).toBe('kept');
  });

  it('a post-processor: delivered, or failed / timeout', async () => {
    const { runner: r } = runner("export async function postprocess(rep) { if (rep.n === 1) throw new Error('no'); if (rep.n === 2) return new Promise(() => {}); }", 'postprocess');
    expect(await r.start()).toBeUndefined();
    expect(await r.run([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }])).toEqual([{ outcome: 'delivered' }, { outcome: 'failed', error: 'Error: no' }, { outcome: 'timeout' }, { outcome: 'delivered' }]);
  });

  it('start: a module without the export, or that throws while loading, says why', async () => {
    expect(await runner('export const other = 1; export function helper() {}').runner.start()).toBe('has no exported function "preprocess" (nor a default export that is one); it exports helper, other');
    expect(await runner("throw new Error('broken module');").runner.start()).toBe('failed to load: Error: broken module');
    expect(await runner('export default function (r) { return r; }').runner.start()).toBeUndefined();
  });
});
