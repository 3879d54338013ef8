/**
 * Crash safety on a real broker: 200k capture records on a 4-partition topic, `driftmon run`
 * killed with SIGKILL twice mid-stream and restarted. Every closed window's item_count must equal
 * the count computed from what was produced: nothing lost, nothing counted twice. The consumer
 * fetches in a worker thread here (source.fetchInWorker): the same exactly-once through it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { captureStream, reportCounts, wrongCounts } from './support/capture-stream.js';
import { DriftmonProcess } from './support/driftmon-process.js';
import { createTopic, produceAll, uniqueTopic } from './support/kafka.js';
import { buildCaptureBaseline, writeKafkaConfig } from './support/kafka-monitor.js';
import { describeWithServices } from './support/services.js';

const RECORDS = 200_000;
const PARTITIONS = 4;
const PER_SECOND = 1_000; // event time: 1,000 records per second → 200 s, twenty 10-second windows
const WINDOW_MS = 10_000;
const START_MS = Date.UTC(2026, 10, 23, 8, 0, 0);

describeWithServices(['kafka'], 'exactly-once over SIGKILL (real broker)', ({ kafka }) => {
  it('every closed window counts each produced record exactly once across two SIGKILLs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-eo-'));
    await buildCaptureBaseline(dir);
    const topic = uniqueTopic('inference-eo');
    await createTopic(kafka.brokers, topic, PARTITIONS);

    // partition = i mod 4, so each partition is in event-time order and we know its last time;
    // windows close at end + grace ≤ watermark (the smallest partition's largest event time)
    const graceMs = 2_000;
    const { messages, expected } = captureStream({ seed: 5, records: RECORDS, partitions: PARTITIONS, perSecond: PER_SECOND, startMs: START_MS, windowMs: WINDOW_MS, graceMs });
    await produceAll(kafka.brokers, topic, messages);
    expect(expected.size).toBeGreaterThanOrEqual(18);

    const config = writeKafkaConfig({
      dir,
      brokers: kafka.brokers,
      topic,
      windows: ['10s'],
      grace: '2s',
      // slow enough to be killed mid-stream: ~10 s for the whole topic
      source: { maxMessagesPerSecond: 20_000, partitionIdle: '10m', fetchInWorker: true },
      monitorExtra: { checkpointInterval: '1s' },
    });
    const out = join(dir, 'out');

    const kills: number[] = [];
    const logs: string[] = [];
    for (const at of [50_000, 60_000]) {
      const p = await DriftmonProcess.start(config);
      // wait until this run has processed `at` more records, then kill without warning
      await p.waitForMetric('driftmon_records_total', (v) => v >= at, 60_000);
      p.kill('SIGKILL');
      const { signal } = await p.exited;
      logs.push(p.stderr);
      expect(signal).toBe('SIGKILL');
      kills.push(reportCounts(out).size);
    }
    const last = await DriftmonProcess.start(config);
    const deadline = Date.now() + 90_000;
    while (reportCounts(out).size < expected.size && Date.now() < deadline) await sleep(250);
    await sleep(1_000); // nothing more may arrive
    last.kill('SIGTERM');
    const exit = await last.exited;
    expect(exit.code).toBe(0);

    const got = reportCounts(out);
    logs.push(last.stderr);
    writeFileSync(join(dir, 'driftmon.log'), logs.join('\n----- restart -----\n'));
    expect(wrongCounts(expected, got), `logs in ${dir}/driftmon.log`).toEqual([]);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    // the kills really happened mid-stream: some windows were reported before each kill, not all
    expect(kills[0]).toBeGreaterThan(0);
    expect(kills[1]).toBeLessThan(expected.size);
  });
});
