/** `driftmon baseline data`: statistics.json + constraints.json from a training dataset. */
import { buildDataBaseline, writeDataBaseline } from '../baseline/build.js';
import { ExitCode } from '../errors.js';
import type { CliIo } from './io.js';

export interface BaselineDataOptions {
  input: string;
  output: string;
  format?: 'csv' | 'jsonl' | 'parquet';
  header: 'true' | 'false' | 'auto';
  nested: 'json' | 'flatten';
}

export async function baselineDataCommand(io: CliIo, opts: BaselineDataOptions): Promise<number> {
  const header = opts.header === 'auto' ? 'auto' : opts.header === 'true';
  const result = await buildDataBaseline({
    input: opts.input,
    ...(opts.format ? { format: opts.format } : {}),
    header,
    nested: opts.nested,
    // statistics.json holds KLL sketches only (SageMaker's format), so baselines always use KLL
    quantiles: 'kll',
    progress: io.isTTY,
  });
  for (const w of result.warnings) io.err(`driftmon: warning: ${opts.input}: ${w}\n`);
  const files = await writeDataBaseline(opts.output, result);
  io.out(
    `baseline of ${result.rows} rows, ${result.statistics.features.length} features\n` +
      `  ${files.statistics}\n  ${files.constraints}\n` +
      (files.sketchBounds === undefined ? '' : `  ${files.sketchBounds} (the sketches' tracked error bounds, for driftmon's drift verdict)\n`),
  );
  return ExitCode.OK;
}
