/**
 * constraints.json (data quality): reading SageMaker's and the SDK's variants, writing the
 * container's shape in its Jackson layout (see jackson-json.ts).
 *
 * Reading is lenient where SageMaker's own readers are:
 * - `version` 0 / 0.0 / absent; integers or doubles anywhere a number is expected;
 * - unknown keys ignored; legacy `distribution_constraints.enable_comparisons` (bool, used for
 *   `perform_comparison` when that key is absent) and `min_domain_mass` (ignored) tolerated;
 * - per-feature overrides in every spelling seen: `monitoringConfigOverrides` (AWS docs),
 *   `monitoring_config_overrides` at feature level (newer SDK `set_monitoring`) and
 *   `string_constraints.monitoring_config_overrides` (SDK ≤ 2.x); when several are present they
 *   are merged, the docs spelling winning;
 * - `monitoring_config` keys that are missing take DEFAULT_MONITORING_CONFIG's values, except
 *   `categorical_comparison_threshold`, which defaults to the file's `comparison_threshold`
 *   (documented default);
 * - enum values match case-insensitively; `comparison_method` also accepts the docs table's
 *   `linf_simple` / `linf_robust`; toggles also accept true/false.
 * It is strict about structure (features must be a list of objects with a name and a known
 * inferred_type, thresholds must be numbers ≥ 0, …) and lists every problem at once.
 *
 * Writing: the per-feature override is written with the docs spelling `monitoringConfigOverrides`.
 * `categorical_comparison_threshold` and `categorical_drift_method` are written only when they
 * differ from their defaults (= comparison_threshold, LInfinity), which is what the container's
 * suggested files without a categorical override look like (good_cases/constraints.json) and
 * reads back to the same values.
 */
