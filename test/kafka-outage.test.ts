/**
 * Broker outages on a real, private broker (test/support/private-kafka.ts, stopped and started on
 * the same ports and data; the shared broker is never touched):
 * - SIGTERM during start-up (before the group join), with the broker up, and with it down (during
 *   the outage below): a clean stop at once, exit 0, no "internal error".
 * - The broker stopped for 30 s mid-stream: consumption resumes within 5 s of it being ready again
 *   (the figure is printed).
 * - SIGTERM with the broker down: the process exits within shutdownTimeout + 2 s, with the code
 *   README documents for a stop whose offsets could not be committed.
 * - The restart afterwards loses and double-counts nothing: every closed window's item_count equals
 *   the exact count of what was produced.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { captureStream, reportCounts, wrongCounts } from './support/capture-stream.js';
import { DriftmonProcess } from './support/driftmon-process.js';
import { createTopic, produceAll, uniqueTopic } from './support/kafka.js';
import { buildCaptureBaseline, writeKafkaConfig } from './support/kafka-monitor.js';
import { describeWithPrivateKafka, kafkaLogTail, startPrivateKafka, type PrivateKafka } from './support/private-kafka.js';

const RECORDS = 80_000;
const PARTITIONS = 2;
const PER_SECOND = 1_000; // event time: 80 s, eight 10-second windows
const WINDOW_MS = 10_000;
const GRACE_MS = 2_000;
const START_MS = Date.UTC(2026, 10, 30, 9, 0, 0);
const SHUTDOWN_TIMEOUT_MS = 5_000;
/** README's exit code for a stop whose final offsets could not be committed in time. */
const EXIT_STOPPED_UNCOMMITTED = 6;

/** Waits for the exit (SIGKILL after limitMs); returns how long it took from `since` (ms). */
async function exitAfter(p: DriftmonProcess, since: number, limitMs: number): Promise<{ code: number | null; signal: string | null; ms: number }> {
  const timer = setTimeout(() => p.kill('SIGKILL'), limitMs);
  const r = await p.exited;
  clearTimeout(timer);
  return { ...r, ms: Date.now() - since };
}

