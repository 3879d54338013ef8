/**
 * statistics.json (data quality): reading SageMaker's files into DatasetStatistics and writing
 * DatasetStatistics in the container's exact shape and Jackson layout (see jackson-json.ts).
 *
 * Reading is lenient like SageMaker's own readers: `version` 0 / 0.0 / absent, integers or
 * doubles for any number, Jackson's "NaN"/"Infinity" strings for double statistics, unknown keys
 * ignored. It is strict about the structure the evaluator needs (dataset.item_count, every
 * feature's name and inferred_type, `numerical_statistics` with common counts, the five moments,
 * KLL buckets and sketch for Integral/Fractional features, `string_statistics` with common counts,
 * distinct_count and categorical buckets for String features) and reports every problem found,
 * each with its JSON path, in one BASELINE_INVALID error.
 *
 * Numeric features rebuild the KLL sketch from `distribution.kll.sketch`, using the statistics'
 * exact min/max. String features keep their categories; the list is taken as complete when the
 * bucket counts add up to num_present (every present value is accounted for).
 *
 * Writing: doubles where the container writes doubles (`version`, moments, bucket bounds and
 * counts, KLL parameters and items, `distinct_count`), integers for `item_count`, `num_present`,
 * `num_missing` and categorical bucket counts.
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import type { DeequKllLevels } from '../sketch/kll/kll-deequ-json.js';
import { KllSketch } from '../sketch/kll/kll-sketch.js';
import type { QuantileSketch } from '../sketch/quantile-sketch.js';
import {
  InferredType,
  OTHER_CATEGORY,
  type CategoryCount,
  type DatasetStatistics,
  type FeatureStatistics,
  type KllBucket,
  type NumericalStatistics,
  type StringStatistics,
} from './data-quality-model.js';
import { dbl, dbls, formatJackson, type JsonNode } from './jackson-json.js';
import {
  arrayAt,
  checkNumber,
  describe,
  enumAt,
  isObject,
  key,
  numberAt,
  objectAt,
  Problems,
  featureList,
  rootObject,
  stringAt,
  type JsonObject,
} from './json-check.js';

const INFERRED_TYPES = Object.values(InferredType);
const COUNT = { integer: true, min: 0 } as const;
const STAT = { nonFinite: true } as const;

/**
 * Read a parsed statistics.json. `source` (a file name) is used in the error message.
 * Throws DriftmonError BASELINE_INVALID whose details list every problem.
 */
export function parseStatistics(json: unknown, source?: string): DatasetStatistics {
  const p = new Problems();
  const root = rootObject(json, 'statistics.json', source, p);
  const dataset = objectAt(root, 'dataset', '$', p);
  const itemCount = dataset === undefined ? undefined : numberAt(dataset, 'item_count', '$.dataset', p, COUNT);

  const features = featureList(root, p, parseFeature);

  p.throwIfAny('statistics.json', source);
  return { itemCount: itemCount ?? 0, features };
}

function parseFeature(item: JsonObject, path: string, p: Problems): FeatureStatistics | undefined {
  const name = stringAt(item, 'name', path, p);
  if (name === '') p.add(key(path, 'name'), 'must not be empty');
  const inferredType = enumAt(item, 'inferred_type', path, p, INFERRED_TYPES, { what: 'inferred_type' });
  const numericType = inferredType === InferredType.INTEGRAL || inferredType === InferredType.FRACTIONAL;
  const stringType = inferredType === InferredType.STRING;

  const numObj = objectAt(item, 'numerical_statistics', path, p, !numericType);
  const strObj = objectAt(item, 'string_statistics', path, p, !stringType);
  if (numericType && strObj !== undefined) {
    p.add(key(path, 'string_statistics'), `not expected for a ${inferredType} feature`);
  }
  if (stringType && numObj !== undefined) {
    p.add(key(path, 'numerical_statistics'), 'not expected for a String feature');
  }
  const numerical = numObj === undefined ? undefined : parseNumerical(numObj, key(path, 'numerical_statistics'), p);
  const string = strObj === undefined ? undefined : parseString(strObj, key(path, 'string_statistics'), p);

  if (name === undefined || name === '' || inferredType === undefined) return undefined;
  const f: FeatureStatistics = { name, inferredType };
  if (numerical !== undefined) f.numerical = numerical;
  if (string !== undefined) f.string = string;
  return f;
}

