/**
 * Issue 10's "Must show" for poison records, on a real broker: a crafted `__proto__` record and a
 * record whose processing throws, mixed into a 50k-record stream on two partitions. The app runs
 * in process (real Kafka source, dead-letter topic and checkpoints) with its decoder wrapped to
 * throw on the marker record — no fault-injection switch in production code. The monitor keeps
 * running, both records reach the dead-letter topic (reason, error and original bytes), every
 * window's item_count equals the exact count of the good records, and a restart on the same group
 * and checkpoints resumes past them: it never sees them again and the dead-letter topic stays at 2.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { CaptureLineGenerator } from '../bench/support/capture-lines.js';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { RecordErrorReason } from '../src/errors.js';
import type { RecordDecoder } from '../src/record/decoder.js';
import { DEAD_LETTER_HEADERS } from '../src/sink/kafka-dead-letter.js';
import { produceAll, readTopic, topicEndOffsets, type OutMessage } from './support/kafka.js';
import { reportCounts, windowFolder } from './support/capture-stream.js';
import { kafkaMonitorWithDeadLetters, writeKafkaConfig } from './support/kafka-monitor.js';
import { describeWithServices } from './support/services.js';
import { metricSum, until } from './support/wait.js';

const RECORDS = 50_000;
const MORE = 5_000;
const PER_SECOND = 500; // 50k records → 100 s of event time, ten 10-second windows
const WINDOW_MS = 10_000;
const GRACE_MS = 2_000;
const START_MS = Date.UTC(2026, 11, 4, 9, 0, 0);
const MARKER = '"eventId":"poison-';

/**
 * Crafted to pollute: every field sits under `__proto__`, so a decoder that assigned JSON into
 * plain objects would find captureData.endpointInput through the prototype chain. Parsed as
 * data it has no capture data at all.
 */
const PROTO_RECORD =
  '{"__proto__":{"polluted":1},"captureData":{"__proto__":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1,2","encoding":"CSV"}}},' +
  '"eventMetadata":{"__proto__":{"eventId":"proto","inferenceTime":"2026-12-04T09:00:30Z"}},"eventVersion":"0"}';

