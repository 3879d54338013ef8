/**
 * actions.kafka, the violations topic, through the built CLI on a real broker: a monitor following
 * a capture file with twelve one-minute windows, four of which violate (an extra column), is
 * killed with SIGKILL twice while it sends and restarted. A file source keeps no checkpoint, so
 * each restart reports every window again: the harshest case for exactly once. Read back
 * read_committed, the topic holds exactly one message per violating window (key = the monitor,
 * header = the window's identity, value = the webhook's body), none for clean windows. A monitor
 * over Kafka sends on its source's brokers (none given), and a SIGKILL after its first message
 * neither loses nor repeats one (its restart resumes from the checkpoint).
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createKafka } from '../src/source/kafka-client.js';
import { runCli } from './support/cli.js';
import { DriftmonProcess } from './support/driftmon-process.js';
import { createTopic, produceAll, uniqueTopic } from './support/kafka.js';
import { captureLines, replayDirs } from './support/replay-fixture.js';
import { describeWithServices } from './support/services.js';

const MONITOR = 'vtopic';
const BAD = [1, 3, 4, 7]; // minutes whose rows carry an extra column (extra_column_check)
const MINUTES = 12; // the last stays open (follow: true), so windows 0–10 are reported

const windowStart = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

/** Capture lines, one a second; rows of the BAD minutes get one more input column. */
function captureOf(): string[] {
  const lines: string[] = [];
  for (let m = 0; m < MINUTES; m++) {
    const minute = captureLines(m * 60, 60);
    lines.push(...(BAD.includes(m) ? minute.map((l) => l.replace(/("data":")([^"]*)(")/, '$1$2,7$3')) : minute));
  }
  return lines;
}

/** The monitor's source: the capture file (followed), or a Kafka topic. */
const fileSource = (cap: string): string => `{ type: files, paths: ["${join(cap, 'capture.jsonl')}"], follow: true }`;

function config(dir: string, source: string, baselineDir: string, topic: string, brokers: readonly string[] | undefined): string {
  const file = join(dir, 'driftmon.yaml');
  writeFileSync(
    file,
    [
      'monitors:',
      `  - name: ${MONITOR}`,
      `    source: ${source}`,
      `    baseline: { dir: "${baselineDir}" }`,
      '    windows: [1m]',
      `output: { dir: "${join(dir, 'out')}" }`,
      `state: { dir: "${join(dir, 'state')}" }`,
      'http: { port: 0 }',
      'log: { level: info }',
      `actions: { kafka: { topic: ${topic}${brokers ? `, brokers: [${brokers.map((b) => `"${b}"`).join(', ')}]` : ''} } }`,
      '',
    ].join('\n'),
  );
  return file;
}

/** Every committed message of the topic (read_committed, through driftmon's own kafkajs setup). */
async function readCommitted(brokers: readonly string[], topic: string): Promise<{ key: string; id: string; body: { window_start: string; violations: number; kind: string } }[]> {
  const kafka = createKafka({ brokers, clientId: 'violations-topic-test', ssl: false }, pino({ level: 'silent' }));
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueTopic('vtopic-reader'), maxWaitTimeInMs: 200 });
  const got: { key: string; id: string; body: { window_start: string; violations: number; kind: string } }[] = [];
  const reached = new Set<number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('topic not read to its end in 20 s')), 20_000);
      const check = (partition: number, last: number): void => {
        if (last + 1 >= Number(ends.find((e) => e.partition === partition)?.high ?? 0)) reached.add(partition);
        if (reached.size === ends.length) {
          clearTimeout(timer);
          resolve();
        }
      };
      for (const e of ends) if (Number(e.high) === 0) check(e.partition, -1);
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => check(e.payload.partition, Number(e.payload.lastOffset)));
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            got.push({ key: m.key?.toString() ?? '', id: m.headers?.['driftmon-report-key']?.toString() ?? '', body: JSON.parse(m.value?.toString() ?? 'null') as never });
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/** The topic holds exactly one message per violating window, keyed by the monitor, none for clean windows. */
async function expectOnePerViolatingWindow(brokers: readonly string[], topic: string, note: string): Promise<void> {
  const messages = await readCommitted(brokers, topic);
  expect(messages.map((m) => m.id).sort(), note).toEqual(BAD.map((m) => `${MONITOR}/data-quality/1m/${windowStart(m)}`).sort());
  for (const m of messages) {
    expect(m.key).toBe(MONITOR);
    expect(m.body.kind).toBe('data-quality');
    expect(m.body.violations).toBeGreaterThan(0);
    expect(m.id).toBe(`${MONITOR}/data-quality/1m/${m.body.window_start}`);
  }
}

const spoolDepth = (dir: string): number => {
  const spool = join(dir, 'state', 'actions', 'kafka', MONITOR);
  return existsSync(spool) ? readdirSync(spool).filter((f) => /^\d+-\d+\.json$/.test(f)).length : 0;
};
/** Lines of the monitor's report index (each run appends one per window it reports). */
const reportedWindows = (dir: string): number => {
  const index = join(dir, 'out', MONITOR, 'index.jsonl');
  return existsSync(index) ? readFileSync(index, 'utf8').trim().split('\n').length : 0;
};

