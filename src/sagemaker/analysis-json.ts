/**
 * Clarify's bias `analysis.json`: the model, the writer (the layout Clarify's Python container
 * writes: `json.dumps(indent=4)`, ±Infinity values as the strings "Infinity"/"-Infinity") and a
 * lenient reader (every problem listed, BASELINE_INVALID). The same file is the bias monitor's
 * "constraints" (the baseline job's analysis.json).
 *
 * Layout written: `version`, `post_training_bias_metrics`, `pre_training_bias_metrics` (the order
 * of Clarify's files that hold both); in a stage `label`, `facets`, `label_value_or_threshold`;
 * in a metric `name`, `description`, `value`, `error`. A NaN value (Clarify's formulas never give
 * one) is written as the string "NaN" to keep the file valid JSON. Integer-valued metrics are
 * written as floats (`0.0` where Clarify sometimes writes `0`): equal values, not equal bytes.
 * Reading keeps facet order as JSON.parse gives it (facet names that look like array indices
 * come first).
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { arrayAt, checkNumber, describe, isObject, key, objectAt, objectRoot, Problems, type JsonObject } from './json-check.js';
import type { BiasMetricResult } from './clarify-metrics.js';
import { formatPythonJson, PyObject, type PyJson } from './python-json.js';

export interface FacetValueAnalysis {
  /** The facet value(s) joined by "," or the interval "(threshold, max]". */
  readonly valueOrThreshold: string;
  readonly metrics: readonly BiasMetricResult[];
}

export interface FacetAnalysis {
  readonly name: string;
  readonly values: readonly FacetValueAnalysis[];
}

export interface BiasStageAnalysis {
  readonly label: string;
  /** Positive label values joined by ",", or the interval "(threshold, max]". */
  readonly labelValueOrThreshold: string;
  readonly facets: readonly FacetAnalysis[];
}

export interface BiasAnalysis {
  readonly version: string;
  readonly preTraining?: BiasStageAnalysis;
  readonly postTraining?: BiasStageAnalysis;
}

export const ANALYSIS_VERSION = '1.0';

/** analysis.json text for `analysis`. */
export function formatBiasAnalysis(analysis: BiasAnalysis): string {
  const entries: [string, PyJson][] = [['version', analysis.version]];
  if (analysis.postTraining) entries.push(['post_training_bias_metrics', stageNode(analysis.postTraining)]);
  if (analysis.preTraining) entries.push(['pre_training_bias_metrics', stageNode(analysis.preTraining)]);
  return formatPythonJson(new PyObject(entries));
}

/** A metric value as analysis.json holds it. */
export function metricValueNode(value: number | null): PyJson {
  if (value === null) return null;
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Number.isNaN(value)) return 'NaN';
  return value;
}

function stageNode(s: BiasStageAnalysis): PyJson {
  return new PyObject([
    ['label', s.label],
    [
      'facets',
      new PyObject(
        s.facets.map((f) => [
          f.name,
          f.values.map((v) => ({
            value_or_threshold: v.valueOrThreshold,
            metrics: v.metrics.map((m) => ({
              name: m.name,
              description: m.description,
              value: metricValueNode(m.value),
              error: m.error,
            })),
          })),
        ]),
      ),
    ],
    ['label_value_or_threshold', s.labelValueOrThreshold],
  ]);
}

/** Parse analysis.json text; throws BASELINE_INVALID listing every problem. */
export function parseBiasAnalysisText(text: string, source?: string): BiasAnalysis {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DriftmonError(ErrorCode.BASELINE_INVALID, `${source ?? 'analysis.json'} is not JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return parseBiasAnalysis(json, source);
}

/** Check a parsed analysis.json (lenient: unknown keys ignored, numbers where strings are due accepted). */
export function parseBiasAnalysis(json: unknown, source?: string): BiasAnalysis {
  const p = new Problems();
  const root = objectRoot(json, 'analysis.json', source, p);
  const v = root['version'];
  if (v !== undefined && typeof v !== 'string' && typeof v !== 'number') p.add('$.version', `expected a string, got ${describe(v)}`);
  const preTraining = stage(root, 'pre_training_bias_metrics', p);
  const postTraining = stage(root, 'post_training_bias_metrics', p);
  if (root['pre_training_bias_metrics'] === undefined && root['post_training_bias_metrics'] === undefined) {
    p.add('$', 'neither pre_training_bias_metrics nor post_training_bias_metrics is present');
  }
  p.throwIfAny('analysis.json', source);
  return {
    version: v === undefined ? ANALYSIS_VERSION : String(v),
    ...(preTraining ? { preTraining } : {}),
    ...(postTraining ? { postTraining } : {}),
  };
}

/** A string member; numbers and booleans are accepted as their text (Clarify writes strings). */
function textAt(parent: JsonObject, k: string, path: string, p: Problems): string | undefined {
  const v = parent[k];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  p.add(key(path, k), v === undefined ? 'missing (expected a string)' : `expected a string, got ${describe(v)}`);
  return undefined;
}

function stage(root: JsonObject, k: string, p: Problems): BiasStageAnalysis | undefined {
  const s = objectAt(root, k, '$', p, true);
  if (s === undefined) return undefined;
  const path = `$.${k}`;
  const label = textAt(s, 'label', path, p);
  const labelValueOrThreshold = textAt(s, 'label_value_or_threshold', path, p);
  const facetsObj = objectAt(s, 'facets', path, p);
  const facets: FacetAnalysis[] = [];
  if (facetsObj !== undefined) {
    for (const name of Object.keys(facetsObj)) {
      const fpath = key(`${path}.facets`, name);
      const list = arrayAt(facetsObj, name, `${path}.facets`, p);
      if (list === undefined) continue;
      const values: FacetValueAnalysis[] = [];
      list.forEach((item, i) => {
        const at = `${fpath}[${i}]`;
        if (!isObject(item)) {
          p.add(at, `expected an object, got ${describe(item)}`);
          return;
        }
        const valueOrThreshold = textAt(item, 'value_or_threshold', at, p);
        const metrics = metricList(item, at, p);
        if (valueOrThreshold !== undefined) values.push({ valueOrThreshold, metrics });
      });
      facets.push({ name, values });
    }
  }
  if (label === undefined || labelValueOrThreshold === undefined) return undefined;
  return { label, labelValueOrThreshold, facets };
}

function metricList(item: JsonObject, at: string, p: Problems): BiasMetricResult[] {
  const out: BiasMetricResult[] = [];
  arrayAt(item, 'metrics', at, p)?.forEach((m, j) => {
    const mpath = `${at}.metrics[${j}]`;
    if (!isObject(m)) {
      p.add(mpath, `expected an object, got ${describe(m)}`);
      return;
    }
    const name = textAt(m, 'name', mpath, p);
    const d = m['description'];
    const description = typeof d === 'string' ? d : '';
    if (d !== undefined && typeof d !== 'string') p.add(`${mpath}.description`, `expected a string, got ${describe(d)}`);
    const raw = m['value'];
    const value = raw === null || raw === undefined ? null : checkNumber(raw, `${mpath}.value`, p, { nonFinite: true });
    const e = m['error'];
    if (e !== undefined && e !== null && typeof e !== 'string') p.add(`${mpath}.error`, `expected a string, got ${describe(e)}`);
    if (name === undefined || value === undefined) return;
    out.push({ name, description, value, ...(typeof e === 'string' ? { error: e } : {}) });
  });
  return out;
}
