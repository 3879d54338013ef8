/**
 * Prefill a fresh topic for the Kafka benches: `records` 20-feature capture lines
 * (CaptureLineGenerator, `eventRate` records per second of event time from `startMs`, keyed by
 * inferenceId, record k to partition k % partitions) written by `producers` worker-thread
 * producers (produce-worker.ts: acks 1, no compression). The topic is registered with the bench's
 * clean-up before anything is written to it.
 */
import { Worker } from 'node:worker_threads';
import { createTopic } from '../../test/support/kafka.js';
import { fmt, log, round3, type BenchCleanup } from './bench-kit.js';
import type { ProduceWorkerData, ProduceWorkerResult } from './produce-worker.js';

export interface PrefillOptions {
  brokers: string[];
  topic: string;
  partitions: number;
  records: number;
  producers: number;
  eventRate: number;
  seed: number;
  startMs: number;
}

export interface PrefillResult {
  topic: string;
  partitions: number;
  records: number;
  bytes: number;
  avg_value_bytes: number;
  producers: number;
  seconds: number;
  records_per_s: number;
  mb_per_s: number;
}

export async function prefill(o: PrefillOptions, cleanup: BenchCleanup): Promise<PrefillResult> {
  await createTopic(o.brokers, o.topic, o.partitions);
  cleanup.topics.add(o.topic);
  const started = performance.now();
  const progress = new Array<number>(o.producers).fill(0);
  let lastLog = 0;
  const results = await Promise.all(
    Array.from({ length: o.producers }, (_v, w) => {
      const data: ProduceWorkerData = {
        brokers: o.brokers,
        topic: o.topic,
        partitions: o.partitions,
        total: o.records,
        seed: o.seed,
        startMs: o.startMs,
        perSecond: o.eventRate,
        worker: w,
        workers: o.producers,
        perPartitionBatch: 1000,
        inFlight: 4,
        acks: 1,
      };
      const worker = cleanup.trackWorker(new Worker(new URL('./produce-worker.js', import.meta.url), { workerData: data }));
      return new Promise<ProduceWorkerResult>((resolve, reject) => {
        worker.on('message', (m: { progress?: number; done?: ProduceWorkerResult; error?: string }) => {
          if (m.progress !== undefined) {
            progress[w] = m.progress;
            const total = progress.reduce((a, b) => a + b, 0);
            if (total - lastLog >= 500_000) {
              lastLog = total;
              log(`  produced ${fmt(total)} / ${fmt(o.records)}`);
            }
          } else if (m.done !== undefined) resolve(m.done);
          else if (m.error !== undefined) reject(new Error(`producer ${w}: ${m.error}`));
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`producer ${w} exited with ${code}`));
        });
      });
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const records = results.reduce((a, r) => a + r.messages, 0);
  const bytes = results.reduce((a, r) => a + r.bytes, 0);
  if (records !== o.records) throw new Error(`produced ${records}, expected ${o.records}`);
  return {
    topic: o.topic,
    partitions: o.partitions,
    records,
    bytes,
    avg_value_bytes: Math.round(bytes / records),
    producers: o.producers,
    seconds: round3(seconds),
    records_per_s: Math.round(records / seconds),
    mb_per_s: Number((bytes / 2 ** 20 / seconds).toFixed(1)),
  };
}
