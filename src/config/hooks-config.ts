/**
 * `hooks` of a monitor: user code around the pipeline (README, "Hooks"). `preprocess` names a
 * module whose `preprocess(record)` sees every decoded record of a data-quality monitor before its
 * windows and returns it changed, or null to drop it; `postprocess` names a module whose
 * `postprocess(report)` is called with each window's report once it is stored (any monitor kind).
 * Paths are relative to the config file. What can be checked without running the module is checked
 * here, every problem listed with the config's others; whether the module loads and has its export
 * is checked when the monitor starts (app/hooks.ts), before any record is read (still exit 2).
 */
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDurationMs } from './duration.js';
import type { ConfigInput } from './schema.js';

export const HookKind = { PREPROCESS: 'preprocess', POSTPROCESS: 'postprocess' } as const;
export type HookKind = (typeof HookKind)[keyof typeof HookKind];

export interface HookSettings {
  kind: HookKind;
  /** Absolute path of the module. */
  modulePath: string;
  /** One call longer than this is a timeout (its thread is restarted). */
  timeoutMs: number;
}

export interface HooksSettings {
  preprocess: HookSettings | undefined;
  postprocess: HookSettings | undefined;
}

export const HOOK_DEFAULTS = { timeoutMs: 5_000 } as const;

/** What a monitor is, as far as hooks care: the pre-processor applies to data-quality monitors only. */
export interface HookedMonitor {
  labels: boolean;
  attribution: boolean;
}

type HooksInput = NonNullable<NonNullable<ConfigInput['monitors']>[number]['hooks']>;

export function resolveHooks(input: HooksInput | undefined, at: string, monitor: HookedMonitor, abs: (p: string) => string, checkFiles: boolean, problems: string[]): HooksSettings | undefined {
  if (input === undefined || typeof input !== 'object' || input === null) return undefined; // absent, or its schema problem is listed
  const one = (kind: HookKind): HookSettings | undefined => {
    const h = input[kind];
    if (h === undefined || typeof h !== 'object' || h === null || typeof h.module !== 'string') return undefined;
    const where = `${at}/hooks/${kind}`;
    const modulePath = abs(h.module);
    const ext = extname(modulePath).toLowerCase();
    if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
      problems.push(`${where}/module: ${modulePath} is TypeScript, which Node cannot import without a loader: compile it (tsc) and name the .js file`);
    } else if (ext !== '.js' && ext !== '.mjs' && ext !== '.cjs') {
      problems.push(`${where}/module: ${modulePath} is not a JavaScript module (.js, .mjs or .cjs)`);
    } else if (checkFiles && !existsSync(modulePath)) {
      problems.push(`${where}/module: ${modulePath} does not exist`);
    } else if (checkFiles && !statSync(modulePath).isFile()) {
      problems.push(`${where}/module: ${modulePath} is not a file`);
    }
    let timeoutMs: number = HOOK_DEFAULTS.timeoutMs;
    if (typeof h.timeout === 'string') {
      const ms = parseDurationMs(h.timeout);
      if (ms === undefined || ms <= 0) problems.push(`${where}/timeout: "${h.timeout}" is not a positive duration (use 500ms, 10s, 1m)`);
      else timeoutMs = ms;
    }
    return { kind, modulePath, timeoutMs };
  };
  const preprocess = one(HookKind.PREPROCESS);
  if (preprocess !== undefined && (monitor.labels || monitor.attribution)) {
    const what = monitor.labels ? 'label monitors (model quality, bias)' : 'feature attribution monitors';
    problems.push(`${at}/hooks/preprocess: the record pre-processor applies to data-quality monitors only, not to ${what}; "postprocess" applies to every monitor`);
  }
  return { preprocess, postprocess: one(HookKind.POSTPROCESS) };
}
