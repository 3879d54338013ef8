/**
 * Clarify's `analysis_config.json`, the explainability part (SageMaker SDK `SHAPConfig`,
 * `ModelConfig`; DG "Configure the analysis"): `headers`, `label`, `methods.shap` and the
 * `predictor`. Lenient like Clarify about keys it does not use (`report`, `model_name`, …), strict
 * about what the SHAP baseline job needs; every problem is listed in one CONFIG_INVALID error.
 *
 * driftmon's extension: `predictor.endpoint_url`, the HTTP(S) URL driftmon POSTs the synthetic
 * rows to (Clarify starts a shadow endpoint from `model_name` instead; that key is ignored).
 * `methods.shap.baseline` is a list of rows (features only, in the feature order) or a local file
 * path (plain or `file://`; relative paths are taken from the config file's folder by the job);
 * `s3://` and other URIs are refused: download the file first.
 *
 * Defaults: `num_samples` 2·M + 2048 (shap's), `agg_method` mean_abs, `use_logit` false,
 * `save_local_shap_values` true (the SDK's), `seed` 0 (Clarify draws one: driftmon stays
 * reproducible), `content_type` text/csv, `accept_type` the content type, `content_template`
 * `{"features":$features}` (JSON Lines).
 */
import { arrayAt, booleanAt, describe, enumAt, key, numberAt, objectAt, Problems, stringAt, type JsonObject } from './json-check.js';
import { columnRef, configRoot, headersAt, throwConfigProblems, type ColumnRef } from './analysis-config.js';

/** A feature value as sent to the model. */
export type FeatureValue = number | string | null;

export const AggMethod = { MEAN_ABS: 'mean_abs', MEDIAN: 'median', MEAN_SQ: 'mean_sq' } as const;
export type AggMethod = (typeof AggMethod)[keyof typeof AggMethod];
export const AGG_METHODS: readonly AggMethod[] = Object.values(AggMethod);

export const ModelContentType = { CSV: 'text/csv', JSON_LINES: 'application/jsonlines' } as const;
export type ModelContentType = (typeof ModelContentType)[keyof typeof ModelContentType];
const CONTENT_TYPES: readonly ModelContentType[] = Object.values(ModelContentType);

export const DEFAULT_CONTENT_TEMPLATE = '{"features":$features}';

export type ShapBaseline = { readonly rows: readonly (readonly FeatureValue[])[] } | { readonly file: string };

export interface ShapConfig {
  readonly baseline: ShapBaseline;
  /** Absent: 2·M + 2048 for M varying features. */
  readonly numSamples?: number;
  readonly aggMethod: AggMethod;
  readonly useLogit: boolean;
  readonly saveLocalShapValues: boolean;
  readonly seed: number;
}

export interface PredictorConfig {
  readonly endpointUrl: string;
  readonly contentType: ModelContentType;
  readonly acceptType: ModelContentType;
  /** Where the predicted label is in a response line (CSV column index, JSON key). */
  readonly label?: ColumnRef;
  /** Where the score is (CSV column index, JSON key); preferred over `label`. */
  readonly probability?: ColumnRef;
  readonly labelHeaders?: readonly string[];
  /** JSON Lines request line; `$features` is replaced by the row's values as a JSON array. */
  readonly contentTemplate: string;
}

export interface ExplainabilityConfig {
  readonly headers?: readonly string[];
  readonly label?: ColumnRef;
  /** Columns not sent to the model (besides the label). */
  readonly excludedColumns?: readonly ColumnRef[];
  readonly shap: ShapConfig;
  readonly predictor: PredictorConfig;
}

