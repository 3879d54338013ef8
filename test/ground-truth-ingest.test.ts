/**
 * Ground-truth ingestion on the real Kafka broker (scripts/services/services.sh): driftmon's app
 * serving POST /v1/ground-truth over real HTTP (127.0.0.1, port 0), labels landing on a
 * 3-partition topic exactly once per event ID — bodies posted twice, overlapping bodies, a
 * restart on the same state dir, `driftmon label FILE` — and 401 / 413 / 400 answers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHandle } from '../src/app.js';
import { buildProgram } from '../src/cli/program.js';
import { resolveConfig } from '../src/config/load.js';
import { RecordErrorReason } from '../src/errors.js';
import { GROUND_TRUTH_PATH } from '../src/ingest/ground-truth-route.js';
import { GroundTruthDecoder } from '../src/record/ground-truth-decoder.js';
import { KafkaLabelProducer } from '../src/ingest/kafka-label-producer.js';
import { describeLabelProducerContract } from '../src/ingest/label-producer.contract.js';
import { createTopic, kafkaClient, readTopic, topicEndOffsets, uniqueTopic } from './support/kafka.js';
import { describeWithServices } from './support/services.js';

const MONITOR_FIXTURES = join(import.meta.dirname, 'fixtures', 'sagemaker', 'aws__sagemaker-python-sdk', 'tests', 'data', 'monitor');
const ACTUALS = join(MONITOR_FIXTURES, 'actuals.jsonl');
const TOKEN = 'gt-integration-token';

const eventIdOf = (line: string): string => (JSON.parse(line) as { eventMetadata: { eventId: string } }).eventMetadata.eventId;

describeWithServices(['kafka'], 'ground-truth ingestion on a real broker', ({ kafka: svc }) => {
  describeLabelProducerContract('KafkaLabelProducer', async () => {
    const topic = uniqueTopic('driftmon-test-labels-contract');
    await createTopic(svc.brokers, topic, 1);
    const producer = new KafkaLabelProducer({ kafka: kafkaClient(svc.brokers), topic });
    return {
      producer,
      read: async (n) => (await readTopic(svc.brokers, topic, n, 30_000)).map((m) => ({ key: m.key!.toString('utf8'), value: m.value!.toString('utf8') })),
    };
  });

  describe('POST /v1/ground-truth served by the app', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-gt-it-'));
    const topic = uniqueTopic('driftmon-test-ground-truth');
    const actuals = readFileSync(ACTUALS, 'utf8');
    const actualLines = actuals.split('\n').filter((l) => l.trim() !== '');
    const extra = Array.from({ length: 10 }, (_v, i) => JSON.stringify({ inferenceId: `flat-${i}`, label: i % 2, time: Date.UTC(2026, 4, 1, 12, i) }));
    let app: AppHandle;
    let expectedIds: string[] = [];

    const start = async (): Promise<AppHandle> => {
      const config = resolveConfig(
        {
          monitors: [{ name: 'm', source: { type: 'stdin' }, baseline: { dir: MONITOR_FIXTURES }, windows: ['1h'] }],
          output: { dir: join(dir, 'out') },
          state: { dir: join(dir, 'state') },
          http: { host: '127.0.0.1', port: 0 },
          groundTruthIngest: { topic, brokers: svc.brokers, tokenEnvs: ['GT_TOKEN_OLD', 'GT_TOKEN'], bodyLimitBytes: 64 * 1024 },
        },
        { baseDir: dir, env: { GT_TOKEN: TOKEN, GT_TOKEN_OLD: 'rotated-out-soon' } },
      );
      const handle = await startApp(config, { stdin: Readable.from([]), logger: pino({ level: 'silent' }) });
      await handle.done; // the empty stdin monitor ends; HTTP keeps serving until close()
      return handle;
    };
    const post = (body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' }) =>
      fetch(`${app.url}${GROUND_TRUTH_PATH}`, { method: 'POST', headers, body });

    beforeAll(async () => {
      await createTopic(svc.brokers, topic, 3);
      app = await start();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('202 only after acks: the same body twice and an overlapping body put each event on the topic once', async () => {
      const first = await post(actuals);
      expect(first.status).toBe(202);
      expect(await first.json()).toEqual({ accepted: actualLines.length, duplicates: 0 });
      // acknowledged means readable now: every record is already on the topic
      const afterFirst = [...(await topicEndOffsets(svc.brokers, topic)).values()].reduce((a, b) => a + b, 0);
      expect(afterFirst).toBe(actualLines.length);

      const again = await post(actuals);
      expect(await again.json()).toEqual({ accepted: 0, duplicates: actualLines.length });
      const overlap = [...actualLines.slice(-4), ...extra].join('\n');
      const third = await post(overlap);
      expect(await third.json()).toEqual({ accepted: 10, duplicates: 4 });
      // concurrent posts of one new body: exactly one copy accepted
      const racing = Array.from({ length: 4 }, (_v, k) => JSON.stringify({ eventId: `race-${k}`, label: 'x' })).join('\n');
      const results = await Promise.all([post(racing), post(racing), post(racing)]);
      const answers = (await Promise.all(results.map((r) => r.json()))) as { accepted: number; duplicates: number }[];
      expect(answers.reduce((n, a) => n + a.accepted, 0)).toBe(4);
      expect(answers.reduce((n, a) => n + a.duplicates, 0)).toBe(8);

      expectedIds = [...actualLines.map(eventIdOf), ...extra.map((l) => (JSON.parse(l) as { inferenceId: string }).inferenceId), ...['race-0', 'race-1', 'race-2', 'race-3']];
      const total = [...(await topicEndOffsets(svc.brokers, topic)).values()].reduce((a, b) => a + b, 0);
      expect(total).toBe(expectedIds.length);
      const messages = await readTopic(svc.brokers, topic, expectedIds.length, 30_000);
      const keys = messages.map((m) => m.key!.toString('utf8'));
      expect(keys.sort()).toEqual([...expectedIds].sort());
      // values: SageMaker ground-truth records; SDK lines keep their data and encoding
      const decoder = new GroundTruthDecoder();
      const byId = new Map(messages.map((m) => [m.key!.toString('utf8'), m.value!.toString('utf8')]));
      for (const line of actualLines) {
        const sent = JSON.parse(line) as { groundTruthData: unknown };
        expect(JSON.parse(byId.get(eventIdOf(line))!)).toEqual({ groundTruthData: sent.groundTruthData, eventMetadata: { eventId: eventIdOf(line) }, eventVersion: '0' });
      }
      const flat3 = decoder.decode(byId.get('flat-3')!);
      expect(flat3).toEqual({ ok: true, record: { eventId: 'flat-3', labels: [1], labelTimeMs: Date.UTC(2026, 4, 1, 12, 3) } });
      // the keys spread over the partitions (key = event ID)
      expect(new Set(messages.map((m) => m.partition)).size).toBeGreaterThan(1);
      // Prometheus counters on /metrics
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^driftmon_ground_truth_accepted_total ${expectedIds.length}$`, 'm'));
      expect(metrics).toMatch(/^driftmon_ground_truth_requests_total\{status="202"\} 6$/m);
    });

    it('401 without a valid token, 413 over the body limit, 400 listing every invalid record; nothing produced', async () => {
      const before = [...(await topicEndOffsets(svc.brokers, topic)).values()].reduce((a, b) => a + b, 0);
      const body = `${JSON.stringify({ eventId: 'never-1', label: 1 })}\n`;
      const noAuth = await post(body, { 'content-type': 'application/x-ndjson' });
      expect(noAuth.status).toBe(401);
      expect(noAuth.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await post(body, { authorization: 'Bearer wrong', 'content-type': 'application/x-ndjson' })).status).toBe(401);

      const big = Array.from({ length: 1000 }, (_v, i) => JSON.stringify({ eventId: `never-big-${i}`, label: 'y'.repeat(60) })).join('\n');
      expect(Buffer.byteLength(big)).toBeGreaterThan(64 * 1024);
      expect((await post(big)).status).toBe(413);

      const mixed = [JSON.stringify({ eventId: 'never-2', label: 0 }), 'nope', JSON.stringify({ label: 0 }), JSON.stringify({ eventId: 'never-3', label: { no: 1 } })].join('\n');
      const bad = await post(mixed);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        accepted: 0,
        duplicates: 0,
        errors: [
          { index: 1, line: 2, reason: RecordErrorReason.NOT_JSON, message: expect.any(String) },
          { index: 2, line: 3, reason: RecordErrorReason.MISSING_EVENT_ID, message: expect.any(String) },
          { index: 3, line: 4, reason: RecordErrorReason.BAD_PAYLOAD, message: expect.any(String) },
        ],
      });
      const after = [...(await topicEndOffsets(svc.brokers, topic)).values()].reduce((a, b) => a + b, 0);
      expect(after).toBe(before);
    });

    it('after a restart on the same state dir, and through `driftmon label FILE`, nothing is produced twice', async () => {
      await app.close();
      app = await start();
      const file = join(dir, 'labels.jsonl');
      const fresh = Array.from({ length: 25 }, (_v, i) => JSON.stringify({ inferenceId: `cli-${i}`, label: i % 3 }));
      // the SDK file again (all duplicates by now) plus 25 new labels; small batches
      writeFileSync(file, `${actuals.trimEnd()}\n${fresh.join('\n')}\n`);
      const out: string[] = [];
      const err: string[] = [];
      const io = { env: { DRIFTMON_LABEL_TOKEN: TOKEN }, stdin: Readable.from([]), out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTTY: false, signal: new AbortController().signal };
      const code = await buildProgram(io).run(['node', 'driftmon', 'label', file, '--url', app.url!, '--batch', '10']);
      expect(err.join('')).toBe('');
      expect(code).toBe(0);
      expect(out.join('')).toBe(`${file}: accepted 25, duplicates ${actualLines.length}, rejected 0\n`);
      // and a second run: all duplicates
      out.length = 0;
      expect(await buildProgram(io).run(['node', 'driftmon', 'label', file, '--url', app.url!])).toBe(0);
      expect(out.join('')).toBe(`${file}: accepted 0, duplicates ${actualLines.length + 25}, rejected 0\n`);

      const all = [...expectedIds, ...fresh.map((l) => (JSON.parse(l) as { inferenceId: string }).inferenceId)];
      const total = [...(await topicEndOffsets(svc.brokers, topic)).values()].reduce((a, b) => a + b, 0);
      expect(total).toBe(all.length);
      const keys = (await readTopic(svc.brokers, topic, all.length, 30_000)).map((m) => m.key!.toString('utf8'));
      expect(keys.sort()).toEqual(all.sort());

      // a file with a bad line: exit 4 and the line named
      const badFile = join(dir, 'bad.jsonl');
      writeFileSync(badFile, `${JSON.stringify({ inferenceId: 'cli-bad-0', label: 1 })}\n{"inferenceId":"cli-bad-1"}\n`);
      err.length = 0;
      expect(await buildProgram(io).run(['node', 'driftmon', 'label', badFile, '--url', app.url!])).toBe(4);
      expect(err.join('')).toBe(`${badFile}:2: missing_ground_truth: "label" is missing or null\n`);
    });
  });
});
