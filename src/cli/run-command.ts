/** `driftmon run` (streaming, until stopped) and `driftmon replay` (the same pipeline over files, then exit). */
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApp } from '../app.js';
import { formatDuration } from '../config/duration.js';
import { loadConfig, resolveConfig, type Config } from '../config/load.js';
import { DriftmonError, ErrorCode, ExitCode } from '../errors.js';
import type { MonitorSummary } from '../monitors/data-quality/data-quality-monitor.js';
import { reportEmptyRuns } from './empty-run.js';
import type { CliIo } from './io.js';
import { printAttributionSummary, printLabelSummary, printSummary } from './summary.js';

export async function runCommand(io: CliIo, opts: { config: string; shutdownTimeout?: string }): Promise<number> {
  const { unreadable, empty, stopIncomplete } = await runBounded(io, loadConfig(opts.config, io.env, { shutdownTimeout: opts.shutdownTimeout }));
  if (stopIncomplete) return ExitCode.STOPPED_UNCOMMITTED;
  return unreadable > 0 || empty > 0 ? ExitCode.INPUT : ExitCode.OK;
}

interface RunResult {
  summaries: MonitorSummary[];
  unreadable: number;
  /** Monitors whose input ended with nothing to monitor (named on stderr). */
  empty: number;
  /** Attribution monitors' windows with feature_attribution_drift_check violations. */
  attributionViolations?: number;
  /** Stopped by a signal without committing every offset in time (the restart resumes from the checkpoints). */
  stopIncomplete: boolean;
}

/**
 * runToEnd bounded by the shutdown timeout: once the signal aborts, the run has shutdownTimeoutMs
 * to checkpoint, commit and print its summary; past that it is given up (main exits the process,
 * whatever kafkajs still retries). A signal during start-up ends the run at once: nothing was read.
 */
async function runBounded(io: CliIo, config: Config): Promise<RunResult> {
  const run = runToEnd(io, config);
  run.catch(() => undefined); // a failure after the deadline is nobody's to report
  const expired = whenAborted(io.signal).then(async () => {
    await sleep(config.shutdownTimeoutMs, undefined, { ref: false });
    return 'expired' as const;
  });
  const r = await Promise.race([run, expired]);
  if (r !== 'expired') return r;
  io.err(`driftmon: the stop took longer than the shutdown timeout (${formatDuration(config.shutdownTimeoutMs)}): exiting without committing every offset; the next start resumes from the last checkpoints\n`);
  return { summaries: [], unreadable: 0, empty: 0, stopIncomplete: true };
}

/**
 * Run the monitors until their sources end (or a signal stops them), then print the summary. Input
 * files that could not be read were skipped (the others read, every window reported), and monitors
 * whose input ended with no valid record (or no record at all) had nothing to monitor: both are
 * named on stderr, and the caller exits 3.
 */
