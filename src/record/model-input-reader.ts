/**
 * A capture line → the model's input rows, as the model is asked about them (live explanations):
 * the endpoint INPUT decoded by the capture decoder (CSV, JSON, JSON Lines, base64; the monitor's
 * `record` schema, its input columns named by the model's features unless `record.inputs` names
 * them), each row's values in feature order (numbers as numbers, other text as strings, missing as
 * null), with its event time and inference ID (eventId when the capture has none). A malformed
 * record gives the capture decoder's reason and no rows.
 */
import type { RecordErrorReason } from '../errors.js';
import { createDecoder } from './create-decoder.js';
import type { RecordDecoder } from './decoder.js';
import { FeatureRegistry } from './feature-registry.js';
import { ValueKind, type FeatureRow } from './row.js';
import { CaptureIndexName, type DatasetSchema } from './schema.js';

/** A value as the model is sent it (sagemaker/explainability-config.ts's FeatureValue). */
export type ModelInputValue = number | string | null;

export interface ModelInputRow {
  readonly timeMs: number;
  /** undefined: the capture has neither inferenceId nor eventId. */
  readonly id: string | undefined;
  readonly values: ModelInputValue[];
}

export class ModelInputReader {
  private readonly decoder: RecordDecoder;
  private readonly slots: number[];
  private readonly registry = new FeatureRegistry();

  constructor(schema: DatasetSchema, features: readonly string[]) {
    this.decoder = createDecoder({ ...schema, captureIndexNames: [CaptureIndexName.ENDPOINT_INPUT], inputs: schema.inputs ?? features }, this.registry);
    this.slots = features.map((f) => this.registry.indexOf(f));
  }

  read(line: string): ModelInputRow[] | RecordErrorReason {
    const rows: ModelInputRow[] = [];
    const reason = this.decoder.decode(line, (row) => rows.push({ timeMs: row.eventTimeMs, id: row.inferenceId, values: this.slots.map((s) => valueAt(row, s)) }));
    return reason ?? rows;
  }
}

function valueAt(row: FeatureRow, slot: number): ModelInputValue {
  if (slot < 0 || slot >= row.width) return null;
  const kind = row.kinds[slot];
  if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) return row.numbers[slot] as number;
  return kind === ValueKind.MISSING ? null : (row.strings[slot] ?? null);
}
