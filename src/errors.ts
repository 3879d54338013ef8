/**
 * The one closed list of driftmon's error codes, and the per-record reasons a record can be
 * rejected for. Infrastructure and usage errors are thrown as DriftmonError; per-record problems
 * are never thrown across the pipeline: they are counted by RecordErrorReason and dead-lettered.
 */

export const ErrorCode = {
  /** A configuration file or command-line option is invalid (every problem is listed). */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** A named input (file, directory) does not exist or cannot be read. */
  INPUT_NOT_FOUND: 'INPUT_NOT_FOUND',
  /** An input file's format is not one driftmon reads, or its content cannot be parsed. */
  INPUT_UNREADABLE: 'INPUT_UNREADABLE',
  /** statistics.json, constraints.json or analysis.json does not follow SageMaker's schema. */
  BASELINE_INVALID: 'BASELINE_INVALID',
  /** Two sketches cannot be merged (different kinds or parameters). */
  SKETCH_INCOMPATIBLE: 'SKETCH_INCOMPATIBLE',
  /** Serialized sketch or snapshot bytes are corrupt or of an unknown version. */
  SKETCH_CORRUPT: 'SKETCH_CORRUPT',
  /** Window-state snapshot cannot be restored. */
  SNAPSHOT_INVALID: 'SNAPSHOT_INVALID',
  /** A report or dead letter could not be written. */
  SINK_WRITE_FAILED: 'SINK_WRITE_FAILED',
  /** A source (file, stdin, Kafka) failed. */
  SOURCE_FAILED: 'SOURCE_FAILED',
  /** The on-disk state of the prediction/label join (pending store) cannot be read or written. */
  STATE_STORE_FAILED: 'STATE_STORE_FAILED',
  /** The HTTP server could not start (port in use, …). */
  HTTP_FAILED: 'HTTP_FAILED',
  /** The model endpoint (explainability baseline) cannot be reached, times out or keeps failing (5xx, 4xx). */
  MODEL_UNREACHABLE: 'MODEL_UNREACHABLE',
  /** The model endpoint answered, but not with one output line of numbers per row sent. */
  MODEL_OUTPUT_INVALID: 'MODEL_OUTPUT_INVALID',
  /** An internal invariant was broken: a bug. */
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DriftmonError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Extra lines (for example every problem found in a config file). */
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryable?: boolean; details?: readonly string[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DriftmonError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? [];
  }
}

export function isDriftmonError(e: unknown): e is DriftmonError {
  return e instanceof DriftmonError;
}

/**
 * Why a single input record was rejected. Closed list: metrics label values and dead-letter
 * `reason` fields use exactly these strings.
 */
