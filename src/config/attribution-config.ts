/**
 * A monitor's `attribution` section, resolved: feature attribution drift over the attributions the
 * model returns in its output (monitors/attribution/). Every problem is listed with the others.
 */
import { existsSync } from 'node:fs';
import { AGG_METHODS, AggMethod } from '../sagemaker/explainability-config.js';
import type { AttributionConfigInput } from './schema.js';

export interface AttributionSettings {
  baselinePath: string;
  /** Per label explained (a baseline label): the dot-separated path of its attributions in the output JSON. */
  labels: { label: string; path: string }[];
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
  if (a.path === undefined && a.paths === undefined) problems.push(`${at}: give "path" (where the attributions are in the output JSON) or "paths" (label → path)`);
  if (a.path !== undefined && a.paths !== undefined) problems.push(`${at}: give "path" or "paths", not both`);
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
    labels: a.path !== undefined ? [{ label: a.label ?? ATTRIBUTION_DEFAULTS.label, path: a.path }] : paths.map(([label, path]) => ({ label, path })),
    features: features === undefined ? undefined : [...features],
    aggMethod: aggMethod as AggMethod,
    threshold,
    minRows: a.minRows ?? ATTRIBUTION_DEFAULTS.minRows,
  };
}
