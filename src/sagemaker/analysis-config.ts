/**
 * Clarify's `analysis_config.json` (the bias part): label, positive label values or threshold,
 * facets, group variable, probability threshold, headers and the metric selection. Lenient like
 * Clarify (unknown keys such as `predictor`, `report`, `dataset_type` extras are ignored), strict
 * about what the bias metrics need; every problem is listed in one CONFIG_INVALID error.
 *
 * Values are kept as JSON gave them: JavaScript cannot tell `1` from `1.0`, so a facet value
 * written `1.0` is shown as "1" in analysis.json where Clarify would write "1.0".
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { arrayAt, describe, isObject, key, numberAt, Problems, stringAt, type JsonObject } from './json-check.js';
import { POST_TRAINING_CODES, PRE_TRAINING_CODES, type PostTrainingCode, type PreTrainingCode } from './clarify-metrics.js';

/** A label or facet value as written in the config. */
export type ConfigValue = string | number | boolean;

/** A column: a name, or a 0-based index into the dataset's columns (`name_or_index`). */
export type ColumnRef = string | number;

export interface BiasFacetConfig {
  readonly nameOrIndex: ColumnRef;
  /** Sensitive values (categorical) or one threshold (continuous); absent: each value one-vs-rest. */
  readonly valueOrThreshold?: readonly ConfigValue[];
}

/** `"all"` or a list of metric codes. */
export type MethodSelection<C extends string> = 'all' | readonly C[];

export interface AnalysisConfig {
  readonly version?: string;
  readonly datasetType?: string;
  readonly headers?: readonly string[];
  readonly label: ColumnRef;
  /** Positive label values, or (one number, continuous label) the threshold: label > value. */
  readonly labelValuesOrThreshold: readonly ConfigValue[];
  readonly facets: readonly BiasFacetConfig[];
  readonly groupVariable?: ColumnRef;
  /** Score > threshold ⇒ predicted positive. Default 0.5. */
  readonly probabilityThreshold: number;
  readonly predictedLabel?: ColumnRef;
  /** Absent stage: not requested (the monitor configs carry no `methods`: callers default to "all"). */
  readonly preTrainingMethods?: MethodSelection<PreTrainingCode>;
  readonly postTrainingMethods?: MethodSelection<PostTrainingCode>;
}

export const DEFAULT_PROBABILITY_THRESHOLD = 0.5;

