/**
 * What a Clarify predictor exchanges with the model (SageMaker SDK `ModelConfig`,
 * `ModelPredictedLabelConfig`): the request body for a batch of rows and the outputs read back.
 *
 * - `text/csv` request: one line per row, values comma-separated (text quoted when it must be,
 *   missing values empty). `application/jsonlines`: one line per row, `content_template` with
 *   `$features` replaced by the row as a JSON array.
 * - `text/csv` response: one line per row; `probability` (else `label`) is the column index of the
 *   output; with neither, every column is an output (one label each).
 * - `application/jsonlines` response: one JSON value per line; `probability` (else `label`) is a key
 *   (dotted for nested objects, a number for an array position); the value there (or the whole
 *   line with neither) is a number or a list of numbers (one label each).
 *
 * Every row must give the same number of finite numbers; anything else is MODEL_OUTPUT_INVALID
 * naming the line.
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import type { ColumnRef } from './analysis-config.js';
import { csvField } from './explainability-analysis.js';
import { ModelContentType, type FeatureValue, type PredictorConfig } from './explainability-config.js';

/** The request body for `rows`. */
export function encodeRows(rows: readonly (readonly FeatureValue[])[], predictor: Pick<PredictorConfig, 'contentType' | 'contentTemplate'>): string {
  if (predictor.contentType === ModelContentType.CSV) {
    return rows.map((r) => r.map((v) => (v === null ? '' : typeof v === 'number' ? String(v) : csvField(v))).join(',')).join('\n') + '\n';
  }
  const [before, after] = splitTemplate(predictor.contentTemplate);
  return rows.map((r) => before + JSON.stringify(r) + after).join('\n') + '\n';
}

function splitTemplate(template: string): [string, string] {
  const i = template.indexOf('$features');
  return [template.slice(0, i), template.slice(i + '$features'.length).replaceAll('$features', '')];
}

/** The outputs (one number per label) of each of `count` rows in a response body. */
export function decodeOutputs(
  body: string,
  count: number,
  predictor: Pick<PredictorConfig, 'acceptType' | 'label' | 'probability'>,
  source: string,
): Float64Array[] {
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
  const bad = (message: string): DriftmonError => new DriftmonError(ErrorCode.MODEL_OUTPUT_INVALID, `${source}: ${message}`);
  if (lines.length !== count) throw bad(`expected ${count} output line(s), one per row sent, got ${lines.length}: ${preview(body)}`);
  const at = predictor.probability ?? predictor.label;
  const out = lines.map((line, i) => {
    const values = predictor.acceptType === ModelContentType.CSV ? csvOutputs(line, at) : jsonOutputs(line, at);
    if (typeof values === 'string') throw bad(`line ${i + 1}: ${values}: ${preview(line)}`);
    return values;
  });
  const width = out[0]?.length ?? 0;
  const other = out.findIndex((v) => v.length !== width);
  if (other >= 0) throw bad(`line ${other + 1} has ${out[other]!.length} output(s), line 1 has ${width}`);
  return out;
}

function csvOutputs(line: string, at: ColumnRef | undefined): Float64Array | string {
  const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const picked = typeof at === 'number' ? [cells[at]] : cells;
  if (picked[0] === undefined) return `no column ${String(at)} (the line has ${cells.length})`;
  const values = picked.map((c) => (c === undefined || c === '' ? Number.NaN : Number(c)));
  return values.every(Number.isFinite) ? Float64Array.from(values) : 'expected numbers';
}

function jsonOutputs(line: string, at: ColumnRef | undefined): Float64Array | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (at !== undefined) {
    for (const part of typeof at === 'number' ? [at] : at.split('.')) {
      if (typeof v !== 'object' || v === null) return `no ${JSON.stringify(at)} in the output`;
      v = (v as Record<string | number, unknown>)[part];
    }
    if (v === undefined) return `no ${JSON.stringify(at)} in the output`;
  }
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    return at === undefined && typeof v === 'object' && v !== null && !Array.isArray(v)
      ? 'an object: set predictor.probability (or label) to the key of the score'
      : 'expected a number or a list of numbers';
  }
  return Float64Array.from(list as number[]);
}

function preview(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 120 ? `${t.slice(0, 120)}…` : t);
}