function parseCommon(o: JsonObject, path: string, p: Problems): { numPresent?: number; numMissing?: number } {
  const common = objectAt(o, 'common', path, p);
  if (common === undefined) return {};
  const at = key(path, 'common');
  return {
    numPresent: numberAt(common, 'num_present', at, p, COUNT),
    numMissing: numberAt(common, 'num_missing', at, p, COUNT),
  };
}

function parseNumerical(o: JsonObject, path: string, p: Problems): NumericalStatistics | undefined {
  const before = p.size;
  const { numPresent, numMissing } = parseCommon(o, path, p);
  const mean = numberAt(o, 'mean', path, p, STAT);
  const sum = numberAt(o, 'sum', path, p, STAT);
  const stdDev = numberAt(o, 'std_dev', path, p, STAT);
  const min = numberAt(o, 'min', path, p, STAT);
  const max = numberAt(o, 'max', path, p, STAT);

  const distPath = key(path, 'distribution');
  const kllPath = key(distPath, 'kll');
  const dist = objectAt(o, 'distribution', path, p);
  const kll = dist === undefined ? undefined : objectAt(dist, 'kll', distPath, p);
  const buckets: KllBucket[] = [];
  let sketch: QuantileSketch | undefined;
  if (kll !== undefined) {
    arrayAt(kll, 'buckets', kllPath, p)?.forEach((b, i) => {
      const at = `${key(kllPath, 'buckets')}[${i}]`;
      if (!isObject(b)) {
        p.add(at, `expected an object, got ${describe(b)}`);
        return;
      }
      const lowerBound = numberAt(b, 'lower_bound', at, p, STAT);
      const upperBound = numberAt(b, 'upper_bound', at, p, STAT);
      const count = numberAt(b, 'count', at, p, { min: 0 });
      if (lowerBound !== undefined && upperBound !== undefined && count !== undefined) {
        buckets.push({ lowerBound, upperBound, count });
      }
    });
    const sketchObj = objectAt(kll, 'sketch', kllPath, p);
    if (sketchObj !== undefined) sketch = readSketch(sketchObj, key(kllPath, 'sketch'), p, min, max);
  }

  if (
    p.size !== before ||
    numPresent === undefined ||
    numMissing === undefined ||
    mean === undefined ||
    sum === undefined ||
    stdDev === undefined ||
    min === undefined ||
    max === undefined ||
    sketch === undefined
  ) {
    return undefined;
  }
  return { numPresent, numMissing, mean, sum, stdDev, min, max, buckets, sketch };
}

