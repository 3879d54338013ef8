/** `driftmon baseline model-quality`: model-quality statistics.json + constraints.json from predictions with labels. */
import { buildModelQualityBaseline, writeModelQualityBaseline } from '../baseline/model-quality-baseline.js';
import { DriftmonError, ErrorCode, ExitCode } from '../errors.js';
import type { ProblemType } from '../sagemaker/problem-type.js';
import type { CliIo } from './io.js';

export interface BaselineModelQualityOptions {
  input: string;
  output: string;
  problemType: ProblemType;
  inferenceAttribute: string;
  probabilityAttribute?: string;
  probabilityThreshold?: string;
  groundTruthAttribute: string;
  inferenceIdAttribute?: string;
  format?: 'csv' | 'jsonl' | 'parquet';
  header: 'true' | 'false' | 'auto';
}

export async function baselineModelQualityCommand(io: CliIo, opts: BaselineModelQualityOptions): Promise<number> {
  let probabilityThreshold: number | undefined;
  if (opts.probabilityThreshold !== undefined) {
    probabilityThreshold = Number(opts.probabilityThreshold);
    if (opts.probabilityThreshold.trim() === '' || !Number.isFinite(probabilityThreshold)) {
      throw new DriftmonError(ErrorCode.CONFIG_INVALID, `--probability-threshold must be a number, got ${JSON.stringify(opts.probabilityThreshold)}`);
    }
  }
  const result = await buildModelQualityBaseline({
    input: opts.input,
    ...(opts.format ? { format: opts.format } : {}),
    header: opts.header === 'auto' ? 'auto' : opts.header === 'true',
    problemType: opts.problemType,
    inferenceAttribute: opts.inferenceAttribute,
    ...(opts.probabilityAttribute === undefined ? {} : { probabilityAttribute: opts.probabilityAttribute }),
    ...(probabilityThreshold === undefined ? {} : { probabilityThreshold }),
    groundTruthAttribute: opts.groundTruthAttribute,
    ...(opts.inferenceIdAttribute === undefined ? {} : { inferenceIdAttribute: opts.inferenceIdAttribute }),
    progress: io.isTTY,
  });
  const files = await writeModelQualityBaseline(opts.output, result);
  const rejected = Object.entries(result.rejected).map(([r, n]) => `${n} ${r}`);
  io.out(
    `model-quality baseline (${opts.problemType}) of ${result.statistics.itemCount ?? 0} of ${result.rows} rows` +
      `${rejected.length > 0 ? ` (left out: ${rejected.join(', ')})` : ''}\n` +
      `  ${files.statistics}\n  ${files.constraints}\n`,
  );
  return ExitCode.OK;
}
