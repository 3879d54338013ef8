/**
 * The thread a hook's code runs in (hook-runner.ts starts it, one per monitor and hook): loads the
 * user's module once, then calls its function for each item of a `run` message, in order, and
 * answers with every outcome at once. Before each call it bumps the shared call counter, which is
 * how the runner, on another thread, sees a call that does not return (a loop, a promise that never
 * settles) and which one it is — it then terminates this thread and starts another.
 *
 * A pre-processor's answer is checked here (hookVerdict), so a hostile return value (getters that
 * throw or loop, proxies) is met on this thread, under the same timeout.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { describeThrown } from '../../errors.js';
import { hookRecordOf, hookVerdict, type HookInput } from '../../record/hook-record.js';
import type { HookCallResult, HookWorkerData, HookWorkerMessage } from './hook-protocol.js';

const data = workerData as HookWorkerData;
const port = parentPort;
if (port === null) throw new Error('hook-worker.ts runs as a worker thread');
const calls = new Int32Array(data.calls);

function exportedFunction(mod: Record<string, unknown>, name: string): ((x: unknown) => unknown) | string {
  const own = mod[name];
  if (typeof own === 'function') return own as (x: unknown) => unknown;
  const d = mod.default;
  if (typeof d === 'function') return d as (x: unknown) => unknown;
  if (typeof d === 'object' && d !== null && typeof (d as Record<string, unknown>)[name] === 'function') return (d as Record<string, (x: unknown) => unknown>)[name] as (x: unknown) => unknown;
  const names = Object.keys(mod).filter((k) => k !== 'default').slice(0, 10);
  return `has no exported function "${name}" (nor a default export that is one)${names.length > 0 ? `; it exports ${names.join(', ')}` : ''}`;
}

const isThenable = (v: unknown): v is PromiseLike<unknown> => (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';

async function call(fn: (x: unknown) => unknown, item: unknown): Promise<HookCallResult> {
  Atomics.add(calls, 0, 1);
  try {
    if (data.kind === 'preprocess') {
      const input = item as HookInput;
      let out = fn(hookRecordOf(input));
      if (isThenable(out)) out = await out;
      return hookVerdict(input, out, data.maxFeatures);
    }
    const out = fn(item);
    if (isThenable(out)) await out;
    return { outcome: 'delivered' };
  } catch (e) {
    return { outcome: 'failed', error: describeThrown(e) };
  }
}

async function main(p: NonNullable<typeof port>): Promise<void> {
  let fn: (x: unknown) => unknown;
  try {
    const found = exportedFunction((await import(pathToFileURL(data.modulePath).href)) as Record<string, unknown>, data.kind);
    if (typeof found === 'string') {
      p.postMessage({ type: 'load-error', error: found } satisfies HookWorkerMessage);
      return;
    }
    fn = found;
  } catch (e) {
    p.postMessage({ type: 'load-error', error: `failed to load: ${describeThrown(e)}` } satisfies HookWorkerMessage);
    return;
  }
  p.on('message', (m: { type: 'run'; seq: number; items: unknown[] }) => {
    void (async () => {
      const results: HookCallResult[] = [];
      for (const item of m.items) results.push(await call(fn, item));
      p.postMessage({ type: 'done', seq: m.seq, results } satisfies HookWorkerMessage);
    })();
  });
  p.postMessage({ type: 'ready' } satisfies HookWorkerMessage);
}

void main(port);
