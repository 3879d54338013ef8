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
  // CSV byte ranges read in parallel, and by how many workers; set by tests to compare 1 and N ranges on small files
  const ranges = Number(io.env.DRIFTMON_CSV_RANGES ?? NaN);
  const rangeWorkers = Number(io.env.DRIFTMON_CSV_WORKERS ?? NaN);
  const result = await buildDataBaseline({
    input: opts.input,
    ...(opts.format ? { format: opts.format } : {}),
    header,
    nested: opts.nested,
    // statistics.json holds KLL sketches only (SageMaker's format), so baselines always use KLL
    quantiles: 'kll',
    progress: io.isTTY,
    ...(Number.isInteger(ranges) && ranges > 0 ? { ranges } : {}),
    ...(Number.isInteger(rangeWorkers) && rangeWorkers > 0 ? { rangeWorkers } : {}),
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
