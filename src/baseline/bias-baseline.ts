/**
 * The bias baseline job: a dataset (CSV with or without header, JSON Lines, Parquet) and a
 * Clarify analysis_config.json → analysis.json with the pre-training metrics, and the
 * post-training metrics when a predicted-label or probability column is given (option, or the
 * config's `predicted_label`).
 *
 * Headerless CSV columns are read as `_c0`, `_c1`, … and named by the config's `headers`
 * (index i ↔ headers[i]); with a header row the file's names are used. Label and facet kinds
 * (categorical or continuous) are inferred from the whole columns as Clarify does
 * (bias-spec.ts `inferColumnKind`), so the baseline reads the dataset into memory: the columns
 * the metrics need and, when the post-training methods include the Flip Test (FT, a k-NN over
 * feature rows, flip-test.ts), every column as numbers. FT's features are all columns but the
 * label, the prediction column and the facet (Clarify drops those three); a text column or a
 * missing value makes FT an error, as in Clarify.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DriftmonError, ErrorCode, type RecordErrorReason } from '../errors.js';
import { parseAnalysisConfig, type AnalysisConfig } from '../sagemaker/analysis-config.js';
import { formatBiasAnalysis, parseBiasAnalysis, type BiasAnalysis } from '../sagemaker/analysis-json.js';
import { BiasAccumulator, type AnalysisExtras, type BiasRow } from '../evaluate/bias/bias-accumulator.js';
import { BiasMetricError } from '../evaluate/bias/bias-metrics.js';
import {
  inferColumnKind,
  numericValue,
  PredictionSource,
  resolveBiasSpec,
  valueKey,
  type BiasSpec,
  type BiasValue,
  type ColumnKind,
  type ColumnSummary,
} from '../evaluate/bias/bias-spec.js';
import { flipTest } from '../evaluate/bias/flip-test.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { ValueKind, type FeatureRow } from '../record/row.js';
import type { HeaderOption } from './dataset/csv-header.js';
import { readDataset, type DatasetFormat } from './dataset/dataset-reader.js';
import { readJsonFile } from './load-files.js';

export const ANALYSIS_FILE = 'analysis.json';

export interface BiasBaselineOptions {
  input: string;
  config: AnalysisConfig;
  format?: DatasetFormat;
  header?: HeaderOption;
  /** Column holding the model's predicted label (post-training metrics). */
  predictedLabel?: string;
  /** Column holding the model's score, compared with probability_threshold (post-training metrics). */
  probabilityAttribute?: string;
  progress?: boolean;
}

export interface BiasBaselineResult {
  analysis: BiasAnalysis;
  spec: BiasSpec;
  /** Rows read from the dataset. */
  rows: number;
  /** Rows left out, by reason (missing label or prediction). */
  rejected: Partial<Record<RecordErrorReason, number>>;
}

/** Read an analysis_config.json file (INPUT_NOT_FOUND / INPUT_UNREADABLE / CONFIG_INVALID). */
export async function loadAnalysisConfigFile(path: string): Promise<AnalysisConfig> {
  return parseAnalysisConfig(await readJsonFile(path), path);
}

/** Read an analysis.json file (INPUT_NOT_FOUND / INPUT_UNREADABLE / BASELINE_INVALID). */
export async function loadBiasAnalysisFile(path: string): Promise<BiasAnalysis> {
  return parseBiasAnalysis(await readJsonFile(path), path);
}

/** The columns one row contributes, as plain values. */
interface RowValues {
  label: BiasValue;
  predicted: BiasValue;
  facets: BiasValue[];
  group: BiasValue;
}

