/**
 * Loading statistics.json / constraints.json from disk: file errors become INPUT_NOT_FOUND /
 * INPUT_UNREADABLE, schema problems BASELINE_INVALID (from the parsers, every problem listed).
 *
 * JSON is parsed with JSON.parse; if that fails, a second attempt accepts bare NaN / Infinity /
 * -Infinity tokens (what Jackson writes when WRITE_NAN_AS_STRINGS is switched off) by quoting
 * them, which the parsers then read as Jackson's string forms.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DriftmonError, ErrorCode } from '../errors.js';
import { parseConstraints } from '../sagemaker/constraints-file.js';
import { SAGEMAKER_FILES, type Constraints, type DatasetStatistics } from '../sagemaker/data-quality-model.js';
import { sageMakerFileKind, type SageMakerFileKind } from '../sagemaker/file-kind.js';
import { parseStatistics } from '../sagemaker/statistics-file.js';
import { applySketchBounds, sketchBoundsPath } from './sketch-bounds-file.js';


/** Read and JSON-parse a file (see the module comment for the NaN fallback). */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DriftmonError(ErrorCode.INPUT_NOT_FOUND, `${path} does not exist`, { cause: e });
    }
    throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseJsonLenient(text, path);
}

export function parseJsonLenient(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (first) {
    const quoted = body.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1"$2"');
    if (quoted !== body) {
      try {
        return JSON.parse(quoted);
      } catch {
        // fall through to the original error
      }
    }
    throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `${source} is not valid JSON: ${(first as Error).message}`, {
      cause: first,
    });
  }
}

/** A statistics.json, its bounds narrowed by its companion sketch-bounds file when there is one. */
export async function loadStatisticsFile(path: string, flag?: string): Promise<DatasetStatistics> {
  const stats = parseStatistics(expectKind(await readJsonFile(path), 'data-quality statistics.json', path, flag), path);
  const boundsPath = sketchBoundsPath(path);
  const bounds = await readJsonFile(boundsPath).catch((e: unknown) => {
    if (e instanceof DriftmonError && e.code === ErrorCode.INPUT_NOT_FOUND) return undefined;
    throw e;
  });
  if (bounds !== undefined) applySketchBounds(stats, bounds, boundsPath);
  return stats;
}

export async function loadConstraintsFile(path: string, flag?: string): Promise<Constraints> {
  return parseConstraints(expectKind(await readJsonFile(path), 'data-quality constraints.json', path, flag), path);
}

/**
 * A file that is recognisably another of SageMaker's files than the one expected (a statistics.json
 * given as constraints, a model-quality file given for data quality, …) is BASELINE_INVALID, named
 * for what it is; `flag` is the command-line option it was given with, if any.
 */
function expectKind(json: unknown, expected: SageMakerFileKind, path: string, flag: string | undefined): unknown {
  const found = sageMakerFileKind(json);
  if (found === undefined || found.kind === expected) return json;
  const where = flag === undefined ? path : `${flag} ${path}`;
  throw new DriftmonError(ErrorCode.BASELINE_INVALID, `${where} is a ${found.kind} (it has ${found.because}), not a ${expected}`);
}

export interface BaselinePaths {
  /** statistics.json; optional (without it there is no drift check). */
  statisticsPath: string | undefined;
  constraintsPath: string;
}

export interface LoadedBaseline {
  statistics: DatasetStatistics | undefined;
  constraints: Constraints;
}

/**
 * The baseline's features in dataset column order, as both files list them (SageMaker's baseline
 * job and ours): statistics.json when given (the profile of the columns), else constraints.json.
 * Headerless capture columns are named from it (record/column-naming.ts).
 */
export function baselineFeatureOrder(baseline: LoadedBaseline): string[] {
  return (baseline.statistics?.features ?? baseline.constraints.features).map((f) => f.name);
}

/** Load a baseline's constraints and (when given) statistics. */
export async function loadBaseline(paths: BaselinePaths): Promise<LoadedBaseline> {
  const [statistics, constraints] = await Promise.all([
    paths.statisticsPath === undefined ? Promise.resolve(undefined) : loadStatisticsFile(paths.statisticsPath),
    loadConstraintsFile(paths.constraintsPath),
  ]);
  return { statistics, constraints };
}

/** Load `dir/statistics.json` and `dir/constraints.json`. */
export async function loadBaselineDir(dir: string): Promise<LoadedBaseline & { statistics: DatasetStatistics }> {
  const [statistics, constraints] = await Promise.all([
    loadStatisticsFile(join(dir, SAGEMAKER_FILES.statistics)),
    loadConstraintsFile(join(dir, SAGEMAKER_FILES.constraints)),
  ]);
  return { statistics, constraints };
}
