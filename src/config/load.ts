/**
 * loadConfig(file, env) → a frozen, typed Config. Every problem (schema, durations, duplicate names,
 * missing baseline files) is collected and thrown at once as CONFIG_INVALID with one line each.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { SAGEMAKER_FILES } from '../sagemaker/data-quality-model.js';
import { DriftmonError, ErrorCode } from '../errors.js';
import type { ProblemType } from '../sagemaker/problem-type.js';
import { formatDuration, parseDurationMs } from './duration.js';
import { resolveAttribution, type AttributionSettings } from './attribution-config.js';
import { resolveGroundTruthIngest, type GroundTruthIngestSettings } from './ground-truth-ingest.js';
import { resolveActions, type ActionsSettings } from './actions-config.js';
import { resolveHooks, type HooksSettings } from './hooks-config.js';
import type { ConfigInput, LabelsConfigInput, MonitorConfigInput, RecordSchemaInput } from './schema.js';
import { resolveBatchTransform, type BatchTransformSettings } from './batch-transform-config.js';
import { ENV_KAFKA_BROKERS, resolveKafkaSource, type KafkaSourceSettings } from './kafka-source-config.js';

/**
 * The schema check: the validator compiled at build time (scripts/gen-config-check.mjs) when it is
 * there, so that a start does not load TypeBox (0.25–0.4 s); else TypeBox's Value.Check (tests run
 * from src/). The problems of an invalid config are TypeBox's either way, loaded when needed.
 */
let problemsOf: ((value: unknown) => string[]) | undefined;
const checkSchema: (value: unknown) => boolean = await import(new URL('./config-check.js', import.meta.url).href).then(
  (m: { Check: (value: unknown) => boolean }) => m.Check,
  async () => {
    const [{ Value }, { ConfigSchema }, { schemaProblems }] = await Promise.all([import('typebox/value'), import('./schema.js'), import('./schema-problems.js')]);
    problemsOf = schemaProblems;
    return (value: unknown) => Value.Check(ConfigSchema, value);
  },
);

