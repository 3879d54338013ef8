/**
 * The same-run baseline of kafka.bench: a bare kafkajs consumer in its own process, with the
 * consumer settings driftmon's KafkaSource uses (fetch sizes, wait time, one partition at a time,
 * no auto-commit), a fresh group from the beginning, eachBatch turning every value into a string
 * and nothing else. With `parse`, it also parses every value as a program that merely reads and
 * parses the stream would (what issue 13 calls "reading and parsing its input"): `json`, JSON.parse
 * of the capture line; `csv`, that and then each CSV field of its input and output data through Number. It prints one JSON line every `tickMs` ({"t": epoch ms, "n": messages so far}),
 * the way kafka.bench samples driftmon's /metrics, and a last line with exact times once `expected`
 * messages arrived; then it leaves the group and exits.
 *
 *   node dist/bench/support/bare-consumer.js '{"brokers":["…"],"topic":"…","groupId":"…","expected":N}'
 */
import { Kafka, logLevel } from 'kafkajs';

interface BareOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  expected: number;
  tickMs?: number;
  maxBytesPerPartition?: number;
  maxBytes?: number;
  maxWaitTimeInMs?: number;
  partitionsConsumedConcurrently?: number;
  /** Also JSON.parse each value (`json`), and Number() each CSV field of its data (`csv`). */
  parse?: 'json' | 'csv';
}

interface CaptureData {
  captureData?: { endpointInput?: { data?: unknown }; endpointOutput?: { data?: unknown } };
}

/** Number() of every CSV field of `data` (a string); the count of finite ones, so the work is used. */
function parseCsvNumbers(data: unknown): number {
  if (typeof data !== 'string') return 0;
  let finite = 0;
  for (const f of data.split(',')) if (Number.isFinite(Number(f))) finite++;
  return finite;
}

const o = JSON.parse(process.argv[2] ?? '{}') as BareOptions;
const kafka = new Kafka({ clientId: 'kafka-bench-bare', brokers: o.brokers, logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({
  groupId: o.groupId,
  sessionTimeout: 30_000,
  heartbeatInterval: 3000,
  maxBytesPerPartition: o.maxBytesPerPartition ?? 4 * 1024 * 1024,
  maxBytes: o.maxBytes ?? 32 * 1024 * 1024,
  maxWaitTimeInMs: o.maxWaitTimeInMs ?? 500,
  allowAutoTopicCreation: false,
});

let n = 0;
let chars = 0;
let numbers = 0;
let firstMs = 0;
let doneMs = 0;
const startedMs = Date.now();
const out = (x: unknown): void => void process.stdout.write(`${JSON.stringify(x)}\n`);
const tick = setInterval(() => out({ t: Date.now(), n }), o.tickMs ?? 250);

let finish: () => void = () => undefined;
const finished = new Promise<void>((resolve) => (finish = resolve));

await consumer.connect();
await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
  eachBatch: async ({ batch }) => {
    if (firstMs === 0) firstMs = Date.now();
    const ms = batch.messages;
    for (let i = 0; i < ms.length; i++) {
      const v = ms[i]?.value;
      const s = v === null || v === undefined ? '' : v.toString('utf8');
      chars += s.length;
      if (o.parse !== undefined) {
        const c = (JSON.parse(s) as CaptureData).captureData;
        if (o.parse === 'csv') numbers += parseCsvNumbers(c?.endpointInput?.data) + parseCsvNumbers(c?.endpointOutput?.data);
        else if (c !== undefined) numbers++;
      }
    }
    n += ms.length;
    if (n >= o.expected && doneMs === 0) {
      doneMs = Date.now();
      finish();
    }
  },
});
await finished;
clearInterval(tick);
out({ t: doneMs, n });
out({ done: true, n, chars, numbers, startedMs, firstMs, doneMs, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 });
await consumer.disconnect();
process.exit(0);