function readSketch(
  o: JsonObject,
  path: string,
  p: Problems,
  min: number | undefined,
  max: number | undefined,
): QuantileSketch | undefined {
  // Check the shape here so problems carry JSON paths; KllSketch re-checks its own invariants.
  const before = p.size;
  const params = objectAt(o, 'parameters', path, p);
  if (params !== undefined) {
    numberAt(params, 'c', key(path, 'parameters'), p);
    numberAt(params, 'k', key(path, 'parameters'), p);
  }
  const data = arrayAt(o, 'data', path, p);
  data?.forEach((level, h) => {
    const at = `${key(path, 'data')}[${h}]`;
    if (!Array.isArray(level)) {
      p.add(at, `expected an array, got ${describe(level)}`);
      return;
    }
    for (let i = 0; i < level.length; i++) {
      if (checkNumber(level[i], `${at}[${i}]`, p) === undefined) break; // one problem per level
    }
  });
  if (p.size !== before) return undefined;
  try {
    const overrides: { min?: number; max?: number } = {};
    if (min !== undefined && Number.isFinite(min)) overrides.min = min;
    if (max !== undefined && Number.isFinite(max)) overrides.max = max;
    return KllSketch.fromDeequJson(o, overrides);
  } catch (e) {
    p.add(path, e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

function parseString(o: JsonObject, path: string, p: Problems): StringStatistics | undefined {
  const before = p.size;
  const { numPresent, numMissing } = parseCommon(o, path, p);
  const distinctCount = numberAt(o, 'distinct_count', path, p, { min: 0 });
  const distPath = key(path, 'distribution');
  const catPath = key(distPath, 'categorical');
  const dist = objectAt(o, 'distribution', path, p);
  const cat = dist === undefined ? undefined : objectAt(dist, 'categorical', distPath, p);
  const categories: CategoryCount[] = [];
  if (cat !== undefined) {
    arrayAt(cat, 'buckets', catPath, p)?.forEach((b, i) => {
      const at = `${key(catPath, 'buckets')}[${i}]`;
      if (!isObject(b)) {
        p.add(at, `expected an object, got ${describe(b)}`);
        return;
      }
      const raw = b['value'];
      let value: string | undefined;
      if (typeof raw === 'string') value = raw;
      else if (typeof raw === 'number' || typeof raw === 'boolean') value = String(raw);
      else p.add(key(at, 'value'), raw === undefined ? 'missing (expected a string)' : `expected a string, got ${describe(raw)}`);
      const count = numberAt(b, 'count', at, p, { min: 0 });
      if (value !== undefined && count !== undefined) categories.push({ value, count });
    });
  }
  if (p.size !== before || numPresent === undefined || numMissing === undefined || distinctCount === undefined) {
    return undefined;
  }
  const listed = categories.reduce((s, c) => s + c.count, 0);
  // driftmon's truncated lists sum to num_present too: the OTHER_CATEGORY bucket marks them
  const complete = listed === numPresent && !categories.some((c) => c.value === OTHER_CATEGORY);
  return { numPresent, numMissing, distinctCount, categories, categoriesComplete: complete };
}

// ---------------------------------------------------------------------------------------------

/** statistics.json text in the container's shape and Jackson layout. */
export function formatStatistics(stats: DatasetStatistics): string {
  const node: JsonNode = {
    version: dbl(0),
    dataset: { item_count: stats.itemCount },
    features: stats.features.map(featureNode),
  };
  return formatJackson(node);
}

function featureNode(f: FeatureStatistics): JsonNode {
  return {
    name: f.name,
    inferred_type: f.inferredType,
    numerical_statistics: f.numerical === undefined ? undefined : numericalNode(f.name, f.numerical),
    string_statistics: f.string === undefined ? undefined : stringNode(f.string),
  };
}

function numericalNode(name: string, s: NumericalStatistics): JsonNode {
  const sketch = deequSketchOf(name, s.sketch);
  return {
    common: { num_present: s.numPresent, num_missing: s.numMissing },
    mean: dbl(s.mean),
    sum: dbl(s.sum),
    std_dev: dbl(s.stdDev),
    min: dbl(s.min),
    max: dbl(s.max),
    distribution: {
      kll: {
        buckets: s.buckets.map((b) => ({
          lower_bound: dbl(b.lowerBound),
          upper_bound: dbl(b.upperBound),
          count: dbl(b.count),
        })),
        sketch: {
          parameters: { c: dbl(sketch.parameters.c), k: dbl(sketch.parameters.k) },
          data: sketch.data.map(dbls),
        },
      },
    },
  };
}

function deequSketchOf(name: string, sketch: QuantileSketch): DeequKllLevels {
  const withJson = sketch as QuantileSketch & { toDeequLevels?: () => DeequKllLevels };
  if (typeof withJson.toDeequLevels !== 'function') {
    throw new DriftmonError(
      ErrorCode.CONFIG_INVALID,
      `feature ${JSON.stringify(name)}: statistics.json needs a KLL sketch, but the profile used a ${sketch.kind} sketch`,
    );
  }
  return withJson.toDeequLevels();
}

function stringNode(s: StringStatistics): JsonNode {
  return {
    common: { num_present: s.numPresent, num_missing: s.numMissing },
    distinct_count: dbl(s.distinctCount),
    distribution: {
      categorical: {
        buckets: s.categories.map((c) => ({ value: c.value, count: c.count })),
      },
    },
  };
}
