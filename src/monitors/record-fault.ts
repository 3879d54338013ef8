/**
 * What a throw while processing one record means: a poison record (dead-lettered as
 * processing_error, the stream goes on) or a fault that must stop the monitor. Shared by both
 * monitors, whose batch loops catch around the whole loop and resume after the failing record,
 * so the hot loop carries no per-record try.
 *
 * The rule (nothing is counted twice or in part):
 * - Everything that can fail because of a record's content runs before the monitor's state is
 *   touched: decoders emit rows only once the whole record is decoded and filled (decoder.ts), and
 *   the monitors make their per-row checks (sampling, prediction attributes, label checks, ID
 *   length, payload encoding) before the window, profile or join store sees the row. A throw there
 *   leaves nothing of the row behind: the record is dead-lettered with the error's message and
 *   counted under driftmon_records_invalid_total{reason="processing_error"}; its offset is
 *   committed like any rejected record's, so a restart does not meet it again.
 * - Data quality counts a record whole or not at all: a throw after any of its rows reached a
 *   window stops the monitor. Label monitors count rows (each row of an invocation is a prediction
 *   of its own, joined by rowId, and the join store takes each ID once): rows stored before the
 *   throw stay, as they already do when a later row is rejected; a throw while a row is being
 *   written to the join store, its windows or an evaluator stops the monitor.
 * - Stopping (INTERNAL, exit 1) is for state that is now half-updated: sketches cannot take an
 *   update back, and the monitor will not report windows it cannot vouch for. Those are broken
 *   invariants of driftmon's own state; no input value gets there, since every value kind has a
 *   total update (the decoders' fuzz suite and the trackers' tests).
 * - Infrastructure faults (a dead-letter or report sink, the source, the join store's disk) are
 *   not the record's fault: dead-lettering the record would lose it, so they propagate as before.
 */
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode, RecordErrorReason, describeThrown } from '../errors.js';
import type { DeadLetterSink } from '../sink/dead-letter.js';
import type { RawBatch } from '../source/source.js';

const INFRASTRUCTURE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.SINK_WRITE_FAILED,
  ErrorCode.SOURCE_FAILED,
  ErrorCode.STATE_STORE_FAILED,
  ErrorCode.HTTP_FAILED,
]);

/**
 * The dead letter's `error` text for a throw of record `origin`, or a throw when the monitor must
 * stop instead: `touchedState` says whether the throw left window or join state half-updated.
 */
export function poisonRecordError(monitor: string, origin: string, e: unknown, touchedState: boolean): string {
  if (e instanceof DriftmonError && INFRASTRUCTURE.has(e.code)) throw e;
  if (touchedState) {
    throw new DriftmonError(
      ErrorCode.INTERNAL,
      `monitor ${monitor}: record ${origin} failed after reaching window state, which is now inexact: ${describeThrown(e)}`,
      { cause: e },
    );
  }
  return describeThrown(e);
}

/** A batch's poison records: each dead-lettered as it is met, then one warning for the batch. */
export class PoisonTally {
  private count = 0;
  private first: { source: string; error: string } | undefined;

  /** Record i of `batch` (its text `record`) threw `e`: dead-letter it, or throw when the monitor must stop. */
  dead(monitor: string, batch: RawBatch, i: number, record: string, e: unknown, touchedState: boolean, deadLetters: DeadLetterSink): void {
    const source = batch.origin(i);
    const error = poisonRecordError(monitor, source, e, touchedState);
    deadLetters.write({ monitor, reason: RecordErrorReason.PROCESSING_ERROR, source, record, bytes: batch.bytes?.(i), key: batch.key?.(i), error });
    this.seen(source, error);
  }

  /** A poison record dead-lettered elsewhere (a decoding thread). */
  seen(source: string, error: string): void {
    this.count++;
    this.first ??= { source, error };
  }

  warn(monitor: string, logger: Logger): void {
    if (this.first !== undefined) logger.warn({ monitor, records: this.count, first: this.first }, 'records dead-lettered: processing them threw');
  }
}
