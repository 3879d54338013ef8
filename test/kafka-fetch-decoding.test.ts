/**
 * Decoding in the Kafka fetch worker (source.fetchInWorker on a data-quality monitor: the worker
 * decodes each chunk into a DecodedBlock, kafka-chunk-decoding.ts) against decoding on the
 * pipeline's thread, on a real broker: the same hostile stream — keyed and keyless messages, blank
 * values, invalid UTF-8, a line over maxLineLength, records that are not JSON or miss their capture
 * data, a record with more columns than the baseline — read by two fresh groups, one each way.
 * Every window's report files are the same bytes (but for when they were written), the dead-letter
 * topics hold the same letters (reason, source, key, original bytes), and the counts agree.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { CaptureLineGenerator } from '../bench/support/capture-lines.js';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { DEAD_LETTER_HEADERS } from '../src/sink/kafka-dead-letter.js';
import { createTopic, produceAll, readTopic, uniqueTopic, type OutMessage } from './support/kafka.js';
import { reportCounts, windowFolder } from './support/capture-stream.js';
import { kafkaMonitorWithDeadLetters, writeKafkaConfig } from './support/kafka-monitor.js';
import { describeWithServices } from './support/services.js';
import { metricSum, until } from './support/wait.js';

const RECORDS = 30_000;
const PER_SECOND = 500;
const WINDOW_MS = 10_000;
const GRACE_MS = 2_000;
const START_MS = Date.UTC(2026, 11, 4, 9, 0, 0);
const MAX_LINE = 4_000;

/** Every file under `dir`, by path, with the times a report was written blanked. */
function reportFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8').replace(/"(closed_at|written_at|generated_at)":\s*"[^"]*"/g, '"$1":""'));
    }
  };
  walk(dir);
  return out;
}

describeWithServices(['kafka'], 'decoding in the Kafka fetch worker', ({ kafka }) => {
  it('gives the same reports, dead letters and counts as decoding on the pipeline thread', async () => {
    const { dir, topic } = await kafkaMonitorWithDeadLetters(kafka.brokers, 'fetchdecode', 1);
    const gen = new CaptureLineGenerator(23, START_MS, PER_SECOND);
    const messages: OutMessage[] = [];
    let hostile = 0;
    for (let i = 0; i < RECORDS; i++) {
      const line = gen.next();
      // one partition: rows reach the windows in one order both ways (sketches depend on it)
      const partition = 0;
      // every third message keyless; the rest keyed by a text of their own
      const key = i % 3 === 0 ? null : `k-${i}`;
      messages.push({ key, value: line, partition });
      if (i % 997 !== 5) continue;
      // a hostile message after this one, on the same partition, in turn
      const k = hostile++ % 6;
      const value =
        k === 0 ? ''
        : k === 1 ? '  \t '
        : k === 2 ? Buffer.concat([Buffer.from(line.slice(0, 40)), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(line.slice(40))])
        : k === 3 ? '{not json'
        : k === 4 ? `${line.slice(0, -1)},"pad":"${'x'.repeat(MAX_LINE)}"}`
        : line.replace('"data":"', '"data":"1.5,2.5,3.5,');
      messages.push({ key: k % 2 === 0 ? null : `h-${i}`, value, partition });
    }
    await produceAll(kafka.brokers, topic, messages, 500);

    const run = async (name: string, fetchInWorker: boolean) => {
      const dlt = uniqueTopic(`fetchdecode-dlq-${name}`);
      await createTopic(kafka.brokers, dlt, 1);
      const runDir = join(dir, name);
      mkdirSync(runDir, { recursive: true });
      const config = loadConfig(
        writeKafkaConfig({
          dir: runDir,
          brokers: kafka.brokers,
          topic,
          windows: ['10s'],
          grace: '2s',
          source: { deadLetterTopic: dlt, partitionIdle: '10m', groupId: uniqueTopic(`fetchdecode-${name}`), fetchInWorker },
          monitorExtra: { baseline: { dir: join(dir, 'baseline') }, maxLineLength: MAX_LINE, backoff: { enabled: false } },
        }),
      );
      const stop = new AbortController();
      const logger = pino({ level: 'info' }, pino.destination({ dest: join(runDir, 'driftmon.log'), sync: true, append: true }));
      const app = await startApp(config, { logger, signal: stop.signal });
      let died: unknown;
      app.done.catch((e: unknown) => (died = e ?? new Error('monitor failed')));
      const out = join(runDir, 'out');
      // windows close at end + grace ≤ the newest event time
      const closable = Math.floor((RECORDS / PER_SECOND - 1) * 1000 - GRACE_MS) / WINDOW_MS;
      try {
        await until('every message', async () => {
          if (died !== undefined) throw died;
          return (await metricSum(app.registry, 'driftmon_kafka_messages_consumed_total')) >= messages.length;
        }, 60_000);
        await until('the closable windows', () => reportCounts(out).size >= Math.floor(closable), 20_000);
        await sleep(500);
      } finally {
        stop.abort();
        await app.done;
        await app.close();
      }
      const counts: Record<string, number> = {};
      for (const m of ['driftmon_records_total', 'driftmon_rows_total', 'driftmon_blank_lines_total', 'driftmon_records_invalid_total', 'driftmon_dead_letters_total']) counts[m] = await metricSum(app.registry, m);
      const letters = (await readTopic(kafka.brokers, dlt, counts.driftmon_dead_letters_total as number, 20_000)).map((m) => ({
        reason: m.headers?.[DEAD_LETTER_HEADERS.reason]?.toString(),
        source: m.headers?.[DEAD_LETTER_HEADERS.source]?.toString(),
        key: m.key?.toString('hex') ?? null,
        value: m.value?.toString('hex'),
      }));
      letters.sort((a, b) => (a.source as string).localeCompare(b.source as string));
      return { counts, letters, reports: reportFiles(out), windows: reportCounts(out) };
    };

    const inThread = await run('in-thread', false);
    const inWorker = await run('in-worker', true);
    expect(inThread.counts.driftmon_blank_lines_total).toBeGreaterThan(0);
    expect(inThread.letters.length).toBeGreaterThan(10);
    expect(new Set(inThread.letters.map((l) => l.reason)).size).toBeGreaterThanOrEqual(3);
    expect(inThread.windows.get(windowFolder(START_MS, WINDOW_MS))).toBeGreaterThan(0);
    expect(inWorker.counts).toEqual(inThread.counts);
    expect(inWorker.letters).toEqual(inThread.letters);
    expect(inWorker.windows).toEqual(inThread.windows);
    expect([...inWorker.reports.keys()].sort()).toEqual([...inThread.reports.keys()].sort());
    for (const [path, text] of inThread.reports) expect(inWorker.reports.get(path), path).toBe(text);
  }, 180_000);
});
