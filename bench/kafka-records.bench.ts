/**
 * npm run bench:records — kafkajs's record-batch decoding against driftmon's
 * (src/source/kafkajs-record-batches.ts), in this process, no broker (build first: npm run build).
 *
 * A partition's fetched `messages` as a broker returns it for issue 13 (d)'s topic: BATCHES record
 * batches of PER_BATCH records (default 20 × 500), each a ~520-byte 20-feature capture line
 * (bench/support/capture-lines.ts) keyed by a 36-character id, no headers, uncompressed (--gzip:
 * gzip batches), encoded by kafkajs's own encoders. ROUNDS times, in alternating order, each decoder
 * (kafkajs's own fetch/v4/decodeMessages.js, loaded past our module-cache entry, and ours) decodes
 * it REPEAT times (default 100), timed from a forced GC to another after it (so each pays for its
 * garbage); records per second per decoder and round, the ratio ours /
 * kafkajs per round, and its median and min–max are printed and written to
 * bench/results/kafka-records-latest.json (+ a dated copy). Before timing, both outputs are
 * checked to agree (count, first and last offset, a value).
 *
 * --only ours|kafkajs decodes with one decoder for --seconds (default 20) and writes nothing: for
 * `node --cpu-prof dist/bench/kafka-records.bench.js --only …` self-time comparisons.
 *
 *   npm run bench:records [-- --batches N --per-batch N --rounds N --repeat N --gzip --only ours|kafkajs --seconds N]
 */
import { decodeMessages, kafkajsOwnDecodeMessages } from '../src/source/kafkajs-record-batches.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs, fmt, log, machine, median, round3 } from './support/bench-kit.js';
import { CaptureLineGenerator } from './support/capture-lines.js';

const args = benchArgs(process.argv.slice(2));
const BATCHES = args.num('batches', 20);
const PER_BATCH = args.num('per-batch', 500);
const ROUNDS = args.num('rounds', 9);
const REPEAT = args.num('repeat', 100);
const GZIP = args.flag('gzip');
const ONLY = args.opt('only', '');
const SECONDS = args.num('seconds', 20);

const require = createRequire(import.meta.url);
const P = 'kafkajs/src/protocol/';
interface Encoded {
  buffer: Buffer;
}
const Decoder = require(`${P}decoder.js`) as new (b: Buffer) => unknown;
const { RecordBatch } = require(`${P}recordBatch/v0/index.js`) as { RecordBatch: (a: Record<string, unknown>) => Promise<Encoded> };
const Record = require(`${P}recordBatch/record/v0/index.js`) as (a: Record<string, unknown>) => Encoded;

type Decode = (decoder: unknown) => Promise<unknown[]>;
interface Decoded {
  offset: string;
  value: Buffer;
}
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

/** The fetch's `messages` field (size first), as decodeMessages reads it. */
async function fetchedMessages(): Promise<{ input: Buffer; valueBytes: number }> {
  const startMs = Date.UTC(2026, 11, 5);
  const lines = new CaptureLineGenerator(13, startMs, 1000);
  const batches: Buffer[] = [];
  let valueBytes = 0;
  for (let b = 0; b < BATCHES; b++) {
    const records: Encoded[] = [];
    for (let i = 0; i < PER_BATCH; i++) {
      const value = Buffer.from(lines.next());
      valueBytes += value.length;
      // a producer's batch spans a few milliseconds
      records.push(Record({ offsetDelta: i, timestampDelta: Math.floor(i / 100), key: Buffer.from(value.toString('latin1', 0, 36)), value }));
    }
    const firstOffset = 1_000_000 + b * PER_BATCH;
    const firstTimestamp = startMs + b * 5;
    const batch = await RecordBatch({ compression: GZIP ? 1 : 0, firstOffset, firstTimestamp, maxTimestamp: firstTimestamp + 4, lastOffsetDelta: PER_BATCH - 1, records });
    batches.push(batch.buffer);
  }
  const messages = Buffer.concat(batches);
  const size = Buffer.alloc(4);
  size.writeInt32BE(messages.length);
  return { input: Buffer.concat([size, messages]), valueBytes };
}

