/**
 * Inference events from Kafka (kafkajs): one consumer group per monitor, batch processing, offsets
 * committed only when the monitor asks (after its checkpoint), never automatically.
 *
 * kafkajs pushes batches (eachBatch); the monitor pulls them (an async iterable). The handler hands
 * each chunk over and waits until the monitor has processed it, so there is never more than one
 * chunk in flight and back-pressure is natural: a slow monitor slows fetching.
 *
 * Exactly-once over restarts: the source remembers, per partition, the next offset it must process
 * (from the restored checkpoint, then from what it delivered). Messages below it are duplicates of
 * state already held (a redelivery after a rebalance, or the gap between a checkpoint and its
 * commit) and are skipped; a batch fetched from above it (the broker's committed offset is ahead of
 * the checkpoint) triggers a seek back, so nothing between them is lost. A partition the group
 * takes away is forgotten: its position belongs to its next holder.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../errors.js';
import { withTimeout } from '../retry.js';
import type { KafkaSourceMetrics } from '../observability/component-metrics.js';
import { kafkaDecodedBatch, kafkaRawBatch } from './kafka-batch.js';
import type { DecodedBlock } from '../record/decoded-block.js';
import { InThreadFetcher } from './kafka-fetcher-in-thread.js';
import type { ChunkVerdict, FetchedChunk, FetchedMessage, FetchOptions, KafkaFetcher } from './kafka-fetcher.js';
import { partitionKey, type RawBatch, type Source, type SourceLag } from './source.js';
import type { SourcePosition } from '../state/source-position.js';

export interface KafkaSourceOptions {
  kafka: Kafka;
  monitor: string;
  topics: readonly string[];
  groupId: string;
  /** Where a group without committed offsets starts: the beginning of the topic, or new messages only. */
  fromBeginning: boolean;
  /** Consume at most this many messages per second (protects a shared cluster; tests use it to build lag). */
  maxMessagesPerSecond?: number | undefined;
  /** Largest chunk handed to the monitor at once (default 2000 messages). */
  chunkSize?: number;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeMs?: number;
  logger: Logger;
  metrics?: KafkaSourceMetrics;
  clock?: () => number;
  /**
   * A stop must end within this (default 30 s) whatever the broker does: the final commit may take
   * up to 60 % of it, leaving the group up to 80 %; what is not done by then is given up.
   */
  shutdownTimeoutMs?: number;
  /** A commit outside a stop gives up after this (default 10 s) and is retried by the caller. */
  commitTimeoutMs?: number;
  /** Start-up fails when no broker answered within this (default 30 s). */
  connectTimeoutMs?: number;
  /**
   * Called when the group assignment changes, with the partitions (partitionKey()) gained and lost.
   * Batches of a gained partition wait until it resolves (a scaled-out monitor takes the partition
   * over first: docs/scale-out.md); if it rejects, the source fails.
   */
  onAssignment?: (added: readonly string[], removed: readonly string[]) => Promise<void>;
  /** Where the consumer runs (kafka-fetcher.ts); default: in this thread, on `kafka`. */
  fetcher?: (options: FetchOptions) => KafkaFetcher;
}

interface Handoff {
  batch: RawBatch;
  /** true: processed; false: dropped unprocessed (stopping). */
  done: (processed: boolean) => void;
  fail: (e: unknown) => void;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  next: number | undefined;
  /** Before the first delivery: where consumption will start (committed offset, or low/high). */
  expected: number | undefined;
  low: number;
  highWatermark: number;
  lastTimestampMs: number;
  /** The position last sought back to in this group generation (a gap that remains after it is real: see onChunk). */
  soughtBackTo?: number;
  /** `next` came from resumeFrom and nothing was delivered since: only then may a gap mean a skipped range. */
  resumed?: boolean;
}

const PROCESSED: ChunkVerdict = { kind: 'processed' };
const STOP: ChunkVerdict = { kind: 'stop' };

