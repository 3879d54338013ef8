/**
 * The record pre-processor on a real broker (hooks.preprocess, README "Hooks"): a monitor reading
 * two partitions with a dead-letter topic and a pre-processor that drops about 10 % of the records
 * (by a hash of the inference ID), throws on some others, loops on one and never settles on
 * another. Every window closes with the exact count of the records kept; the failures reach the
 * dead-letter topic with their reason, the hook's error and the original bytes; the outcomes are
 * on /metrics (driftmon_hook_calls_total, driftmon_hook_restarts_total, records_invalid_total).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { CaptureLineGenerator } from '../bench/support/capture-lines.js';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { RecordErrorReason } from '../src/errors.js';
import { DEAD_LETTER_HEADERS } from '../src/sink/kafka-dead-letter.js';
import { reportCounts, windowFolder } from './support/capture-stream.js';
import { produceAll, readTopic, type OutMessage } from './support/kafka.js';
import { kafkaMonitorWithDeadLetters, writeKafkaConfig } from './support/kafka-monitor.js';
import { describeWithServices } from './support/services.js';
import { metricSum, until } from './support/wait.js';

const RECORDS = 6_000;
const PER_SECOND = 100; // 60 s of event time: six 10-second windows, five of them closable
const WINDOW_MS = 10_000;
const GRACE_MS = 2_000;
const START_MS = Date.UTC(2026, 11, 5, 8, 0, 0);

const digest = (id: string): Buffer => createHash('sha256').update(id).digest();

describeWithServices(['kafka'], 'the record pre-processor on a real broker', ({ kafka }) => {
  it('drops, throws, loops and never settles on chosen records: windows exact, failures dead-lettered with their bytes, outcomes on /metrics', async () => {
    const { dir, topic, dlt } = await kafkaMonitorWithDeadLetters(kafka.brokers, 'kafka-hooks', 2);

    const gen = new CaptureLineGenerator(23, START_MS, PER_SECOND);
    const messages: OutMessage[] = [];
    const ids: string[] = [];
    for (let i = 0; i < RECORDS; i++) {
      const value = gen.next();
      ids.push((JSON.parse(value) as { eventMetadata: { inferenceId: string } }).eventMetadata.inferenceId);
      messages.push({ value, partition: i % 2 });
    }
    const loops = ids[1_001] as string;
    const hangs = ids[3_002] as string;
    const outcome = (id: string): 'dropped' | 'failed' | 'timeout' | 'kept' =>
      id === loops || id === hangs ? 'timeout' : (digest(id)[1] as number) < 4 ? 'failed' : (digest(id)[0] as number) % 10 === 0 ? 'dropped' : 'kept';
    writeFileSync(
      join(dir, 'pre.mjs'),
      `import { createHash } from 'node:crypto';
export function preprocess(record) {
  const d = createHash('sha256').update(record.inferenceId).digest();
  if (record.inferenceId === ${JSON.stringify(loops)}) for (;;) {}
  if (record.inferenceId === ${JSON.stringify(hangs)}) return new Promise(() => {});
  if (d[1] < 4) throw new Error('refused ' + record.inferenceId);
  return d[0] % 10 === 0 ? null : record;
}
`,
    );
    await produceAll(kafka.brokers, topic, messages, 2_000);

    const counts = { kept: 0, dropped: 0, failed: 0, timeout: 0 };
    const exact = new Map<string, number>();
    ids.forEach((id, i) => {
      const o = outcome(id);
      counts[o]++;
      const t = START_MS + Math.floor(i / PER_SECOND) * 1000;
      if (o === 'kept') exact.set(windowFolder(t - (t % WINDOW_MS), WINDOW_MS), (exact.get(windowFolder(t - (t % WINDOW_MS), WINDOW_MS)) ?? 0) + 1);
    });
    expect(counts.failed).toBeGreaterThan(40); // about 1/64 of 6,000
    expect(counts.dropped).toBeGreaterThan(400); // about 10 %
    const lastMs = START_MS + (RECORDS / PER_SECOND - 1) * 1000;
    const expected = new Map<string, number>();
    for (let s = START_MS; s + WINDOW_MS + GRACE_MS <= lastMs; s += WINDOW_MS) expected.set(windowFolder(s, WINDOW_MS), exact.get(windowFolder(s, WINDOW_MS)) ?? 0);

    const config = loadConfig(
      writeKafkaConfig({
        dir,
        brokers: kafka.brokers,
        topic,
        windows: ['10s'],
        grace: '2s',
        source: { deadLetterTopic: dlt, partitionIdle: '10m' },
        monitorExtra: { checkpointInterval: '1s', hooks: { preprocess: { module: 'pre.mjs', timeout: '500ms' } } },
      }),
    );
    const stop = new AbortController();
    const logger = pino({ level: 'info' }, pino.destination({ dest: join(dir, 'driftmon.log'), sync: true }));
    const app = await startApp(config, { logger, signal: stop.signal });
    let died: unknown;
    app.done.catch((e: unknown) => (died = e ?? new Error('monitor failed')));
    const out = join(dir, 'out');
    try {
      await until(`${RECORDS} records`, async () => {
        if (died !== undefined) throw died;
        return (await metricSum(app.registry, 'driftmon_records_total')) >= RECORDS;
      }, 60_000);
      await until(`${expected.size} windows`, () => reportCounts(out).size >= expected.size, 20_000);
      await sleep(500);
      const calls = async (o: string): Promise<number> => (await app.registry.getSingleMetric('driftmon_hook_calls_total')?.get())?.values.filter((v) => v.labels.outcome === o && v.labels.hook === 'preprocess').reduce((a, v) => a + v.value, 0) ?? 0;
      expect({ kept: await calls('kept'), dropped: await calls('dropped'), failed: await calls('failed'), timeout: await calls('timeout') }).toEqual(counts);
      expect(await metricSum(app.registry, 'driftmon_hook_restarts_total')).toBe(2);
      expect(await metricSum(app.registry, 'driftmon_records_invalid_total', ['reason', RecordErrorReason.HOOK_FAILED])).toBe(counts.failed);
      expect(await metricSum(app.registry, 'driftmon_records_invalid_total', ['reason', RecordErrorReason.HOOK_TIMEOUT])).toBe(2);
      expect(await metricSum(app.registry, 'driftmon_rows_total')).toBe(counts.kept);
      expect(reportCounts(out)).toEqual(expected);
    } finally {
      stop.abort();
      await app.done;
      await app.close();
    }
    const letters = await readTopic(kafka.brokers, dlt, counts.failed + counts.timeout, 20_000);
    const byValue = new Map(letters.map((m) => [m.value?.toString() as string, m]));
    ids.forEach((id, i) => {
      const o = outcome(id);
      const letter = byValue.get((messages[i] as OutMessage).value as string);
      if (o === 'kept' || o === 'dropped') expect(letter).toBeUndefined();
      else {
        expect(letter?.headers?.[DEAD_LETTER_HEADERS.reason]?.toString()).toBe(o === 'failed' ? RecordErrorReason.HOOK_FAILED : RecordErrorReason.HOOK_TIMEOUT);
        expect(letter?.headers?.[DEAD_LETTER_HEADERS.error]?.toString()).toBe(o === 'failed' ? `Error: refused ${id}` : 'did not return within 500 ms');
      }
    });
  }, 120_000);
});
