/**
 * One prefill producer (a worker thread of kafka.bench): record k of the CaptureLineGenerator
 * stream goes to partition k % partitions, keyed by its inferenceId; this worker produces the
 * records of the partitions p with p % workers === worker, in big sends (one record batch of at
 * most `perPartitionBatch` messages per partition, under the broker's 1 MB message.max.bytes),
 * several sends in flight, acks 1, no compression. Every worker walks the whole index sequence
 * (building a line costs little next to encoding and sending it) so record indices, event times
 * and ids are exactly those of one sequential generator.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CompressionTypes, Kafka, logLevel, type Message } from 'kafkajs';
import { CaptureLineGenerator } from './capture-lines.js';
import { inferenceIdOf } from './live-capture-lines.js';

export interface ProduceWorkerData {
  brokers: string[];
  topic: string;
  partitions: number;
  total: number;
  seed: number;
  startMs: number;
  perSecond: number;
  worker: number;
  workers: number;
  perPartitionBatch: number;
  inFlight: number;
  acks: number;
}

export interface ProduceWorkerResult {
  worker: number;
  messages: number;
  bytes: number;
  ms: number;
}

const d = workerData as ProduceWorkerData;

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: `kafka-bench-producer-${d.worker}`, brokers: d.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
  await producer.connect();
  const mine = Array.from({ length: d.partitions }, (_v, p) => p).filter((p) => p % d.workers === d.worker);
  const gen = new CaptureLineGenerator(d.seed, d.startMs, d.perSecond);
  const started = performance.now();
  let messages = 0;
  let bytes = 0;
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown;
  const perSend = d.perPartitionBatch * mine.length;
  let batch: Message[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const messagesOut = batch;
    batch = [];
    const p = producer
      .send({ topic: d.topic, acks: d.acks, compression: CompressionTypes.None, messages: messagesOut })
      .catch((e: unknown) => (failure ??= e))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    while (inFlight.size >= d.inFlight) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
  };
  for (let k = 0; k < d.total; k++) {
    const line = gen.next();
    const partition = k % d.partitions;
    if (partition % d.workers !== d.worker) continue;
    batch.push({ key: inferenceIdOf(line), value: line, partition });
    messages++;
    bytes += line.length;
    if (batch.length >= perSend) {
      await flush();
      if (messages % 100_000 < perSend) parentPort?.postMessage({ progress: messages });
    }
  }
  await flush();
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  const ms = performance.now() - started;
  await producer.disconnect();
  parentPort?.postMessage({ done: { worker: d.worker, messages, bytes, ms } satisfies ProduceWorkerResult });
}

main().catch((e: unknown) => {
  parentPort?.postMessage({ error: (e as Error).stack ?? String(e) });
});
