/**
 * The explainability baseline's inputs as rows of feature values: the dataset to explain and a
 * SHAP baseline file, read with the baseline dataset readers (CSV with or without header, JSON
 * Lines, Parquet) and narrowed to the model's features.
 *
 * Features are the config's `headers` without the `label` (Clarify's rule: the model sees every
 * column but the label), or, without headers, the dataset's columns without the label. A headerless
 * CSV's columns `_c0`, `_c1`, … are named by `headers` (index i ↔ headers[i]). A baseline file's
 * columns are matched by name when it names every feature, else by position: as many columns as
 * features, or as many as headers (the label's column then skipped).
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

/** Resolve the features in `table` (CONFIG_INVALID listing the features it lacks). */
export function featureColumns(table: Table, input: string, headers: readonly string[] | undefined, label: ColumnRef | undefined): FeatureColumns {
  const { columns } = table;
  if (headers === undefined) {
    const labelSlot = label === undefined ? -1 : typeof label === 'number' ? label : columns.indexOf(label);
    if (label !== undefined && (labelSlot < 0 || labelSlot >= columns.length)) {
      throw new DriftmonError(ErrorCode.CONFIG_INVALID, `analysis_config.json does not match ${input}`, {
        details: [`label ${JSON.stringify(label)} is not a column of ${input} (columns: ${columns.join(', ')})`],
      });
    }
    const slots = columns.map((_, i) => i).filter((i) => i !== labelSlot);
    return { names: slots.map((i) => columns[i]!), slots };
  }
  const labelIndex = label === undefined ? -1 : typeof label === 'number' ? label : headers.indexOf(label);
  const names: string[] = [];
  const slots: number[] = [];
  const missing: string[] = [];
  headers.forEach((name, h) => {
    if (h === labelIndex) return;
    const byName = columns.indexOf(name);
    const slot = byName >= 0 ? byName : columns.indexOf(`_c${h}`);
    if (slot < 0) missing.push(`feature ${JSON.stringify(name)} is not a column of ${input}`);
    names.push(name);
    slots.push(slot);
  });
  if (missing.length > 0) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `analysis_config.json does not match ${input} (columns: ${columns.join(', ')})`, { details: missing });
  }
  return { names, slots };
}

/** Each row's feature values, in feature order. */
export function project(table: Table, slots: readonly number[]): FeatureValue[][] {
  return table.rows.map((r) => slots.map((s) => r[s] ?? null));
}

/** A SHAP baseline file's rows as feature values (see the header comment for how columns match). */
export function baselineRows(table: Table, file: string, features: readonly string[], headers: readonly string[] | undefined, label: ColumnRef | undefined): FeatureValue[][] {
  const byName = features.map((f) => table.columns.indexOf(f));
  if (byName.every((s) => s >= 0)) return project(table, byName);
  const width = table.columns.length;
  if (width === features.length) return project(table, features.map((_, i) => i));
  if (headers !== undefined && width === headers.length) {
    const labelIndex = label === undefined ? -1 : typeof label === 'number' ? label : headers.indexOf(label);
    return project(table, headers.map((_, i) => i).filter((i) => i !== labelIndex));
  }
  throw new DriftmonError(ErrorCode.CONFIG_INVALID, `the SHAP baseline ${file} does not match the ${features.length} features`, {
    details: [`it has ${width} columns (${table.columns.join(', ')}); expected the features by name, or ${features.length} columns in feature order`],
  });
}
