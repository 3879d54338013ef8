/**
 * The explainability baseline job (Clarify's SHAP analysis): a dataset, an analysis_config.json
 * with `methods.shap` and a predictor reachable over HTTP → analysis.json with the global SHAP value
 * of every feature and the expected value per model output, and optionally the local values
 * (explanations_shap/out.csv).
 *
 * For each dataset row x: the coalitions of its varying features (evaluate/explainability,
 * seeded once per job with `seed`, rows planned in order, so the result does not depend on request
 * timing), the synthetic rows (x's values on the coalition, each baseline row's elsewhere), the
 * model's outputs averaged over the baseline rows, and the constrained regression. The expected
 * value is the model's mean output on the baseline rows. With use_logit the logit is applied to
 * those averages, to f(x) and to the expected value before attributing (shap's logit link), so
 * values are in log-odds. Rows are planned in chunks so requests carry many synthetic rows.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DriftmonError, ErrorCode } from '../errors.js';
import { seededRandom } from '../evaluate/explainability/coalitions.js';
import { aggregateShap, logit } from '../evaluate/explainability/global-shap.js';
import { planRow, solveRow, syntheticRows, type RowPlan, type SolveStats } from '../evaluate/explainability/kernel-shap.js';
import {
  formatExplainabilityAnalysis,
  formatLocalShapCsv,
  labelName,
  type ExplainabilityAnalysis,
} from '../sagemaker/explainability-analysis.js';
import { parseExplainabilityConfig, type ExplainabilityConfig, type FeatureValue } from '../sagemaker/explainability-config.js';
import { ANALYSIS_FILE } from './bias-baseline.js';
import type { HeaderOption } from './dataset/csv-header.js';
import type { DatasetFormat } from './dataset/dataset-reader.js';
import { baselineRows, featureColumns, project, readTable } from './explainability-dataset.js';
import { readJsonFile } from './load-files.js';
import { ModelClient, type ModelClientOptions } from './model-client.js';

export const LOCAL_SHAP_DIR = 'explanations_shap';
export const LOCAL_SHAP_FILE = 'out.csv';
/** Synthetic rows planned before the model is called: many batches' worth, bounded memory. */
const CHUNK_ROWS = 50_000;

export interface ExplainabilityBaselineOptions extends Omit<ModelClientOptions, 'predictor'> {
  input: string;
  config: ExplainabilityConfig;
  /** Folder a relative SHAP baseline file path is taken from (the config file's). */
  configDir?: string;
  format?: DatasetFormat;
  header?: HeaderOption;
}

export interface ExplainabilityBaselineResult {
  analysis: ExplainabilityAnalysis;
  features: readonly string[];
  labels: readonly string[];
  /** Local SHAP values: per dataset row, per label, per feature. */
  local: Float64Array[][];
  rows: number;
  baselineRows: number;
  /** Model calls made (retries included) and rows predicted. */
  requests: number;
  predictedRows: number;
  /** Rows whose coalitions (num_samples too small) could not tell every feature apart. */
  underdetermined: number;
}

/** Read an explainability analysis_config.json (INPUT_NOT_FOUND / INPUT_UNREADABLE / CONFIG_INVALID). */
export async function loadExplainabilityConfigFile(path: string): Promise<ExplainabilityConfig> {
  return parseExplainabilityConfig(await readJsonFile(path), path);
}