/** TypeBox's problems for an invalid config (built: loaded by require(esm) on the first invalid config). */
function schemaProblemsOf(value: unknown): string[] {
  problemsOf ??= (createRequire(import.meta.url)('./schema-problems.js') as typeof import('./schema-problems.js')).schemaProblems;
  return problemsOf(value);
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type { KafkaSourceSettings, ScaleOutSettings } from './kafka-source-config.js';

export type SourceSettings =
  | { type: 'files'; paths: string[]; follow: boolean; pollIntervalMs: number; decodeInWorker: boolean | 'auto'; decodeWorkers: number | 'auto'; decodeShare: boolean; decodeRangeBytes?: number; batchTransform?: BatchTransformSettings }
  | { type: 'stdin' }
  | KafkaSourceSettings;

export interface BackoffSettings {
  sampleRatio: number;
  budgets: { lagRecords: number; lagSeconds: number; diskUsage: number };
}

export interface S3Settings {
  bucket: string;
  prefix: string;
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  checksums: 'when_required' | 'when_supported';
}


/** A label monitor: predictions joined with ground truth for model quality and bias drift. */
export interface LabelSettings {
  /** Kafka monitors: the ground-truth topics. */
  topics: string[];
  /** File monitors (replay): ground-truth files and directories. */
  paths: string[];
  horizonMs: number;
  reemitIntervalMs: number;
  inferenceAttribute: string | undefined;
  probabilityAttribute: string | undefined;
  probabilityThreshold: number;
  modelQuality: { problemType: ProblemType; constraintsPath: string | undefined } | undefined;
  bias: { analysisConfigPath: string; baselinePath: string | undefined } | undefined;
}

export interface MonitorSettings {
  name: string;
  source: SourceSettings;
  record: RecordSchemaInput;
  /** Set for label monitors (model quality / bias); their `baseline` is unused. */
  labels?: LabelSettings | undefined;
  /** Set for feature attribution monitors; their `baseline` is unused. */
  attribution?: AttributionSettings | undefined;
  baseline: { statisticsPath: string | undefined; constraintsPath: string };
  windowsMs: number[];
  graceMs: number;
  /** Event times later than wall-clock now + this are rejected as event_time_in_future. */
  maxFutureSkewMs: number;
  quantileSketch: 'kll' | 'tdigest';
  maxFeatures: number;
  categoryCap: number;
  /** Records longer than this (in characters) are rejected as line_too_long. */
  maxLineLength: number;
  checkpointIntervalMs: number;
  /** Partitioned sources: a partition silent this long stops holding the watermark back. */
  partitionIdleMs: number;
  /** Kafka monitors: back-off sampling (undefined: never samples). */
  backoff: BackoffSettings | undefined;
  /** The drift verdict's alpha and floors (undefined: the defaults of evaluate/drift-verdict.ts). */
  driftVerdict?: DriftVerdictSettings | undefined;
  /** User code around the pipeline: a record pre-processor, a report post-processor (hooks-config.ts). */
  hooks?: HooksSettings | undefined;
}

export interface VerdictFloors {
  numeric?: number;
  categorical?: number;
  missing?: number;
}

export interface DriftVerdictSettings {
  alpha?: number;
  floors?: VerdictFloors;
  /** Feature name → floors (a Map: feature names are never object keys). */
  featureFloors?: Map<string, VerdictFloors>;
}

export interface Config {
  monitors: MonitorSettings[];
  output: { dir: string; deadLetterDir: string; s3: S3Settings | undefined };
  state: { dir: string };
  http: { enabled: boolean; host: string; port: number };
  log: { level: LogLevel };
  /** POST /v1/ground-truth, when configured. */
  groundTruthIngest?: GroundTruthIngestSettings | undefined;
  /** Actions on windows with violations (a webhook), when configured. */
  actions?: ActionsSettings | undefined;
  /** Legal but doubtful settings (e.g. a grace not shorter than the smallest window), one line each. */
  warnings?: string[] | undefined;
  /** SIGTERM/SIGINT end the process within this, whatever the broker does. */
  shutdownTimeoutMs: number;
}

export { DEFAULTS } from './defaults.js';
import { DEFAULTS } from './defaults.js';

/** Environment variables that override the file (12-factor style). */
export const ENV_OVERRIDES = {
  DRIFTMON_OUTPUT_DIR: 'output.dir',
  DRIFTMON_HTTP_HOST: 'http.host',
  DRIFTMON_HTTP_PORT: 'http.port',
  DRIFTMON_LOG_LEVEL: 'log.level',
  DRIFTMON_STATE_DIR: 'state.dir',
} as const;

/** Comma-separated brokers replacing those of every Kafka monitor (one cluster per deployment). */
export { ENV_KAFKA_BROKERS } from './kafka-source-config.js';

/** Command-line flags that override a config file's setting (their problems are named by flag). */
export interface ConfigFlags {
  /** `--shutdown-timeout`: replaces `shutdownTimeout`. */
  shutdownTimeout?: string | undefined;
}

/**
 * The yaml package is required when a config file is read, not imported: a replay configured by
 * its flags then starts without its 70-odd modules (loadConfig is synchronous, hence require).
 */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}

export function loadConfig(file: string, env: Record<string, string | undefined> = {}, flags: ConfigFlags = {}): Config {
  if (!existsSync(file)) throw new DriftmonError(ErrorCode.INPUT_NOT_FOUND, `config file not found: ${file}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `cannot read config ${file}: ${(e as Error).message}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `config ${file} is not valid YAML/JSON`, {
      cause: e,
      details: [(e as Error).message],
    });
  }
  const flag = flags.shutdownTimeout;
  if (flag === undefined || !isPlainObject(raw)) return resolveConfig(raw, { baseDir: dirname(resolve(file)), env, source: file });
  return resolveConfig({ ...raw, shutdownTimeout: flag }, {
    baseDir: dirname(resolve(file)),
    env,
    source: file,
    flagFor: (path) => (path === '/shutdownTimeout' ? '--shutdown-timeout' : undefined),
  });
}

