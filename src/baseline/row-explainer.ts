/**
 * KernelSHAP of one row against the model endpoint, for live explanations (the attribution monitor's
 * window samples): the row x, the SHAP baseline rows and x's synthetic rows go out in ONE request
 * (model-client.ts: timeout, retries), so the expected value and the coalition values come from the
 * same model version even when the endpoint is redeployed between two samples. The coalitions are
 * seeded by `seed` and the row's ID hash, so a replay explains a row the same way. The link
 * (use_logit) and the solve are the baseline job's (explainability-baseline.ts).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { DriftmonError, ErrorCode } from '../errors.js';
import { seededRandom } from '../evaluate/explainability/coalitions.js';
import { planRow, solveRow, syntheticRows } from '../evaluate/explainability/kernel-shap.js';
import { labelName } from '../sagemaker/explainability-analysis.js';
import type { ExplainabilityConfig, FeatureValue } from '../sagemaker/explainability-config.js';
import { checkedLogit, checkWidth, loadExplainabilityConfigFile, meanOutputs } from './explainability-baseline.js';
import { baselineRows, readTable } from './explainability-dataset.js';
import { ModelClient, type ModelClientOptions } from './model-client.js';

export interface RowExplanation {
  /** Model output label (label0, … or predictor.label_headers) → φ per feature, in feature order. */
  readonly byLabel: ReadonlyMap<string, Float64Array>;
}

export class RowExplainer {
  readonly endpointUrl: string;
  private readonly client: ModelClient;

  constructor(
    private readonly config: ExplainabilityConfig,
    private readonly baseline: readonly (readonly FeatureValue[])[],
    client: Omit<ModelClientOptions, 'predictor' | 'batchRows' | 'concurrency'>,
  ) {
    this.endpointUrl = config.predictor.endpointUrl;
    // one row's request is x, the baseline and its synthetic rows: one POST, whatever its size
    this.client = new ModelClient({ ...client, predictor: config.predictor, batchRows: Number.MAX_SAFE_INTEGER, concurrency: 1 });
  }

  /** φ of x for every model output; rejects with MODEL_UNREACHABLE / MODEL_OUTPUT_INVALID. */
  async explain(x: readonly FeatureValue[], idHash: number): Promise<RowExplanation> {
    const { shap, predictor } = this.config;
    const base = this.baseline;
    const plan = planRow(x, base, shap.numSamples, seededRandom((shap.seed ^ idHash) >>> 0));
    const predicted = await this.client.predict([x, ...base, ...syntheticRows(x, base, plan)]);
    const outputs = predicted[0]?.length ?? 0;
    checkWidth(predicted, outputs, this.endpointUrl);
    const link = shap.useLogit ? checkedLogit : (v: number): number => v;
    const n = base.length;
    const fx = (predicted[0] as Float64Array).map(link);
    const fnull = meanOutputs(predicted, 1, 1 + n, outputs).map(link);
    const ey = plan.coalitions.masks.map((_, c) => meanOutputs(predicted, 1 + n + c * n, 1 + n + (c + 1) * n, outputs).map(link));
    const phi = solveRow(plan, x.length, ey, fx, fnull);
    return { byLabel: new Map(phi.map((p, k) => [labelName(k, predictor.labelHeaders), p])) };
  }
}

/**
 * The analysis_config.json and its SHAP baseline rows, and the model's features in the order it
 * takes them: the config's `headers` without the label and excluded columns when it has headers
 * (every one of `features` — the baseline analysis.json's — must be among them), else `features`.
 */
export async function loadRowExplainerSetup(path: string, features: readonly string[]): Promise<{ config: ExplainabilityConfig; baseline: FeatureValue[][]; features: readonly string[] }> {
  const config = await loadExplainabilityConfigFile(path);
  const omit = [...(config.label !== undefined ? [config.label] : []), ...(config.excludedColumns ?? [])];
  const omitted = new Set(omit.map((ref) => (typeof ref === 'number' ? config.headers?.[ref] : ref)));
  const model = config.headers === undefined ? features : config.headers.filter((h) => !omitted.has(h));
  const missing = features.filter((f) => !model.includes(f));
  if (missing.length > 0) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `${path}: the model's features (headers without label and excluded columns: ${model.join(', ')}) lack the baseline's ${missing.join(', ')}`);
  }
  let baseline: FeatureValue[][];
  if ('rows' in config.shap.baseline) baseline = config.shap.baseline.rows.map((r) => [...r]);
  else {
    const file = isAbsolute(config.shap.baseline.file) ? config.shap.baseline.file : resolve(dirname(path), config.shap.baseline.file);
    baseline = baselineRows(await readTable(file, { header: 'auto' }), file, model, config.headers, omit);
  }
  const width = baseline[0]?.length ?? 0;
  if (width !== model.length) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `${path}: methods.shap.baseline rows have ${width} values, the model takes ${model.length} features (${model.join(', ')})`);
  }
  return { config, baseline, features: model };
}
