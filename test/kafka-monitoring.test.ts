/**
 * driftmon run on a real broker, as deployed: reports to a real S3 server, malformed messages to a
 * dead-letter topic, metrics scraped by a real Prometheus; and back-off under throttled lag.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect, it } from 'vitest';
import { CaptureLineGenerator } from '../bench/support/capture-lines.js';
import { DriftmonProcess, sumMetric } from './support/driftmon-process.js';
import { createTopic, produceAll, readTopic, uniqueTopic, type OutMessage } from './support/kafka.js';
import { buildCaptureBaseline, writeKafkaConfig } from './support/kafka-monitor.js';
import { startPrometheus } from './support/private-prometheus.js';
import { describeWithServices, s3TestClient } from './support/services.js';

const START_MS = Date.UTC(2026, 10, 23, 9, 0, 0);

/** Malformed variants of a valid capture line, one per reason, and the reason driftmon must give. */
const MALFORMED: [reason: string, make: (line: string) => string][] = [
  ['not_json', (l) => l.slice(0, 40)],
  ['missing_capture_data', (l) => l.replace('"captureData"', '"somethingElse"')],
  ['missing_event_time', (l) => l.replace(/"inferenceTime":"[^"]*"/, '"other":"x"')],
  ['bad_event_time', (l) => l.replace(/"inferenceTime":"[^"]*"/, '"inferenceTime":"yesterday"')],
  ['unsupported_encoding', (l) => l.replace('"encoding":"CSV"', '"encoding":"XML"')],
];


async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of r.Contents ?? []) keys.push(o.Key as string);
    token = r.NextContinuationToken;
  } while (token);
  return keys;
}

