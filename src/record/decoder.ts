/**
 * The record-decoder boundary: one input line → zero or more FeatureRows.
 *
 * Contract (decoder.contract.ts runs it against every implementation):
 * - a valid record calls `onRow` once per row (multi-row payloads: several rows sharing
 *   eventId / inferenceId / eventTimeMs) and returns undefined;
 * - a malformed record returns its RecordErrorReason and calls `onRow` zero times; it never throws;
 * - the first `onRow` comes only once everything that can fail for the whole record is done
 *   (multi-row payloads are filled once before any emission), so a decoder that fails — or, by a
 *   bug, throws — has emitted nothing (monitors/record-fault.ts relies on it);
 * - the row object passed to `onRow` is reused: copy what you keep;
 * - features seen in traffic but not in the schema are registered on the FeatureRegistry as
 *   undeclared features (positional `_cN` names, or JSON keys).
 * The factory is create-decoder.ts, so that this interface file imports no implementation.
 */
import type { RecordErrorReason } from '../errors.js';
import type { ColumnNaming } from './column-naming.js';
import type { RowCallback } from './row.js';

export interface RecordDecoder {
  /** Decode one line; returns a reason (and emits nothing) when the record is malformed. */
  decode(line: string, onRow: RowCallback): RecordErrorReason | undefined;
  /**
   * Decoders of positional columns: how unnamed columns were named (baseline names or `_cN`),
   * once decided; undefined before, or when there was no baseline to name them from.
   */
  columnNaming?(): ColumnNaming | undefined;
  /**
   * Take the naming another decoder of the same input decided (parallel decoding: the decision
   * belongs to the input's first row with unnamed columns, wherever it was decoded); no-op once decided.
   */
  adoptColumnNaming?(naming: ColumnNaming): void;
}

export interface DecoderOptions {
  /**
   * The baseline's features in order: unnamed (headerless) columns take these names when the
   * schema names no column and the analysed row has exactly as many columns (column-naming.ts).
   */
  baselineNames?: readonly string[];
}