export class KafkaSource implements Source {
  readonly description: string;
  readonly partitioned = true;
  private readonly fetcher: KafkaFetcher;
  private readonly partitions = new Map<string, PartitionState>();
  /** Features a fetch worker registered in decoded chunks not yet handed over (withUnregistered). */
  private readonly unregistered: DecodedBlock['newFeatures'][number][] = [];
  /** Gained partitions whose takeover (options.onAssignment) may still be running: their batches wait for it. */
  private readonly takeovers = new Map<string, Promise<void>>();
  private readonly queue: Handoff[] = [];
  private wake: (() => void) | undefined;
  private stopping = false;
  private closed = false;
  private crashed: unknown;
  private started = false;
  private readonly clock: () => number;
  private assigned: string[] = [];
  /** Polls high watermarks (and committed offsets of partitions not delivered yet) for the lag. */
  private readonly admin: Admin;
  private lagTimer: NodeJS.Timeout | undefined;
  /** True once the fetcher runs: pause() throws before it (the consumer group is not initialized). */
  private running = false;
  /** performance.now() when stop() was called. */
  private stopAtMs = 0;
  private readonly stopped: Promise<void>;
  private resolveStopped: () => void = () => undefined;
  private problem: string | undefined;
  private polling = false;

  constructor(private readonly options: KafkaSourceOptions) {
    this.description = `kafka ${options.topics.join(',')} (group ${options.groupId})`;
    this.clock = options.clock ?? Date.now;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    const fetchOptions: FetchOptions = {
      groupId: options.groupId,
      topics: options.topics,
      fromBeginning: options.fromBeginning,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      maxWaitTimeMs: options.maxWaitTimeMs ?? 500,
      chunkSize: this.chunkSize(),
      maxMessagesPerSecond: options.maxMessagesPerSecond,
    };
    this.fetcher = options.fetcher?.(fetchOptions) ?? new InThreadFetcher(options.kafka, fetchOptions, this.clock);
    // the lag poll gives up quickly: the next one comes a second later
    this.admin = options.kafka.admin({ retry: { retries: 1 } });
  }

  private groupJoined(memberAssignment: Readonly<Record<string, readonly number[]>>): void {
    const { options } = this;
    const before = new Set(this.assigned);
    this.assigned = Object.entries(memberAssignment).flatMap(([topic, ps]) => ps.map((p) => partitionKey(topic, p)));
    options.logger.info({ monitor: options.monitor, group: options.groupId, assignment: memberAssignment }, 'joined consumer group');
    // a rebalance discards seeks not yet applied: one that is still needed is made again
    for (const st of this.partitions.values()) st.soughtBackTo = undefined;
    const onAssignment = options.onAssignment;
    if (onAssignment === undefined) return;
    const now = new Set(this.assigned);
    const added = this.assigned.filter((k) => !before.has(k));
    const removed = [...before].filter((k) => !now.has(k));
    for (const k of removed) {
      this.takeovers.delete(k);
      this.forget(k);
    }
    if (added.length === 0 && removed.length === 0) return;
    const takeover = onAssignment(added, removed);
    takeover.catch((err: unknown) => this.fail(err));
    for (const k of added) this.takeovers.set(k, takeover);
  }

  private consumerCrashed(error: Error, restart: boolean): void {
    this.options.logger.error({ monitor: this.options.monitor, err: error, restart }, 'kafka consumer crashed');
    if (!restart) this.fail(error);
  }

  resumeFrom(positions: readonly SourcePosition[]): void {
    for (const p of positions) {
      const st = this.state(p.topic, p.partition);
      st.next = p.nextOffset;
      st.resumed = true;
    }
  }

