/**
 * loadConfig(file, env) → a frozen, typed Config. Every problem (schema, durations, duplicate names,
 * missing baseline files) is collected and thrown at once as CONFIG_INVALID with one line each.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { SAGEMAKER_FILES } from '../baseline/model.js';
import { DriftmonError, ErrorCode } from '../errors.js';
import { parseDurationMs } from './duration.js';
import { ConfigSchema, type ConfigInput, type MonitorConfigInput, type RecordSchemaInput } from './schema.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type SourceSettings =
  | { type: 'files'; paths: string[]; follow: boolean; pollIntervalMs: number }
  | { type: 'stdin' };

export interface MonitorSettings {
  name: string;
  source: SourceSettings;
  record: RecordSchemaInput;
  baseline: { statisticsPath: string | undefined; constraintsPath: string };
  windowsMs: number[];
  graceMs: number;
  quantileSketch: 'kll' | 'tdigest';
  maxFeatures: number;
  categoryCap: number;
  /** Records longer than this (in characters) are rejected as line_too_long. */
  maxLineLength: number;
}

export interface Config {
  monitors: MonitorSettings[];
  output: { dir: string; deadLetterDir: string };
  http: { enabled: boolean; host: string; port: number };
  log: { level: LogLevel };
}

export const DEFAULTS = {
  outputDir: 'driftmon-out',
  httpHost: '127.0.0.1',
  httpPort: 9464,
  graceMs: 0,
  pollIntervalMs: 1000,
  maxFeatures: 10_000,
  categoryCap: 1000,
  maxLineLength: 16 * 1024 * 1024,
  logLevel: 'info' as LogLevel,
} as const;

/** Environment variables that override the file (12-factor style). */
export const ENV_OVERRIDES = {
  DRIFTMON_OUTPUT_DIR: 'output.dir',
  DRIFTMON_HTTP_HOST: 'http.host',
  DRIFTMON_HTTP_PORT: 'http.port',
  DRIFTMON_LOG_LEVEL: 'log.level',
} as const;

export function loadConfig(file: string, env: Record<string, string | undefined> = {}): Config {
  if (!existsSync(file)) throw new DriftmonError(ErrorCode.INPUT_NOT_FOUND, `config file not found: ${file}`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `config ${file} is not valid YAML/JSON`, {
      cause: e,
      details: [(e as Error).message],
    });
  }
  return resolveConfig(raw, { baseDir: dirname(resolve(file)), env, source: file });
}

/** Validate and resolve an already-parsed config object (relative paths against baseDir). */
export function resolveConfig(
  raw: unknown,
  options: { baseDir: string; env?: Record<string, string | undefined>; source?: string; checkFiles?: boolean },
): Config {
  const env = options.env ?? {};
  const problems: string[] = [];
  const input = applyEnv(raw, env, problems);
  if (!Value.Check(ConfigSchema, input)) {
    problems.push(...schemaProblems(input));
    throw invalid(options.source, problems);
  }
  const cfg = input as ConfigInput;
  const abs = (p: string): string => (isAbsolute(p) ? p : join(options.baseDir, p));
  const names = new Set<string>();
  const monitors = cfg.monitors.map((m, i) => {
    if (names.has(m.name)) problems.push(`/monitors/${i}/name: duplicate monitor name "${m.name}"`);
    names.add(m.name);
    return resolveMonitor(m, i, abs, problems, options.checkFiles ?? true);
  });
  const outputDir = abs(cfg.output?.dir ?? DEFAULTS.outputDir);
  const config: Config = {
    monitors,
    output: { dir: outputDir, deadLetterDir: abs(cfg.output?.deadLetterDir ?? join(outputDir, 'dead-letter')) },
    http: {
      enabled: cfg.http?.enabled ?? true,
      host: cfg.http?.host ?? DEFAULTS.httpHost,
      port: cfg.http?.port ?? DEFAULTS.httpPort,
    },
    log: { level: (cfg.log?.level as LogLevel | undefined) ?? DEFAULTS.logLevel },
  };
  if (problems.length > 0) throw invalid(options.source, problems);
  return deepFreeze(config);
}