/** Check a parsed analysis_config.json for the SHAP baseline; throws CONFIG_INVALID listing every problem. */
export function parseExplainabilityConfig(json: unknown, source?: string): ExplainabilityConfig {
  const p = new Problems();
  const root = configRoot(json, source, p);
  const headers = headersAt(root, p);
  const label = columnRef(root, 'label', '$', p, true);
  if (headers !== undefined && label !== undefined) {
    if (typeof label === 'number' ? label >= headers.length : !headers.includes(label)) p.add('$.label', `${JSON.stringify(label)} is not one of the headers`);
  }
  const excludedColumns = arrayAt(root, 'excluded_columns', '$', p, true)?.flatMap((ref, i): ColumnRef[] => {
    if ((typeof ref === 'string' && ref !== '') || (typeof ref === 'number' && Number.isInteger(ref) && ref >= 0)) return [ref];
    p.add(`$.excluded_columns[${i}]`, `expected a column name or a 0-based index, got ${describe(ref)}`);
    return [];
  });
  if (headers !== undefined) {
    excludedColumns?.forEach((ref, i) => {
      if (typeof ref === 'number' ? ref >= headers.length : !headers.includes(ref)) p.add(`$.excluded_columns[${i}]`, `${JSON.stringify(ref)} is not one of the headers`);
    });
  }
  const datasetType = stringAt(root, 'dataset_type', '$', p, true);
  if (datasetType !== undefined && !['text/csv', 'application/jsonlines'].includes(datasetType)) {
    p.add('$.dataset_type', `driftmon reads text/csv and application/jsonlines datasets, not ${JSON.stringify(datasetType)}`);
  }
  const methods = objectAt(root, 'methods', '$', p);
  const shapNode = methods === undefined ? undefined : objectAt(methods, 'shap', '$.methods', p);
  // the number of features, when every left-out column is one of the headers
  const omitted = [...(label !== undefined ? [label] : []), ...(excludedColumns ?? [])].map((ref) => (typeof ref === 'number' ? headers?.[ref] : ref));
  const features =
    headers === undefined || omitted.some((h) => h === undefined || !headers.includes(h)) ? undefined : headers.filter((h) => !omitted.includes(h)).length;
  const shap = shapNode === undefined ? undefined : shapConfig(shapNode, features, p);
  const predictorNode = objectAt(root, 'predictor', '$', p);
  const predictor = predictorNode === undefined ? undefined : predictorConfig(predictorNode, p);
  throwConfigProblems(p, source);
  return {
    ...(headers !== undefined ? { headers } : {}),
    ...(label !== undefined ? { label } : {}),
    ...(excludedColumns !== undefined && excludedColumns.length > 0 ? { excludedColumns } : {}),
    shap: shap!,
    predictor: predictor!,
  };
}

function shapConfig(node: JsonObject, features: number | undefined, p: Problems): ShapConfig | undefined {
  const path = '$.methods.shap';
  const baseline = shapBaseline(node, features, p);
  const numSamples = numberAt(node, 'num_samples', path, p, { optional: true, integer: true, min: 1 });
  const aggMethod = enumAt(node, 'agg_method', path, p, AGG_METHODS, { optional: true, what: 'agg_method' }) ?? AggMethod.MEAN_ABS;
  const useLogit = booleanAt(node, 'use_logit', path, p, true) ?? false;
  const saveLocalShapValues = booleanAt(node, 'save_local_shap_values', path, p, true) ?? true;
  const seed = numberAt(node, 'seed', path, p, { optional: true, integer: true }) ?? 0;
  for (const k of ['text_config', 'image_config']) if (node[k] !== undefined && node[k] !== null) p.add(key(path, k), 'text and image explanations are not supported');
  if (node['num_clusters'] !== undefined && node['num_clusters'] !== null) p.add(`${path}.num_clusters`, 'driftmon does not cluster a baseline: give `baseline` rows or a file');
  if (baseline === undefined) return undefined;
  return { baseline, ...(numSamples !== undefined ? { numSamples } : {}), aggMethod, useLogit, saveLocalShapValues, seed };
}