  async *batches(): AsyncIterable<RawBatch> {
    if (this.stopping) return;
    if (!this.started) {
      // a stop during start-up (connecting, joining the group) ends the iteration at once
      const starting = this.start();
      starting.catch(() => undefined);
      if (!(await Promise.race([starting.then(() => true), this.stopped.then(() => false)]))) return;
    }
    let current: Handoff | undefined;
    try {
      for (;;) {
        if (this.crashed !== undefined) throw this.crashed;
        if (this.stopping) return;
        current = this.queue.shift();
        if (current === undefined) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        yield current.batch;
        current.done(true);
        current = undefined;
      }
    } finally {
      current?.done(false);
      for (const h of this.queue.splice(0)) h.done(false);
    }
  }

  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopAtMs = performance.now();
    this.resolveStopped();
    // no new batches while the monitor checkpoints and commits; the group is left in close()
    if (this.running && !this.closed) {
      try {
        this.fetcher.pause(this.options.topics);
      } catch (e) {
        // after a crash the consumer restarts without a group for a while: nothing to pause
        this.options.logger.debug({ monitor: this.options.monitor, err: e }, 'consumer not paused at stop');
      }
    }
    this.wake?.();
  }

  /**
   * Bounded: a commit outside a stop gives up after commitTimeoutMs, or at once when a stop begins
   * (the final checkpoint commits newer positions); the final commit gets 60 % of shutdownTimeoutMs.
   */
  async commit(positions: readonly SourcePosition[]): Promise<void> {
    if (positions.length === 0 || this.closed) return;
    const final = this.stopping;
    const commit = this.fetcher.commitOffsets(positions.map((p) => ({ topic: p.topic, partition: p.partition, offset: String(p.nextOffset) })));
    try {
      if (final) await withTimeout(commit, this.stopBudgetMs(0.6), 'the broker did not answer within the shutdown timeout');
      else {
        const abandoned = this.stopped.then(() => Promise.reject(new Error('abandoned: the source is stopping')));
        abandoned.catch(() => undefined);
        await Promise.race([withTimeout(commit, this.options.commitTimeoutMs ?? 10_000, 'the broker did not answer in time'), abandoned]);
      }
      if (final) this.problem = undefined;
    } catch (e) {
      const message = `could not commit offsets for group ${this.options.groupId}: ${(e as Error).message}`;
      if (final) this.problem = message;
      throw new DriftmonError(ErrorCode.SOURCE_FAILED, message, { cause: e, retryable: true });
    }
  }

  stopProblem(): string | undefined {
    return this.problem;
  }

  /** What is left of the shutdown timeout's `share`, from the stop on (ms). */
  private stopBudgetMs(share: number): number {
    const total = this.options.shutdownTimeoutMs ?? 30_000;
    return Math.max(0, this.stopAtMs + total * share - performance.now());
  }

  assignment(): readonly string[] {
    return this.assigned;
  }

  lag(): SourceLag {
    let records = 0;
    let seconds = 0;
    const now = this.clock();
    for (const p of this.partitions.values()) {
      const position = p.next ?? p.expected;
      if (position === undefined) continue;
      const behind = Math.max(0, p.highWatermark - position);
      records += behind;
      // seconds are known once this process has delivered from the partition
      if (behind > 0 && p.lastTimestampMs > 0) seconds = Math.max(seconds, Math.max(0, now - p.lastTimestampMs) / 1000);
    }
    return { records, seconds };
  }

  async close(): Promise<void> {
    this.stop();
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.lagTimer);
    if (this.started) {
      // leaves the group; with the broker down kafkajs would retry for longer than a stop may take
      await withTimeout(this.fetcher.disconnect(), this.stopBudgetMs(0.8), 'the broker did not answer within the shutdown timeout').catch((e: unknown) =>
        this.options.logger.warn({ monitor: this.options.monitor, err: e }, 'consumer group not left: the broker drops this member after its session timeout'),
      );
      await withTimeout(this.admin.disconnect(), this.stopBudgetMs(0.8), 'admin disconnect timed out').catch(() => undefined);
    }
  }

  /**
   * Lag is measured for every partition, not only those that delivered a batch lately: a fetch
   * may drain one partition while the others wait, and their lag is what back-off must see.
   */
  private async pollLag(): Promise<void> {
    if (this.closed || this.polling) return;
    this.polling = true; // a poll that waits for a broker that is down must not pile up behind the next
    try {
      const missing: string[] = [];
      for (const topic of this.options.topics) {
        for (const o of await this.admin.fetchTopicOffsets(topic)) {
          const st = this.state(topic, o.partition);
          st.highWatermark = Math.max(st.highWatermark, Number(o.high));
          if (st.next === undefined) missing.push(topic);
          st.low = Number(o.low);
        }
      }
      if (missing.length > 0) {
        for (const t of await this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [...new Set(missing)] })) {
          for (const p of t.partitions) {
            const st = this.state(t.topic, p.partition);
            if (st.next !== undefined) continue;
            const committed = Number(p.offset);
            st.expected = committed >= 0 ? committed : this.options.fromBeginning ? st.low : st.highWatermark;
          }
        }
      }
      for (const st of this.partitions.values()) this.publishLag(st);
    } catch (e) {
      this.options.logger.debug({ monitor: this.options.monitor, err: e }, 'lag poll failed');
    } finally {
      this.polling = false;
    }
  }

  private async start(): Promise<void> {
    this.started = true;
    const { logger, monitor } = this.options;
    try {
      // the client retries a broker that is down forever (see the constructor): at start-up an
      // unreachable broker is an error after a while, as a misconfigured address must be
      await withTimeout(this.fetcher.connect(), this.options.connectTimeoutMs ?? 30_000, 'no broker answered');
      await this.fetcher.run({ groupJoined: (a) => this.groupJoined(a), crashed: (e, restart) => this.consumerCrashed(e, restart), chunk: (c) => this.onChunk(c) });
      this.running = true;
    } catch (e) {
      throw new DriftmonError(ErrorCode.SOURCE_FAILED, `kafka source for monitor ${monitor} could not start: ${(e as Error).message}`, {
        cause: e,
        retryable: true,
      });
    }
    logger.info({ monitor, topics: this.options.topics, group: this.options.groupId }, 'kafka consumer running');
    await this.admin.connect().then(
      () => {
        void this.pollLag();
        this.lagTimer = setInterval(() => void this.pollLag(), 1_000);
        this.lagTimer.unref();
      },
      (e: unknown) => logger.warn({ monitor, err: e }, 'cannot poll consumer lag (admin client)'),
    );
  }

  /** One fetched chunk: wait for its partition's takeover, then seek back, skip what is held already, or hand it over. */
  private async onChunk(c: FetchedChunk): Promise<ChunkVerdict> {
    const { topic, partition } = c;
    // every decoded chunk's new features reach the monitor, in order, whether this chunk does or not
    if (c.decoded !== undefined) this.unregistered.push(...c.decoded.block.newFeatures);
    const key = partitionKey(topic, partition);
    const takeover = this.takeovers.get(key);
    if (takeover !== undefined) {
      // the takeover sets where the partition resumes (resumeFrom); a failed one fails the source
      if (!(await takeover.then(() => true, () => false))) return STOP;
      if (this.takeovers.get(key) === takeover) this.takeovers.delete(key);
    }
    if (this.stopping) return STOP;
    const state = this.state(topic, partition);
    state.highWatermark = c.highWatermark;
    // where kafkajs fetched from; records after it that are missing were filtered (transaction
    // markers, aborted records), not skipped
    const fetched = c.fetchedOffset;
    if (c.first && state.resumed === true && state.next !== undefined && fetched > state.next) {
      if (state.soughtBackTo !== state.next) {
        // the broker's committed offset is ahead of our checkpoint (or kafkajs passed over records
        // it filtered out): go back, or records in between are lost
        this.options.logger.info({ monitor: this.options.monitor, topic, partition, fetched, to: state.next }, 'seeking back to the checkpoint position');
        state.soughtBackTo = state.next;
        return { kind: 'seek', offset: state.next };
      }
      // sought back in this generation, and the fetch starts later again: nothing between is readable
      // (kafkajs passes over fetches that hold only aborted records and transaction markers; or retention)
      this.options.logger.debug({ monitor: this.options.monitor, topic, partition, from: state.next, to: fetched }, 'no records to read between the checkpoint position and the fetch');
    }
    let messages = c.messages;
    let handed = 0;
    const next = state.next;
    if (next !== undefined && Number(messages[0]?.offset) < next) {
      // offsets rise within a chunk
      while (handed < messages.length && Number((messages[handed] as FetchedMessage).offset) < next) handed++;
      messages = messages.slice(handed);
    }
    const last = messages[messages.length - 1];
    if (last === undefined) return PROCESSED; // all held already
    const nextOffset = Number(last.offset) + 1;
    const batch = c.decoded === undefined ? kafkaRawBatch(topic, partition, messages, nextOffset) : kafkaDecodedBatch(topic, partition, c.messages, { ...c.decoded, block: this.withUnregistered(c.decoded.block) }, handed, nextOffset);
    if (!(await this.handOver(batch))) return STOP;
    state.next = nextOffset;
    state.resumed = false; // gaps between our own batches are transaction markers or deleted records
    state.lastTimestampMs = Number(last.timestamp);
    this.publish(messages.length, state);
    return PROCESSED;
  }

  /** `block` carrying every feature the worker registered that no handed-over block has listed yet. */
  private withUnregistered(block: DecodedBlock): DecodedBlock {
    const features = this.unregistered.splice(0);
    return features.length === block.newFeatures.length ? block : { ...block, newFeatures: features };
  }

  private handOver(batch: RawBatch): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      if (this.stopping) return resolve(false);
      this.queue.push({ batch, done: resolve, fail: reject });
      this.wake?.();
    });
  }

  private fail(e: unknown): void {
    this.crashed = new DriftmonError(ErrorCode.SOURCE_FAILED, `kafka consumer for monitor ${this.options.monitor} failed: ${(e as Error).message}`, {
      cause: e,
      retryable: true,
    });
    for (const h of this.queue.splice(0)) h.fail(this.crashed);
    this.wake?.();
  }

  private chunkSize(): number {
    const max = this.options.chunkSize ?? 2000;
    const rate = this.options.maxMessagesPerSecond;
    // throttled: small chunks (a tenth of a second each) keep the rate smooth
    return rate === undefined ? max : Math.max(1, Math.min(max, Math.floor(rate / 10)));
  }

  private publish(n: number, state: PartitionState): void {
    this.options.metrics?.kafkaMessagesConsumedTotal.labels(this.options.monitor, state.topic).inc(n);
    this.publishLag(state);
  }

  private publishLag(state: PartitionState): void {
    const { topic, partition } = state;
    const m = this.options.metrics;
    const position = state.next ?? state.expected;
    if (m === undefined || position === undefined) return;
    const monitor = this.options.monitor;
    const behind = Math.max(0, state.highWatermark - position);
    m.kafkaLagRecords.labels(monitor, topic, String(partition)).set(behind);
    m.kafkaLagSeconds.labels(monitor, topic, String(partition)).set(behind > 0 && state.lastTimestampMs > 0 ? Math.max(0, this.clock() - state.lastTimestampMs) / 1000 : 0);
  }

  /**
   * A lost partition's position is no longer ours: its next holder commits past it. Kept, it
   * would filter the records below it when the partition comes back without a committed offset
   * (its holder died before its first commit): they would be skipped as "already processed".
   */
  private forget(key: string): void {
    const st = this.partitions.get(key);
    if (st === undefined) return;
    st.next = undefined;
    st.expected = undefined;
    st.resumed = false;
    st.soughtBackTo = undefined;
  }

  private state(topic: string, partition: number): PartitionState {
    const key = partitionKey(topic, partition);
    let s = this.partitions.get(key);
    if (s === undefined) {
      s = { topic, partition, next: undefined, expected: undefined, low: 0, highWatermark: 0, lastTimestampMs: 0 };
      this.partitions.set(key, s);
    }
    return s;
  }
}
