/**
 * A decoded row: what one record (or one row of a multi-row payload) contributes to a window.
 *
 * Hot-path design: decoders fill ONE reusable FeatureRow per call and hand it to a callback, so
 * decoding allocates no per-feature objects. Consumers must copy what they keep.
 * Feature slots are indexed by the FeatureRegistry (names → dense indices, growing up to a cap).
 */

/** What kind of value a slot holds, after Deequ's classification (see classify.ts). */
export const ValueKind = {
  /** Absent, null, or empty string. */
  MISSING: 0,
  /** Matches ^(-|\+)? ?\d+$ — numbers[] holds the value. */
  INTEGRAL: 1,
  /** Matches Deequ's fractional pattern — numbers[] holds the value. */
  FRACTIONAL: 2,
  /** "true" / "false" — strings[] holds the text. */
  BOOLEAN: 3,
  /** Anything else — strings[] holds the text. */
  STRING: 4,
} as const;
export type ValueKind = (typeof ValueKind)[keyof typeof ValueKind];

export interface FeatureRow {
  /** Event time (capture inferenceTime, or the flat record's time field), epoch ms. */
  eventTimeMs: number;
  /** SageMaker eventId, when present. */
  eventId: string | undefined;
  /** The join key: capture inferenceId if present, else eventId; flat records: the id field. */
  inferenceId: string | undefined;
  /** Number of feature slots that are meaningful in this row (= registry size when decoded). */
  width: number;
  /** kinds[i]: ValueKind of feature i (MISSING for slots the record lacks). */
  kinds: Uint8Array;
  /** numbers[i]: the parsed value when kinds[i] is INTEGRAL or FRACTIONAL. */
  numbers: Float64Array;
  /**
   * strings[i]: the raw text for BOOLEAN and STRING; for INTEGRAL/FRACTIONAL only when the
   * registry marks feature i as `keepText` (String-typed in the baseline, or baseline building).
   */
  strings: (string | undefined)[];
}

export function createRow(capacity: number): FeatureRow {
  return {
    eventTimeMs: 0,
    eventId: undefined,
    inferenceId: undefined,
    width: 0,
    kinds: new Uint8Array(capacity),
    numbers: new Float64Array(capacity),
    strings: new Array<string | undefined>(capacity).fill(undefined),
  };
}

/** Grow a row's arrays to at least `capacity` slots (keeps contents). */
export function ensureRowCapacity(row: FeatureRow, capacity: number): void {
  if (row.kinds.length >= capacity) return;
  let n = Math.max(8, row.kinds.length);
  while (n < capacity) n *= 2;
  const kinds = new Uint8Array(n);
  kinds.set(row.kinds);
  const numbers = new Float64Array(n);
  numbers.set(row.numbers);
  const strings = row.strings.concat(new Array<string | undefined>(n - row.strings.length).fill(undefined));
  row.kinds = kinds;
  row.numbers = numbers;
  row.strings = strings;
}

/** Called once per decoded row; the row object is reused by the decoder after the call returns. */
export type RowCallback = (row: FeatureRow) => void;