import {
  CategoricalDriftMethod,
  ComparisonMethod,
  DEFAULT_MONITORING_CONFIG,
  InferredType,
  Toggle,
  type Constraints,
  type DistributionConstraints,
  type FeatureConstraints,
  type MonitoringConfig,
  type MonitoringConfigOverrides,
} from './data-quality-model.js';
import { dbl, formatJackson, type JsonNode } from './jackson-json.js';
import {
  arrayAt,
  booleanAt,
  describe,
  enumAt,
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
const TOGGLES = Object.values(Toggle);
const COMPARISON_METHODS = Object.values(ComparisonMethod);
const CATEGORICAL_METHODS = Object.values(CategoricalDriftMethod);
const COMPARISON_ALIASES: Readonly<Record<string, ComparisonMethod>> = {
  linf_simple: ComparisonMethod.SIMPLE,
  linf_robust: ComparisonMethod.ROBUST,
};
const THRESHOLD = { optional: true, min: 0 } as const;

export interface FormatConstraintsOptions {
  /**
   * 'auto' (default): write categorical_comparison_threshold / categorical_drift_method only when
   * they differ from their defaults; 'always': always write them.
   */
  categoricalKeys?: 'auto' | 'always';
}

/**
 * Read a parsed constraints.json. Throws DriftmonError BASELINE_INVALID whose details list every
 * problem with its JSON path.
 */
export function parseConstraints(json: unknown, source?: string): Constraints {
  const p = new Problems();
  const root = rootObject(json, 'constraints.json', source, p);

  const features = featureList(root, p, parseFeature);

  const mc = objectAt(root, 'monitoring_config', '$', p, true);
  const monitoringConfig = mc === undefined ? cloneConfig(DEFAULT_MONITORING_CONFIG) : parseMonitoringConfig(mc, p);

  p.throwIfAny('constraints.json', source);
  return { features, monitoringConfig };
}

function parseFeature(item: JsonObject, path: string, p: Problems): FeatureConstraints | undefined {
  const name = stringAt(item, 'name', path, p);
  if (name !== undefined && name === '') p.add(key(path, 'name'), 'must not be empty');
  const inferredType = enumAt(item, 'inferred_type', path, p, INFERRED_TYPES, { what: 'inferred_type' });
  const completeness = numberAt(item, 'completeness', path, p, { optional: true, min: 0, max: 1 });

  let isNonNegative: boolean | undefined;
  const nc = objectAt(item, 'num_constraints', path, p, true);
  if (nc !== undefined) isNonNegative = booleanAt(nc, 'is_non_negative', key(path, 'num_constraints'), p, true);

  let domains: string[] | undefined;
  let sdkOverrides: MonitoringConfigOverrides | undefined;
  const scPath = key(path, 'string_constraints');
  const sc = objectAt(item, 'string_constraints', path, p, true);
  if (sc !== undefined) {
    const list = arrayAt(sc, 'domains', scPath, p, true);
    if (list !== undefined) {
      domains = [];
      list.forEach((v, j) => {
        if (typeof v === 'string') domains?.push(v);
        else if (typeof v === 'number' || typeof v === 'boolean') domains?.push(String(v));
        else p.add(`${key(scPath, 'domains')}[${j}]`, `expected a string, got ${describe(v)}`);
      });
    }
    const o = objectAt(sc, 'monitoring_config_overrides', scPath, p, true);
    if (o !== undefined) sdkOverrides = parseOverrides(o, key(scPath, 'monitoring_config_overrides'), p);
  }

  let overrides = sdkOverrides;
  for (const spelling of ['monitoring_config_overrides', 'monitoringConfigOverrides'] as const) {
    const o = objectAt(item, spelling, path, p, true);
    if (o !== undefined) overrides = mergeOverrides(overrides, parseOverrides(o, key(path, spelling), p));
  }

  if (name === undefined || name === '' || inferredType === undefined) return undefined;
  const f: FeatureConstraints = { name, inferredType };
  if (completeness !== undefined) f.completeness = completeness;
  if (isNonNegative !== undefined) f.isNonNegative = isNonNegative;
  if (domains !== undefined) f.domains = domains;
  if (overrides !== undefined) f.overrides = overrides;
  return f;
}

function toggleAt(o: JsonObject, k: string, path: string, p: Problems): Toggle | undefined {
  const v = o[k];
  if (typeof v === 'boolean') return v ? Toggle.ENABLED : Toggle.DISABLED;
  return enumAt(o, k, path, p, TOGGLES, { optional: true, what: k });
}

interface PartialConfig {
  evaluateConstraints?: Toggle;
  emitMetrics?: Toggle;
  datatypeCheckThreshold?: number;
  domainContentThreshold?: number;
  distributionConstraints?: Partial<DistributionConstraints>;
}

/** The keys of a monitoring_config (or an override), each optional. */
function parsePartialConfig(o: JsonObject, path: string, p: Problems): PartialConfig {
  const out: PartialConfig = {};
  const evaluateConstraints = toggleAt(o, 'evaluate_constraints', path, p);
  if (evaluateConstraints !== undefined) out.evaluateConstraints = evaluateConstraints;
  const emitMetrics = toggleAt(o, 'emit_metrics', path, p);
  if (emitMetrics !== undefined) out.emitMetrics = emitMetrics;
  const dt = numberAt(o, 'datatype_check_threshold', path, p, THRESHOLD);
  if (dt !== undefined) out.datatypeCheckThreshold = dt;
  const dc = numberAt(o, 'domain_content_threshold', path, p, THRESHOLD);
  if (dc !== undefined) out.domainContentThreshold = dc;

  const dcPath = key(path, 'distribution_constraints');
  const d = objectAt(o, 'distribution_constraints', path, p, true);
  if (d !== undefined) {
    const dist: Partial<DistributionConstraints> = {};
    let perform = toggleAt(d, 'perform_comparison', dcPath, p);
    if (perform === undefined && d['perform_comparison'] === undefined && d['enable_comparisons'] !== undefined) {
      // Legacy spelling (older container files): a boolean.
      const legacy = booleanAt(d, 'enable_comparisons', dcPath, p, true);
      if (legacy !== undefined) perform = legacy ? Toggle.ENABLED : Toggle.DISABLED;
    }
    if (perform !== undefined) dist.performComparison = perform;
    const ct = numberAt(d, 'comparison_threshold', dcPath, p, THRESHOLD);
    if (ct !== undefined) dist.comparisonThreshold = ct;
    const cm = enumAt(d, 'comparison_method', dcPath, p, COMPARISON_METHODS, {
      optional: true,
      aliases: COMPARISON_ALIASES,
      what: 'comparison_method',
    });
    if (cm !== undefined) dist.comparisonMethod = cm;
    const cct = numberAt(d, 'categorical_comparison_threshold', dcPath, p, THRESHOLD);
    if (cct !== undefined) dist.categoricalComparisonThreshold = cct;
    const cdm = enumAt(d, 'categorical_drift_method', dcPath, p, CATEGORICAL_METHODS, {
      optional: true,
      what: 'categorical_drift_method',
    });
    if (cdm !== undefined) dist.categoricalDriftMethod = cdm;
    out.distributionConstraints = dist;
  }
  return out;
}

function parseMonitoringConfig(o: JsonObject, p: Problems): MonitoringConfig {
  const part = parsePartialConfig(o, '$.monitoring_config', p);
  const def = DEFAULT_MONITORING_CONFIG;
  const d = part.distributionConstraints ?? {};
  const comparisonThreshold = d.comparisonThreshold ?? def.distributionConstraints.comparisonThreshold;
  return {
    evaluateConstraints: part.evaluateConstraints ?? def.evaluateConstraints,
    emitMetrics: part.emitMetrics ?? def.emitMetrics,
    datatypeCheckThreshold: part.datatypeCheckThreshold ?? def.datatypeCheckThreshold,
    domainContentThreshold: part.domainContentThreshold ?? def.domainContentThreshold,
    distributionConstraints: {
      performComparison: d.performComparison ?? def.distributionConstraints.performComparison,
      comparisonThreshold,
      comparisonMethod: d.comparisonMethod ?? def.distributionConstraints.comparisonMethod,
      categoricalComparisonThreshold: d.categoricalComparisonThreshold ?? comparisonThreshold,
      categoricalDriftMethod: d.categoricalDriftMethod ?? def.distributionConstraints.categoricalDriftMethod,
    },
  };
}

function parseOverrides(o: JsonObject, path: string, p: Problems): MonitoringConfigOverrides {
  return parsePartialConfig(o, path, p);
}

function mergeOverrides(
  a: MonitoringConfigOverrides | undefined,
  b: MonitoringConfigOverrides,
): MonitoringConfigOverrides {
  if (a === undefined) return b;
  const out: MonitoringConfigOverrides = { ...a, ...b };
  if (a.distributionConstraints !== undefined || b.distributionConstraints !== undefined) {
    out.distributionConstraints = { ...a.distributionConstraints, ...b.distributionConstraints };
  }
  return out;
}

function cloneConfig(c: MonitoringConfig): MonitoringConfig {
  return { ...c, distributionConstraints: { ...c.distributionConstraints } };
}

/** constraints.json text in the container's shape and Jackson layout. */
export function formatConstraints(c: Constraints, options: FormatConstraintsOptions = {}): string {
  const always = options.categoricalKeys === 'always';
  const node: JsonNode = {
    version: dbl(0),
    features: c.features.map((f) => featureNode(f)),
    monitoring_config: configNode(c.monitoringConfig, always),
  };
  return formatJackson(node);
}

function featureNode(f: FeatureConstraints): JsonNode {
  return {
    name: f.name,
    inferred_type: f.inferredType,
    completeness: f.completeness === undefined ? undefined : dbl(f.completeness),
    num_constraints: f.isNonNegative === undefined ? undefined : { is_non_negative: f.isNonNegative },
    string_constraints: f.domains === undefined ? undefined : { domains: f.domains },
    monitoringConfigOverrides: f.overrides === undefined ? undefined : partialNode(f.overrides, undefined, true),
  };
}

function configNode(m: MonitoringConfig, always: boolean): JsonNode {
  return partialNode(m, m.distributionConstraints.comparisonThreshold, always);
}

/**
 * A (partial) monitoring config. `baseThreshold` is the comparison_threshold the categorical
 * threshold defaults to (undefined for overrides: there everything present is written).
 */
function partialNode(m: PartialConfig, baseThreshold: number | undefined, always: boolean): JsonNode {
  const d = m.distributionConstraints;
  const isTopLevel = baseThreshold !== undefined;
  const writeCategoricalThreshold =
    d?.categoricalComparisonThreshold !== undefined &&
    (always || !isTopLevel || d.categoricalComparisonThreshold !== baseThreshold);
  const writeCategoricalMethod =
    d?.categoricalDriftMethod !== undefined &&
    (always || !isTopLevel || d.categoricalDriftMethod !== CategoricalDriftMethod.LINFINITY);
  return {
    evaluate_constraints: m.evaluateConstraints,
    emit_metrics: m.emitMetrics,
    datatype_check_threshold: optDbl(m.datatypeCheckThreshold),
    domain_content_threshold: optDbl(m.domainContentThreshold),
    distribution_constraints:
      d === undefined
        ? undefined
        : {
            perform_comparison: d.performComparison,
            comparison_threshold: optDbl(d.comparisonThreshold),
            comparison_method: d.comparisonMethod,
            categorical_comparison_threshold: writeCategoricalThreshold
              ? optDbl(d.categoricalComparisonThreshold)
              : undefined,
            categorical_drift_method: writeCategoricalMethod ? d.categoricalDriftMethod : undefined,
          },
  };
}

function optDbl(x: number | undefined): JsonNode | undefined {
  return x === undefined ? undefined : dbl(x);
}
