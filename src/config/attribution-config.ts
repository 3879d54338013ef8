/**
 * A monitor's `attribution` section, resolved: feature attribution drift over the attributions the
 * model returns in its output (monitors/attribution/). Every problem is listed with the others.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DriftmonError } from '../errors.js';
import { AGG_METHODS, AggMethod, parseExplainabilityConfig } from '../sagemaker/explainability-config.js';
import { parseDurationMs } from './duration.js';
import type { AttributionConfigInput, AttributionExplainConfigInput } from './schema.js';

/** Live explanations: a sample of each window explained by KernelSHAP against the model endpoint. */
export interface ExplainSettings {
  analysisConfigPath: string;
  samplesPerWindow: number;
  queue: number;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  /** A closed window is reported once its samples are explained or failed, or this long after it closed. */
  deadlineMs: number;
}

export const EXPLAIN_DEFAULTS = { samplesPerWindow: 50, queue: 1000, concurrency: 2, timeoutMs: 10_000, retries: 2, deadlineMs: 120_000 } as const;

export interface AttributionSettings {
  baselinePath: string;
  /** Per label explained (a baseline label): the dot-separated path of its attributions in the output JSON (explain: unused, ''). */
  labels: { label: string; path: string }[];
  /** Set when the monitor explains a sample of each window against the endpoint instead of reading carried attributions. */
  explain?: ExplainSettings | undefined;
  /** Feature order of array attributions (undefined: the baseline's). */
  features: string[] | undefined;
  aggMethod: AggMethod;
  threshold: number;
  minRows: number;
}

export const ATTRIBUTION_DEFAULTS = { label: 'label0', aggMethod: AggMethod.MEAN_ABS, threshold: 0.9, minRows: 1 } as const;

export interface AttributionContext {
  at: string;
  abs: (p: string) => string;
  checkFiles: boolean;
  problems: string[];
  /** Reports a missing input (the loader's exit code depends on it). */
  missingInput: (line: string) => void;
}

export function resolveAttribution(a: AttributionConfigInput, c: AttributionContext): AttributionSettings {
  const { at, problems } = c;
  const baselinePath = c.abs(a.baseline);
  if (c.checkFiles && typeof a.baseline === 'string' && !existsSync(baselinePath)) c.missingInput(`${at}/baseline: ${baselinePath} does not exist`);
  const threshold = a.threshold ?? ATTRIBUTION_DEFAULTS.threshold;
  if (typeof threshold === 'number' && !(threshold > 0 && threshold <= 1)) problems.push(`${at}/threshold: ${threshold} is not in (0, 1] (an nDCG threshold; SageMaker's is 0.9)`);
  const aggMethod = a.aggMethod ?? ATTRIBUTION_DEFAULTS.aggMethod;
  if (!(AGG_METHODS as readonly string[]).includes(aggMethod)) problems.push(`${at}/aggMethod: "${aggMethod}" is not one of ${AGG_METHODS.join(', ')}`);
  const paths = a.paths === undefined ? [] : Object.entries(a.paths);
  const sources = [a.path, a.paths, a.explain].filter((x) => x !== undefined).length;
  if (sources === 0) problems.push(`${at}: give "path" (where the attributions are in the output JSON), "paths" (label → path) or "explain" (explain a sample against the model endpoint)`);
  if (sources > 1) problems.push(`${at}: give one of "path", "paths" or "explain"`);
  const explain = a.explain === undefined ? undefined : resolveExplain(a.explain, c);
  if (a.paths !== undefined && paths.length === 0) problems.push(`${at}/paths: name at least one label`);
  if (a.paths !== undefined && a.label !== undefined) problems.push(`${at}/label: goes with "path"; "paths" names its labels`);
  const features = a.features;
  if (features !== undefined) {
    const seen = new Set<string>();
    for (const f of features) {
      if (seen.has(f)) problems.push(`${at}/features: "${f}" is listed twice`);
      seen.add(f);
    }
  }
  return {
    baselinePath,
    labels: a.paths === undefined ? [{ label: a.label ?? ATTRIBUTION_DEFAULTS.label, path: a.path ?? '' }] : paths.map(([label, path]) => ({ label, path })),
    ...(explain === undefined ? {} : { explain }),
    features: features === undefined ? undefined : [...features],
    aggMethod: aggMethod as AggMethod,
    threshold,
    minRows: a.minRows ?? ATTRIBUTION_DEFAULTS.minRows,
  };
}

function resolveExplain(e: AttributionExplainConfigInput, c: AttributionContext): ExplainSettings {
  const at = `${c.at}/explain`;
  const analysisConfigPath = c.abs(e.analysisConfig);
  if (c.checkFiles && typeof e.analysisConfig === 'string' && !existsSync(analysisConfigPath)) c.missingInput(`${at}/analysisConfig: ${analysisConfigPath} does not exist`);
  else if (c.checkFiles) checkAnalysisConfig(analysisConfigPath, `${at}/analysisConfig`, c.problems);
  const duration = (text: string | undefined, key: string, fallback: number): number => {
    if (text === undefined) return fallback;
    const ms = parseDurationMs(text);
    if (ms === undefined || ms <= 0) c.problems.push(`${at}/${key}: "${text}" is not a positive duration (e.g. 10s, 2m)`);
    return ms ?? fallback;
  };
  return {
    analysisConfigPath,
    samplesPerWindow: e.samplesPerWindow ?? EXPLAIN_DEFAULTS.samplesPerWindow,
    queue: e.queue ?? EXPLAIN_DEFAULTS.queue,
    concurrency: e.concurrency ?? EXPLAIN_DEFAULTS.concurrency,
    timeoutMs: duration(e.timeout, 'timeout', EXPLAIN_DEFAULTS.timeoutMs),
    retries: e.retries ?? EXPLAIN_DEFAULTS.retries,
    deadlineMs: duration(e.deadline, 'deadline', EXPLAIN_DEFAULTS.deadlineMs),
  };
}

/** The analysis_config.json's own problems (predictor, methods.shap), listed with the config's. */
function checkAnalysisConfig(path: string, at: string, problems: string[]): void {
  try {
    parseExplainabilityConfig(JSON.parse(readFileSync(path, 'utf8')), path);
  } catch (e) {
    if (e instanceof DriftmonError) problems.push(`${at}: ${e.message}`, ...e.details.map((d) => `${at}: ${d}`));
    else problems.push(`${at}: ${path} is not readable JSON: ${(e as Error).message}`);
  }
}