/** Records per second over `repeat` decodes of `input`, the collection of their garbage included (none left from before). */
async function timed(decode: Decode, input: Buffer, repeat: number): Promise<number> {
  gc();
  const t0 = performance.now();
  let n = 0;
  for (let k = 0; k < repeat; k++) n += (await decode(new Decoder(input))).length;
  gc();
  const s = (performance.now() - t0) / 1000;
  return n / s;
}

async function main(): Promise<void> {
  const { input, valueBytes } = await fetchedMessages();
  const total = BATCHES * PER_BATCH;
  const decoders: Record<'kafkajs' | 'ours', Decode> = { kafkajs: kafkajsOwnDecodeMessages() as Decode, ours: decodeMessages as Decode };
  log(`fetch: ${BATCHES} batches × ${PER_BATCH} records, ${fmt(input.length)} bytes (values average ${Math.round(valueBytes / total)} bytes)${GZIP ? ', gzip' : ''}`);

  const a = (await decoders.kafkajs(new Decoder(input))) as Decoded[];
  const b = (await decoders.ours(new Decoder(input))) as Decoded[];
  const agree = (xs: Decoded[]): string => `${xs.length} ${xs[0]?.offset} ${xs.at(-1)?.offset} ${xs.at(-1)?.value.toString('latin1', 0, 60)}`;
  if (agree(a) !== agree(b) || a.length !== total) throw new Error(`the decoders disagree: ${agree(a)} / ${agree(b)}`);

  if (ONLY === 'ours' || ONLY === 'kafkajs') {
    const decode = decoders[ONLY];
    const until = performance.now() + SECONDS * 1000;
    let fetches = 0;
    while (performance.now() < until) {
      await decode(new Decoder(input));
      fetches++;
    }
    log(`${ONLY}: ${fmt((fetches * total) / SECONDS)} records/s over ${SECONDS} s`);
    return;
  }

  for (const name of ['kafkajs', 'ours'] as const) await timed(decoders[name], input, Math.max(2, REPEAT / 4)); // warm-up
  const rounds: { round: number; order: string; kafkajs_records_per_s: number; ours_records_per_s: number; ratio: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['kafkajs', 'ours'] as const) : (['ours', 'kafkajs'] as const);
    const rate: Record<string, number> = {};
    for (const name of order) rate[name] = await timed(decoders[name], input, REPEAT);
    const k = rate.kafkajs as number;
    const o = rate.ours as number;
    rounds.push({ round: r + 1, order: order.join(','), kafkajs_records_per_s: Math.round(k), ours_records_per_s: Math.round(o), ratio: round3(o / k) });
    log(`round ${r + 1} (${order.join(' then ')}): kafkajs ${fmt(k)}/s, ours ${fmt(o)}/s, ratio ${(o / k).toFixed(2)}`);
  }
  const ratios = rounds.map((x) => x.ratio);
  const result = {
    bench: 'kafka-records',
    date: new Date().toISOString(),
    machine: machine(),
    fetch: { batches: BATCHES, records_per_batch: PER_BATCH, bytes: input.length, mean_value_bytes: Math.round(valueBytes / total), key_bytes: 36, headers: 0, compression: GZIP ? 'gzip' : 'none' },
    rounds_n: ROUNDS,
    fetches_per_round: REPEAT,
    ratio_ours_over_kafkajs: { median: round3(median(ratios)), min: Math.min(...ratios), max: Math.max(...ratios) },
    kafkajs_records_per_s_median: Math.round(median(rounds.map((x) => x.kafkajs_records_per_s))),
    ours_records_per_s_median: Math.round(median(rounds.map((x) => x.ours_records_per_s))),
    rounds,
  };
  log(`ratio ours / kafkajs: median ${result.ratio_ours_over_kafkajs.median}, min ${result.ratio_ours_over_kafkajs.min}, max ${result.ratio_ours_over_kafkajs.max}`);
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const suffix = GZIP ? '-gzip' : '';
  writeFileSync(join(dir, `kafka-records${suffix}-latest.json`), text);
  writeFileSync(join(dir, `kafka-records${suffix}-${result.date.slice(0, 10)}.json`), text);
  process.stdout.write(text);
}

await main();
