/**
 * The contract of a KafkaFetcher (kafka-fetcher.ts), run against each one on a real broker
 * (test/kafka-fetcher.test.ts): the consuming half of KafkaSource, wherever it runs.
 */
import { describe, expect, it } from 'vitest';
import type { ChunkVerdict, FetchedChunk, FetchHandlers, FetchOptions, KafkaFetcher } from './kafka-fetcher.js';

export interface FetcherFixture {
  /** A topic of `partitions` partitions holding `perPartition` messages each: key `k<p>-<i>`, value `v<p>-<i>`, timestamp 1,000 + i. */
  topic(partitions: number, perPartition: number): Promise<string>;
  fetcher(options: FetchOptions): KafkaFetcher;
  /** The group's committed offset of partition `partition` of `topic` (-1: none). */
  committed(groupId: string, topic: string, partition: number): Promise<number>;
  groupId(): string;
}

const options = (topic: string, groupId: string, over: Partial<FetchOptions> = {}): FetchOptions => ({
  groupId,
  topics: [topic],
  fromBeginning: true,
  sessionTimeoutMs: 10_000,
  maxBytesPerPartition: 1024 * 1024,
  maxWaitTimeMs: 100,
  chunkSize: 7,
  ...over,
});

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Connect and run `fetcher`, answering each chunk with `chunk` (group events ignored unless handled). */
async function started(fetcher: KafkaFetcher, handlers: Partial<FetchHandlers> & Pick<FetchHandlers, 'chunk'>): Promise<KafkaFetcher> {
  await fetcher.connect();
  await fetcher.run({ groupJoined: () => undefined, crashed: () => undefined, ...handlers });
  return fetcher;
}

export function describeKafkaFetcherContract(name: string, fixture: () => FetcherFixture): void {
  describe(`KafkaFetcher contract: ${name}`, () => {
    it('delivers every message once, in order per partition, in chunks of at most chunkSize, the group join first; keys, values, offsets and timestamps intact', async () => {
      const f = fixture();
      const topic = await f.topic(2, 20);
      const events: string[] = [];
      const got: FetchedChunk[] = [];
      const fetcher = await started(f.fetcher(options(topic, f.groupId())), {
        groupJoined: (a) => events.push(`join:${JSON.stringify(a[topic] ?? [])}`),
        crashed: (e) => events.push(`crash:${e.message}`),
        chunk: (c) => {
          events.push('chunk');
          got.push(c);
          return Promise.resolve({ kind: 'processed' });
        },
      });
      try {
        await until('40 messages', () => got.reduce((n, c) => n + c.messages.length, 0) >= 40);
        expect(events[0]).toBe('join:[0,1]');
        for (const p of [0, 1]) {
          const mine = got.filter((c) => c.partition === p);
          expect(mine.every((c) => c.messages.length <= 7 && c.topic === topic && c.highWatermark === 20)).toBe(true);
          const messages = mine.flatMap((c) => c.messages);
          expect(messages.map((m) => [m.offset, m.key?.toString(), m.value?.toString(), m.timestamp])).toEqual(
            Array.from({ length: 20 }, (_, i) => [String(i), `k${p}-${i}`, `v${p}-${i}`, String(1_000 + i)]),
          );
          expect(mine[0]).toMatchObject({ first: true, fetchedOffset: 0 });
        }
      } finally {
        await fetcher.disconnect();
      }
    }, 60_000);

    it('a seek verdict drops the rest of the batch and fetches again from the offset; a stop verdict leaves the chunk unresolved', async () => {
      const f = fixture();
      const topic = await f.topic(1, 10);
      const offsets: string[] = [];
      const verdicts: ChunkVerdict[] = [{ kind: 'seek', offset: 2 }, { kind: 'stop' }];
      const fetcher = await started(f.fetcher(options(topic, f.groupId(), { chunkSize: 4 })), {
        chunk: (c) => {
          offsets.push(c.messages.map((m) => m.offset).join(','));
          return Promise.resolve(verdicts.shift() ?? { kind: 'processed' });
        },
      });
      try {
        await until('the last message', () => offsets.some((o) => o.split(',').includes('9')));
        // seek to 2; the chunk from 2 is stopped, so it comes again; then the rest in order
        expect(offsets.slice(0, 3)).toEqual(['0,1,2,3', '2,3,4,5', '2,3,4,5']);
        expect(offsets.slice(3).join(',')).toBe('6,7,8,9');
      } finally {
        await fetcher.disconnect();
      }
    }, 60_000);

    it('commits offsets to the group; pause ends deliveries', async () => {
      const f = fixture();
      const topic = await f.topic(1, 60);
      const groupId = f.groupId();
      let delivered = 0;
      const fetcher = await started(f.fetcher(options(topic, groupId, { chunkSize: 5, maxMessagesPerSecond: 20 })), {
        chunk: (c) => {
          delivered += c.messages.length;
          return Promise.resolve({ kind: 'processed' });
        },
      });
      try {
        await until('10 messages', () => delivered >= 10);
        await fetcher.commitOffsets([{ topic, partition: 0, offset: '10' }]);
        expect(await f.committed(groupId, topic, 0)).toBe(10);
        fetcher.pause([topic]);
        const atPause = delivered;
        await new Promise((r) => setTimeout(r, 1_000));
        // at most the chunk in flight at the pause (20 per second: 5 every 250 ms)
        expect(delivered - atPause).toBeLessThanOrEqual(5);
        expect(delivered).toBeLessThan(60);
      } finally {
        await fetcher.disconnect();
      }
    }, 60_000);
  });
}