/**
 * Problems found while resolving a config: one line each. `missingInputs` holds the lines that only
 * say an input (capture path, baseline, labels file) does not exist: a config whose every problem
 * is one of those is an input error (exit 3), any other problem makes it invalid (exit 2).
 */
type Problems = string[] & { missingInputs: Set<string> };

function missingInput(problems: Problems, line: string): void {
  problems.push(line);
  problems.missingInputs.add(line);
}

export interface ResolveOptions {
  baseDir: string;
  env?: Record<string, string | undefined>;
  source?: string;
  checkFiles?: boolean;
  /**
   * For configs built from command-line flags: the flag a JSON path (such as `/monitors/0/windows/1`)
   * came from, so that problems read `--window banana: not a duration` instead of naming a path of
   * a config the user never wrote.
   */
  flagFor?: (path: string) => string | undefined;
}

/**
 * Validate and resolve an already-parsed config object (relative paths against baseDir). Every
 * problem, of the schema and of the meaning (durations, windows, files, labels), is collected in one
 * pass and thrown at once; warnings (legal but doubtful settings) are returned in `warnings`.
 */
export function resolveConfig(raw: unknown, options: ResolveOptions): Config {
  const env = options.env ?? {};
  const problems: Problems = Object.assign([] as string[], { missingInputs: new Set<string>() });
  const warnings: string[] = [];
  const input = applyEnv(raw, env, problems);
  const schemaOk = checkSchema(input);
  if (!schemaOk) problems.push(...schemaProblemsOf(input));
  // With schema problems, the checks of meaning still run over whatever is well-formed; a part too
  // malformed to check is skipped (its schema problem is already listed).
  const tolerant = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (e) {
      if (schemaOk) throw e;
      return fallback;
    }
  };
  const cfg = (isPlainObject(input) ? input : {}) as ConfigInput;
  const abs = (p: string): string => (isAbsolute(p) ? p : join(options.baseDir, p));
  const names = new Set<string>();
  const monitors = (Array.isArray(cfg.monitors) ? cfg.monitors : []).map((m, i) => {
    if (typeof m?.name === 'string' && names.has(m.name)) problems.push(`/monitors/${i}/name: duplicate monitor name "${m.name}"`);
    names.add(m?.name);
    return tolerant(() => resolveMonitor(m, i, abs, problems, warnings, options.checkFiles ?? true, env, tolerant), undefined);
  });
  const config = tolerant(() => finish(cfg, monitors as MonitorSettings[], abs, env, problems), undefined);
  if (problems.length > 0 || config === undefined) throw invalid(options, raw, problems);
  if (warnings.length > 0) config.warnings = warnings.map((w) => asFlag(w, options, raw));
  return deepFreeze(config);
}

function finish(
  cfg: ConfigInput,
  monitors: MonitorSettings[],
  abs: (p: string) => string,
  env: Record<string, string | undefined>,
  problems: Problems,
): Config {
  const outputDir = abs(cfg.output?.dir ?? DEFAULTS.outputDir);
  const s3 = cfg.output?.s3;
  const config: Config = {
    monitors,
    output: {
      dir: outputDir,
      deadLetterDir: abs(cfg.output?.deadLetterDir ?? join(outputDir, 'dead-letter')),
      s3:
        s3 === undefined
          ? undefined
          : {
              bucket: s3.bucket,
              prefix: (s3.prefix ?? '').replace(/^\/+|\/+$/g, ''),
              endpoint: s3.endpoint,
              region: s3.region ?? env.AWS_REGION ?? DEFAULTS.s3Region,
              forcePathStyle: s3.forcePathStyle ?? s3.endpoint !== undefined,
              checksums: s3.checksums ?? 'when_required',
            },
    },
    state: { dir: abs(cfg.state?.dir ?? DEFAULTS.stateDir) },
    http: {
      enabled: cfg.http?.enabled ?? true,
      host: cfg.http?.host ?? DEFAULTS.httpHost,
      port: cfg.http?.port ?? DEFAULTS.httpPort,
    },
    log: { level: (cfg.log?.level as LogLevel | undefined) ?? DEFAULTS.logLevel },
    shutdownTimeoutMs: shutdownTimeout(cfg.shutdownTimeout, problems),
  };
  const firstKafka = monitors.find((m) => m.source.type === 'kafka')?.source as KafkaSourceSettings | undefined;
  config.groundTruthIngest = resolveGroundTruthIngest(
    cfg.groundTruthIngest,
    {
      kafkaSource: firstKafka && { brokers: firstKafka.brokers, ssl: firstKafka.ssl, sasl: firstKafka.sasl },
      httpEnabled: config.http.enabled,
      stateDir: config.state.dir,
      abs,
      env,
      brokersOverride: env[ENV_KAFKA_BROKERS] ? (env[ENV_KAFKA_BROKERS] as string).split(',').map((b) => b.trim()).filter(Boolean) : undefined,
    },
    problems,
  );
  config.actions = resolveActions(cfg.actions, env, problems, monitors);
  return config;
}

