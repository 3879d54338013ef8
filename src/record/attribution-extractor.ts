/**
 * A capture line → the feature attributions (SHAP values) the model returned with its prediction:
 * the endpoint OUTPUT payload is JSON, and `path` (dot-separated keys, or array indexes) names where
 * the attributions are in it (one path per label, for a model that explains several outputs). What
 * is there may be, for `features` [f1, …, fm]:
 *   - one row as an array of m numbers, in feature order (XGBoost `pred_contribs` without its bias
 *     column),
 *   - one row as an object keyed by feature name ({"f1": φ1, …}; other keys ignored),
 *   - several rows: an array of such arrays or objects (a batch request).
 * Anything else rejects the record: nothing at the path → missing_attributions; a value that is not
 * a finite number, a row of the wrong length, a feature missing from a row, labels with different
 * numbers of rows → bad_attributions.
 * Envelope problems keep the capture decoder's reasons (not_json, missing_capture_data,
 * missing/bad_event_time, unsupported_encoding, bad_base64, bad_payload).
 */
import { RecordErrorReason } from '../errors.js';
import { parseCaptureRecord } from './capture-reference-decoder.js';
import { CaptureRecordParts } from './capture-row-assembler.js';
import { parseIsoTimeMs } from './iso-time.js';
import { Encoding, decodeBase64Text } from './payload.js';

export interface AttributionFields {
  /** Where each label's attributions are in the output JSON: dot-separated keys ('' = the payload itself). */
  readonly paths: readonly string[];
  /** The features, in the order array rows hold them. */
  readonly features: readonly string[];
}

export interface ExtractedAttributions {
  readonly timeMs: number;
  /** Per path (label): one array of attributions per explained row, in feature order; as many rows for each. */
  readonly rows: readonly (readonly Float64Array[])[];
}

const OUTPUT = ['endpointOutput'] as const;

export class AttributionExtractor {
  private readonly steps: readonly (readonly string[])[];
  private readonly parts = new CaptureRecordParts(1);

  constructor(private readonly fields: AttributionFields) {
    this.steps = fields.paths.map((path) => (path === '' ? [] : path.split('.')));
  }

  extract(line: string): ExtractedAttributions | RecordErrorReason {
    const p = this.parts;
    const envelope = parseCaptureRecord(line, OUTPUT, p);
    if (envelope !== undefined) return envelope;
    const timeMs = parseIsoTimeMs(p.timeText, p.timeStart, p.timeEnd);
    if (Number.isNaN(timeMs)) return RecordErrorReason.BAD_EVENT_TIME;
    const data = p.dataText[0];
    if (data === undefined) return RecordErrorReason.BAD_PAYLOAD;
    const encoding = p.encoding[0];
    if (encoding === Encoding.OTHER) return RecordErrorReason.UNSUPPORTED_ENCODING;
    const text = encoding === Encoding.BASE64 ? decodeBase64Text(data) : data;
    if (text === undefined) return RecordErrorReason.BAD_BASE64;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return RecordErrorReason.BAD_PAYLOAD;
    }
    const rows: Float64Array[][] = [];
    for (const steps of this.steps) {
      const found = valueAt(payload, steps);
      if (found === undefined || found === null || (Array.isArray(found) && found.length === 0)) return RecordErrorReason.MISSING_ATTRIBUTIONS;
      const labelRows = this.rowsOf(found);
      if (labelRows === undefined || (rows.length > 0 && labelRows.length !== (rows[0] as Float64Array[]).length)) return RecordErrorReason.BAD_ATTRIBUTIONS;
      rows.push(labelRows);
    }
    return { timeMs, rows };
  }

  /** The rows at the path, or undefined when they are not rows of finite attributions. */
  private rowsOf(v: unknown): Float64Array[] | undefined {
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) {
      const row = this.row(v);
      return row === undefined ? undefined : [row];
    }
    if (!Array.isArray(v)) {
      const row = this.row(v);
      return row === undefined ? undefined : [row];
    }
    const rows: Float64Array[] = [];
    for (const r of v) {
      const row = this.row(r);
      if (row === undefined) return undefined;
      rows.push(row);
    }
    return rows;
  }

  private row(v: unknown): Float64Array | undefined {
    const features = this.fields.features;
    const out = new Float64Array(features.length);
    if (Array.isArray(v)) {
      if (v.length !== features.length) return undefined;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
        out[i] = x;
      }
      return out;
    }
    if (!isPlainObject(v)) return undefined;
    for (let i = 0; i < features.length; i++) {
      const name = features[i] as string;
      const x = Object.hasOwn(v, name) ? v[name] : undefined;
      if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
      out[i] = x;
    }
    return out;
  }
}

/** The value at `steps` (own keys only; array indexes as digits), or undefined. */
function valueAt(payload: unknown, steps: readonly string[]): unknown {
  let v = payload;
  for (const step of steps) {
    if (Array.isArray(v)) v = /^\d+$/.test(step) ? v[Number(step)] : undefined;
    else if (isPlainObject(v)) v = Object.hasOwn(v, step) ? v[step] : undefined;
    else return undefined;
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