function shapBaseline(node: JsonObject, features: number | undefined, p: Problems): ShapBaseline | undefined {
  const at = '$.methods.shap.baseline';
  const v = node['baseline'];
  if (v === undefined || v === null) {
    p.add(at, 'missing (expected a list of rows or a local file path; driftmon does not compute a baseline)');
    return undefined;
  }
  if (typeof v === 'string') {
    const file = v.startsWith('file://') ? decodeURIComponent(new URL(v).pathname) : v;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
      p.add(at, `${JSON.stringify(v)}: only local files are read (download ${v.split(':')[0]} objects first)`);
      return undefined;
    }
    if (file === '') p.add(at, 'expected a file path, got an empty string');
    return file === '' ? undefined : { file };
  }
  if (!Array.isArray(v) || v.length === 0) {
    p.add(at, `expected a non-empty list of rows or a file path, got ${describe(v)}`);
    return undefined;
  }
  const rows: FeatureValue[][] = [];
  v.forEach((row, i) => {
    if (!Array.isArray(row)) {
      p.add(`${at}[${i}]`, `expected a row (a list of feature values), got ${describe(row)}`);
      return;
    }
    if (features !== undefined && row.length !== features) {
      p.add(`${at}[${i}]`, `has ${row.length} values, expected ${features} (the headers without the label and excluded columns)`);
    } else if (rows.length > 0 && row.length !== rows[0]!.length) {
      p.add(`${at}[${i}]`, `has ${row.length} values, row 0 has ${rows[0]!.length}`);
    }
    row.forEach((x, j) => {
      if (x !== null && typeof x !== 'string' && !(typeof x === 'number' && Number.isFinite(x))) p.add(`${at}[${i}][${j}]`, `expected a number, a string or null, got ${describe(x)}`);
    });
    rows.push(row as FeatureValue[]);
  });
  return { rows };
}

function predictorConfig(node: JsonObject, p: Problems): PredictorConfig | undefined {
  const path = '$.predictor';
  const url = stringAt(node, 'endpoint_url', path, p, true);
  let endpointUrl: string | undefined;
  if (url === undefined) {
    p.add(`${path}.endpoint_url`, 'missing (driftmon calls the model at this http(s) URL; Clarify\'s model_name/endpoint_name are not used)');
  } else if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
    p.add(`${path}.endpoint_url`, `expected an http:// or https:// URL, got ${describe(url)}`);
  } else endpointUrl = url;
  const contentType = enumAt(node, 'content_type', path, p, CONTENT_TYPES, { optional: true, what: 'content type' }) ?? ModelContentType.CSV;
  const acceptType = enumAt(node, 'accept_type', path, p, CONTENT_TYPES, { optional: true, what: 'accept type' }) ?? contentType;
  const label = columnRef(node, 'label', path, p, true);
  const probability = columnRef(node, 'probability', path, p, true);
  for (const [k, ref] of [['label', label], ['probability', probability]] as const) {
    if (ref === undefined) continue;
    if (acceptType === ModelContentType.CSV && typeof ref !== 'number') p.add(`${path}.${k}`, `with accept_type text/csv, expected a 0-based column index, got ${describe(ref)}`);
  }
  const labelHeaders = arrayAt(node, 'label_headers', path, p, true)?.map((h, i) => {
    if (typeof h !== 'string' || h === '') p.add(`${path}.label_headers[${i}]`, `expected a non-empty string, got ${describe(h)}`);
    return String(h);
  });
  const contentTemplate = stringAt(node, 'content_template', path, p, true) ?? DEFAULT_CONTENT_TEMPLATE;
  if (contentType === ModelContentType.JSON_LINES && !contentTemplate.includes('$features')) p.add(`${path}.content_template`, 'expected a template holding $features');
  if (endpointUrl === undefined) return undefined;
  return {
    endpointUrl,
    contentType,
    acceptType,
    ...(label !== undefined ? { label } : {}),
    ...(probability !== undefined ? { probability } : {}),
    ...(labelHeaders !== undefined ? { labelHeaders } : {}),
    contentTemplate,
  };
}
