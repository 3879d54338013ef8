/**
 * `baseline data`: profile a training dataset and suggest constraints, like SageMaker's
 * `suggest_baseline` job. Reads the dataset row by row (dataset/dataset-reader.ts) into a DatasetProfile,
 * without numbers' text except for the columns that need it (mixed-columns.ts, a second read),
 * takes its statistics and suggests constraints from them (suggest.ts).
 *
 * statistics.json stores Deequ KLL sketches, so only a baseline built with the KLL quantile
 * sketch (the default) can be written; a t-digest baseline is for in-memory use (writeDataBaseline
 * refuses it with CONFIG_INVALID before writing anything).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DriftmonError, ErrorCode } from '../errors.js';
import { DatasetProfile } from '../profile/dataset-profile.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import { QuantileSketchKind } from '../sketch/quantile-sketch.js';
import { formatConstraints } from '../sagemaker/constraints-file.js';
import type { HeaderOption } from './dataset/csv-header.js';
import { readDataset, type DatasetFormat, type ReadDatasetResult } from './dataset/dataset-reader.js';
import type { NestedOption } from './dataset/json-lines-dataset.js';
import { SAGEMAKER_FILES, type Constraints, type DatasetStatistics } from '../sagemaker/data-quality-model.js';
import { formatStatistics } from '../sagemaker/statistics-file.js';
import { formatSketchBounds, sketchBoundsPath } from './sketch-bounds-file.js';
import { recountMixedColumns } from './mixed-columns.js';
import { suggestConstraints } from './suggest.js';

export interface BuildDataBaselineOptions {
  /** Path of the dataset (CSV, JSON Lines or Parquet). */
  input: string;
  /** Default: from the file extension. */
  format?: DatasetFormat;
  /** CSV header: true, false or 'auto' (default; see dataset/csv-header.ts). */
  header?: HeaderOption;
  /** CSV delimiter (default ','). */
  delimiter?: string;
  /** Quantile sketch for numeric features (default 'kll'; files need 'kll'). */
  quantiles?: QuantileSketchKind;
  /** JSON Lines / Parquet nested values: 'json' (default, as the live decoder) or 'flatten' (see dataset/json-lines-dataset.ts). */
  nested?: NestedOption;
  /** Allow a progress bar on stderr (TTY and > 50 MB only). Default true. */
  progress?: boolean;
  /** Most distinct feature names accepted (default 10 000). */
  maxFeatures?: number;
  /** CSV byte ranges read in parallel (default: by file size and cores; see dataset/csv-dataset.ts). */
  ranges?: number;
  /** Worker threads reading them (default: one per core). */
  rangeWorkers?: number;
}

export interface DataBaseline {
  statistics: DatasetStatistics;
  constraints: Constraints;
  /** Data rows read (= statistics.itemCount). */
  rows: number;
  format: DatasetFormat;
  /** CSV: whether the first row was read as a header. */
  header?: boolean;
  /** What the user should know about the input (ragged CSV rows), one sentence each. */
  warnings: string[];
}

export async function buildDataBaseline(options: BuildDataBaselineOptions): Promise<DataBaseline> {
  const registry = new FeatureRegistry(options.maxFeatures);
  const profile = new DatasetProfile(registry, {
    quantiles: quantileSketchFactory(options.quantiles ?? QuantileSketchKind.KLL),
  });
  const readOptions = {
    ...(options.format === undefined ? {} : { format: options.format }),
    ...(options.header === undefined ? {} : { header: options.header }),
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(options.nested === undefined ? {} : { nested: options.nested }),
    ...(options.ranges === undefined ? {} : { ranges: options.ranges }),
    ...(options.rangeWorkers === undefined ? {} : { rangeWorkers: options.rangeWorkers }),
  };
  const file = input(options);
  const read = await readDataset(file, (row) => profile.updateRow(row), {
    registry,
    ...readOptions,
    progress: options.progress ?? true,
    keepNumberText: false,
  });
  await recountMixedColumns(profile, (again, onRow) => readDataset(file, onRow, { registry: again, ...readOptions, progress: false }));
  const statistics = profile.toStatistics();
  const out: DataBaseline = {
    statistics,
    constraints: suggestConstraints(statistics),
    rows: read.rows,
    format: read.format,
    warnings: raggedWarnings(read.ragged, read.header === true),
  };
  if (read.header !== undefined) out.header = read.header;
  return out;
}

/** One warning per kind of ragged CSV row: SageMaker (Spark) handles them the same way, silently. */
function raggedWarnings(ragged: ReadDatasetResult['ragged'], header: boolean): string[] {
  if (ragged === undefined) return [];
  const columns = `the ${ragged.columns} columns of the ${header ? 'header' : 'first row'}`;
  const out: string[] = [];
  const { longer, shorter } = ragged;
  if (longer.count > 0) out.push(`${longer.count} row(s) have more fields than ${columns} (first at line ${longer.firstLine}): their extra fields are dropped`);
  if (shorter.count > 0) out.push(`${shorter.count} row(s) have fewer fields than ${columns} (first at line ${shorter.firstLine}): their missing fields count as missing values`);
  return out;
}

function input(options: BuildDataBaselineOptions): string {
  if (typeof options.input !== 'string' || options.input === '') {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'baseline data: no input dataset given');
  }
  return options.input;
}

/**
 * Write `outDir/statistics.json`, `outDir/constraints.json` and, when a sketch is approximate,
 * statistics.json's companion with the bounds tracked while building it (sketch-bounds-file.ts),
 * creating outDir. Every text is produced before anything is written. Returns the paths.
 */
export async function writeDataBaseline(
  outDir: string,
  baseline: Pick<DataBaseline, 'statistics' | 'constraints'>,
): Promise<{ statistics: string; constraints: string; sketchBounds?: string }> {
  const statisticsText = formatStatistics(baseline.statistics);
  const constraintsText = formatConstraints(baseline.constraints);
  const boundsText = formatSketchBounds(baseline.statistics);
  const statistics = join(outDir, SAGEMAKER_FILES.statistics);
  const constraints = join(outDir, SAGEMAKER_FILES.constraints);
  const sketchBounds = sketchBoundsPath(statistics);
  try {
    await mkdir(outDir, { recursive: true });
    // the companion first: a statistics.json never sits beside a stale companion of an earlier run
    if (boundsText === undefined) await rm(sketchBounds, { force: true });
    else await writeFile(sketchBounds, boundsText);
    await writeFile(statistics, statisticsText);
    await writeFile(constraints, constraintsText);
  } catch (e) {
    throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `cannot write the baseline to ${outDir}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return boundsText === undefined ? { statistics, constraints } : { statistics, constraints, sketchBounds };
}
