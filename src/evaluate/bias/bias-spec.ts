/**
 * A bias analysis spec: an analysis_config.json with every data-dependent choice made, which is
 * what a BiasAccumulator counts by. Clarify decides from the whole dataset whether the label and
 * each facet are categorical or continuous (smclarify `common.series_datatype`): the baseline job
 * infers it from the data (`inferColumnKind`), a streaming window takes it from the baseline's
 * analysis.json (`kindsFromAnalysis`: an interval "(t, max]" means continuous), so every window of
 * a monitor is judged the way its baseline was.
 *
 * Value matching: a value's key is its text, with numbers normalised (1, "1" and "1.0" all key
 * "1"; booleans "True"/"False" as Python prints them). Clarify compares typed pandas values and
 * retries with the config values converted to the column's type, which lands on the same sets for
 * the usual cases (numeric columns with numeric values, text columns with text values).
 */
import { DriftmonError, ErrorCode } from '../../errors.js';
import { columnName, type AnalysisConfig, type ConfigValue } from '../../sagemaker/analysis-config.js';
import type { BiasAnalysis } from '../../sagemaker/analysis-json.js';
import { POST_TRAINING_CODES, PRE_TRAINING_CODES, type PostTrainingCode, type PreTrainingCode } from '../../sagemaker/clarify-metrics.js';
import { sortCodes } from './bias-metrics.js';
import { pythonFloat, pythonNumber } from '../../sagemaker/python-json.js';

export const ColumnKind = { CATEGORICAL: 'categorical', CONTINUOUS: 'continuous' } as const;
export type ColumnKind = (typeof ColumnKind)[keyof typeof ColumnKind];

/** Where the predicted label comes from (post-training metrics need one). */
export const PredictionSource = { NONE: 'none', LABEL: 'label', PROBABILITY: 'probability' } as const;
export type PredictionSource = (typeof PredictionSource)[keyof typeof PredictionSource];

export interface BiasFacetSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Categorical: the sensitive values (facet d); undefined: every value one-vs-rest. */
  readonly values?: readonly ConfigValue[];
  /** Continuous: facet d is value > threshold. */
  readonly threshold?: number;
}

export interface BiasSpec {
  readonly label: string;
  readonly labelKind: ColumnKind;
  /** Categorical label: the positive values. */
  readonly positiveLabelValues: readonly ConfigValue[];
  /** Continuous label: positive when label > threshold (predicted labels too). */
  readonly labelThreshold?: number;
  readonly facets: readonly BiasFacetSpec[];
  readonly groupVariable?: string;
  readonly predictions: PredictionSource;
  /** Score > threshold ⇒ predicted positive (predictions: 'probability'). */
  readonly probabilityThreshold: number;
  readonly preTrainingMethods: readonly PreTrainingCode[];
  readonly postTrainingMethods: readonly PostTrainingCode[];
  /** One-vs-rest facets: distinct values tracked (each is reported); rows of further values are counted, not reported. */
  readonly maxFacetValues: number;
  /** Distinct group_variable values tracked; past it CDDL/CDDPL are reported as errors. */
  readonly maxGroups: number;
}

export const DEFAULT_MAX_FACET_VALUES = 100;
export const DEFAULT_MAX_GROUPS = 1000;
/** smclarify UNIQUENESS_THRESHOLD: an integer column with distinct/count ≥ this is continuous. */
export const UNIQUENESS_THRESHOLD = 0.05;

export interface ResolveBiasSpecOptions {
  /** Dataset column names, for `name_or_index` given as an index (default `_c<i>`, or the config headers). */
  columns?: readonly string[];
  labelKind: ColumnKind;
  /** Kind of each facet column by name; a facet missing here is categorical. */
  facetKinds: Readonly<Record<string, ColumnKind>>;
  predictions: PredictionSource;
  /** Whether FT can be computed (feature rows available): "all" includes FT only then. */
  flipTest?: boolean;
  maxFacetValues?: number;
  maxGroups?: number;
}

/** The spec for `config` with the kinds decided; CONFIG_INVALID lists every inconsistency. */
export function resolveBiasSpec(config: AnalysisConfig, options: ResolveBiasSpecOptions): BiasSpec {
  const problems: string[] = [];
  const columns = options.columns ?? config.headers;
  const label = columnName(config.label, columns);
  let labelThreshold: number | undefined;
  if (options.labelKind === ColumnKind.CONTINUOUS) {
    labelThreshold = singleThreshold(config.labelValuesOrThreshold);
    if (labelThreshold === undefined) {
      problems.push(`label ${JSON.stringify(label)} is continuous: label_values_or_threshold must be one number`);
    }
  }
  const facets = config.facets.map((f): BiasFacetSpec => {
    const name = columnName(f.nameOrIndex, columns);
    const kind = (Object.prototype.hasOwnProperty.call(options.facetKinds, name) ? options.facetKinds[name] : undefined) ?? ColumnKind.CATEGORICAL;
    if (kind === ColumnKind.CATEGORICAL) return f.valueOrThreshold ? { name, kind, values: f.valueOrThreshold } : { name, kind };
    const threshold = f.valueOrThreshold === undefined ? undefined : singleThreshold(f.valueOrThreshold);
    if (threshold === undefined) {
      problems.push(`facet ${JSON.stringify(name)} is continuous: value_or_threshold must be one number (Threshold values must be provided for continuous features)`);
    }
    return { name, kind, threshold: threshold ?? 0 };
  });
  if (problems.length > 0) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `analysis_config.json does not fit the data: ${problems.length} problem(s)`, {
      details: problems,
    });
  }
  const pre = config.preTrainingMethods ?? 'all';
  const post = config.postTrainingMethods ?? 'all';
  const postAll = POST_TRAINING_CODES.filter((c) => c !== 'FT' || options.flipTest === true);
  return {
    label,
    labelKind: options.labelKind,
    positiveLabelValues: config.labelValuesOrThreshold,
    ...(labelThreshold !== undefined ? { labelThreshold } : {}),
    facets,
    ...(config.groupVariable !== undefined ? { groupVariable: columnName(config.groupVariable, columns) } : {}),
    predictions: options.predictions,
    probabilityThreshold: config.probabilityThreshold,
    preTrainingMethods: sortCodes(pre === 'all' ? PRE_TRAINING_CODES : pre),
    postTrainingMethods: options.predictions === PredictionSource.NONE ? [] : sortCodes(post === 'all' ? postAll : post),
    maxFacetValues: options.maxFacetValues ?? DEFAULT_MAX_FACET_VALUES,
    maxGroups: options.maxGroups ?? DEFAULT_MAX_GROUPS,
  };
}