describeWithServices(['kafka'], 'a poison record on a real broker', ({ kafka }) => {
  it('a __proto__ record and a record whose processing throws in a 50k stream: both dead-lettered, windows exact, not met again after a restart', async () => {
    const started = Date.now();
    const { dir, topic, dlt } = await kafkaMonitorWithDeadLetters(kafka.brokers, 'poison', 2);

    const gen = new CaptureLineGenerator(17, START_MS, PER_SECOND);
    const exact = new Map<string, number>();
    const produce = (n: number): OutMessage[] =>
      Array.from({ length: n }, () => {
        const i = gen.index;
        const t = START_MS + Math.floor(i / PER_SECOND) * 1000;
        const key = windowFolder(t - (t % WINDOW_MS), WINDOW_MS);
        exact.set(key, (exact.get(key) ?? 0) + 1);
        return { value: gen.next(), partition: i % 2 };
      });
    const messages = produce(RECORDS);
    const poison = new CaptureLineGenerator(99, START_MS + 40_000, 1).next().replace('"eventId":"', MARKER);
    expect(poison).toContain(MARKER);
    // mid-stream, one on each partition (each partition stays in event-time order)
    messages.splice(20_000, 0, { value: poison, partition: 0 });
    messages.splice(30_001, 0, { value: PROTO_RECORD, partition: 1 });
    await produceAll(kafka.brokers, topic, messages, 2_000);

    const config = loadConfig(
      writeKafkaConfig({
        dir,
        brokers: kafka.brokers,
        topic,
        windows: ['10s'],
        grace: '2s',
        source: { deadLetterTopic: dlt, partitionIdle: '10m' },
        monitorExtra: { checkpointInterval: '1s' },
      }),
    );
    const out = join(dir, 'out');
    const run = async (records: number, windows: number) => {
      let poisonSeen = 0;
      const wrapDecoder = (_monitor: string, inner: RecordDecoder): RecordDecoder => ({
        decode(line, onRow) {
          if (line.includes(MARKER)) {
            poisonSeen++;
            throw new TypeError('cannot read properties of poison');
          }
          return inner.decode(line, onRow);
        },
      });
      const stop = new AbortController();
      const logger = pino({ level: 'info' }, pino.destination({ dest: join(dir, 'driftmon.log'), sync: true, append: true }));
      const app = await startApp(config, { logger, signal: stop.signal, wrapDecoder });
      // a monitor that dies ends the wait at once, with its error
      let died: unknown;
      app.done.catch((e: unknown) => (died = e ?? new Error('monitor failed')));
      const alive = (): void => {
        if (died !== undefined) throw died;
      };
      try {
        await until(`${records} records`, async () => {
          alive();
          return (await metricSum(app.registry, 'driftmon_records_total')) >= records;
        }, 45_000);
        await until(`${windows} windows`, () => {
          alive();
          return reportCounts(out).size >= windows;
        }, 20_000);
        await sleep(500); // nothing more may arrive
      } finally {
        stop.abort();
        await app.done;
        await app.close();
      }
      return {
        poisonSeen,
        records: await metricSum(app.registry, 'driftmon_records_total'),
        processingErrors: await metricSum(app.registry, 'driftmon_records_invalid_total', ['reason', RecordErrorReason.PROCESSING_ERROR]),
        invalid: await metricSum(app.registry, 'driftmon_records_invalid_total'),
      };
    };
    // windows close at end + grace ≤ watermark (the smaller of the two partitions' newest times)
    const closable = (lastMs: number): Map<string, number> => {
      const m = new Map<string, number>();
      for (let s = START_MS; s + WINDOW_MS + GRACE_MS <= lastMs; s += WINDOW_MS) m.set(windowFolder(s, WINDOW_MS), exact.get(windowFolder(s, WINDOW_MS)) as number);
      return m;
    };
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

    // 1. the whole stream: the monitor keeps running past both
    const first = await run(RECORDS + 2, 9);
    expect(first).toEqual({ poisonSeen: 1, records: RECORDS + 2, processingErrors: 1, invalid: 2 });
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    const letters = await readTopic(kafka.brokers, dlt, 2, 20_000);
    const byReason = new Map(letters.map((m) => [m.headers?.[DEAD_LETTER_HEADERS.reason]?.toString(), m]));
    expect([...byReason.keys()].sort()).toEqual([RecordErrorReason.MISSING_CAPTURE_DATA, RecordErrorReason.PROCESSING_ERROR]);
    const thrown = byReason.get(RecordErrorReason.PROCESSING_ERROR);
    expect(thrown?.value?.toString()).toBe(poison);
    expect(thrown?.headers?.[DEAD_LETTER_HEADERS.error]?.toString()).toBe('TypeError: cannot read properties of poison');
    expect(thrown?.headers?.[DEAD_LETTER_HEADERS.source]?.toString()).toBe(`${topic}/0@10000`);
    const proto = byReason.get(RecordErrorReason.MISSING_CAPTURE_DATA);
    expect(proto?.value?.toString()).toBe(PROTO_RECORD);
    expect(proto?.headers?.[DEAD_LETTER_HEADERS.source]?.toString()).toBe(`${topic}/1@15000`);
    expect(reportCounts(out)).toEqual(closable(START_MS + (RECORDS / PER_SECOND - 1) * 1000));

    // 2. restart on the same group and checkpoints, with 10 more seconds of traffic: it resumes
    // after both records, and the window left open at the stop closes with its exact count
    await produceAll(kafka.brokers, topic, produce(MORE), 2_000);
    const second = await run(MORE, 10);
    expect(second).toEqual({ poisonSeen: 0, records: MORE, processingErrors: 0, invalid: 0 });
    expect([...(await topicEndOffsets(kafka.brokers, dlt)).values()].reduce((a, b) => a + b, 0)).toBe(2);
    expect(reportCounts(out)).toEqual(closable(START_MS + ((RECORDS + MORE) / PER_SECOND - 1) * 1000));
    console.log(`poison-record scenario on the broker: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);
});
