/**
 * The exactly-once cycle every partitioned pipeline runs (data quality and label monitors): the
 * position after each batch is remembered; after a batch that reported something, or every
 * checkpoint interval, dead letters are made durable, then the monitor's state is saved with the
 * positions it covers, then those positions are committed to the broker, then whatever the state
 * held on to for the previous checkpoint may go (`committed`). A failure leaves the previous
 * checkpoint and committed offsets valid; it is counted and retried at the next interval (a final
 * checkpoint at stop rethrows). On start, the last checkpoint is loaded and the source told to
 * resume from its positions.
 */
import type { Logger } from 'pino';
import type { DeadLetterSink } from '../sink/dead-letter.js';
import type { CheckpointMetrics } from '../observability/component-metrics.js';
import { partitionKey, type RawBatch, type Source } from '../source/source.js';
import type { SourcePosition } from '../state/source-position.js';
import type { Checkpoint, CheckpointStore } from '../state/checkpoint-store.js';

/** What a pipeline's deps give the cycle (both pipelines' deps have these). */
export interface CheckpointCycleDeps {
  /** Undefined: the pipeline keeps no checkpoints (files, stdin); nothing here does anything. */
  checkpoints?: CheckpointStore | undefined;
  source: Source;
  deadLetters: DeadLetterSink;
  metrics: CheckpointMetrics;
  logger: Logger;
}

interface CheckpointCycleOptions extends CheckpointCycleDeps {
  monitor: string;
  clock: () => number;
  intervalMs: number;
}

/** A monitor's state for a checkpoint, and what to do once the checkpoint's positions are committed. */
export interface CheckpointState {
  state: Uint8Array;
  committed?: () => void;
}

export class CheckpointCycle {
  private readonly positions = new Map<string, SourcePosition>();
  private lastMs = 0;

  private readonly o: CheckpointCycleOptions;

  constructor(monitor: string, deps: CheckpointCycleDeps, clock: () => number, intervalMs: number) {
    const { checkpoints, source, deadLetters, metrics, logger } = deps;
    this.o = { monitor, checkpoints, source, deadLetters, metrics, logger, clock, intervalMs };
  }

  get enabled(): boolean {
    return this.o.checkpoints !== undefined;
  }

  /** After a processed batch: remember its position; checkpoint if it reported or the interval passed. */
  async afterBatch(batch: RawBatch, reported: boolean, state: () => Promise<CheckpointState>): Promise<void> {
    if (batch.partition !== undefined) this.positions.set(batch.partition.key, batch.partition.position);
    if (this.enabled && (reported || this.o.clock() - this.lastMs >= this.o.intervalMs)) await this.save(state);
  }

  async save(state: () => Promise<CheckpointState>, final = false): Promise<void> {
    const { checkpoints, metrics, logger, source, monitor, clock } = this.o;
    if (checkpoints === undefined) return;
    const started = performance.now();
    const positions = [...this.positions.values()];
    try {
      await this.o.deadLetters.flush();
      const s = await state();
      const bytes = await checkpoints.save({ monitor, createdAtMs: clock(), positions, state: s.state });
      await source.commit?.(positions);
      s.committed?.();
      this.lastMs = clock();
      metrics.checkpointsTotal.labels(monitor).inc();
      metrics.checkpointBytes.labels(monitor).set(bytes);
      metrics.lastCheckpoint.labels(monitor).set(this.lastMs / 1000);
      metrics.checkpointDuration.labels(monitor).observe((performance.now() - started) / 1000);
    } catch (e) {
      metrics.checkpointFailuresTotal.labels(monitor).inc();
      this.lastMs = clock(); // retry at the next interval, not on every batch
      logger.warn({ monitor, err: e }, 'checkpoint failed; the previous one stays valid');
      if (final) throw e;
    }
  }

  /** The last checkpoint (its positions now resume the source), or undefined. */
  async load(): Promise<Checkpoint | undefined> {
    this.lastMs = this.o.clock();
    const c = await this.o.checkpoints?.load(this.o.monitor);
    if (c === undefined) return undefined;
    for (const p of c.positions) this.positions.set(partitionKey(p.topic, p.partition), p);
    this.o.source.resumeFrom?.(c.positions);
    return c;
  }

  describe(): string | undefined {
    return this.o.checkpoints?.describe(this.o.monitor);
  }
}