function singleThreshold(values: readonly ConfigValue[]): number | undefined {
  if (values.length !== 1) return undefined;
  const x = numericValue(values[0]);
  return x;
}

/** What Clarify looks at to classify a column (smclarify `series_datatype`). */
export interface ColumnSummary {
  /** Every present value is a number. */
  readonly numeric: boolean;
  /** Some value has a fraction or the column has missing values (pandas reads it as float). */
  readonly float: boolean;
  readonly distinct: number;
  /** Present values. */
  readonly count: number;
}

/**
 * Clarify's rule: more than one configured value → categorical; float columns → continuous;
 * integer columns → continuous when distinct/count ≥ 0.05; anything else categorical.
 */
export function inferColumnKind(summary: ColumnSummary, configValues?: readonly ConfigValue[]): ColumnKind {
  if (configValues !== undefined && configValues.length > 1) return ColumnKind.CATEGORICAL;
  if (!summary.numeric || summary.count === 0) return ColumnKind.CATEGORICAL;
  if (summary.float) return ColumnKind.CONTINUOUS;
  return summary.distinct / summary.count >= UNIQUENESS_THRESHOLD ? ColumnKind.CONTINUOUS : ColumnKind.CATEGORICAL;
}

/**
 * The spec a monitor's windows count by: the config, with the label and facet kinds its baseline
 * analysis.json shows (FT never: windows keep counts, not feature rows).
 */
export function resolveBiasSpecFromBaseline(
  config: AnalysisConfig,
  baseline: BiasAnalysis,
  options: Omit<ResolveBiasSpecOptions, 'labelKind' | 'facetKinds' | 'flipTest'>,
): BiasSpec {
  return resolveBiasSpec(config, { ...options, ...kindsFromAnalysis(baseline), flipTest: false });
}

/** An interval "(a, b]" as Clarify writes continuous thresholds. */
export function isInterval(text: string): boolean {
  return /^\(.*\]$/.test(text.trim());
}

/** Label and facet kinds as a baseline analysis.json shows them (pre- or post-training stage). */
export function kindsFromAnalysis(analysis: BiasAnalysis): { labelKind: ColumnKind; facetKinds: Record<string, ColumnKind> } {
  const stages = [analysis.preTraining, analysis.postTraining].filter((s) => s !== undefined);
  const facetKinds: Record<string, ColumnKind> = Object.create(null) as Record<string, ColumnKind>;
  let labelKind: ColumnKind = ColumnKind.CATEGORICAL;
  for (const s of stages) {
    if (isInterval(s.labelValueOrThreshold)) labelKind = ColumnKind.CONTINUOUS;
    for (const f of s.facets) {
      if (f.values.some((v) => isInterval(v.valueOrThreshold))) facetKinds[f.name] = ColumnKind.CONTINUOUS;
      else facetKinds[f.name] ??= ColumnKind.CATEGORICAL;
    }
  }
  return { labelKind, facetKinds };
}

// ---- values --------------------------------------------------------------------------------

/** A label, facet or group value in a row. */
export type BiasValue = string | number | boolean | null | undefined;

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a value denotes (numbers, numeric text), else undefined. */
export function numericValue(v: BiasValue): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMBER_TEXT.test(v.trim())) return Number(v);
  return undefined;
}

/** The matching key of a value (see the module comment); undefined for a missing value. */
export function valueKey(v: BiasValue): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  const x = numericValue(v);
  if (x !== undefined) return pythonNumber(x, true);
  if (typeof v === 'number') return undefined; // NaN: missing, as pandas reads it
  return v;
}

/** A config value as Clarify prints it (`str(value)`). */
export function configValueText(v: ConfigValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pythonNumber(v, true);
  return v;
}

/**
 * pandas' text of the interval index Clarify builds from a threshold and the column max:
 * "(t, max]" (or "(max, t]" when max < t; "" when |max| equals the threshold). Integers print
 * as integers when the column and threshold are integral, else as Python floats.
 */
export function intervalText(threshold: number, max: number, integral: boolean): string {
  if (Math.abs(max) === threshold) return '';
  const asInt = integral && Number.isInteger(threshold) && Number.isFinite(max);
  const text = (x: number): string => (Number.isNaN(x) || x === -Infinity ? 'nan' : asInt ? String(x) : pythonFloat(x));
  if (!(max >= threshold)) return `(${text(max)}, ${text(threshold)}]`;
  return `(${text(threshold)}, ${text(max)}]`;
}
