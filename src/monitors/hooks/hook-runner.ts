/**
 * Runs one hook (a user's module) in a thread of its own, so that nothing it does — throw, reject,
 * loop, never settle, exit its thread — stops the monitor or holds it longer than the timeout.
 *
 * `run(items)` calls the hook once per item, in order, and resolves to one outcome per item; it
 * never rejects. A watchdog on this thread reads the thread's call counter (hook-worker.ts): when
 * it stays on the same call for `timeoutMs`, that call is the hung one — its item's outcome is
 * `timeout`, the thread is terminated (a synchronous loop cannot be interrupted any other way) and a
 * new one loaded, and every other item of the run is called again there. A thread that dies the same
 * way marks its current item `failed`. So a hook is called at least once per item, more than once
 * for the items of a run that met a timeout: a hook should not count on being called exactly once.
 *
 * Runs are serial (one at a time, in the order asked).
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { HookSettings } from '../../config/hooks-config.js';
import { formatDuration } from '../../config/duration.js';
import type { HookMetrics } from '../../observability/component-metrics.js';
import { workerScript } from '../../source/worker-script.js';
import type { HookCallResult, HookWorkerData, HookWorkerMessage } from './hook-protocol.js';

/** Loading a module (and its imports) may take longer than one call is allowed. */
const MIN_LOAD_TIMEOUT_MS = 10_000;

type Once = { results: HookCallResult[] } | { stuck: number; outcome: HookCallResult };

export class HookRunner {
  private worker: Worker | undefined;
  private readonly calls = new SharedArrayBuffer(4);
  private readonly counter = new Int32Array(this.calls);
  private tail: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closed = false;

  constructor(
    readonly monitor: string,
    readonly settings: HookSettings,
    private readonly maxFeatures: number,
    private readonly metrics: HookMetrics,
    private readonly logger: Logger,
  ) {}

  /** Load the module; why it cannot be (no such export, it throws while loading, …), else undefined. */
  async start(): Promise<string | undefined> {
    const loaded = await this.load();
    return typeof loaded === 'string' ? loaded : undefined;
  }

  run(items: readonly unknown[]): Promise<HookCallResult[]> {
    const p = this.tail.then(() => this.runAll(items));
    this.tail = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private async runAll(items: readonly unknown[]): Promise<HookCallResult[]> {
    const results: HookCallResult[] = new Array<HookCallResult>(items.length);
    let todo = items.map((_, i) => i);
    while (todo.length > 0) {
      const worker = this.worker ?? (this.closed ? 'closed' : await this.load());
      if (typeof worker === 'string') {
        // the module no longer loads (it was changed or removed since the start): every item fails, the monitor goes on
        for (const i of todo) results[i] = { outcome: 'failed', error: `the hook's thread could not start: ${worker}` };
        break;
      }
      const once = await this.runOnce(worker, todo.map((i) => items[i]));
      if ('results' in once) {
        once.results.forEach((r, j) => (results[todo[j] as number] = r));
        break;
      }
      results[todo[once.stuck] as number] = once.outcome;
      this.metrics.hookRestartsTotal.labels(this.monitor, this.settings.kind).inc();
      this.worker = undefined;
      await worker.terminate();
      todo = todo.filter((_, j) => j !== once.stuck);
    }
    return results;
  }

  /** One pass over `items` in the current thread: all their outcomes, or the call it was stuck on. */
  private runOnce(worker: Worker, items: unknown[]): Promise<Once> {
    const base = Atomics.load(this.counter, 0);
    const seq = ++this.seq;
    const current = (): number => Math.min(items.length - 1, Math.max(0, Atomics.load(this.counter, 0) - base - 1));
    return new Promise<Once>((resolve) => {
      let seen = base;
      let since = performance.now();
      const timeoutMs = this.settings.timeoutMs;
      const watchdog = setInterval(() => {
        const now = performance.now();
        const c = Atomics.load(this.counter, 0);
        if (c !== seen) {
          seen = c;
          since = now;
        } else if (now - since >= timeoutMs) finish({ stuck: current(), outcome: { outcome: 'timeout' } });
      }, Math.max(5, Math.min(100, timeoutMs / 4)));
      const onMessage = (m: HookWorkerMessage): void => {
        if (m.type === 'done' && m.seq === seq) finish({ results: m.results });
      };
      const onError = (e: Error): void => finish({ stuck: current(), outcome: { outcome: 'failed', error: `the hook's thread died: ${e.message}` } });
      const onExit = (code: number): void => finish({ stuck: current(), outcome: { outcome: 'failed', error: `the hook's thread exited (code ${code})` } });
      const finish = (once: Once): void => {
        clearInterval(watchdog);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        resolve(once);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ type: 'run', seq, items });
    });
  }

  /** A thread with the module loaded (kept as the current one), or why it could not be. */
  private load(): Promise<Worker | string> {
    const data: HookWorkerData = { kind: this.settings.kind, modulePath: this.settings.modulePath, maxFeatures: this.maxFeatures, calls: this.calls };
    let worker: Worker;
    try {
      worker = new Worker(workerScript('monitors/hooks/hook-worker.js'), { workerData: data });
    } catch (e) {
      return Promise.resolve(`its thread could not start: ${(e as Error).message}`); // e.g. out of memory for one more thread
    }
    worker.unref();
    // for its whole life: a thread that dies between runs (a hook's timer that throws) is replaced at the next run
    worker.on('error', () => undefined).on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    const loadTimeoutMs = Math.max(MIN_LOAD_TIMEOUT_MS, this.settings.timeoutMs);
    return new Promise<Worker | string>((resolve) => {
      const timer = setTimeout(() => fail(`did not load within ${formatDuration(loadTimeoutMs)}`), loadTimeoutMs);
      const onMessage = (m: HookWorkerMessage): void => {
        if (m.type === 'ready') done(worker);
        else if (m.type === 'load-error') fail(m.error);
      };
      const onError = (e: Error): void => fail(`failed to load: ${e.message}`);
      const onExit = (code: number): void => fail(`failed to load: its thread exited (code ${code})`);
      const done = (w: Worker | string): void => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (typeof w !== 'string') this.worker = w;
        resolve(w);
      };
      const fail = (why: string): void => {
        void worker.terminate();
        this.logger.error({ monitor: this.monitor, hook: this.settings.kind, module: this.settings.modulePath, why }, 'hook module could not be loaded');
        done(why);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  }
}
