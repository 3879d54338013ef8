/**
 * Flat JSON records (one object per line) → one FeatureRow each.
 *
 *   {"inferenceId": "a1", "inferenceTime": "2024-01-19T20:06:08Z", "age": 42, "city": "Oslo", "score": 0.93}
 *   {"id": "a1", "ts": 1705694768000, "features": {"age": 42, "address": {"city": "Oslo"}}}
 *
 * The id field (default `inferenceId`) is the join key (a number is turned into its text); the
 * time field (default `inferenceTime`) is required: an ISO-8601 string, or epoch milliseconds as a
 * number or numeric string (seconds with `timeUnit: 's'`). Features: the `featuresField` object,
 * or else every top-level key except the id and time fields; plus `featurePaths` into nested
 * objects. Keys listed in `outputs` are output features; unknown keys are registered as
 * undeclared input features. The line is parsed by json-text.ts so "3" and "3.0" keep their
 * Deequ kinds (Integral / Fractional).
 *
 * Rejections: not_json (not JSON, or not an object) → missing_event_time / bad_event_time →
 * bad_payload (featuresField present but not an object, or absent) → too_many_features.
 */
import { RecordErrorReason } from '../errors.js';
import { JsonNumber } from './classify.js';
import type { RecordDecoder } from './decoder.js';
import type { FeatureRegistry } from './feature-registry.js';
import { parseIsoTimeMs } from './iso-time.js';
import { isJsonObject, parseJsonText, type JsonValue } from './json-text.js';
import { FillStatus, RowFiller } from './row-filler.js';
import type { RowCallback } from './row.js';
import { Side, TimeUnit, resolveSchema, type DatasetSchema, type ResolvedFeaturePath, type ResolvedSchema } from './schema.js';

/** Largest |epoch ms| a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;

export class FlatJsonDecoder implements RecordDecoder {
  readonly schema: ResolvedSchema;
  private readonly filler: RowFiller;
  private readonly paths: readonly ResolvedFeaturePath[];
  private readonly pathRoots: ReadonlySet<string>;
  private readonly timeScale: number;
  private cachedTime = '';
  private cachedTimeMs = 0;

  constructor(schema: DatasetSchema, registry: FeatureRegistry) {
    this.schema = resolveSchema(schema, registry);
    this.filler = new RowFiller(registry, this.schema);
    // a flat record has one features object: paths of both sides apply to it
    this.paths = [...this.schema.inputFeaturePaths, ...this.schema.outputFeaturePaths];
    this.pathRoots = new Set([...this.schema.inputPathRoots, ...this.schema.outputPathRoots]);
    this.timeScale = this.schema.timeUnit === TimeUnit.SECONDS ? 1000 : 1;
  }

  decode(line: string, onRow: RowCallback): RecordErrorReason | undefined {
    const doc = parseJsonText(line);
    if (!isJsonObject(doc)) return RecordErrorReason.NOT_JSON;
    const s = this.schema;
    const has = Object.prototype.hasOwnProperty;
    const timeValue = has.call(doc, s.timeField) ? doc[s.timeField] : undefined;
    if (timeValue === undefined || timeValue === null) return RecordErrorReason.MISSING_EVENT_TIME;
    const eventTimeMs = this.timeMs(timeValue);
    if (Number.isNaN(eventTimeMs)) return RecordErrorReason.BAD_EVENT_TIME;
    const idValue = has.call(doc, s.idField) ? doc[s.idField] : undefined;
    const id = idText(idValue);
    let features = doc;
    let skipA: string | undefined = s.idField;
    let skipB: string | undefined = s.timeField;
    if (s.featuresField !== undefined) {
      const f = has.call(doc, s.featuresField) ? doc[s.featuresField] : undefined;
      if (!isJsonObject(f)) return RecordErrorReason.BAD_PAYLOAD;
      features = f;
      skipA = skipB = undefined;
    }
    const filler = this.filler;
    filler.begin();
    const r = filler.fillObject(features, Side.INPUT, this.pathRoots, this.paths, skipA, skipB);
    if (r === FillStatus.TOO_MANY_FEATURES) return RecordErrorReason.TOO_MANY_FEATURES;
    onRow(filler.end(eventTimeMs, undefined, id));
    return undefined;
  }

  private timeMs(v: JsonValue): number {
    let ms: number;
    if (typeof v === 'number') ms = v * this.timeScale;
    else if (v instanceof JsonNumber) ms = v.value * this.timeScale;
    else if (typeof v === 'string') ms = this.timeText(v);
    else return NaN;
    return Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS ? Math.trunc(ms) : NaN;
  }

  private timeText(t: string): number {
    if (t === this.cachedTime && t !== '') return this.cachedTimeMs;
    let ms: number;
    if (isEpochText(t)) {
      ms = Number(t) * this.timeScale;
    } else {
      ms = parseIsoTimeMs(t, 0, t.length);
    }
    if (!Number.isNaN(ms)) {
      this.cachedTime = t;
      this.cachedTimeMs = ms;
    }
    return ms;
  }
}

/** `-?\d+(\.\d+)?` — an epoch number written as a string. */
function isEpochText(t: string): boolean {
  let i = t.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  while (i < t.length && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
  if (i === start) return false;
  if (i === t.length) return true;
  if (t.charCodeAt(i) !== 46) return false;
  const f = ++i;
  while (i < t.length && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
  return i > f && i === t.length;
}

function idText(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  if (v instanceof JsonNumber) return v.text;
  return undefined;
}