export async function buildExplainabilityBaseline(options: ExplainabilityBaselineOptions): Promise<ExplainabilityBaselineResult> {
  const { config } = options;
  const { shap, predictor } = config;
  const table = await readTable(options.input, {
    ...(options.format !== undefined ? { format: options.format } : {}),
    ...(options.header !== undefined ? { header: options.header } : {}),
  });
  const omit = [...(config.label !== undefined ? [config.label] : []), ...(config.excludedColumns ?? [])];
  const features = featureColumns(table, options.input, config.headers, omit);
  const data = project(table, features.slots);
  let baseline: readonly (readonly FeatureValue[])[];
  if ('rows' in shap.baseline) {
    baseline = shap.baseline.rows;
    if (baseline[0]!.length !== features.names.length) {
      throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'analysis_config.json does not match the dataset', {
        details: [`$.methods.shap.baseline rows have ${baseline[0]!.length} values, the model has ${features.names.length} features (${features.names.join(', ')})`],
      });
    }
  } else {
    const file = isAbsolute(shap.baseline.file) ? shap.baseline.file : resolve(options.configDir ?? '.', shap.baseline.file);
    baseline = baselineRows(await readTable(file, { header: 'auto' }), file, features.names, config.headers, omit);
  }

  const client = new ModelClient({ ...options, predictor });
  const link = shap.useLogit ? checkedLogit : (v: number): number => v;
  const baseOutputs = await client.predict(baseline);
  const outputs = baseOutputs[0]!.length;
  const fnullRaw = meanOutputs(baseOutputs, 0, baseOutputs.length, outputs);
  const fnull = fnullRaw.map(link);
  const labels = Array.from({ length: outputs }, (_, k) => labelName(k, predictor.labelHeaders));
  if (predictor.labelHeaders !== undefined && predictor.labelHeaders.length !== outputs) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `$.predictor.label_headers has ${predictor.labelHeaders.length} name(s), the model returns ${outputs} output(s)`);
  }

  const random = seededRandom(shap.seed);
  const stats: SolveStats = { singular: 0 };
  const local: Float64Array[][] = [];
  for (let start = 0; start < data.length; ) {
    const plans: RowPlan[] = [];
    const batch: FeatureValue[][] = [];
    let end = start;
    for (; end < data.length && (end === start || batch.length < CHUNK_ROWS); end++) {
      const x = data[end]!;
      const plan = planRow(x, baseline, shap.numSamples, random);
      plans.push(plan);
      batch.push(x, ...syntheticRows(x, baseline, plan));
    }
    const predicted = await client.predict(batch);
    checkWidth(predicted, outputs, predictor.endpointUrl);
    let at = 0;
    plans.forEach((plan) => {
      const fx = predicted[at++]!.map(link);
      const n = baseline.length;
      const ey = plan.coalitions.masks.map((_, c) => meanOutputs(predicted, at + c * n, at + (c + 1) * n, outputs).map(link));
      at += plan.coalitions.masks.length * n;
      local.push(solveRow(plan, features.names.length, ey, fx, fnull, stats));
    });
    start = end;
  }

  const analysis: ExplainabilityAnalysis = {
    version: '1.0',
    kernelShap: labels.map((label, k) => {
      const global = aggregateShap(local.map((perLabel) => perLabel[k]!), features.names.length, shap.aggMethod);
      return { label, globalShapValues: features.names.map((f, i) => [f, global[i]!] as const), expectedValue: fnull[k]! };
    }),
  };
  return {
    analysis,
    features: features.names,
    labels,
    local,
    rows: data.length,
    baselineRows: baseline.length,
    requests: client.requests,
    predictedRows: client.rows,
    underdetermined: stats.singular,
  };
}

/** Mean of rows [from, to) of the outputs, per output. */
export function meanOutputs(outs: readonly Float64Array[], from: number, to: number, width: number): Float64Array {
  const sum = new Float64Array(width);
  for (let r = from; r < to; r++) for (let k = 0; k < width; k++) sum[k] = sum[k]! + outs[r]![k]!;
  return sum.map((s) => s / (to - from));
}

export function checkWidth(outs: readonly Float64Array[], width: number, url: string): void {
  const bad = outs.find((o) => o.length !== width);
  if (bad !== undefined) {
    throw new DriftmonError(ErrorCode.MODEL_OUTPUT_INVALID, `the model at ${url}: an answer has ${bad.length} output(s), the first had ${width}`);
  }
}

export function checkedLogit(p: number): number {
  const v = logit(p);
  if (!Number.isFinite(v)) {
    throw new DriftmonError(
      ErrorCode.MODEL_OUTPUT_INVALID,
      `use_logit needs probabilities strictly between 0 and 1, the model's (averaged) output was ${p}`,
    );
  }
  return v;
}

/** Write analysis.json (and, when asked, explanations_shap/out.csv) into `outDir`; returns the paths. */
export async function writeExplainabilityBaseline(outDir: string, result: ExplainabilityBaselineResult, saveLocal: boolean): Promise<string[]> {
  const path = join(outDir, ANALYSIS_FILE);
  const localPath = join(outDir, LOCAL_SHAP_DIR, LOCAL_SHAP_FILE);
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(path, formatExplainabilityAnalysis(result.analysis));
    if (!saveLocal) return [path];
    await mkdir(dirname(localPath), { recursive: true });
    await writeFile(localPath, formatLocalShapCsv(result.features, result.labels, result.local));
  } catch (e) {
    throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `cannot write ${outDir}: ${(e as Error).message}`, { cause: e });
  }
  return [path, localPath];
}
