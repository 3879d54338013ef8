/**
 * Where raw records come from. A source yields batches of lines (one capture line / flat JSON
 * record each); batching keeps per-record async overhead off the hot path.
 *
 * Files and stdin are finite, ordered streams. Kafka adds what a replayable, partitioned log has:
 * every batch comes from one partition and says where the next batch of that partition starts
 * (its position); positions are committed back to the broker after a checkpoint holds the state
 * built from them, and a restarted source resumes from the checkpoint's positions.
 */
import type { RecordErrorReason } from '../errors.js';
import type { DecodedBlock } from '../record/decoded-block.js';
import type { SourcePosition } from '../state/source-position.js';

export interface RawBatch {
  readonly records: readonly string[];
  /** Human-readable origin of records[i], for dead letters: file:line, stdin:line, topic/partition@offset. */
  origin(i: number): string;
  /** The message key of records[i] (Kafka; producers set it to the inference ID), if any. */
  key?(i: number): Uint8Array | null;
  /** The original bytes of records[i], when the source has them apart from the text (Kafka values). */
  bytes?(i: number): Uint8Array;
  /**
   * When the source itself rejected records[i] (a file line over maxLineLength, invalid UTF-8): why,
   * and the line's true length in bytes; records[i] then holds only what the dead letter keeps.
   */
  rejected?(i: number): { readonly reason: RecordErrorReason; readonly bytes: number } | undefined;
  /** Blank lines (empty or whitespace only) skipped before and among these records: not records, only counted. */
  readonly blankLines?: number;
  /** The offset of records[i] in its partition (Kafka). */
  offset?(i: number): number;
  /** The broker timestamp of records[i] (Kafka: CreateTime or LogAppendTime), epoch ms. */
  timestampMs?(i: number): number;
  /**
   * Sources without partitions that carry more than one kind of record (a label monitor's replay of
   * capture files then ground-truth files): which stream the whole batch belongs to.
   */
  readonly stream?: string;
  /** Partitioned sources: which partition the whole batch came from, and the position after it. */
  readonly partition?: { readonly key: string; readonly position: SourcePosition };
  /**
   * Records already decoded in another thread (file-decode-worker.ts): `records` is then empty and
   * the block holds them; origin(i) still names record i.
   */
  readonly decoded?: DecodedBlock;
  /** With `decoded`: the block's records before this one were handed over before (a Kafka chunk fetched again). */
  readonly decodedFrom?: number;
  /**
   * This batch and the next are one batch cut in two (parallel decoding: one batch's records came
   * in blocks from two workers): windows close, and the batch's end is marked, after the last part.
   */
  readonly continues?: boolean;
}

/** An input file that could not be read (gone, unreadable, corrupt or truncated), and why. */
export interface UnreadableInput {
  readonly path: string;
  readonly reason: string;
}

/** Consumer lag, summed (records) and worst (seconds) over assigned partitions. */
export interface SourceLag {
  readonly records: number;
  readonly seconds: number;
}

export interface Source {
  readonly description: string;
  /** Batches until the source ends (files, stdin) or stop()/close() is called (follow mode, Kafka). */
  batches(): AsyncIterable<RawBatch>;
  /**
   * End the iteration after the batch being processed, but keep the connection: a partitioned
   * source can still commit. Sources without it are stopped by close().
   */
  stop?(): void;
  /** Release everything (leave the consumer group, close files). Idempotent. */
  close(): Promise<void>;
  /** True when batches carry `partition` and positions. */
  readonly partitioned?: boolean;
  /** Start from these positions (a restored checkpoint) instead of the broker's committed offsets. */
  resumeFrom?(positions: readonly SourcePosition[]): void;
  /** Make positions durable at the broker (after the checkpoint that covers them is written). */
  commit?(positions: readonly SourcePosition[]): Promise<void>;
  lag?(): SourceLag;
  /** Partition keys (partitionKey()) currently assigned to this consumer. */
  assignment?(): readonly string[];
  /** File sources: the files skipped so far because they could not be read. */
  unreadable?(): readonly UnreadableInput[];
  /** File sources: how many capture files were found so far (read, or skipped as unreadable). */
  filesFound?(): number;
  /**
   * After a stop: what could not be done in the time allowed (offsets not committed, group not
   * left), or undefined for a clean stop. The local checkpoint still makes the restart exact.
   */
  stopProblem?(): string | undefined;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}/${partition}`;

/** partitionKey's parts back (Kafka topic names cannot contain '/'). */
export function parsePartitionKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('/');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}
