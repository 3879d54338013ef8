/** What a hook's runner (hook-runner.ts) and its thread (hook-worker.ts) say to each other. */
import type { HookKind } from '../../config/hooks-config.js';
import type { HookVerdict } from '../../record/hook-record.js';

export interface HookWorkerData {
  kind: HookKind;
  modulePath: string;
  maxFeatures: number;
  /** One Int32: calls started so far (the runner's watchdog reads it). */
  calls: SharedArrayBuffer;
}

/**
 * One call's outcome. preprocess: kept, dropped or invalid (hook-record.ts); postprocess: delivered.
 * Both: failed (it threw, rejected, or its thread died), timeout (the runner ended its thread).
 */
export type HookCallResult = HookVerdict | { outcome: 'delivered' } | { outcome: 'failed'; error: string } | { outcome: 'timeout' };

export type HookWorkerMessage = { type: 'ready' } | { type: 'load-error'; error: string } | { type: 'done'; seq: number; results: HookCallResult[] };