function resolveMonitor(
  m: MonitorConfigInput,
  i: number,
  abs: (p: string) => string,
  problems: string[],
  checkFiles: boolean,
): MonitorSettings {
  const at = `/monitors/${i}`;
  const duration = (text: string, path: string): number => {
    const ms = parseDurationMs(text);
    if (ms === undefined) problems.push(`${path}: "${text}" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)`);
    return ms ?? 0;
  };
  const windowsMs = m.windows.map((w, j) => {
    const ms = duration(w, `${at}/windows/${j}`);
    if (ms === 0 && parseDurationMs(w) !== undefined) problems.push(`${at}/windows/${j}: window size must be > 0`);
    return ms;
  });
  if (new Set(windowsMs).size !== windowsMs.length) problems.push(`${at}/windows: the same window size is listed twice`);
  const graceMs = m.grace === undefined ? DEFAULTS.graceMs : duration(m.grace, `${at}/grace`);

  let source: SourceSettings;
  if (m.source.type === 'files') {
    const paths = m.source.paths.map(abs);
    const follow = m.source.follow ?? false;
    if (checkFiles && !follow) {
      paths.forEach((p, j) => {
        if (!existsSync(p)) problems.push(`${at}/source/paths/${j}: ${p} does not exist`);
      });
    }
    source = {
      type: 'files',
      paths,
      follow,
      pollIntervalMs: m.source.pollInterval === undefined ? DEFAULTS.pollIntervalMs : duration(m.source.pollInterval, `${at}/source/pollInterval`),
    };
  } else {
    source = { type: 'stdin' };
  }

  const b = m.baseline;
  const dir = b.dir === undefined ? undefined : abs(b.dir);
  let statisticsPath = b.statistics === undefined ? undefined : abs(b.statistics);
  let constraintsPath = b.constraints === undefined ? undefined : abs(b.constraints);
  if (dir !== undefined) {
    if (checkFiles && !(existsSync(dir) && statSync(dir).isDirectory())) problems.push(`${at}/baseline/dir: ${dir} is not a directory`);
    statisticsPath ??= join(dir, SAGEMAKER_FILES.statistics);
    constraintsPath ??= join(dir, SAGEMAKER_FILES.constraints);
  }
  if (constraintsPath === undefined) {
    problems.push(`${at}/baseline: give "constraints" (constraints.json) or "dir" (a folder with statistics.json and constraints.json)`);
  }
  if (checkFiles) {
    if (constraintsPath !== undefined && !existsSync(constraintsPath)) problems.push(`${at}/baseline: ${constraintsPath} does not exist`);
    if (statisticsPath !== undefined && !existsSync(statisticsPath)) {
      if (b.statistics !== undefined) problems.push(`${at}/baseline/statistics: ${statisticsPath} does not exist`);
      else statisticsPath = undefined; // dir without statistics.json: drift checks are skipped
    }
  }
  return {
    name: m.name,
    source,
    record: { format: 'sagemaker-capture', ...(m.record ?? {}) },
    baseline: { statisticsPath, constraintsPath: constraintsPath ?? '' },
    windowsMs,
    graceMs,
    quantileSketch: m.quantileSketch ?? 'kll',
    maxFeatures: m.maxFeatures ?? DEFAULTS.maxFeatures,
    categoryCap: m.categoryCap ?? DEFAULTS.categoryCap,
    maxLineLength: m.maxLineLength ?? DEFAULTS.maxLineLength,
  };
}

function applyEnv(raw: unknown, env: Record<string, string | undefined>, problems: string[]): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out = structuredClone(raw) as Record<string, unknown>;
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const [section, key] = path.split('.') as [string, string];
    const target = (out[section] ??= {}) as Record<string, unknown>;
    if (key === 'port') {
      const port = Number(value);
      if (!Number.isInteger(port)) problems.push(`${name}: "${value}" is not a port number`);
      target[key] = port;
    } else {
      target[key] = value;
    }
  }
  return out;
}

/** Turn TypeBox's errors into one readable line per problem (collapsing anyOf/const noise). */
export function schemaProblems(value: unknown): string[] {
  const errors = [...Value.Errors(ConfigSchema, value)];
  const allowed = new Map<string, string[]>();
  const lines: string[] = [];
  for (const e of errors) {
    const path = e.instancePath || '/';
    if (e.keyword === 'boolean') continue; // duplicate of additionalProperties
    if (e.keyword === 'const') {
      const list = allowed.get(path) ?? [];
      list.push(JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue));
      allowed.set(path, list);
      continue;
    }
    if (e.keyword === 'anyOf') continue;
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      lines.push(`${path}: unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}`);
      continue;
    }
    if (e.keyword === 'required') {
      const req = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      lines.push(`${path}: missing required key${req.length > 1 ? 's' : ''} ${req.map((k) => `"${k}"`).join(', ')}`);
      continue;
    }
    lines.push(`${path}: ${e.message}`);
  }
  for (const [path, values] of allowed) lines.push(`${path}: must be one of ${values.join(', ')}`);
  return [...new Set(lines)];
}

function invalid(source: string | undefined, problems: string[]): DriftmonError {
  const where = source === undefined ? 'config' : `config ${source}`;
  return new DriftmonError(
    ErrorCode.CONFIG_INVALID,
    `${where} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    { details: problems },
  );
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
