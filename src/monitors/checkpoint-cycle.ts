/**
 * The exactly-once cycle every partitioned pipeline runs (data quality and label monitors): the
 * position after each batch is remembered; after a batch that reported something, or every
 * checkpoint interval, dead letters are made durable, then the monitor's state is saved with the
 * positions it covers, then those positions are committed to the broker, then whatever the state
 * held on to for the previous checkpoint may go (`committed`). A failure leaves the previous
 * checkpoint and committed offsets valid; it is counted and retried at the next interval (a final
 * checkpoint at stop rethrows). A commit that fails after its checkpoint is durable (the broker is
 * down) is retried with capped backoff until it succeeds or a newer checkpoint supersedes it, so
 * the offsets catch up without waiting for traffic; at stop it is not retried (the source reports
 * it, and the restart resumes from the local checkpoint anyway). On start, the last checkpoint is
 * loaded and the source told to resume from its positions.
 */
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { retry } from '../retry.js';
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
  /** Increases with every save: a commit retry of an older checkpoint stops when it changes. */
  private generation = 0;
  private commitRetry: AbortController | undefined;
  /** Injectable for tests: the waits of the commit retry (ms). */
  commitRetryDelayMs = { base: 500, max: 5_000 };

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
    const generation = ++this.generation;
    this.commitRetry?.abort(); // superseded by this checkpoint
    let s: CheckpointState;
    try {
      await this.o.deadLetters.flush();
      s = await state();
      const bytes = await checkpoints.save({ monitor, createdAtMs: clock(), positions, state: s.state });
      metrics.checkpointBytes.labels(monitor).set(bytes);
    } catch (e) {
      metrics.checkpointFailuresTotal.labels(monitor).inc();
      this.lastMs = clock(); // retry at the next interval, not on every batch
      logger.warn({ monitor, err: e }, 'checkpoint failed; the previous one stays valid');
      if (final) throw e;
      return;
    }
    this.lastMs = clock();
    try {
      await source.commit?.(positions);
    } catch (e) {
      metrics.checkpointFailuresTotal.labels(monitor).inc();
      if (final) {
        logger.warn({ monitor, err: e }, 'offsets not committed at stop; the restart resumes from the local checkpoint');
        return;
      }
      logger.warn({ monitor, err: e }, 'checkpoint written but its offsets not committed; retrying the commit');
      this.retryCommit(generation, positions, s.committed);
      return;
    }
    s.committed?.();
    metrics.checkpointsTotal.labels(monitor).inc();
    metrics.lastCheckpoint.labels(monitor).set(this.lastMs / 1000);
    metrics.checkpointDuration.labels(monitor).observe((performance.now() - started) / 1000);
  }

  /** Commits a durable checkpoint's positions again until it works or a newer save supersedes it. */
  private retryCommit(generation: number, positions: SourcePosition[], committed: (() => void) | undefined): void {
    const ac = new AbortController();
    this.commitRetry = ac;
    // superseded or stopped: the newer checkpoint commits its own positions
    this.commitAgain(generation, positions, committed, ac.signal).catch(() => undefined);
  }

  private async commitAgain(generation: number, positions: SourcePosition[], committed: (() => void) | undefined, signal: AbortSignal): Promise<void> {
    const { source, metrics, logger, monitor, clock } = this.o;
    const current = (): boolean => generation === this.generation;
    const { base, max } = this.commitRetryDelayMs;
    await sleep(base, undefined, { signal }); // the commit has just failed: wait before the first attempt
    await retry(async () => (current() ? source.commit?.(positions) : undefined), {
      baseDelayMs: base,
      maxDelayMs: max,
      jitter: true,
      signal,
      shouldRetry: current,
      onRetry: () => metrics.checkpointFailuresTotal.labels(monitor).inc(),
    });
    if (!current()) return;
    committed?.();
    metrics.checkpointsTotal.labels(monitor).inc();
    metrics.lastCheckpoint.labels(monitor).set(clock() / 1000);
    logger.info({ monitor }, 'offsets of the last checkpoint committed after retrying');
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
