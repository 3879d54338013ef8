/**
 * Where a partitioned source resumes: what a checkpoint records beside the state built from it,
 * and what is committed back to the broker once that checkpoint is durable.
 */

/** The next offset to process in one topic partition. */
export interface SourcePosition {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: number;
}
