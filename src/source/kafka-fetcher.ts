/**
 * The consuming half of the Kafka source: a kafkajs consumer in a group, fetching and decoding
 * record batches, handing them over in chunks and doing what the source decides for each. The
 * source (kafka-source.ts) keeps every decision — where a partition resumes, what is a duplicate,
 * when to seek back, what a takeover holds back — so the fetcher can run in this thread
 * (kafka-fetcher-in-thread.ts) or in a worker thread (kafka-fetcher-worker.ts), where kafkajs's
 * fetch and record-batch decoding cost the pipeline's thread nothing.
 *
 * `pumpBatch` is the one loop both run over a kafkajs batch: chunk it, throttle, hand each chunk
 * over, wait for the verdict, then resolve, seek or stop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { DecodedBlock } from '../record/decoded-block.js';

/** A fetched message: kafkajs's fields as the source reads them. */
export interface FetchedMessage {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface FetchedChunk {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: number;
  /** Where this fetch of the partition started (records after it that are missing were filtered out). */
  readonly fetchedOffset: number;
  /** The first chunk of a fetched batch. */
  readonly first: boolean;
  readonly messages: readonly FetchedMessage[];
  /** The messages decoded already (a fetch worker that decodes: kafka-fetch-worker.ts). */
  readonly decoded?: DecodedChunk;
}

/** A chunk's messages decoded: one record of `block` per message that is not blank (kafka-batch.ts), in order. */
export interface DecodedChunk {
  readonly block: DecodedBlock;
  /** 1 where the message is blank (its value may not have been kept). */
  readonly blank: Uint8Array;
}

/** processed: resolve the chunk and go on; seek: drop the rest and fetch from `offset`; stop: drop the rest. */
export type ChunkVerdict = { readonly kind: 'processed' } | { readonly kind: 'seek'; readonly offset: number } | { readonly kind: 'stop' };

export interface FetchHandlers {
  /** The group assignment after a (re)join, per topic. Called before any chunk of the new generation. */
  groupJoined(assignment: Readonly<Record<string, readonly number[]>>): void;
  /** kafkajs's consumer crashed; with restart false it gave up. */
  crashed(error: Error, restart: boolean): void;
  chunk(c: FetchedChunk): Promise<ChunkVerdict>;
  /** The chunk that will most likely come next, while this one is processed elsewhere (decode it ahead). */
  prepare?(c: FetchedChunk): void;
}

/** Consumer settings (KafkaSourceOptions' consumer part). */
export interface FetchOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly sessionTimeoutMs: number;
  readonly maxBytesPerPartition: number;
  readonly maxWaitTimeMs: number;
  /** Largest chunk handed over at once. */
  readonly chunkSize: number;
  readonly maxMessagesPerSecond?: number | undefined;
}

export interface KafkaFetcher {
  /** Connect to the cluster. */
  connect(): Promise<void>;
  /** Subscribe and run (resolves once running; the handlers then get the group's life). */
  run(handlers: FetchHandlers): Promise<void>;
  /** Fetch nothing more from `topics` (a stop: the source still commits). Throws before run(). */
  pause(topics: readonly string[]): void;
  commitOffsets(offsets: ReadonlyArray<{ topic: string; partition: number; offset: string }>): Promise<void>;
  /** Leave the group and release everything. */
  disconnect(): Promise<void>;
}

/** kafkajs consumer settings from FetchOptions: never committing by itself, retrying a broker that is down. */
export function consumerConfig(o: FetchOptions): Parameters<import('kafkajs').Kafka['consumer']>[0] {
  return {
    groupId: o.groupId,
    sessionTimeout: o.sessionTimeoutMs,
    heartbeatInterval: 3000,
    maxBytesPerPartition: o.maxBytesPerPartition,
    maxBytes: 32 * 1024 * 1024,
    maxWaitTimeInMs: o.maxWaitTimeMs,
    allowAutoTopicCreation: false,
    // A retriable error (the broker is down) is retried for as long as it lasts, at most 1 s apart
    // (the client's own retries must not give up either: see createKafka's `retries`): a crash
    // would drop our member id, and the rejoin as a new member would wait out the old member's
    // session timeout (~30 s after the broker is back); this way consumption resumes about a
    // second after it. Stops are bounded by the source's shutdownTimeoutMs, not by retries.
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 250, maxRetryTime: 1_000 },
  };
}

/** Subscribe and run `consumer` with `handlers` (the group events wired first). */
export async function runConsumer(consumer: Consumer, o: FetchOptions, throttle: Throttle, halted: () => boolean, handlers: FetchHandlers): Promise<void> {
  consumer.on(consumer.events.GROUP_JOIN, (e) => handlers.groupJoined(e.payload.memberAssignment));
  consumer.on(consumer.events.CRASH, (e) => {
    const { error, restart } = e.payload as { error: Error; restart: boolean };
    handlers.crashed(error, restart);
  });
  await consumer.subscribe({ topics: [...o.topics], fromBeginning: o.fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: (payload) => pumpBatch(consumer, payload, { chunkSize: o.chunkSize, throttle, halted }, handlers),
  });
}

/**
 * One kafkajs batch: chunks handed over one at a time, each resolved only once processed. Once
 * `halted` (paused for a stop), the rest is left unresolved: nothing more is handed over.
 */
export async function pumpBatch(
  consumer: Consumer,
  payload: EachBatchPayload,
  { chunkSize, throttle, halted }: { chunkSize: number; throttle: Throttle; halted: () => boolean },
  handlers: FetchHandlers,
): Promise<void> {
  const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
  const { topic, partition, messages } = batch;
  const fetchedOffset = Number((batch as { fetchedOffset?: string }).fetchedOffset ?? messages[0]?.offset);
  const highWatermark = Number(batch.highWatermark);
  let chunk = messages.slice(0, chunkSize);
  for (let i = 0; i < messages.length; i += chunkSize) {
    if (!isRunning() || isStale() || halted()) return;
    await throttle.wait(chunk.length, heartbeat, halted);
    if (halted()) return;
    const handedOver = handlers.chunk({ topic, partition, highWatermark, fetchedOffset, first: i === 0, messages: chunk });
    // the next chunk is this array, so that what was prepared is known by it
    const next = messages.slice(i + chunkSize, i + 2 * chunkSize);
    if (handlers.prepare !== undefined && next.length > 0) handlers.prepare({ topic, partition, highWatermark, fetchedOffset, first: false, messages: next });
    const verdict = await handedOver;
    if (verdict.kind === 'seek') {
      consumer.seek({ topic, partition, offset: String(verdict.offset) });
      return;
    }
    if (verdict.kind === 'stop') return;
    resolveOffset((chunk[chunk.length - 1] as { offset: string }).offset);
    await heartbeat();
    chunk = next;
  }
}

/** At most `perSecond` messages a second (none: no limit); heartbeats while it waits, and stops waiting when `halted`. */
export class Throttle {
  private nextFreeMs = 0;

  constructor(
    private readonly perSecond: number | undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  async wait(n: number, heartbeat: () => Promise<void>, halted: () => boolean): Promise<void> {
    const rate = this.perSecond;
    if (rate === undefined) return;
    let now = this.clock();
    while (this.nextFreeMs > now && !halted()) {
      await sleep(Math.min(1000, this.nextFreeMs - now));
      await heartbeat();
      now = this.clock();
    }
    this.nextFreeMs = Math.max(now, this.nextFreeMs) + (n * 1000) / rate;
  }
}
