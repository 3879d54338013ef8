/**
 * A prediction as the label join keeps it: what a decoded capture row says the model answered
 * (SageMaker's inference / probability / probability-threshold attributes), the facet and group
 * values bias metrics split on, and the join key. Pending predictions wait on disk for their
 * label, possibly for days, so they are encoded compactly (encodePrediction) instead of kept as
 * rows.
 *
 * Values keep the type the decoder classified: numbers for Integral/Fractional slots, text for
 * strings and booleans, undefined for missing.
 */
import { RecordErrorReason } from '../errors.js';
import type { FeatureRegistry } from './feature-registry.js';
import { ValueKind, type FeatureRow } from './row.js';

export type LabelValue = number | string;

export interface PredictionFields {
  /** Feature (model output) holding the predicted label. */
  inferenceAttribute: string | undefined;
  /** Feature holding the score (binary classification): predicted = score > threshold ? 1 : 0. */
  probabilityAttribute: string | undefined;
  /** SageMaker's ProbabilityThresholdAttribute (default 0.5). */
  probabilityThreshold: number;
  /** Input features bias metrics split on (Clarify facets), in config order. */
  facets: readonly string[];
  /** Clarify's group_variable (CDDL / CDDPL subgroups). */
  groupVariable: string | undefined;
}

export interface Prediction {
  inferenceTimeMs: number;
  /** The predicted label (from the inference attribute, else from score and threshold). */
  predicted: LabelValue | undefined;
  /** The score, when a probability attribute is configured. */
  score: number | undefined;
  facets: (LabelValue | undefined)[];
  group: LabelValue | undefined;
}

export class PredictionExtractor {
  private readonly inference: number | undefined;
  private readonly probability: number | undefined;
  private readonly facets: number[];
  private readonly group: number | undefined;

  constructor(
    private readonly fields: PredictionFields,
    registry: FeatureRegistry,
  ) {
    const slot = (name: string | undefined): number | undefined => (name === undefined ? undefined : registry.declare(name).index);
    this.inference = slot(fields.inferenceAttribute);
    this.probability = slot(fields.probabilityAttribute);
    this.facets = fields.facets.map((f) => slot(f) as number);
    this.group = slot(fields.groupVariable);
  }

  /** The prediction in a decoded row, or missing_prediction when neither attribute holds a value. */
  extract(row: FeatureRow): Prediction | RecordErrorReason {
    const score = this.probability === undefined ? undefined : numberAt(row, this.probability);
    let predicted = this.inference === undefined ? undefined : valueAt(row, this.inference);
    if (predicted === undefined && score !== undefined) predicted = score > this.fields.probabilityThreshold ? 1 : 0;
    if (predicted === undefined) return RecordErrorReason.MISSING_PREDICTION;
    return {
      inferenceTimeMs: row.eventTimeMs,
      predicted,
      score,
      facets: this.facets.map((i) => valueAt(row, i)),
      group: this.group === undefined ? undefined : valueAt(row, this.group),
    };
  }
}

function valueAt(row: FeatureRow, i: number): LabelValue | undefined {
  if (i >= row.width) return undefined;
  const kind = row.kinds[i];
  if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) return row.numbers[i];
  if (kind === ValueKind.MISSING) return undefined;
  return row.strings[i];
}

function numberAt(row: FeatureRow, i: number): number | undefined {
  const v = valueAt(row, i);
  if (typeof v === 'number') return v;
  if (v === undefined) return undefined;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

// Encoding (little-endian): f64 inference time | f64 score (NaN = none) | value predicted |
// u8 facet count | values | value group; value = u8 tag (0 missing, 1 f64, 2 u16 length + UTF-8).
const TAG_MISSING = 0;
const TAG_NUMBER = 1;
const TAG_TEXT = 2;

export function encodePrediction(p: Prediction): Uint8Array {
  const values = [p.predicted, ...p.facets, p.group];
  // text values longer than 65,535 UTF-8 bytes are cut (labels and facet values are short)
  const texts = values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8').subarray(0, 0xffff) : undefined));
  let size = 16 + 1;
  values.forEach((v, i) => (size += v === undefined ? 1 : typeof v === 'number' ? 9 : 3 + (texts[i] as Buffer).length));
  const out = Buffer.alloc(size);
  out.writeDoubleLE(p.inferenceTimeMs, 0);
  out.writeDoubleLE(p.score ?? Number.NaN, 8);
  let o = 16;
  const put = (v: LabelValue | undefined, text: Buffer | undefined): void => {
    if (v === undefined) {
      out[o++] = TAG_MISSING;
    } else if (typeof v === 'number') {
      out[o++] = TAG_NUMBER;
      out.writeDoubleLE(v, o);
      o += 8;
    } else {
      const t = text as Buffer;
      out[o++] = TAG_TEXT;
      out.writeUInt16LE(t.length, o);
      t.copy(out, o + 2);
      o += 2 + t.length;
    }
  };
  put(p.predicted, texts[0]);
  out[o++] = p.facets.length;
  p.facets.forEach((f, i) => put(f, texts[i + 1]));
  put(p.group, texts[values.length - 1]);
  return out;
}

export function decodePrediction(bytes: Uint8Array): Prediction {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 16;
  const get = (): LabelValue | undefined => {
    const tag = b[o++];
    if (tag === TAG_NUMBER) {
      const v = b.readDoubleLE(o);
      o += 8;
      return v;
    }
    if (tag === TAG_TEXT) {
      const n = b.readUInt16LE(o);
      const v = b.toString('utf8', o + 2, o + 2 + n);
      o += 2 + n;
      return v;
    }
    return undefined;
  };
  const inferenceTimeMs = b.readDoubleLE(0);
  const score = b.readDoubleLE(8);
  const predicted = get();
  const n = b[o++] as number;
  const facets: (LabelValue | undefined)[] = [];
  for (let i = 0; i < n; i++) facets.push(get());
  const group = get();
  return { inferenceTimeMs, predicted, score: Number.isNaN(score) ? undefined : score, facets, group };
}