describeWithServices(['kafka', 's3', 'prometheus'], 'driftmon run on Kafka → S3, dead-letter topic, Prometheus', ({ kafka, s3 }) => {
  it('Prometheus sees the drift gauge over threshold for the drifted feature only; 1,000 malformed messages reach the dead-letter topic by reason; reports land in S3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-kmon-'));
    await buildCaptureBaseline(dir);
    const topic = uniqueTopic('inference-mon');
    const dlq = `${topic}-dlq`;
    await createTopic(kafka.brokers, topic, 3);

    // 60,000 valid records over 60 s of event time; f3 ×3 from the 30th second on; 1,000 malformed mixed in
    const gen = new CaptureLineGenerator(11, START_MS, 1_000, 20_011, { fromIndex: 30_000, feature: 'f3', factor: 3 });
    const messages: OutMessage[] = [];
    const expectedReasons: Record<string, number> = {};
    for (let i = 0; i < 60_000; i++) {
      const line = gen.next();
      const id = /"inferenceId":"([^"]+)"/.exec(line)?.[1] as string;
      messages.push({ key: id, value: line });
      if (i % 60 === 7 && messages.length < 61_000) {
        const [reason, make] = MALFORMED[Object.values(expectedReasons).reduce((a, b) => a + b, 0) % MALFORMED.length] as (typeof MALFORMED)[number];
        expectedReasons[reason] = (expectedReasons[reason] ?? 0) + 1;
        messages.push({ key: `bad-${i}`, value: make(line) });
      }
    }
    const malformed = Object.values(expectedReasons).reduce((a, b) => a + b, 0);
    expect(malformed).toBe(1_000);
    await produceAll(kafka.brokers, topic, messages);

    const prefix = `it/${topic}`;
    const config = writeKafkaConfig({
      dir,
      brokers: kafka.brokers,
      topic,
      windows: ['10s'],
      grace: '1s',
      source: { deadLetterTopic: dlq },
      output: { s3: { bucket: s3.bucket, prefix, endpoint: s3.endpoint, region: s3.region, forcePathStyle: true } },
    });
    const p = await DriftmonProcess.start(config, { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey });
    const prom = await startPrometheus({ targets: [new URL(p.url as string).host], scrapeIntervalS: 1 });
    try {
      await p.waitForMetric('driftmon_records_total', (v) => v >= messages.length, 60_000);

      // dead letters: every malformed message on the topic, with its reason header, counted by reason
      const letters = await readTopic(kafka.brokers, dlq, malformed, 30_000);
      expect(letters).toHaveLength(malformed);
      const byReason: Record<string, number> = {};
      for (const m of letters) {
        const reason = (m.headers?.['driftmon-reason'] as Buffer).toString();
        byReason[reason] = (byReason[reason] ?? 0) + 1;
        expect((m.headers?.['driftmon-source'] as Buffer).toString()).toMatch(new RegExp(`^${topic}/\\d+@\\d+$`));
      }
      expect(byReason).toEqual(expectedReasons);
      for (const [reason, n] of Object.entries(expectedReasons)) {
        expect(await p.metric('driftmon_records_invalid_total', { reason })).toBe(n);
      }

      // Prometheus: features whose last 10s window is over its drift threshold
      const over = 'driftmon_feature_baseline_drift{window="10s"} > on(monitor, feature) group_left driftmon_feature_baseline_drift_threshold';
      const samples = await prom.waitFor(over, (s) => s.length > 0, 60_000);
      await sleep(3_000); // a few more scrapes: nothing else may cross
      const now = await prom.query(over);
      expect(new Set([...samples, ...now].map((s) => s.metric.feature))).toEqual(new Set(['f3']));
      const all = await prom.query('driftmon_feature_baseline_drift{window="10s"}');
      expect(all.length).toBe(20); // every feature has a gauge; only f3 is over

      // S3: the windows closed so far are there, 4 objects each, with violations only for f3
      await sleep(2_000);
      const client = s3TestClient(s3);
      const keys = await listKeys(client, s3.bucket, `${prefix}/model/10s/`);
      const folders = new Set(keys.map((k) => k.slice(0, k.lastIndexOf('/'))));
      expect(folders.size).toBeGreaterThanOrEqual(4);
      expect(keys.length).toBe(folders.size * 4);
      const violated = new Set<string>();
      for (const f of folders) {
        const body = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${f}/constraint_violations.json` }));
        const v = JSON.parse(await (body.Body as { transformToString(): Promise<string> }).transformToString()) as { violations: { feature_name: string }[] };
        for (const x of v.violations) violated.add(x.feature_name);
      }
      expect(violated).toEqual(new Set(['f3']));
      client.destroy();
    } finally {
      await prom.stop();
      p.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
    }
  });
});

describeWithServices(['kafka'], 'back-off at 75 % of the lag budget (real broker)', ({ kafka }) => {
  it('throttled consumption builds lag: sampling turns on, drift is still detected in sampled windows, full capture returns below 50 %', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-backoff-'));
    await buildCaptureBaseline(dir);
    const topic = uniqueTopic('inference-backoff');
    await createTopic(kafka.brokers, topic, 4);
    const gen = new CaptureLineGenerator(11, START_MS, 1_000, 20_011, { fromIndex: 10_000, feature: 'f3', factor: 3 });
    const messages: OutMessage[] = [];
    for (let i = 0; i < 40_000; i++) {
      const line = gen.next();
      messages.push({ key: /"inferenceId":"([^"]+)"/.exec(line)?.[1] as string, value: line });
    }
    await produceAll(kafka.brokers, topic, messages);

    // budget 20,000 messages of lag: 40,000 waiting is 200 %; consumption throttled to 2,000/s
    const config = writeKafkaConfig({
      dir,
      brokers: kafka.brokers,
      topic,
      windows: ['10s'],
      grace: '1s',
      source: { maxMessagesPerSecond: 2_000 },
      monitorExtra: { backoff: { lagRecords: 20_000, sampleRatio: 0.25 } },
    });
    const p = await DriftmonProcess.start(config);
    try {
      const seen: { ratio: number; lag: number }[] = [];
      let off = false;
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const text = await p.metricsText();
        const ratio = sumMetric(text, 'driftmon_sampling_ratio');
        const lag = sumMetric(text, 'driftmon_kafka_consumer_lag_records');
        if (text.includes('driftmon_sampling_ratio{')) seen.push({ ratio, lag });
        if (seen.some((s) => s.ratio < 1) && ratio === 1) {
          off = true;
          expect(lag).toBeLessThan(10_000); // below 50 % of the budget
          break;
        }
        await sleep(200);
      }
      expect(seen.some((s) => s.ratio === 0.25 && s.lag > 15_000)).toBe(true);
      expect(off).toBe(true);
      expect(await p.metric('driftmon_backoff_transitions_total', { state: 'on' })).toBeGreaterThanOrEqual(1);
      expect(await p.metric('driftmon_backoff_transitions_total', { state: 'off' })).toBeGreaterThanOrEqual(1);
      expect(await p.metric('driftmon_records_sampled_out_total')).toBeGreaterThan(0);

      // windows closed while sampling: their reports say so, counts stand for the traffic, f3 drift found
      const reports: { sampling_rate: number; item_count: number; features: { name: string; violations: string[] }[] }[] = [];
      const walk = (d: string): void => {
        if (!existsSync(d)) return;
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(d, e.name));
          else if (e.name === 'driftmon-report.json') reports.push(JSON.parse(readFileSync(join(d, e.name), 'utf8')) as (typeof reports)[number]);
        }
      };
      walk(join(dir, 'out', 'model'));
      const sampled = reports.filter((r) => r.sampling_rate < 1);
      expect(sampled.length).toBeGreaterThan(0);
      const drifted = sampled.filter((r) => r.features.find((f) => f.name === 'f3')?.violations.includes('baseline_drift_check'));
      expect(drifted.length).toBeGreaterThan(0);
      for (const r of sampled) {
        expect(r.item_count).toBeGreaterThan(8_500); // 10,000 records per window, estimated from ~25 %
        expect(r.item_count).toBeLessThan(11_500);
        for (const f of r.features) if (f.name !== 'f3') expect(f.violations).toEqual([]);
      }
    } finally {
      p.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
    }
  });
});