export async function buildBiasBaseline(options: BiasBaselineOptions): Promise<BiasBaselineResult> {
  const { config } = options;
  if (options.predictedLabel !== undefined && options.probabilityAttribute !== undefined) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'give either a predicted-label column or a probability column, not both');
  }
  const registry = new FeatureRegistry();
  const headers = config.headers;
  /** Slot of a configured column: its own name, or `_c<i>` for headers[i] in a headerless file. */
  const slotOf = (ref: string | number): number => {
    const byName = typeof ref === 'string' ? registry.get(ref) : undefined;
    if (byName !== undefined) return byName.index;
    const i = typeof ref === 'number' ? ref : (headers?.indexOf(ref) ?? -1);
    if (i < 0) return -1;
    const name = headers?.[i];
    return registry.get(`_c${i}`)?.index ?? (name === undefined ? -1 : (registry.get(name)?.index ?? -1));
  };
  const predictedRef = options.predictedLabel ?? options.probabilityAttribute ?? config.predictedLabel;
  const predictions =
    options.probabilityAttribute !== undefined
      ? PredictionSource.PROBABILITY
      : predictedRef !== undefined
        ? PredictionSource.LABEL
        : PredictionSource.NONE;
  const rows: RowValues[] = [];
  const wantFlipTest =
    predictions !== PredictionSource.NONE &&
    (config.postTrainingMethods === undefined || config.postTrainingMethods === 'all' || config.postTrainingMethods.includes('FT'));
  /** FT: every row's values as numbers (NaN when missing), and the slots holding text. */
  const features: Float64Array[] = [];
  const textSlots = new Set<number>();
  /** Slots where a value was written with a fraction ("1.0"): pandas reads those columns as float. */
  const fractional = new Set<number>();
  let slots: { label: number; predicted: number; facets: number[]; group: number } | undefined;
  const read = await readDataset(
    options.input,
    (row) => {
      slots ??= {
        label: slotOf(config.label),
        predicted: predictedRef === undefined ? -1 : slotOf(predictedRef),
        facets: config.facets.map((f) => slotOf(f.nameOrIndex)),
        group: config.groupVariable === undefined ? -1 : slotOf(config.groupVariable),
      };
      for (const slot of [slots.label, ...slots.facets]) {
        if (slot >= 0 && slot < row.width && row.kinds[slot] === ValueKind.FRACTIONAL) fractional.add(slot);
      }
      if (wantFlipTest) features.push(numericRow(row, textSlots));
      rows.push({
        label: cellValue(row, slots.label),
        predicted: cellValue(row, slots.predicted),
        facets: slots.facets.map((s) => cellValue(row, s)),
        group: cellValue(row, slots.group),
      });
    },
    {
      registry,
      ...(options.format !== undefined ? { format: options.format } : {}),
      ...(options.header !== undefined ? { header: options.header } : {}),
      progress: options.progress ?? false,
    },
  );
  checkColumns(options.input, config, slots, predictedRef, registry);
  const columns = headers ?? registry.features.map((f) => f.name);
  const names = config.facets.map((f) => (typeof f.nameOrIndex === 'string' ? f.nameOrIndex : (columns[f.nameOrIndex] ?? `_c${f.nameOrIndex}`)));
  const facetKinds: Record<string, ColumnKind> = Object.create(null) as Record<string, ColumnKind>;
  config.facets.forEach((f, i) => {
    const values = rows.map((r) => r.facets[i]);
    facetKinds[names[i]!] = inferColumnKind(summarize(values, fractional.has(slots!.facets[i]!)), f.valueOrThreshold);
  });
  const spec = resolveBiasSpec(config, {
    columns,
    labelKind: inferColumnKind(summarize(rows.map((r) => r.label), fractional.has(slots!.label)), config.labelValuesOrThreshold),
    facetKinds,
    predictions,
    flipTest: wantFlipTest,
    maxFacetValues: Number.MAX_SAFE_INTEGER,
    maxGroups: Number.MAX_SAFE_INTEGER,
  });
  const acc = new BiasAccumulator(spec);
  const rejected: Partial<Record<RecordErrorReason, number>> = {};
  /** Rows counted (FT uses the same rows), with their facet values and predictions. */
  const kept: { index: number; facets: BiasValue[]; predicted: boolean }[] = [];
  rows.forEach((r, index) => {
    const facets: Record<string, BiasValue> = Object.create(null) as Record<string, BiasValue>;
    spec.facets.forEach((f, i) => (facets[f.name] = r.facets[i]));
    const row: BiasRow = {
      label: r.label,
      facets,
      group: r.group,
      ...(predictions === PredictionSource.LABEL ? { predictedLabel: r.predicted } : {}),
      ...(predictions === PredictionSource.PROBABILITY ? { score: numericValue(r.predicted) ?? null } : {}),
    };
    const reason = acc.add(row);
    if (reason !== undefined) rejected[reason] = (rejected[reason] ?? 0) + 1;
    else if (wantFlipTest) kept.push({ index, facets: r.facets, predicted: acc.predictedPositive(row) === true });
  });
  const extras: AnalysisExtras = {};
  if (wantFlipTest) {
    const excluded = new Set([slots!.label, slots!.predicted]);
    extras.flipTest = (facet, inD) => {
      const i = spec.facets.findIndex((f) => f.name === facet);
      const facetSlot = slots!.facets[i]!;
      const columns = [...Array(registry.size).keys()].filter((c) => !excluded.has(c) && c !== facetSlot);
      if (columns.some((c) => textSlots.has(c))) throw new BiasMetricError('FlipTest does not support non-numeric columns');
      const x = kept.map((k) => Float64Array.from(columns, (c) => features[k.index]![c] ?? Number.NaN));
      if (x.some((v) => v.some(Number.isNaN))) throw new BiasMetricError('FlipTest: the features have missing values');
      return flipTest(x, kept.map((k) => inD(k.facets[i])), kept.map((k) => k.predicted));
    };
  }
  return { analysis: acc.toAnalysis(extras), spec, rows: read.rows, rejected };
}

