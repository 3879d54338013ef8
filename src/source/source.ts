/**
 * Where raw records come from. A source yields batches of lines (one capture line / flat JSON
 * record each); batching keeps per-record async overhead off the hot path. Kafka (next issue)
 * implements the same interface with offsets as positions.
 */

export interface RawBatch {
  readonly records: readonly string[];
  /** Human-readable origin of records[i], for dead letters: file:line, stdin:line, topic/partition@offset. */
  origin(i: number): string;
}

export interface Source {
  readonly description: string;
  /** Batches until the source ends (files, stdin) or close() is called (follow mode, Kafka). */
  batches(): AsyncIterable<RawBatch>;
  close(): Promise<void>;
}