describeWithPrivateKafka('broker outages and bounded shutdown (private broker)', (install) => {
  let kafka: PrivateKafka;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftmon-outage-'));
    [kafka] = await Promise.all([startPrivateKafka(install), buildCaptureBaseline(dir)]);
  });
  afterAll(async () => {
    await kafka?.cleanup();
  });

  /** A monitor config of its own (state, reports) under dir/<name>, sharing the baseline. */
  function config(name: string, topic: string, source: Record<string, unknown> = {}): { path: string; out: string } {
    const sub = join(dir, name);
    mkdirSync(sub, { recursive: true });
    const path = writeKafkaConfig({
      dir: sub,
      brokers: kafka.brokers,
      topic,
      windows: ['10s'],
      grace: `${GRACE_MS / 1000}s`,
      source: { partitionIdle: '10m', groupId: `driftmon-${name}`, ...source },
      monitorExtra: { checkpointInterval: '1s', baseline: { dir: join(dir, 'baseline') } },
    });
    // shutdownTimeout is a top-level setting: append it to the generated YAML
    writeFileSync(path, `${readFileSync(path, 'utf8')}shutdownTimeout: ${SHUTDOWN_TIMEOUT_MS / 1000}s\n`);
    return { path, out: join(sub, 'out') };
  }

  /** Starts `driftmon run` on its own config, sends SIGTERM after waitMs; exits cleanly within the bound. */
  async function sigtermDuringStartup(name: string, topic: string, waitMs: number): Promise<void> {
    const p = await DriftmonProcess.start(config(name, topic).path);
    await sleep(waitMs);
    const t0 = Date.now();
    p.kill('SIGTERM');
    const r = await exitAfter(p, t0, 60_000);
    console.log(`SIGTERM during start-up (${name}): exit ${r.code} after ${r.ms} ms`);
    expect(p.stderr).not.toMatch(/internal error/);
    expect(r.code, p.stderr).toBe(0);
    expect(r.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 2_000);
  }

  it('SIGTERM during start-up, before the group join, stops cleanly at once', async () => {
    const topic = uniqueTopic('startup');
    await createTopic(kafka.brokers, topic, 1);
    // "metrics at" is printed before the consumer connects and joins its group
    await sigtermDuringStartup('startup-up', topic, 0);
  });

  it('a 30 s outage mid-stream: resumes ≤ 5 s after the broker is back; SIGTERM with the broker down exits within shutdownTimeout + 2 s; the restart counts every window exactly', async () => {
    const topic = uniqueTopic('outage');
    await createTopic(kafka.brokers, topic, PARTITIONS);
    const { messages, expected } = captureStream({ seed: 7, records: RECORDS, partitions: PARTITIONS, perSecond: PER_SECOND, startMs: START_MS, windowMs: WINDOW_MS, graceMs: GRACE_MS });
    await produceAll(kafka.brokers, topic, messages, 2_000); // ≤ 1 MB per partition batch (the broker's default limit)
    expect(expected.size).toBe(7);

    // slow enough that both outages fall mid-stream: ~16 s for the whole topic
    const { path, out } = config('outage', topic, { maxMessagesPerSecond: 5_000 });
    const logs: string[] = [];
    const first = await DriftmonProcess.start(path);
    try {
      await first.waitForMetric('driftmon_records_total', (v) => v >= 15_000, 60_000);
      await kafka.stop();
      const stoppedAt = Date.now();
      // the outage: 30 s; whatever was fetched before it is processed in the first seconds
      await sigtermDuringStartup('startup-down', topic, 2_000); // connecting to a broker that is not there
      await sleep(Math.max(0, 20_000 - (Date.now() - stoppedAt)));
      const during = await first.metric('driftmon_records_total');
      await sleep(Math.max(0, 30_000 - (Date.now() - stoppedAt)));
      const before = await first.metric('driftmon_records_total');
      expect(before, 'nothing can be consumed while the broker is down').toBe(during);
      expect(before).toBeLessThan(RECORDS * 0.6);

      await kafka.start();
      const readyAt = Date.now();
      await first.waitForMetric('driftmon_records_total', (v) => v > before, 60_000);
      const resumeMs = Date.now() - readyAt;
      console.log(`consumption resumed ${(resumeMs / 1000).toFixed(1)} s after the broker was ready again (30 s outage)`);
      expect(resumeMs).toBeLessThanOrEqual(5_000);

      // the second outage: SIGTERM while the broker is down
      await first.waitForMetric('driftmon_records_total', (v) => v >= before + 10_000, 60_000);
      await kafka.stop();
      const t0 = Date.now();
      first.kill('SIGTERM');
      const stop = await exitAfter(first, t0, 120_000);
      logs.push(first.stderr);
      console.log(`SIGTERM with the broker down: exit ${stop.code} after ${stop.ms} ms (shutdownTimeout ${SHUTDOWN_TIMEOUT_MS} ms)`);
      expect(stop.ms).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS + 2_000);
      expect(stop.code).toBe(EXIT_STOPPED_UNCOMMITTED);
      expect(first.stderr).not.toMatch(/internal error/);
    } finally {
      writeFileSync(join(dir, 'driftmon-outage.log'), first.stderr);
      console.log(`logs of the run through the outages: ${join(dir, 'driftmon-outage.log')}`);
      first.kill('SIGKILL');
      if (!kafka.running) await kafka.start();
    }

    // the restart: every closed window exactly once
    const last = await DriftmonProcess.start(path);
    const deadline = Date.now() + 90_000;
    while (reportCounts(out).size < expected.size && Date.now() < deadline) await sleep(250);
    await sleep(1_000); // nothing more may arrive
    last.kill('SIGTERM');
    const end = await exitAfter(last, Date.now(), 60_000);
    logs.push(last.stderr);
    writeFileSync(join(dir, 'driftmon.log'), logs.join('\n----- restart -----\n'));
    expect(end.code, `logs in ${dir}/driftmon.log\n${kafkaLogTail(kafka, 5)}`).toBe(0);
    const got = reportCounts(out);
    expect(wrongCounts(expected, got), `logs in ${dir}/driftmon.log`).toEqual([]);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  }, 240_000);
});
