/**
 * Issue 12, scale-out on a real broker (docs/scale-out.md): members of one consumer group share a
 * monitor's input partitions, publish partial windows through the partials topic in per-partition
 * transactions, and each window is closed once by its owner with the exact count.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { startApp, type AppHandle } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { captureStream, reportCounts, wrongCounts } from './support/capture-stream.js';
import { createTopic, produceAll, uniqueTopic } from './support/kafka.js';
import { buildCaptureBaseline, writeKafkaConfig } from './support/kafka-monitor.js';
import { describeWithServices } from './support/services.js';
import { metricSum, until } from './support/wait.js';

const WINDOW_MS = 10_000;
const GRACE_MS = 2_000;
const START_MS = Date.UTC(2026, 11, 4, 10, 0, 0);

describeWithServices(['kafka'], 'scale-out over a consumer group (real broker)', ({ kafka }) => {
  it('two members in one process share 4 partitions: every window is reported once, with its exact count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-scale-'));
    await buildCaptureBaseline(dir);
    const topic = uniqueTopic('inference-scale');
    await createTopic(kafka.brokers, topic, 4);
    const stream = captureStream({ seed: 23, records: 40_000, partitions: 4, perSecond: 500, startMs: START_MS, windowMs: WINDOW_MS, graceMs: GRACE_MS });
    await produceAll(kafka.brokers, topic, stream.messages, 4_000);
    const config = loadConfig(
      writeKafkaConfig({
        dir,
        brokers: kafka.brokers,
        topic,
        windows: ['10s'],
        grace: '2s',
        source: { partitionIdle: '10m', scaleOut: { partialsTopic: `${topic}.partials` } },
        monitorExtra: { checkpointInterval: '1s' },
      }),
    );
    const out = join(dir, 'out');
    const stop = new AbortController();
    const logger = pino({ level: 'info' }, pino.destination({ dest: join(dir, 'driftmon.log'), sync: true, append: true }));
    const apps: AppHandle[] = [];
    try {
      for (let i = 0; i < 2; i++) apps.push(await startApp(config, { logger: logger.child({ member: i }), signal: stop.signal }));
      await until(`${stream.expected.size} windows`, () => [...stream.expected.keys()].every((k) => reportCounts(out).has(k)), 90_000);
      await sleep(2_000); // nothing more may close twice
      expect(wrongCounts(stream.expected, reportCounts(out))).toEqual([]);
      const closed = (await Promise.all(apps.map((a) => metricSum(a.registry, 'driftmon_windows_closed_total')))).reduce((a, b) => a + b, 0);
      expect(closed).toBe(reportCounts(out).size); // no window closed twice
      const records = (await Promise.all(apps.map((a) => metricSum(a.registry, 'driftmon_records_total')))).reduce((a, b) => a + b, 0);
      expect(records).toBe(40_000);
    } finally {
      stop.abort();
      for (const a of apps) {
        await a.done.catch(() => undefined);
        await a.close();
      }
    }
  }, 150_000);
});