function shutdownTimeout(text: string | undefined, problems: Problems): number {
  if (typeof text !== 'string') return DEFAULTS.shutdownTimeoutMs; // absent, or a schema problem already listed
  const ms = parseDurationMs(text);
  if (ms === undefined) problems.push(`/shutdownTimeout: "${text}" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)`);
  else if (ms <= 0) problems.push(`/shutdownTimeout: "${text}" must be > 0`);
  return ms !== undefined && ms > 0 ? ms : DEFAULTS.shutdownTimeoutMs;
}

function resolveMonitor(
  m: MonitorConfigInput,
  i: number,
  abs: (p: string) => string,
  problems: Problems,
  warnings: string[],
  checkFiles: boolean,
  env: Record<string, string | undefined>,
  tolerant: <T>(fn: () => T, fallback: T) => T,
): MonitorSettings {
  const at = `/monitors/${i}`;
  const duration = (text: string, path: string): number => {
    if (typeof text !== 'string') return 0; // a schema problem, already listed
    const ms = parseDurationMs(text);
    if (ms === undefined) problems.push(`${path}: "${text}" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)`);
    return ms ?? 0;
  };
  const windowsMs = (Array.isArray(m.windows) ? m.windows : []).map((w, j) => {
    const ms = duration(w, `${at}/windows/${j}`);
    if (ms === 0 && typeof w === 'string' && parseDurationMs(w) !== undefined) problems.push(`${at}/windows/${j}: window size must be > 0`);
    return ms;
  });
  const validWindows = windowsMs.filter((ms) => ms > 0);
  for (const ms of new Set(validWindows)) {
    if (validWindows.indexOf(ms) !== validWindows.lastIndexOf(ms)) problems.push(`${at}/windows: the window size ${formatDuration(ms)} is listed twice`);
  }
  const graceMs = m.grace === undefined ? DEFAULTS.graceMs : duration(m.grace, `${at}/grace`);
  const smallest = Math.min(...validWindows);
  if (m.grace !== undefined && validWindows.length > 0 && graceMs >= smallest) {
    warnings.push(
      `${at}/grace: "${m.grace}" is not shorter than the smallest window (${formatDuration(smallest)}): each window is reported only after waiting longer than its own length for late records`,
    );
  }

  let source: SourceSettings = { type: 'stdin' };
  if (m.source?.type === 'files') {
    const paths = (Array.isArray(m.source.paths) ? m.source.paths : []).filter((p) => typeof p === 'string').map(abs);
    const follow = m.source.follow ?? false;
    if (checkFiles && !follow) {
      paths.forEach((p, j) => {
        if (!existsSync(p)) missingInput(problems, `${at}/source/paths/${j}: ${p} does not exist`);
      });
    }
    source = {
      type: 'files',
      paths,
      follow,
      pollIntervalMs: m.source.pollInterval === undefined ? DEFAULTS.pollIntervalMs : duration(m.source.pollInterval, `${at}/source/pollInterval`),
      decodeInWorker: m.source.decodeInWorker ?? 'auto',
      decodeWorkers: m.source.decodeWorkers ?? 'auto',
      decodeShare: m.source.decodeShare ?? false,
      ...(m.source.decodeRangeBytes === undefined ? {} : { decodeRangeBytes: m.source.decodeRangeBytes }),
      ...resolveBatchTransform(m.source, m.record?.format, at, abs, problems, checkFiles, env),
    };
  } else if (m.source?.type === 'kafka') {
    source = resolveKafkaSource(m.source, { at, monitor: m.name, labelTopics: m.labels?.topics ?? [], env, problems, duration });
  }
  const b0 = m.backoff;
  const backoff: BackoffSettings | undefined =
    source.type !== 'kafka' || b0?.enabled === false
      ? undefined
      : {
          sampleRatio: b0?.sampleRatio ?? DEFAULTS.backoff.sampleRatio,
          budgets: {
            lagRecords: b0?.lagRecords ?? DEFAULTS.backoff.lagRecords,
            lagSeconds: b0?.lagTime === undefined ? DEFAULTS.backoff.lagSeconds : duration(b0.lagTime, `${at}/backoff/lagTime`) / 1000,
            diskUsage: b0?.diskUsage ?? DEFAULTS.backoff.diskUsage,
          },
        };
  if (b0 !== undefined && source.type !== 'kafka') problems.push(`${at}/backoff: back-off applies to kafka sources only`);
  const partitionIdleMs =
    m.source?.type === 'kafka' && m.source.partitionIdle !== undefined ? duration(m.source.partitionIdle, `${at}/source/partitionIdle`) : DEFAULTS.partitionIdleMs;

  const labels = m.labels === undefined ? undefined : tolerant(() => resolveLabels(m.labels as LabelsConfigInput, `${at}/labels`, source, abs, problems, checkFiles, duration), undefined);
  if (labels !== undefined && m.baseline !== undefined) {
    problems.push(`${at}: a monitor with "labels" (model quality / bias) takes no data-quality "baseline": monitor data quality with a second monitor`);
  }
  const attribution = m.attribution === undefined ? undefined : tolerant(() => resolveAttributionMonitor(m, at, source, abs, problems, checkFiles), undefined);
  const b = m.baseline ?? {};
  const dir = b.dir === undefined ? undefined : abs(b.dir);
  let statisticsPath = b.statistics === undefined ? undefined : abs(b.statistics);
  let constraintsPath = b.constraints === undefined ? undefined : abs(b.constraints);
  if (dir !== undefined) {
    if (checkFiles && !existsSync(dir)) missingInput(problems, `${at}/baseline/dir: ${dir} does not exist`);
    else if (checkFiles && !statSync(dir).isDirectory()) problems.push(`${at}/baseline/dir: ${dir} is not a directory`);
    statisticsPath ??= join(dir, SAGEMAKER_FILES.statistics);
    constraintsPath ??= join(dir, SAGEMAKER_FILES.constraints);
  }
  if (constraintsPath === undefined && labels === undefined && m.attribution === undefined) {
    problems.push(`${at}/baseline: give "constraints" (constraints.json) or "dir" (a folder with statistics.json and constraints.json)`);
  }
  if (checkFiles) {
    if (constraintsPath !== undefined && !existsSync(constraintsPath) && !(dir !== undefined && !existsSync(dir))) {
      missingInput(problems, `${at}/baseline: ${constraintsPath} does not exist`);
    }
    if (statisticsPath !== undefined && !existsSync(statisticsPath)) {
      if (b.statistics !== undefined) missingInput(problems, `${at}/baseline/statistics: ${statisticsPath} does not exist`);
      else statisticsPath = undefined; // dir without statistics.json: drift checks are skipped
    }
  }
  return {
    name: m.name,
    source,
    record: { format: 'sagemaker-capture', ...(m.record ?? {}) },
    labels,
    ...(attribution === undefined ? {} : { attribution }),
    baseline: { statisticsPath, constraintsPath: constraintsPath ?? '' },
    windowsMs,
    graceMs,
    maxFutureSkewMs: m.maxFutureSkew === undefined ? DEFAULTS.maxFutureSkewMs : duration(m.maxFutureSkew, `${at}/maxFutureSkew`),
    quantileSketch: m.quantileSketch ?? 'kll',
    maxFeatures: m.maxFeatures ?? DEFAULTS.maxFeatures,
    categoryCap: m.categoryCap ?? DEFAULTS.categoryCap,
    maxLineLength: m.maxLineLength ?? DEFAULTS.maxLineLength,
    checkpointIntervalMs: m.checkpointInterval === undefined ? DEFAULTS.checkpointIntervalMs : duration(m.checkpointInterval, `${at}/checkpointInterval`),
    partitionIdleMs,
    backoff,
    ...(m.driftVerdict === undefined ? {} : { driftVerdict: driftVerdictOf(m.driftVerdict) }),
    ...(m.hooks === undefined ? {} : { hooks: resolveHooks(m.hooks, at, { labels: m.labels !== undefined, attribution: m.attribution !== undefined }, abs, checkFiles, problems) }),
  };
}

