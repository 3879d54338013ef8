/** `driftmon baseline bias`: Clarify analysis.json (pre-/post-training bias) from a dataset and an analysis_config.json. */
import { buildBiasBaseline, loadAnalysisConfigFile, writeBiasBaseline } from '../baseline/bias-baseline.js';
import { ExitCode } from '../errors.js';
import type { CliIo } from './io.js';

export interface BaselineBiasOptions {
  input: string;
  analysisConfig: string;
  output: string;
  predictedLabel?: string;
  probabilityAttribute?: string;
  format?: 'csv' | 'jsonl' | 'parquet';
  header: 'true' | 'false' | 'auto';
}

export async function baselineBiasCommand(io: CliIo, opts: BaselineBiasOptions): Promise<number> {
  const config = await loadAnalysisConfigFile(opts.analysisConfig);
  const result = await buildBiasBaseline({
    input: opts.input,
    config,
    ...(opts.format ? { format: opts.format } : {}),
    header: opts.header === 'auto' ? 'auto' : opts.header === 'true',
    ...(opts.predictedLabel !== undefined ? { predictedLabel: opts.predictedLabel } : {}),
    ...(opts.probabilityAttribute !== undefined ? { probabilityAttribute: opts.probabilityAttribute } : {}),
    progress: io.isTTY,
  });
  const path = await writeBiasBaseline(opts.output, result.analysis);
  const stages = [result.analysis.preTraining ? 'pre-training' : '', result.analysis.postTraining ? 'post-training' : '']
    .filter((s) => s !== '')
    .join(' and ');
  const rejected = Object.entries(result.rejected).map(([reason, n]) => `${n} ${reason}`);
  io.out(
    `bias baseline (${stages}) of ${result.rows} rows, ${result.spec.facets.length} facet(s)` +
      (rejected.length > 0 ? `, rows left out: ${rejected.join(', ')}` : '') +
      `\n  ${path}\n`,
  );
  return ExitCode.OK;
}