describeWithServices(['kafka'], 'actions.kafka: the violations topic (real broker)', ({ kafka }) => {
  it('one message per violating window, exactly once across two SIGKILLs and restarts', async () => {
    const { dir, baselineDir, cap } = await replayDirs('driftmon-vtopic-');
    writeFileSync(join(cap, 'capture.jsonl'), `${captureOf().join('\n')}\n`);
    const topic = uniqueTopic('violations');
    const file = config(dir, fileSource(cap), baselineDir, topic, kafka.brokers);
    const logs: string[] = [];
    const sent = { action: 'kafka', outcome: 'sent' };

    // 1: killed right after its first message is committed (the others are spooled or in flight)
    const first = await DriftmonProcess.start(file);
    await first.waitForMetric('driftmon_actions_total', (v) => v >= 1, 30_000, sent);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    logs.push(first.stderr);

    // 2: every window reported again; killed as soon as it has sent or skipped one
    const second = await DriftmonProcess.start(file);
    await second.waitForMetric('driftmon_actions_total', (v) => v >= 1, 30_000, { action: 'kafka' });
    second.kill('SIGKILL');
    expect((await second.exited).signal).toBe('SIGKILL');
    logs.push(second.stderr);

    // 3: runs until every window is reported again (the index gains a line per window) and the spool is empty, then stops
    const before = reportedWindows(dir);
    const last = await DriftmonProcess.start(file);
    const deadline = Date.now() + 30_000;
    while ((reportedWindows(dir) < before + MINUTES - 1 || spoolDepth(dir) > 0) && Date.now() < deadline) await sleep(100);
    await sleep(500); // nothing more may arrive
    const duplicates = await last.metric('driftmon_actions_total', { action: 'kafka', outcome: 'duplicate' });
    last.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);
    logs.push(last.stderr);
    writeFileSync(join(dir, 'driftmon.log'), logs.join('\n----- restart -----\n'));

    expect(reportedWindows(dir) - before).toBe(MINUTES - 1);
    expect(spoolDepth(dir)).toBe(0);
    await expectOnePerViolatingWindow(kafka.brokers, topic, `logs in ${dir}/driftmon.log`);
    expect(duplicates, `logs in ${dir}/driftmon.log`).toBeGreaterThanOrEqual(1); // the re-reported windows were found on the topic
  }, 60_000);

  it("a monitor over Kafka: the topic on its source's brokers, exactly once across a SIGKILL after the first message", async () => {
    const { dir, baselineDir } = await replayDirs('driftmon-vtopic-kafka-');
    const input = uniqueTopic('vtopic-input');
    await createTopic(kafka.brokers, input, 1);
    await produceAll(kafka.brokers, input, captureOf().map((value) => ({ value })));
    const topic = uniqueTopic('violations');
    const source = `{ type: kafka, brokers: [${kafka.brokers.map((b) => `"${b}"`).join(', ')}], topics: [${input}], groupId: ${input}.group, fromBeginning: true, maxMessagesPerSecond: 200, sessionTimeout: 6s }`; // a restart waits out the killed member's session
    const file = config(dir, source, baselineDir, topic, undefined); // no brokers: the source's

    const first = await DriftmonProcess.start(file);
    await first.waitForMetric('driftmon_actions_total', (v) => v >= 1, 30_000, { action: 'kafka', outcome: 'sent' });
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const logs = [first.stderr];
    const last = await DriftmonProcess.start(file);
    // until every window was reported (by one run or the other) and the spool is empty
    const deadline = Date.now() + 30_000;
    while ((reportedWindows(dir) < MINUTES - 1 || spoolDepth(dir) > 0) && Date.now() < deadline) await sleep(100);
    await sleep(500);
    last.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);
    logs.push(last.stderr);
    writeFileSync(join(dir, 'driftmon.log'), logs.join('\n----- restart -----\n'));
    await expectOnePerViolatingWindow(kafka.brokers, topic, `logs in ${dir}/driftmon.log`);
  }, 60_000);
});

describe('actions.kafka config', () => {
  it('a monitor over files with no brokers for the topic is listed with the other problems (exit 2)', async () => {
    const { dir, baselineDir, cap } = await replayDirs('driftmon-vtopic-bad-');
    const file = config(dir, fileSource(cap), baselineDir, 'violations', undefined);
    writeFileSync(file, readFileSync(file, 'utf8').replace('topic: violations', 'topic: violations, lookback: never'));
    const r = await runCli(['replay', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`/actions/kafka/brokers: required, since monitor "${MONITOR}" reads files, not Kafka`);
    expect(r.stderr).toContain('/actions/kafka/lookback: "never" is not a positive duration');
  });
});