/** The attribution section and what it excludes: labels, a data-quality baseline, sources it does not read yet. */
function resolveAttributionMonitor(m: MonitorConfigInput, at: string, source: SourceSettings, abs: (p: string) => string, problems: Problems, checkFiles: boolean): AttributionSettings {
  if (m.labels !== undefined) problems.push(`${at}: "attribution" and "labels" are separate monitors: give each its own`);
  if (m.baseline !== undefined) problems.push(`${at}: a monitor with "attribution" takes no data-quality "baseline" (its baseline is attribution.baseline)`);
  if (source.type === 'kafka' && source.scaleOut !== undefined) problems.push(`${at}/source/scaleOut: attribution monitors run as one process per consumer group (no scaleOut yet)`);
  if (m.backoff !== undefined) problems.push(`${at}/backoff: attribution monitors read every record (no back-off yet; an explaining one samples by samplesPerWindow)`);
  if (m.record?.format !== undefined && m.record.format !== 'sagemaker-capture') problems.push(`${at}/record/format: attribution monitors read SageMaker capture lines (sagemaker-capture)`);
  return resolveAttribution(m.attribution as NonNullable<MonitorConfigInput['attribution']>, {
    at: `${at}/attribution`,
    abs,
    checkFiles,
    problems,
    missingInput: (line) => missingInput(problems, line),
  });
}

