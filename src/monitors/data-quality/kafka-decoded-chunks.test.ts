/**
 * Chunks decoded in a Kafka fetch worker (ChunkDecoding, packed and unpacked as they cross threads,
 * then kafkaDecodedBatch with the features of chunks never handed over carried forward, as
 * KafkaSource does) give the data-quality monitor exactly what decoding the same chunks on its own
 * thread gives (kafkaRawBatch): the same reports, dead letters and counts — while back-off samples
 * keyed messages by their key and keyless ones row by row, with blank and invalid-UTF-8 messages,
 * a chunk handed over from the middle, and features first seen in chunks decoded ahead and dropped.
 */
import { describe, expect, it } from 'vitest';
import { BackoffController } from '../backoff.js';
import { decodeSpec } from './decode-task.js';
import { NOW, baselineOf, runPipeline } from './test-support/run-lines.js';
import type { MonitorSettings } from '../../config/load.js';
import { ChunkDecoding } from '../../source/kafka-chunk-decoding.js';
import { kafkaDecodedBatch, kafkaRawBatch } from '../../source/kafka-batch.js';
import { packChunk, unpackChunk } from '../../source/kafka-chunk-transfer.js';
import type { DecodedBlock } from '../../record/decoded-block.js';
import type { DecodedChunk, FetchedChunk, FetchedMessage } from '../../source/kafka-fetcher.js';
import type { RawBatch, Source } from '../../source/source.js';

const T0 = Date.UTC(2026, 0, 1);
const CHUNK = 50;
const CHUNKS = 40;
/** Chunk 7 is handed over from its 20th message on (the rest were processed before a restart). */
const RESUMED = { chunk: 7, from: 20 };

/** Seeded xorshift32 in [0, 1). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

function chunks(): FetchedChunk[] {
  const r = rng(7);
  const out: FetchedChunk[] = [];
  let offset = 0;
  for (let c = 0; c < CHUNKS; c++) {
    const messages: FetchedMessage[] = [];
    for (let i = 0; i < CHUNK; i++) {
      const n = c * CHUNK + i;
      const id = r() < 0.2 ? '' : `,"inferenceId":"inf-${n}"`;
      // features first seen in chunks that are decoded ahead and dropped (see run)
      const extra = c % 5 === 3 && i === 10 ? `,"extra${c}":${n}` : '';
      let value: Buffer | null = Buffer.from(`{"inferenceTime":${T0 + n * 400}${id},"age":${20 + Math.floor(r() * 50)},"region":"r${Math.floor(r() * 4)}"${extra}}`);
      const roll = r();
      if (roll < 0.02) value = null;
      else if (roll < 0.04) value = Buffer.from(' \n');
      else if (roll < 0.06) value = Buffer.concat([Buffer.from('{"age":'), Buffer.from([0xff, 0xfe]), Buffer.from('}')]);
      else if (roll < 0.08) value = Buffer.from('{not json');
      const key = r() < 0.5 ? null : Buffer.from(`inf-${n}`);
      messages.push({ offset: String(offset), timestamp: String(T0 + n), key, value });
      offset++;
    }
    out.push({ topic: 't', partition: 0, highWatermark: CHUNK * CHUNKS, fetchedOffset: c * CHUNK, first: c === 0, messages });
  }
  return out;
}

/** What the pipeline thread is handed: each chunk decoded here, or in a "worker" (ChunkDecoding) and carried over. */
function batches(settings: MonitorSettings, baseline: Awaited<ReturnType<typeof baselineOf>>, inWorker: boolean): RawBatch[] {
  const all = chunks();
  const decoding = new ChunkDecoding(decodeSpec(settings, baseline), CHUNK);
  const unregistered: DecodedBlock['newFeatures'][number][] = [];
  const out: RawBatch[] = [];
  for (const [c, chunk] of all.entries()) {
    const handed = c === RESUMED.chunk ? RESUMED.from : 0;
    const messages = chunk.messages.slice(handed);
    const nextOffset = Number(chunk.messages[CHUNK - 1]?.offset) + 1;
    if (!inWorker) {
      out.push(kafkaRawBatch('t', 0, messages, nextOffset));
      continue;
    }
    // decoded ahead, then not the chunk that comes (a seek): chunks 3, 8, … are decoded first here
    const ahead = all[c + 1];
    if (c % 5 === 2 && ahead !== undefined) decoding.prepare(ahead);
    const crossed = unpackChunk(packChunk(decoding.decoded(chunk)).packed);
    const next = all[c + 1];
    if (c % 5 === 1 && next !== undefined) decoding.prepare(next); // the right one this time
    const decoded = crossed.decoded as DecodedChunk;
    unregistered.push(...decoded.block.newFeatures);
    if (c === 12) continue; // a chunk the source does not hand over (a seek back): its features still count
    out.push(kafkaDecodedBatch('t', 0, crossed.messages, { ...decoded, block: { ...decoded.block, newFeatures: unregistered.splice(0) } }, handed, nextOffset));
  }
  return inWorker ? out : out.filter((_b, c) => c !== 12);
}

async function run(inWorker: boolean) {
  const baseline = await baselineOf(['age', 'region'], Array.from({ length: 40 }, (_, i) => `${20 + i},r${i % 4}`));
  const settings = { maxLineLength: 20_000, maxFutureSkewMs: 3_600_000, maxFeatures: 100 };
  const record = { format: 'flat-json' } as const;
  const full = { ...settings, record } as unknown as MonitorSettings;
  const list = batches(full, baseline, inWorker);
  const source: Source = {
    description: 'chunks',
    partitioned: false,
    async *batches() {
      yield* list;
    },
    lag: () => ({ records: 1e9, seconds: 0 }),
    close: async () => {},
  };
  const backoff = new BackoffController({ sampleRatio: 0.4, budgets: { lagRecords: 1000, lagSeconds: 1e9, diskUsage: 1 } });
  backoff.update({ lagRecords: 1e9 });
  expect(backoff.ratio).toBe(0.4);
  return runPipeline(record, baseline, [], { settings: { ...settings, backoff: { sampleRatio: 0.4, budgets: { lagRecords: 1000, lagSeconds: 1e9, diskUsage: 1 } } }, source, backoff, clock: () => NOW });
}

describe('chunks decoded in the Kafka fetch worker', () => {
  it('give the monitor what decoding them on its thread gives, sampled the same way', async () => {
    const here = await run(false);
    const there = await run(true);
    expect(here.summary.sampledOut).toBeGreaterThan(100);
    expect(here.summary.blankLines).toBeGreaterThan(10);
    expect(Object.keys(here.summary.invalid).length).toBeGreaterThanOrEqual(2);
    expect(here.reports.reports.length).toBeGreaterThanOrEqual(3);
    const { closedAtMs: _a, ...hereSummary } = here.summary as unknown as Record<string, unknown>;
    const { closedAtMs: _b, ...thereSummary } = there.summary as unknown as Record<string, unknown>;
    expect(thereSummary).toEqual(hereSummary);
    expect(there.deadLetters.letters).toEqual(here.deadLetters.letters);
    expect(JSON.stringify(there.reports.reports)).toBe(JSON.stringify(here.reports.reports));
    // the features first seen in chunks decoded ahead reached the reports
    expect(JSON.stringify(here.reports.reports)).toContain('extra3');
  });
});