/** A row's values as numbers (booleans 1/0, missing NaN); slots holding text are added to `textSlots`. */
function numericRow(row: FeatureRow, textSlots: Set<number>): Float64Array {
  const out = new Float64Array(row.width).fill(Number.NaN);
  for (let i = 0; i < row.width; i++) {
    const kind = row.kinds[i];
    if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) out[i] = row.numbers[i] as number;
    else if (kind === ValueKind.BOOLEAN) out[i] = row.strings[i]?.toLowerCase() === 'true' ? 1 : 0;
    else if (kind === ValueKind.STRING) textSlots.add(i);
  }
  return out;
}

/** Write `analysis.json` into `outDir`; returns its path. */
export async function writeBiasBaseline(outDir: string, analysis: BiasAnalysis): Promise<string> {
  const path = join(outDir, ANALYSIS_FILE);
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(path, formatBiasAnalysis(analysis));
  } catch (e) {
    throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
  return path;
}

function cellValue(row: FeatureRow, slot: number): BiasValue {
  if (slot < 0 || slot >= row.width) return null;
  switch (row.kinds[slot]) {
    case ValueKind.INTEGRAL:
    case ValueKind.FRACTIONAL:
      return row.numbers[slot];
    case ValueKind.BOOLEAN:
      return row.strings[slot]?.toLowerCase() === 'true';
    case ValueKind.STRING:
      return row.strings[slot];
    default:
      return null;
  }
}

/** Every configured column must exist in the dataset (CONFIG_INVALID lists the missing ones). */
function checkColumns(
  input: string,
  config: AnalysisConfig,
  slots: { label: number; predicted: number; facets: number[]; group: number } | undefined,
  predictedRef: string | number | undefined,
  registry: FeatureRegistry,
): void {
  if (slots === undefined) throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `${input} has no data rows`);
  const missing: string[] = [];
  const say = (what: string, ref: string | number): string => `${what} ${JSON.stringify(ref)} is not a column of ${input}`;
  if (slots.label < 0) missing.push(say('label', config.label));
  if (predictedRef !== undefined && slots.predicted < 0) missing.push(say('prediction column', predictedRef));
  slots.facets.forEach((s, i) => s < 0 && missing.push(say('facet', config.facets[i]!.nameOrIndex)));
  if (config.groupVariable !== undefined && slots.group < 0) missing.push(say('group_variable', config.groupVariable));
  if (missing.length > 0) {
    const cols = registry.features.map((f) => f.name).join(', ');
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `analysis_config.json does not match ${input} (columns: ${cols})`, {
      details: config.headers === undefined ? [...missing, 'a headerless CSV needs the config `headers`'] : missing,
    });
  }
}

/** What Clarify's type rule needs to know about a column. */
function summarize(values: readonly BiasValue[], fractional: boolean): ColumnSummary {
  let numeric = true;
  let float = fractional;
  let count = 0;
  const distinct = new Set<string>();
  for (const v of values) {
    const k = valueKey(v);
    if (k === undefined) {
      float = true; // pandas reads a numeric column with missing values as float64
      continue;
    }
    count++;
    distinct.add(k);
    if (typeof v !== 'number') numeric = false;
    else if (!Number.isInteger(v)) float = true;
  }
  return { numeric, float, distinct: distinct.size, count };
}