function driftVerdictOf(v: NonNullable<MonitorConfigInput['driftVerdict']>): DriftVerdictSettings {
  return {
    ...(v.alpha === undefined ? {} : { alpha: v.alpha }),
    ...(v.floors === undefined ? {} : { floors: v.floors }),
    ...(v.features === undefined ? {} : { featureFloors: new Map(Object.entries(v.features)) }),
  };
}

function resolveLabels(
  l: LabelsConfigInput,
  at: string,
  source: SourceSettings,
  abs: (p: string) => string,
  problems: Problems,
  checkFiles: boolean,
  duration: (text: string, path: string) => number,
): LabelSettings {
  const topics = l.topics ?? [];
  const paths = (l.paths ?? []).map(abs);
  if (source.type === 'kafka') {
    if (l.topics === undefined) problems.push(`${at}: a kafka monitor reads its labels from "topics" (ground-truth topics)`);
    if (l.paths !== undefined) problems.push(`${at}/paths: ground-truth files go with a files source (replay); a kafka monitor reads "topics"`);
    for (const t of topics) if (source.topics.includes(t)) problems.push(`${at}/topics: "${t}" is also an inference topic`);
    if (source.deadLetterTopic !== undefined && topics.includes(source.deadLetterTopic)) problems.push(`${at}/topics: "${source.deadLetterTopic}" is the dead-letter topic`);
  } else if (source.type === 'files') {
    if (l.paths === undefined) problems.push(`${at}: a files monitor (replay) reads its labels from "paths" (ground-truth files or directories)`);
    if (l.topics !== undefined) problems.push(`${at}/topics: ground-truth topics go with a kafka source; a files monitor reads "paths"`);
    if (source.follow) problems.push(`${at}: a label monitor over files is a replay: the source cannot "follow"`);
    if (checkFiles) paths.forEach((p, j) => existsSync(p) || missingInput(problems, `${at}/paths/${j}: ${p} does not exist`));
  } else {
    problems.push(`${at}: labels are joined from Kafka topics, or from files in a replay: the monitor's source must be kafka or files`);
  }
  if (l.modelQuality === undefined && l.bias === undefined) problems.push(`${at}: give "modelQuality", "bias" or both`);
  if (l.inferenceAttribute === undefined && l.probabilityAttribute === undefined) {
    problems.push(`${at}: give "inferenceAttribute" (the predicted label) or "probabilityAttribute" (a score, with probabilityThreshold)`);
  }
  const file = (p: string | undefined, path: string): string | undefined => {
    if (p === undefined) return undefined;
    const full = abs(p);
    if (checkFiles && !existsSync(full)) missingInput(problems, `${path}: ${full} does not exist`);
    return full;
  };
  const horizonMs = l.horizon === undefined ? DEFAULTS.labelHorizonMs : duration(l.horizon, `${at}/horizon`);
  if (l.horizon !== undefined && horizonMs <= 0 && parseDurationMs(l.horizon) !== undefined) problems.push(`${at}/horizon: must be > 0`);
  return {
    topics,
    paths,
    horizonMs,
    reemitIntervalMs: l.reemitInterval === undefined ? DEFAULTS.reemitIntervalMs : duration(l.reemitInterval, `${at}/reemitInterval`),
    inferenceAttribute: l.inferenceAttribute,
    probabilityAttribute: l.probabilityAttribute,
    probabilityThreshold: l.probabilityThreshold ?? DEFAULTS.probabilityThreshold,
    modelQuality:
      l.modelQuality === undefined
        ? undefined
        : { problemType: l.modelQuality.problemType, constraintsPath: file(l.modelQuality.constraints, `${at}/modelQuality/constraints`) },
    bias:
      l.bias === undefined
        ? undefined
        : {
            analysisConfigPath: file(l.bias.analysisConfig, `${at}/bias/analysisConfig`) as string,
            baselinePath: file(l.bias.baseline, `${at}/bias/baseline`),
          },
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

function invalid(options: ResolveOptions, raw: unknown, problems: Problems): DriftmonError {
  const where = options.source === undefined ? 'config' : `config ${options.source}`;
  const onlyMissing = problems.length > 0 && problems.every((p) => problems.missingInputs.has(p));
  return new DriftmonError(
    onlyMissing ? ErrorCode.INPUT_NOT_FOUND : ErrorCode.CONFIG_INVALID,
    onlyMissing
      ? `${where}: ${problems.length === 1 ? 'an input does' : `${problems.length} inputs do`} not exist`
      : `${where} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    { details: [...new Set(problems.map((p) => asFlag(p, options, raw)))] },
  );
}

/** `/monitors/0/windows/1: "banana" is not a duration` → `--window banana: not a duration` (flag-built configs). */
function asFlag(line: string, options: ResolveOptions, raw: unknown): string {
  const m = /^(\/[^:\s]*): (.*)$/s.exec(line);
  const flag = m && options.flagFor?.(m[1] as string);
  if (!m || flag === undefined) return line;
  const value = valueAt(raw, m[1] as string);
  const message = (m[2] as string).replace(/^"[^"]*" is /, '').replace(`${String(value)} `, '');
  return typeof value === 'string' || typeof value === 'number' ? `${flag} ${value}: ${message}` : `${flag}: ${message}`;
}

function valueAt(raw: unknown, path: string): unknown {
  let v = raw;
  for (const part of path.split('/').slice(1)) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
