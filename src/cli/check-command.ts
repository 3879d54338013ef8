/** `driftmon check`: evaluate SageMaker-produced statistics offline (KLL sketches rebuilt from the files). */
import { writeFile } from 'node:fs/promises';
import { loadConstraintsFile, loadStatisticsFile } from '../baseline/load-files.js';
import { formatViolations } from '../sagemaker/violations-file.js';
import { DriftmonError, ErrorCode, ExitCode } from '../errors.js';
import { evaluateDataQuality } from '../evaluate/data-quality.js';
import type { CliIo } from './io.js';

export interface CheckOptions {
  statistics: string;
  constraints: string;
  baselineStatistics?: string;
  output?: string;
  failOnViolation: boolean;
}

export async function checkCommand(io: CliIo, opts: CheckOptions): Promise<number> {
  const [current, constraints, baseline] = await Promise.all([
    loadStatisticsFile(opts.statistics, '--statistics'),
    loadConstraintsFile(opts.constraints, '--constraints'),
    opts.baselineStatistics === undefined ? Promise.resolve(undefined) : loadStatisticsFile(opts.baselineStatistics, '--baseline-statistics'),
  ]);
  const evaluation = evaluateDataQuality(current, baseline, constraints);
  const text = formatViolations(evaluation.violations);
  if (opts.output === undefined) {
    io.out(text.endsWith('\n') ? text : `${text}\n`);
  } else {
    try {
      await writeFile(opts.output, text);
    } catch (e) {
      throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `cannot write ${opts.output}: ${(e as Error).message}`, { cause: e });
    }
    io.err(`${evaluation.violations.length} violation(s) written to ${opts.output}\n`);
  }
  return opts.failOnViolation && evaluation.violations.length > 0 ? ExitCode.VIOLATIONS : ExitCode.OK;
}