/** Parse the text of an analysis_config.json; `source` names the file in messages. */
export function parseAnalysisConfigText(text: string, source?: string): AnalysisConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `${source ?? 'analysis_config.json'} is not JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return parseAnalysisConfig(json, source);
}

/** Check a parsed analysis_config.json; throws CONFIG_INVALID listing every problem. */
export function parseAnalysisConfig(json: unknown, source?: string): AnalysisConfig {
  const p = new Problems();
  const root = configRoot(json, source, p);
  const version = root['version'] === undefined || root['version'] === null ? undefined : String(root['version']);
  const datasetType = stringAt(root, 'dataset_type', '$', p, true);
  const headers = headersAt(root, p);
  const label = columnRef(root, 'label', '$', p, false);
  const labelValuesOrThreshold = labelValues(root, p);
  const facets = facetList(root, p);
  const groupVariable = columnRef(root, 'group_variable', '$', p, true);
  const predictedLabel = columnRef(root, 'predicted_label', '$', p, true);
  const probabilityThreshold =
    numberAt(root, 'probability_threshold', '$', p, { optional: true }) ?? DEFAULT_PROBABILITY_THRESHOLD;
  let preTrainingMethods: MethodSelection<PreTrainingCode> | undefined;
  let postTrainingMethods: MethodSelection<PostTrainingCode> | undefined;
  const methods = root['methods'];
  if (methods !== undefined && methods !== null) {
    if (!isObject(methods)) p.add('$.methods', `expected an object, got ${describe(methods)}`);
    else {
      preTrainingMethods = methodSelection(methods, 'pre_training_bias', PRE_TRAINING_CODES, p);
      postTrainingMethods = methodSelection(methods, 'post_training_bias', POST_TRAINING_CODES, p);
    }
  }
  if (headers !== undefined) {
    checkColumn(label, headers, '$.label', p);
    facets.forEach((f, i) => checkColumn(f.nameOrIndex, headers, `$.facet[${i}].name_or_index`, p));
    checkColumn(groupVariable, headers, '$.group_variable', p);
  }
  throwConfigProblems(p, source);
  return {
    ...(version !== undefined ? { version } : {}),
    ...(datasetType !== undefined ? { datasetType } : {}),
    ...(headers !== undefined ? { headers } : {}),
    label: label as ColumnRef,
    labelValuesOrThreshold,
    facets,
    ...(groupVariable !== undefined ? { groupVariable } : {}),
    probabilityThreshold,
    ...(predictedLabel !== undefined ? { predictedLabel } : {}),
    ...(preTrainingMethods !== undefined ? { preTrainingMethods } : {}),
    ...(postTrainingMethods !== undefined ? { postTrainingMethods } : {}),
  };
}

/** The column name a reference denotes, given the dataset's column names (index → name). */
export function columnName(ref: ColumnRef, columns: readonly string[] | undefined): string {
  if (typeof ref === 'string') return ref;
  return columns?.[ref] ?? `_c${ref}`;
}

/** The root object of an analysis_config.json; a non-object root throws CONFIG_INVALID at once. */
export function configRoot(json: unknown, source: string | undefined, p: Problems): JsonObject {
  if (!isObject(json)) {
    p.add('$', `expected an object, got ${describe(json)}`);
    throwConfigProblems(p, source);
  }
  return json as JsonObject;
}

/** `$.headers`: column names, if given. */
export function headersAt(root: JsonObject, p: Problems): string[] | undefined {
  return arrayAt(root, 'headers', '$', p, true)?.map((h, i) => {
    if (typeof h !== 'string') p.add(`$.headers[${i}]`, `expected a string, got ${describe(h)}`);
    return String(h);
  });
}

/** Throw CONFIG_INVALID listing every problem of an analysis_config.json, if there is any. */
export function throwConfigProblems(p: Problems, source: string | undefined): void {
  if (p.size === 0) return;
  const where = source === undefined ? 'analysis_config.json' : `${source} (analysis_config.json)`;
  throw new DriftmonError(
    ErrorCode.CONFIG_INVALID,
    `${where} is not valid: ${p.size} problem${p.size === 1 ? '' : 's'} found`,
    { details: p.list },
  );
}

/** A column name or 0-based index member (`label`, `name_or_index`, …). */
export function columnRef(parent: JsonObject, k: string, path: string, p: Problems, optional: boolean): ColumnRef | undefined {
  const v = parent[k];
  const at = key(path, k);
  if (v === undefined || v === null) {
    if (!optional) p.add(at, 'missing (expected a column name or index)');
    return undefined;
  }
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  p.add(at, `expected a column name or a 0-based index, got ${describe(v)}`);
  return undefined;
}

function checkColumn(ref: ColumnRef | undefined, headers: readonly string[], at: string, p: Problems): void {
  if (ref === undefined) return;
  if (typeof ref === 'number') {
    if (ref >= headers.length) p.add(at, `index ${ref} is past the ${headers.length} headers`);
  } else if (!headers.includes(ref)) {
    p.add(at, `${JSON.stringify(ref)} is not one of the headers`);
  }
}

function isConfigValue(v: unknown): v is ConfigValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function valueList(v: unknown, at: string, p: Problems): ConfigValue[] | undefined {
  if (isConfigValue(v)) return [v];
  if (!Array.isArray(v)) {
    p.add(at, `expected a list of values or a number, got ${describe(v)}`);
    return undefined;
  }
  if (v.length === 0) {
    p.add(at, 'expected at least one value');
    return undefined;
  }
  const out: ConfigValue[] = [];
  v.forEach((x, i) => {
    if (isConfigValue(x)) out.push(x);
    else p.add(`${at}[${i}]`, `expected a string, number or boolean, got ${describe(x)}`);
  });
  return out.length === v.length ? out : undefined;
}

function labelValues(root: JsonObject, p: Problems): ConfigValue[] {
  const v = root['label_values_or_threshold'];
  if (v === undefined || v === null) {
    p.add('$.label_values_or_threshold', 'missing (expected a list of positive label values or a threshold)');
    return [];
  }
  return valueList(v, '$.label_values_or_threshold', p) ?? [];
}

function facetList(root: JsonObject, p: Problems): BiasFacetConfig[] {
  const items = arrayAt(root, 'facet', '$', p);
  if (items === undefined) return [];
  if (items.length === 0) p.add('$.facet', 'expected at least one facet');
  const out: BiasFacetConfig[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const path = `$.facet[${i}]`;
    if (!isObject(item)) {
      p.add(path, `expected an object, got ${describe(item)}`);
      return;
    }
    const nameOrIndex = columnRef(item, 'name_or_index', path, p, false);
    const raw = item['value_or_threshold'];
    const values = raw === undefined || raw === null ? undefined : valueList(raw, `${path}.value_or_threshold`, p);
    if (nameOrIndex === undefined) return;
    const first = seen.get(String(nameOrIndex));
    if (first !== undefined) {
      p.add(`${path}.name_or_index`, `duplicate facet ${JSON.stringify(nameOrIndex)} (also $.facet[${first}])`);
      return;
    }
    seen.set(String(nameOrIndex), i);
    out.push(values === undefined ? { nameOrIndex } : { nameOrIndex, valueOrThreshold: values });
  });
  return out;
}

function methodSelection<C extends string>(
  methods: JsonObject,
  stage: string,
  codes: readonly C[],
  p: Problems,
): MethodSelection<C> | undefined {
  const s = methods[stage];
  if (s === undefined || s === null) return undefined;
  const path = `$.methods.${stage}`;
  if (!isObject(s)) {
    p.add(path, `expected an object, got ${describe(s)}`);
    return undefined;
  }
  const m = s['methods'];
  const at = `${path}.methods`;
  if (m === undefined || m === null || m === 'all') return 'all';
  if (typeof m === 'string' && m.toLowerCase() === 'all') return 'all';
  const list = typeof m === 'string' ? m.split(',').map((x) => x.trim()) : m;
  if (!Array.isArray(list)) {
    p.add(at, `expected "all" or a list of metric codes, got ${describe(m)}`);
    return undefined;
  }
  const out: C[] = [];
  list.forEach((x, i) => {
    const code = typeof x === 'string' ? codes.find((c) => c.toLowerCase() === x.trim().toLowerCase()) : undefined;
    if (code === undefined) p.add(`${at}[${i}]`, `unknown metric ${describe(x)}; expected "all" or some of ${codes.join(', ')}`);
    else if (!out.includes(code)) out.push(code);
  });
  return out;
}
