/**
 * Dead letters on a Kafka topic: every rejected record is published with its original bytes and
 * key, and why and where it was rejected in headers, so a team can inspect, fix and replay it with
 * ordinary Kafka tools. Nothing is dropped: a failed publish is retried (capped exponential
 * back-off, counted in driftmon_dead_letter_publish_failures_total) until the broker takes it.
 *
 * Message layout:
 *   value    the original message value, byte for byte (letter.bytes), or the UTF-8 of letter.record
 *   key      the original message key (letter.key), or null
 *   headers  driftmon-reason            a RecordErrorReason (not_json, bad_event_time, …)
 *            driftmon-source            where the record came from: inference/3@1042, capture.jsonl:17
 *            driftmon-monitor           the monitor that rejected it
 *            driftmon-dead-lettered-at  ISO-8601 time of write()
 *            driftmon-error             processing_error and hook_* letters: what was thrown or why (bounded)
 *
 * write() is synchronous and only queues; one background loop sends the queue in batches (acks -1:
 * every in-sync replica), one send at a time, so letters reach the broker in write order. flush()
 * resolves once every letter written before it has been acknowledged; the pipeline awaits it before
 * committing source offsets, so a crash can repeat letters but never lose one (at-least-once: a
 * send retried after a lost acknowledgement can duplicate its batch).
 *
 * Ordering across partitions: the sink owns its producer and partitions by monitor (MurmurHash3 of
 * the monitor name modulo the partition count), so each monitor's letters stay in one partition, in
 * order, whatever their keys — like one dead-letter file per monitor. Adding partitions to the topic
 * moves monitors (order holds within each partition from then on).
 *
 * Topic creation: the sink never creates topics (partitions, replication and retention are an
 * operator's decision). Either the broker auto-creates it on first publish
 * (auto.create.topics.enable), or the application calls ensureDeadLetterTopic() at start-up. While
 * the topic is missing, publishes fail, are counted and retried, and go through once it exists.
 *
 * The queue is in memory and unbounded: back-pressure comes from the pipeline awaiting flush()
 * before committing offsets, and `pending` shows the backlog.
 */
import type { Kafka, Message, PartitionerArgs, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../errors.js';
import { retry } from '../retry.js';
import { idHash32 } from '../record/id-hash.js';
import type { DeadLetter, DeadLetterSink } from './dead-letter.js';
import type { DeadLetterTopicMetrics } from '../observability/component-metrics.js';

export const DEAD_LETTER_HEADERS = {
  reason: 'driftmon-reason',
  source: 'driftmon-source',
  monitor: 'driftmon-monitor',
  deadLetteredAt: 'driftmon-dead-lettered-at',
  /** On processing_error and hook_* letters: what was thrown, or why the hook's output was refused. */
  error: 'driftmon-error',
} as const;

export interface KafkaDeadLetterSinkOptions {
  /** The client (src/source/kafka-client.ts createKafka); the sink creates, connects and closes its own producer on it. */
  kafka: Kafka;
  topic: string;
  metrics?: DeadLetterTopicMetrics | undefined;
  logger?: Logger | undefined;
  clock?: () => number;
  /** Most letters per send (default 500). */
  maxBatchMessages?: number;
  /**
   * Most bytes per send, roughly (value + key + headers; default 512 KiB, under the broker's default
   * 1 MiB message.max.bytes for a record batch). A single larger letter is sent alone.
   */
  maxBatchBytes?: number;
  /** Wait before the first retry (default 100 ms), doubling per failure up to maxMs (default 30 s). */
  retry?: { initialMs?: number; maxMs?: number };
}

interface Queued {
  message: Message;
  bytes: number;
}

/** Per-message overhead estimate for batch sizing (record header, varints, header names). */
const MESSAGE_OVERHEAD = 128;

/** Partition = MurmurHash3(monitor) mod partition count: each monitor's letters stay in one partition, in order. */
function partitionByMonitor() {
  return ({ partitionMetadata, message }: PartitionerArgs): number => {
    const ids = partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
    if (ids.length === 0) return 0;
    const h = message.headers?.[DEAD_LETTER_HEADERS.monitor];
    const monitor = typeof h === 'string' ? h : Buffer.isBuffer(h) ? h.toString('utf8') : '';
    return ids[idHash32(monitor) % ids.length]!;
  };
}

/** A copy as a Buffer (kafkajs stringifies anything that is not a Buffer; the caller may reuse its array). */
function bufferCopy(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes);
}

