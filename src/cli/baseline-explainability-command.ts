/**
 * `driftmon baseline explainability`: Clarify's SHAP analysis.json (global SHAP values and expected
 * value per model output) from a dataset, an analysis_config.json with `methods.shap`, and the model
 * at the config's `predictor.endpoint_url`.
 */
import { dirname } from 'node:path';
import { buildExplainabilityBaseline, loadExplainabilityConfigFile, writeExplainabilityBaseline } from '../baseline/explainability-baseline.js';
import { parseDurationMs } from '../config/duration.js';
import { DriftmonError, ErrorCode, ExitCode } from '../errors.js';
import type { CliIo } from './io.js';

export interface BaselineExplainabilityOptions {
  input: string;
  analysisConfig: string;
  output: string;
  format?: 'csv' | 'jsonl' | 'parquet';
  header: 'true' | 'false' | 'auto';
  batchRows: string;
  concurrency: string;
  timeout: string;
  retries: string;
}

export async function baselineExplainabilityCommand(io: CliIo, opts: BaselineExplainabilityOptions): Promise<number> {
  const problems: string[] = [];
  const integer = (flag: string, text: string, min: number): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < min) problems.push(`${flag} ${JSON.stringify(text)}: expected a whole number ≥ ${min}`);
    return n;
  };
  const batchRows = integer('--batch-rows', opts.batchRows, 1);
  const concurrency = integer('--concurrency', opts.concurrency, 1);
  const retries = integer('--retries', opts.retries, 0);
  const timeoutMs = parseDurationMs(opts.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) problems.push(`--timeout ${JSON.stringify(opts.timeout)}: expected a duration such as 30s or 2m`);
  if (problems.length > 0) throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'invalid options', { details: problems });

  const config = await loadExplainabilityConfigFile(opts.analysisConfig);
  const result = await buildExplainabilityBaseline({
    input: opts.input,
    config,
    configDir: dirname(opts.analysisConfig),
    ...(opts.format ? { format: opts.format } : {}),
    header: opts.header === 'auto' ? 'auto' : opts.header === 'true',
    batchRows,
    concurrency,
    retries,
    timeoutMs: timeoutMs!,
    signal: io.signal,
  });
  if (result.underdetermined > 0) {
    io.err(
      `driftmon: warning: ${result.underdetermined} of ${result.rows} row(s): num_samples is too small to tell every feature apart; ` +
        `their values are a least-squares choice, not an estimate: raise methods.shap.num_samples\n`,
    );
  }
  const paths = await writeExplainabilityBaseline(opts.output, result, config.shap.saveLocalShapValues);
  io.out(
    `explainability baseline (kernel SHAP, ${config.shap.aggMethod}) of ${result.rows} rows, ${result.features.length} features, ` +
      `${result.labels.length} label(s), ${result.baselineRows} baseline row(s): ${result.predictedRows} rows predicted in ${result.requests} request(s)\n` +
      paths.map((p) => `  ${p}\n`).join(''),
  );
  return ExitCode.OK;
}
