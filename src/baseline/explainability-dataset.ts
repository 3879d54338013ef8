/**
 * The explainability baseline's inputs as rows of feature values: the dataset to explain and a
 * SHAP baseline file, read with the baseline dataset readers (CSV with or without header, JSON
 * Lines, Parquet) and narrowed to the model's features.
 *
 * Features are the config's `headers` without the `label` and the `excluded_columns` (Clarify's
 * rule: the model sees every other column), or, without headers, the dataset's columns without
 * those. A headerless
 * CSV's columns `_c0`, `_c1`, … are named by `headers` (index i ↔ headers[i]). A baseline file's
 * columns are matched by name when it names every feature, else by position: as many columns as
 * features, or as many as headers (the label's and excluded columns then skipped).
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import type { ColumnRef } from '../sagemaker/analysis-config.js';
import type { FeatureValue } from '../sagemaker/explainability-config.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { ValueKind, type FeatureRow } from '../record/row.js';
import type { HeaderOption } from './dataset/csv-header.js';
import { readDataset, type DatasetFormat } from './dataset/dataset-reader.js';

export interface TableReadOptions {
  format?: DatasetFormat;
  header?: HeaderOption;
}

/** A dataset's columns (as the reader named them) and every row's values, column by column. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly FeatureValue[][];
}

export async function readTable(input: string, options: TableReadOptions = {}): Promise<Table> {
  const registry = new FeatureRegistry();
  const rows: FeatureValue[][] = [];
  await readDataset(input, (row) => rows.push(rowValues(row)), {
    registry,
    ...(options.format !== undefined ? { format: options.format } : {}),
    ...(options.header !== undefined ? { header: options.header } : {}),
    progress: false,
  });
  if (rows.length === 0) throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `${input} has no data rows`);
  return { columns: registry.features.map((f) => f.name), rows };
}

function rowValues(row: FeatureRow): FeatureValue[] {
  const out = new Array<FeatureValue>(row.width);
  for (let i = 0; i < row.width; i++) {
    const kind = row.kinds[i];
    out[i] = kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL ? row.numbers[i]! : kind === ValueKind.MISSING ? null : (row.strings[i] ?? null);
  }
  return out;
}

/** The model's features: their names, and the dataset column each one is read from. */
export interface FeatureColumns {
  readonly names: readonly string[];
  readonly slots: readonly number[];
}

/** Position of a column reference among `names` (-1 when absent). */
function indexIn(names: readonly string[], ref: ColumnRef): number {
  return typeof ref === 'number' ? (ref < names.length ? ref : -1) : names.indexOf(ref);
}

/**
 * Resolve the features in `table`: the columns (headers, else the dataset's) but those in `omit`
 * (the label and `excluded_columns`). CONFIG_INVALID lists what the dataset lacks.
 */
export function featureColumns(table: Table, input: string, headers: readonly string[] | undefined, omit: readonly ColumnRef[]): FeatureColumns {
  const { columns } = table;
  const names = headers ?? columns;
  const omitted = new Set(omit.map((ref) => indexIn(names, ref)));
  const problems: string[] = [];
  const headerless = columns.every((c, i) => c === `_c${i}`);
  if (headers !== undefined && headerless && columns.length !== headers.length) {
    problems.push(`${input} has ${columns.length} columns, the config's headers name ${headers.length} (a headerless dataset holds every header's column, the label's too)`);
  }
  if (headers === undefined) {
    omit.forEach((ref) => indexIn(columns, ref) < 0 && problems.push(`${JSON.stringify(ref)} (label or excluded column) is not a column of ${input}`));
  }
  const kept = names.map((_, i) => i).filter((i) => !omitted.has(i));
  const slots = kept.map((h) => {
    if (headers === undefined) return h;
    const byName = columns.indexOf(names[h]!);
    const slot = byName >= 0 ? byName : columns.indexOf(`_c${h}`);
    if (slot < 0) problems.push(`feature ${JSON.stringify(names[h])} is not a column of ${input}`);
    return slot;
  });
  if (problems.length > 0) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `analysis_config.json does not match ${input} (columns: ${columns.join(', ')})`, { details: problems });
  }
  return { names: kept.map((h) => names[h]!), slots };
}

/** Each row's feature values, in feature order. */
export function project(table: Table, slots: readonly number[]): FeatureValue[][] {
  return table.rows.map((r) => slots.map((s) => r[s] ?? null));
}

/** A SHAP baseline file's rows as feature values (see the header comment for how columns match). */
export function baselineRows(table: Table, file: string, features: readonly string[], headers: readonly string[] | undefined, omit: readonly ColumnRef[]): FeatureValue[][] {
  const byName = features.map((f) => table.columns.indexOf(f));
  if (byName.every((s) => s >= 0)) return project(table, byName);
  const width = table.columns.length;
  if (width === features.length) return project(table, features.map((_, i) => i));
  if (headers !== undefined && width === headers.length) {
    const omitted = new Set(omit.map((ref) => indexIn(headers, ref)));
    return project(table, headers.map((_, i) => i).filter((i) => !omitted.has(i)));
  }
  throw new DriftmonError(ErrorCode.CONFIG_INVALID, `the SHAP baseline ${file} does not match the ${features.length} features`, {
    details: [`it has ${width} columns (${table.columns.join(', ')}); expected the features by name, or ${features.length} columns in feature order`],
  });
}