export class KafkaDeadLetterSink implements DeadLetterSink {
  readonly topic: string;
  private readonly producer: Producer;
  private readonly metrics: DeadLetterTopicMetrics | undefined;
  private readonly logger: Logger | undefined;
  private readonly clock: () => number;
  private readonly maxBatchMessages: number;
  private readonly maxBatchBytes: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;

  /** Queued letters; those before `head` are acknowledged (compacted now and then). */
  private queue: Queued[] = [];
  private head = 0;
  private written = 0;
  private acknowledged = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private sending = false;
  private connected = false;
  /** A connect was attempted: close() must disconnect. */
  private started = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Failed sends since the last success. */
  private failureStreak = 0;

  constructor(options: KafkaDeadLetterSinkOptions) {
    if (options.topic.length === 0) throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'dead-letter topic name is empty');
    this.topic = options.topic;
    this.metrics = options.metrics;
    this.logger = options.logger?.child({ component: 'dead-letter-topic', topic: options.topic });
    this.clock = options.clock ?? Date.now;
    this.maxBatchMessages = Math.max(1, options.maxBatchMessages ?? 500);
    this.maxBatchBytes = Math.max(1, options.maxBatchBytes ?? 512 * 1024);
    this.retryInitialMs = Math.max(1, options.retry?.initialMs ?? 100);
    this.retryMaxMs = Math.max(this.retryInitialMs, options.retry?.maxMs ?? 30_000);
    // One send at a time already keeps order; maxInFlightRequests 1 makes sure kafkajs's own retries
    // of a request cannot overtake it. Its retries are short: this sink retries forever on top.
    this.producer = options.kafka.producer({
      createPartitioner: partitionByMonitor,
      maxInFlightRequests: 1,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
    });
  }

  /** Letters written so far. */
  get count(): number {
    return this.written;
  }

  /** Letters written but not yet acknowledged by the broker. */
  get pending(): number {
    return this.written - this.acknowledged;
  }

  /** Queues the letter (its bytes are copied); it is published in the background. */
  write(letter: DeadLetter): void {
    if (this.closed) {
      throw new DriftmonError(ErrorCode.INTERNAL, `dead letter written to ${this.topic} after the sink was closed (${letter.source})`);
    }
    const value = letter.bytes !== undefined ? bufferCopy(letter.bytes) : Buffer.from(letter.record, 'utf8');
    const key = letter.key != null ? bufferCopy(letter.key) : null;
    const deadLetteredAt = new Date(this.clock()).toISOString();
    const message: Message = {
      key,
      value,
      headers: {
        [DEAD_LETTER_HEADERS.reason]: letter.reason,
        [DEAD_LETTER_HEADERS.source]: letter.source,
        [DEAD_LETTER_HEADERS.monitor]: letter.monitor,
        [DEAD_LETTER_HEADERS.deadLetteredAt]: deadLetteredAt,
      },
    };
    let bytes =
      MESSAGE_OVERHEAD + value.length + (key?.length ?? 0) + Buffer.byteLength(letter.source) + Buffer.byteLength(letter.monitor) + letter.reason.length + deadLetteredAt.length;
    if (letter.error !== undefined) {
      (message.headers as Record<string, string>)[DEAD_LETTER_HEADERS.error] = letter.error;
      bytes += Buffer.byteLength(letter.error);
    }
    this.queue.push({ message, bytes });
    this.written++;
    if (!this.sending) {
      this.sending = true;
      // Start on the next turn, so letters written in the same turn share a batch.
      setImmediate(() => void this.sendLoop());
    }
  }

  /** Resolves once every letter written before this call has been acknowledged by the broker (acks -1). */
  flush(): Promise<void> {
    const upTo = this.written;
    if (this.acknowledged >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  /** Flushes, then disconnects the producer. Idempotent; write() afterwards is a bug (throws). */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      await this.flush();
      if (this.started) {
        this.connected = false;
        await this.producer.disconnect();
      }
    })();
    return this.closing;
  }

  private async sendLoop(): Promise<void> {
    try {
      while (this.head < this.queue.length) {
        let batch: Message[] = [];
        // each attempt takes a new batch: letters written during the wait can join it
        await retry(
          async () => {
            batch = this.nextBatch();
            if (!this.connected) {
              this.started = true;
              await this.producer.connect();
              this.connected = true;
            }
            await this.producer.send({ topic: this.topic, acks: -1, messages: batch });
          },
          { baseDelayMs: this.retryInitialMs, maxDelayMs: this.retryMaxMs, onRetry: (e, _attempt, delayMs) => this.failed(e, batch.length, delayMs) },
        );
        this.acknowledge(batch.length);
      }
    } finally {
      this.sending = false;
    }
  }

  /** Up to maxBatchMessages letters from the head of the queue, within maxBatchBytes (at least one). */
  private nextBatch(): Message[] {
    const batch: Message[] = [];
    let bytes = 0;
    for (let i = this.head; i < this.queue.length && batch.length < this.maxBatchMessages; i++) {
      const q = this.queue[i]!;
      if (batch.length > 0 && bytes + q.bytes > this.maxBatchBytes) break;
      batch.push(q.message);
      bytes += q.bytes;
    }
    return batch;
  }

  private acknowledge(n: number): void {
    this.head += n;
    this.acknowledged += n;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.failureStreak > 0) {
      this.logger?.info({ failedAttempts: this.failureStreak, pending: this.pending }, 'dead-letter topic reachable again; publishing resumed');
      this.failureStreak = 0;
    }
    if (this.waiters.length > 0) {
      const still: typeof this.waiters = [];
      for (const w of this.waiters) {
        if (w.upTo <= this.acknowledged) w.resolve();
        else still.push(w);
      }
      this.waiters = still;
    }
  }

  private failed(e: unknown, batchSize: number, delay: number): void {
    this.failureStreak++;
    this.metrics?.deadLetterPublishFailuresTotal.inc();
    // One line per failed attempt (not per letter); the back-off bounds the rate.
    this.logger?.warn(
      { err: e instanceof Error ? { type: e.name, message: e.message } : String(e), attempt: this.failureStreak, batch: batchSize, pending: this.pending, retryInMs: delay },
      'publishing dead letters failed; retrying (nothing is dropped)',
    );
    // The producer may have lost its connection: connect again before the next attempt.
    this.connected = false;
  }
}

/**
 * Creates the dead-letter topic (or another of driftmon's own, named by `purpose` in errors: the
 * violations topic) if it does not exist; true when it was created. Partitions default
 * to 1 (total order per topic), the replication factor to min(3, brokers in the cluster).
 */
export async function ensureDeadLetterTopic(
  kafka: Kafka,
  topic: string,
  options: { partitions?: number; replicationFactor?: number; configEntries?: { name: string; value: string }[]; purpose?: string } = {},
): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const replicationFactor = options.replicationFactor ?? Math.min(3, (await admin.describeCluster()).brokers.length);
    return await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: options.partitions ?? 1, replicationFactor, ...(options.configEntries ? { configEntries: options.configEntries } : {}) }],
    });
  } catch (e) {
    throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `cannot create ${options.purpose ?? 'dead-letter topic'} ${topic}: ${(e as Error).message}`, { cause: e, retryable: true });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