export const RecordErrorReason = {
  /** The line is not valid JSON (or not a JSON object). */
  NOT_JSON: 'not_json',
  /** A capture line without captureData.endpointInput / endpointOutput (or the configured index). */
  MISSING_CAPTURE_DATA: 'missing_capture_data',
  /** No event time where one is required (eventMetadata.inferenceTime or the configured field). */
  MISSING_EVENT_TIME: 'missing_event_time',
  /** The event time does not parse as ISO-8601 or epoch milliseconds. */
  BAD_EVENT_TIME: 'bad_event_time',
  /** captureData encoding other than CSV, JSON or BASE64. */
  UNSUPPORTED_ENCODING: 'unsupported_encoding',
  /** BASE64 payload that does not decode. */
  BAD_BASE64: 'bad_base64',
  /** A JSON payload (inside the envelope, or a flat record's feature object) that does not parse. */
  BAD_PAYLOAD: 'bad_payload',
  /** A payload with no rows. */
  EMPTY_PAYLOAD: 'empty_payload',
  /** Input and output payloads hold different numbers of rows. */
  ROW_COUNT_MISMATCH: 'row_count_mismatch',
  /** More distinct feature names than the configured cap. */
  TOO_MANY_FEATURES: 'too_many_features',
  /** A line longer than the configured limit. */
  LINE_TOO_LONG: 'line_too_long',
  /** A ground-truth record (or a prediction that must be joined) without an event/inference ID. */
  MISSING_EVENT_ID: 'missing_event_id',
  /** A ground-truth record without groundTruthData.data (or the configured label field). */
  MISSING_GROUND_TRUTH: 'missing_ground_truth',
  /** A label (ground truth) that cannot be read as the monitor's problem type needs. */
  BAD_LABEL: 'bad_label',
  /** A capture record whose output lacks the inference/probability attribute a monitor needs. */
  MISSING_PREDICTION: 'missing_prediction',
  /** A capture record whose output holds no attributions where the attribution monitor reads them. */
  MISSING_ATTRIBUTIONS: 'missing_attributions',
  /** Attributions that are not one finite number per feature (wrong length, a string, NaN, a missing feature). */
  BAD_ATTRIBUTIONS: 'bad_attributions',
  /** An inference or event ID longer than the label join keeps (1,024 UTF-8 bytes). */
  ID_TOO_LONG: 'id_too_long',
  /** A line (of a capture or ground-truth file) that is not valid UTF-8. */
  INVALID_UTF8: 'invalid_utf8',
  /** An event time later than wall-clock now + the monitor's maxFutureSkew (a wrong clock or a typo). */
  EVENT_TIME_IN_FUTURE: 'event_time_in_future',
  /**
   * Processing the record threw (a bug met by this input): dead-lettered with the error's message,
   * so one record never stops a monitor (see src/monitors/record-fault.ts for what still stops it).
   */
  PROCESSING_ERROR: 'processing_error',
  /** The monitor's record pre-processor (hooks.preprocess) threw, rejected, or its thread died on this record. */
  HOOK_FAILED: 'hook_failed',
  /** The record pre-processor did not return within hooks.preprocess.timeout (a never-settling promise, a loop). */
  HOOK_TIMEOUT: 'hook_timeout',
  /** The record pre-processor returned something that is not a record (src/record/hook-record.ts lists what is checked). */
  HOOK_INVALID_OUTPUT: 'hook_invalid_output',
} as const;
export type RecordErrorReason = (typeof RecordErrorReason)[keyof typeof RecordErrorReason];

/** Process exit codes, documented in --help and README. */
export const ExitCode = {
  OK: 0,
  /** Unexpected internal error (a bug). */
  INTERNAL: 1,
  /** Bad usage or invalid configuration. */
  USAGE: 2,
  /** An input could not be found or read. */
  INPUT: 3,
  /** `check`/`replay` finished and found constraint violations (with --fail-on-violation). */
  VIOLATIONS: 4,
  /** A sink, source or model endpoint failed at run time. */
  RUNTIME: 5,
  /**
   * Stopped by SIGTERM/SIGINT, but not everything was done within shutdownTimeout (the broker did
   * not answer): offsets not committed. The local checkpoint makes the next start exact.
   */
  STOPPED_UNCOMMITTED: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(e: unknown): ExitCode {
  if (!isDriftmonError(e)) return ExitCode.INTERNAL;
  switch (e.code) {
    case ErrorCode.CONFIG_INVALID:
      return ExitCode.USAGE;
    case ErrorCode.INPUT_NOT_FOUND:
    case ErrorCode.INPUT_UNREADABLE:
    case ErrorCode.BASELINE_INVALID:
    case ErrorCode.SNAPSHOT_INVALID:
    case ErrorCode.SKETCH_CORRUPT:
      return ExitCode.INPUT;
    case ErrorCode.SINK_WRITE_FAILED:
    case ErrorCode.SOURCE_FAILED:
    case ErrorCode.HTTP_FAILED:
    case ErrorCode.STATE_STORE_FAILED:
    case ErrorCode.MODEL_UNREACHABLE:
    case ErrorCode.MODEL_OUTPUT_INVALID:
      return ExitCode.RUNTIME;
    default:
      return ExitCode.INTERNAL;
  }
}

/** Characters of a thrown message kept in a dead letter (a message can quote a whole record). */
export const ERROR_MESSAGE_MAX_CHARS = 1024;

/** A thrown value as `Name: message`, bounded (a non-Error throw is shown as text): a poison record's dead-letter text. */
export function describeThrown(e: unknown): string {
  let text: string;
  try {
    text = e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
  } catch {
    text = 'thrown: a value that cannot be shown'; // e.g. a null-prototype object
  }
  return text.length <= ERROR_MESSAGE_MAX_CHARS ? text : `${text.slice(0, ERROR_MESSAGE_MAX_CHARS - 1)}…`;
}