async function runToEnd(io: CliIo, config: Config): Promise<RunResult> {
  for (const w of config.warnings ?? []) io.err(`driftmon: warning: ${w}\n`);
  const starting = startApp(config, { stdin: io.stdin, signal: io.signal });
  starting.catch(() => undefined); // awaited below unless a signal came first
  // a signal while start-up waits for the broker (e.g. the dead-letter topic check) stops at once
  if ((await Promise.race([starting, whenAborted(io.signal).then(() => undefined)])) === undefined) {
    io.err('driftmon: stopped during start-up; nothing was read\n');
    return { summaries: [], unreadable: 0, empty: 0, stopIncomplete: false };
  }
  const app = await starting;
  if (app.url) io.err(`driftmon: metrics at ${app.url}/metrics\n`);
  const summaries = await app.done;
  await app.close();
  printSummary(io, summaries, config);
  printLabelSummary(io, await app.labelDone, config);
  const attributions = await app.attributionDone;
  printAttributionSummary(io, attributions, config);
  const unreadable = app.unreadableInputs();
  if (unreadable.length > 0) {
    io.err(`driftmon: ${unreadable.length} input file(s) could not be read and were skipped:\n`);
    for (const u of unreadable) io.err(`  ${u.path}: ${u.reason}\n`);
  }
  const stopProblems = app.stopProblems();
  for (const p of stopProblems) io.err(`driftmon: stopped, but ${p}; the next start resumes from the last checkpoint\n`);
  const attributionViolations = attributions.reduce((n, a) => n + a.windowsWithViolations, 0);
  return { summaries, unreadable: unreadable.length, empty: reportEmptyRuns(io, summaries, config), stopIncomplete: stopProblems.length > 0, attributionViolations };
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

export interface ReplayOptions {
  config?: string;
  capture?: string[];
  baseline?: string;
  window?: string[];
  grace: string;
  maxFutureSkew: string;
  output: string;
  inputs?: string;
  outputs?: string;
  timeField?: string;
  format: 'sagemaker-capture' | 'flat-json' | 'batch-transform-csv' | 'batch-transform-jsonl';
  batchOutputs?: boolean;
  prefixMap?: string[];
  s3Endpoint?: string;
  port?: string;
  failOnViolation: boolean;
  decodeInWorker: 'auto' | 'on' | 'off';
  decodeWorkers: string;
  decodeShare: 'on' | 'off';
}

export async function replayCommand(io: CliIo, opts: ReplayOptions): Promise<number> {
  const config = opts.config !== undefined ? forReplay(loadConfig(opts.config, io.env)) : configFromFlags(opts, io.env);
  const { summaries, unreadable, empty, stopIncomplete, attributionViolations } = await runBounded(io, config);
  if (stopIncomplete) return ExitCode.STOPPED_UNCOMMITTED;
  if (unreadable > 0 || empty > 0) return ExitCode.INPUT;
  const violations = summaries.some((s) => s.windowsWithViolations > 0) || (attributionViolations ?? 0) > 0;
  return opts.failOnViolation && violations ? ExitCode.VIOLATIONS : ExitCode.OK;
}

/** A config file used for replay: files are read once (no follow); HTTP only if the file asks for it. */
function forReplay(config: Config): Config {
  return {
    ...config,
    monitors: config.monitors.map((m) => (m.source.type === 'files' ? { ...m, source: { ...m.source, follow: false } } : m)),
  };
}

function configFromFlags(opts: ReplayOptions, env: Record<string, string | undefined>): Config {
  const missing = [
    opts.capture === undefined ? '--capture PATH... (capture files or directories)' : undefined,
    opts.baseline === undefined ? '--baseline DIR (statistics.json and constraints.json)' : undefined,
    opts.window === undefined ? '--window DURATION (e.g. 1h)' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (missing.length > 0) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'replay needs --config FILE, or these options:', { details: missing });
  }
  if (!opts.format.startsWith('batch-transform') && (opts.batchOutputs === true || opts.prefixMap !== undefined || opts.s3Endpoint !== undefined)) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, '--batch-outputs, --prefix-map and --s3-endpoint read batch-transform capture: add --format batch-transform-csv or batch-transform-jsonl');
  }
  const split = (s: string | undefined): string[] | undefined => s?.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  const inputs = split(opts.inputs);
  const outputs = split(opts.outputs);
  const raw = {
    monitors: [
      {
        name: 'replay',
        source: {
          type: 'files',
          paths: (opts.capture ?? []).map((p) => resolve(p)),
          decodeInWorker: opts.decodeInWorker === 'auto' ? 'auto' : opts.decodeInWorker === 'on',
          decodeWorkers: decodeWorkersFlag(opts.decodeWorkers),
          decodeShare: opts.decodeShare === 'on',
          ...(opts.format.startsWith('batch-transform') ? { batchTransform: batchFromFlags(opts) } : {}),
        },
        record: { format: opts.format, ...(inputs ? { inputs } : {}), ...(outputs ? { outputs } : {}), ...(opts.timeField === undefined ? {} : { timeField: opts.timeField }) },
        baseline: { dir: resolve(opts.baseline as string) },
        windows: opts.window,
        grace: opts.grace,
        maxFutureSkew: opts.maxFutureSkew,
      },
    ],
    output: { dir: resolve(opts.output), deadLetterDir: join(resolve(opts.output), 'dead-letter') },
    http: opts.port === undefined ? { enabled: false } : { enabled: true, port: /^\d+$/.test(opts.port) ? Number(opts.port) : opts.port },
  };
  return resolveConfig(raw, { baseDir: process.cwd(), env, source: 'replay options', flagFor: replayFlag });
}

/** The batchTransform section replay's options describe (`--prefix-map s3://b/p/=dir`, split at the last '='). */
function batchFromFlags(opts: ReplayOptions): Record<string, unknown> {
  const prefixMap = Object.create(null) as Record<string, string>;
  for (const entry of opts.prefixMap ?? []) {
    const eq = entry.lastIndexOf('=');
    prefixMap[eq < 0 ? entry : entry.slice(0, eq)] = eq < 0 ? '' : resolve(entry.slice(eq + 1));
  }
  return { manifests: opts.batchOutputs !== true, prefixMap, ...(opts.s3Endpoint === undefined ? {} : { s3: { endpoint: opts.s3Endpoint } }) };
}

/** --decode-workers: `auto` or 1–64. */
function decodeWorkersFlag(value: string): number | 'auto' {
  if (value === 'auto') return value;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (n >= 1 && n <= 64) return n;
  throw new DriftmonError(ErrorCode.CONFIG_INVALID, `--decode-workers ${JSON.stringify(value)}: must be auto or a whole number from 1 to 64`);
}

/** The flag each part of the config built from replay's options came from. */
function replayFlag(path: string): string | undefined {
  const rules: [RegExp, string][] = [
    [/^\/monitors\/0\/windows(\/|$)/, '--window'],
    [/^\/monitors\/0\/grace$/, '--grace'],
    [/^\/monitors\/0\/maxFutureSkew$/, '--max-future-skew'],
    [/^\/monitors\/0\/source\/batchTransform\/prefixMap(\/|$)/, '--prefix-map'],
    [/^\/monitors\/0\/source\/batchTransform\/s3(\/|$)/, '--s3-endpoint'],
    [/^\/monitors\/0\/source(\/|$)/, '--capture'],
    [/^\/monitors\/0\/baseline(\/|$)/, '--baseline'],
    [/^\/monitors\/0\/record\/inputs(\/|$)/, '--inputs'],
    [/^\/monitors\/0\/record\/outputs(\/|$)/, '--outputs'],
    [/^\/monitors\/0\/record\/timeField$/, '--time-field'],
    [/^\/http(\/|$)/, '--port'],
    [/^\/output(\/|$)/, '--output'],
  ];
  return rules.find(([re]) => re.test(path))?.[1];
}
