/**
 * Reads a baseline dataset (CSV, JSON Lines or Parquet) row by row into one reusable FeatureRow,
 * registering columns in a FeatureRegistry (with keepAllText unless told otherwise, so String
 * statistics can be built)
 * and classifying every value the way SageMaker's analyzer (Spark + Deequ) would (row-sink.ts).
 * Each format has its file: csv-dataset.ts (with csv-header.ts), json-lines-dataset.ts,
 * parquet-dataset.ts.
 *
 * Format: by extension (.csv/.txt, .tsv (tab-delimited), .jsonl/.ndjson/.json, .parquet/.pq)
 * unless given.
 * A progress bar (read-progress.ts) is shown when `progress` is on, stderr is a TTY and the
 * input is larger than 50 MB; it advances with the bytes read.
 */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { DriftmonError, ErrorCode } from '../../errors.js';
import type { FeatureRegistry } from '../../record/feature-registry.js';
import type { RowCallback } from '../../record/row.js';
import { readCsv, type CsvOptions, type CsvResult } from './csv-dataset.js';
import { readJsonLines, type NestedOption } from './json-lines-dataset.js';
import { readParquet } from './parquet-dataset.js';
import { createProgress } from './read-progress.js';
import { RowSink } from './row-sink.js';

export const DatasetFormat = { CSV: 'csv', JSONL: 'jsonl', PARQUET: 'parquet' } as const;
export type DatasetFormat = (typeof DatasetFormat)[keyof typeof DatasetFormat];
export const DATASET_FORMATS: readonly DatasetFormat[] = Object.values(DatasetFormat);

/** `header` and `delimiter` are CSV only (csv-dataset.ts). */
export interface ReadDatasetOptions extends CsvOptions {
  /** Registry the columns are registered in (keepAllText is switched on). */
  registry: FeatureRegistry;
  /** Default: from the file extension. */
  format?: DatasetFormat;
  /**
   * JSON Lines / Parquet: 'json' (default) keeps a nested object or array as one String value
   * holding its JSON text, which is what the live flat-JSON decoder does with nested values that
   * no featurePath extracts, so baseline and traffic name features alike; 'flatten' names nested
   * values `a.b` and `v.0` (json-lines-dataset.ts).
   */
  nested?: NestedOption;
  /** Allow a progress bar on stderr (shown only on a TTY for inputs > 50 MB). Default true. */
  progress?: boolean;
  /**
   * Hand numbers' text to onRow too (default true). The baseline job turns it off: only a column
   * that mixes numbers with text needs it, and that one is recounted (../mixed-columns.ts).
   */
  keepNumberText?: boolean;
}

export interface ReadDatasetResult {
  format: DatasetFormat;
  rows: number;
  bytes: number;
  /** CSV: whether the first row was taken as a header. */
  header?: boolean;
  /** CSV: rows with fewer or more fields than columns. */
  raggedRows?: number;
  /** CSV: the same by kind, with the line of the first of each (csv-dataset.ts). */
  ragged?: CsvResult['ragged'];
}

const EXTENSIONS: Readonly<Record<string, DatasetFormat>> = {
  '.csv': DatasetFormat.CSV,
  '.tsv': DatasetFormat.CSV,
  '.txt': DatasetFormat.CSV,
  '.jsonl': DatasetFormat.JSONL,
  '.ndjson': DatasetFormat.JSONL,
  '.json': DatasetFormat.JSONL,
  '.parquet': DatasetFormat.PARQUET,
  '.pq': DatasetFormat.PARQUET,
};

/** The format implied by a file name's extension, or undefined. */
export function formatFromPath(path: string): DatasetFormat | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

/**
 * Read `input`, calling `onRow` once per data row with the reused FeatureRow (copy what you keep).
 * Throws INPUT_NOT_FOUND (missing file), INPUT_UNREADABLE (unknown format, unreadable content,
 * too many features).
 */
export async function readDataset(
  input: string,
  onRow: RowCallback,
  options: ReadDatasetOptions,
): Promise<ReadDatasetResult> {
  let size: number;
  try {
    const s = await stat(input);
    if (!s.isFile()) throw new DriftmonError(ErrorCode.INPUT_NOT_FOUND, `${input} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof DriftmonError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    throw new DriftmonError(
      missing ? ErrorCode.INPUT_NOT_FOUND : ErrorCode.INPUT_UNREADABLE,
      missing ? `${input} does not exist` : `cannot read ${input}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const format = options.format ?? formatFromPath(input);
  if (format === undefined) {
    throw new DriftmonError(
      ErrorCode.INPUT_UNREADABLE,
      `cannot tell the format of ${input} from its extension; give the format (${DATASET_FORMATS.join(', ')})`,
    );
  }
  const keepNumberText = options.keepNumberText ?? true;
  if (keepNumberText) options.registry.keepAllText();
  const progress = createProgress(size, options.progress ?? true);
  const sink = new RowSink(options.registry, onRow, input, keepNumberText);
  try {
    let extra: Partial<ReadDatasetResult>;
    switch (format) {
      case DatasetFormat.CSV:
        extra = await readCsv(input, sink, progress, options);
        break;
      case DatasetFormat.JSONL:
        await readJsonLines(input, sink, progress, options.nested ?? 'json');
        extra = {};
        break;
      case DatasetFormat.PARQUET:
        await readParquet(input, sink, progress, options.nested ?? 'json');
        extra = {};
        break;
      default:
        throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `unknown dataset format ${String(format)}`);
    }
    return { format, rows: sink.rows, bytes: size, ...extra };
  } catch (e) {
    if (e instanceof DriftmonError) throw e;
    throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `cannot read ${input}: ${(e as Error).message}`, { cause: e });
  } finally {
    progress.stop();
  }
}
