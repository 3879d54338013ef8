import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../errors.js';
import { GroundTruthDecoder } from '../record/ground-truth-decoder.js';
import { AcceptedIdStore } from './accepted-id-store.js';
import { createIngestMetrics } from '../observability/metrics.js';
import { LabelIngestor } from './label-ingestor.js';
import { InMemoryLabelProducer } from './label-producer.js';
import { GROUND_TRUTH_PATH, bearerChecker, groundTruthRoute } from './ground-truth-route.js';

const ACTUALS = new URL('../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/monitor/actuals.jsonl', import.meta.url);
const TOKEN = 'tok-current';
const OLD_TOKEN = 'tok-previous';
const auth = { authorization: `Bearer ${TOKEN}` };
const ndjson = { ...auth, 'content-type': 'application/x-ndjson' };
const sm = (id: string, data = '1'): string => JSON.stringify({ groundTruthData: { data, encoding: 'CSV' }, eventMetadata: { eventId: id }, eventVersion: '0' });
const flat = (id: string, label: unknown = 1): string => JSON.stringify({ inferenceId: id, label });

interface Harness {
  app: FastifyInstance;
  producer: InMemoryLabelProducer;
  registry: Registry;
  store: AcceptedIdStore;
  dir: string;
}

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.app.close();
    await h.store.close();
  }
});

async function harness(options: { dir?: string; bodyLimitBytes?: number; producer?: InMemoryLabelProducer; maxSendBytes?: number } = {}): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'driftmon-gt-'));
  const producer = options.producer ?? new InMemoryLabelProducer();
  const registry = new Registry();
  const metrics = createIngestMetrics(registry);
  const store = await AcceptedIdStore.open({ dir, retentionMs: 7 * 86_400_000 });
  const ingestor = new LabelIngestor(producer, store, { metrics, ...(options.maxSendBytes ? { maxSendBytes: options.maxSendBytes } : {}) });
  const app = Fastify({ logger: false });
  app.get('/other', async () => ({ ok: true }));
  await app.register(groundTruthRoute, { ingestor, tokens: [TOKEN, OLD_TOKEN], bodyLimitBytes: options.bodyLimitBytes, metrics });
  await app.ready();
  const h = { app, producer, registry, store, dir };
  open.push(h);
  return h;
}

const post = (h: Harness, payload: string, headers: Record<string, string> = ndjson) => h.app.inject({ method: 'POST', url: GROUND_TRUTH_PATH, headers, payload });
const metric = async (h: Harness, name: string, labels: Record<string, string> = {}): Promise<number> => {
  const m = await h.registry.getSingleMetric(name)?.get();
  return m?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
};

describe('POST /v1/ground-truth', () => {
  it('202 after the producer acknowledged: the SDK actuals.jsonl lands once per event, in the SageMaker shape', async () => {
    const h = await harness();
    const body = readFileSync(ACTUALS, 'utf8');
    const res = await post(h, body);
    expect(res.statusCode).toBe(202);
    const lines = body.split('\n').filter((l) => l.trim() !== '');
    const ids = lines.map((l) => (JSON.parse(l) as { eventMetadata: { eventId: string } }).eventMetadata.eventId);
    expect(res.json()).toEqual({ accepted: new Set(ids).size, duplicates: ids.length - new Set(ids).size });
    expect(h.producer.messages.map((m) => m.key)).toEqual([...new Set(ids)]);
    const d = new GroundTruthDecoder();
    for (const [i, m] of h.producer.messages.entries()) {
      const raw = JSON.parse(lines[ids.indexOf(m.key)]!) as { groundTruthData: unknown };
      expect(JSON.parse(m.value)).toEqual({ groundTruthData: raw.groundTruthData, eventMetadata: { eventId: m.key }, eventVersion: '0' });
      expect(d.decode(m.value).ok, `message ${i}`).toBe(true);
    }
    expect(await metric(h, 'driftmon_ground_truth_accepted_total')).toBe(new Set(ids).size);
    expect(await metric(h, 'driftmon_ground_truth_requests_total', { status: '202' })).toBe(1);
  });

  it('accepts flat JSON as application/json (array or one object) and normalises it to SageMaker records', async () => {
    const h = await harness();
    const json = { ...auth, 'content-type': 'application/json; charset=utf-8' };
    expect((await post(h, JSON.stringify([{ inferenceId: 'a', label: 0, time: '2024-01-19T20:06:08Z' }, { eventId: 'b', label: 'cat' }]), json)).json()).toEqual({ accepted: 2, duplicates: 0 });
    expect((await post(h, JSON.stringify({ inferenceId: 'c', label: [1, 0] }), json)).statusCode).toBe(202);
    // a JSON Lines line holding an array (as AWS's batch notebook writes) counts as its records
    expect((await post(h, `[${sm('d')},${sm('e')}]\n`)).json()).toEqual({ accepted: 2, duplicates: 0 });
    expect(h.producer.messages.map((m) => JSON.parse(m.value))).toEqual([
      { groundTruthData: { data: '0', encoding: 'JSON' }, eventMetadata: { eventId: 'a', labelTime: '2024-01-19T20:06:08.000Z' }, eventVersion: '0' },
      { groundTruthData: { data: 'cat', encoding: 'CSV' }, eventMetadata: { eventId: 'b' }, eventVersion: '0' },
      { groundTruthData: { data: '[1,0]', encoding: 'JSON' }, eventMetadata: { eventId: 'c' }, eventVersion: '0' },
      { groundTruthData: { data: '1', encoding: 'CSV' }, eventMetadata: { eventId: 'd' }, eventVersion: '0' },
      { groundTruthData: { data: '1', encoding: 'CSV' }, eventMetadata: { eventId: 'e' }, eventVersion: '0' },
    ]);
  });

  it('401 with WWW-Authenticate: Bearer for a missing, wrong or malformed token; both rotated tokens work', async () => {
    const h = await harness();
    const body = `${sm('x')}\n`;
    for (const headers of [{ 'content-type': 'application/x-ndjson' }, { ...ndjson, authorization: 'Bearer nope' }, { ...ndjson, authorization: TOKEN }, { ...ndjson, authorization: `Basic ${TOKEN}` }, { ...ndjson, authorization: `Bearer ${TOKEN}x` }]) {
      const res = await post(h, body, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="driftmon"/);
    }
    expect((await post(h, body, { ...ndjson, authorization: `Bearer ${OLD_TOKEN}` })).statusCode).toBe(202);
    expect((await post(h, `${sm('y')}\n`, { ...ndjson, authorization: `bearer ${TOKEN}` })).statusCode).toBe(202);
    expect(h.producer.messages).toHaveLength(2);
    expect(await metric(h, 'driftmon_ground_truth_requests_total', { status: '401' })).toBe(5);
    // routes outside the plugin are not affected
    expect((await h.app.inject({ method: 'GET', url: '/other' })).statusCode).toBe(200);
  });

  it('401 comes before the body limit: an unauthenticated oversized body is not read', async () => {
    const h = await harness({ bodyLimitBytes: 1000 });
    const res = await post(h, 'x'.repeat(5000), { 'content-type': 'application/x-ndjson' });
    expect(res.statusCode).toBe(401);
  });

  it('413 for a body over the limit, 415 for another content type; nothing produced', async () => {
    const h = await harness({ bodyLimitBytes: 1000 });
    const big = Array.from({ length: 40 }, (_v, i) => sm(`id-${i}`)).join('\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(1000);
    expect((await post(h, big)).statusCode).toBe(413);
    expect((await post(h, sm('a'), { ...auth, 'content-type': 'text/csv' })).statusCode).toBe(415);
    expect(h.producer.messages).toHaveLength(0);
    expect(await metric(h, 'driftmon_ground_truth_requests_total', { status: '413' })).toBe(1);
  });

  it('400 lists every invalid record with index, line and reason, and produces nothing (all or nothing)', async () => {
    const h = await harness();
    const lines = [
      sm('ok-1'),
      '',
      '{"inferenceId": "broken"',
      flat('ok-2'),
      JSON.stringify({ label: 1 }),
      JSON.stringify({ groundTruthData: { data: '1', encoding: 'BASE64' }, eventMetadata: { eventId: 'e' } }),
      JSON.stringify({ inferenceId: 'x' }),
      JSON.stringify({ inferenceId: 'x', label: 1, time: 'yesterday' }),
      sm('ok-3'),
    ];
    const res = await post(h, lines.join('\r\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      accepted: 0,
      duplicates: 0,
      errors: [
        { index: 1, line: 3, reason: RecordErrorReason.NOT_JSON, message: expect.any(String) },
        { index: 3, line: 5, reason: RecordErrorReason.MISSING_EVENT_ID, message: expect.any(String) },
        { index: 4, line: 6, reason: RecordErrorReason.UNSUPPORTED_ENCODING, message: expect.stringContaining('BASE64') },
        { index: 5, line: 7, reason: RecordErrorReason.MISSING_GROUND_TRUTH, message: expect.any(String) },
        { index: 6, line: 8, reason: RecordErrorReason.BAD_EVENT_TIME, message: expect.stringContaining('yesterday') },
      ],
    });
    expect(h.producer.messages).toHaveLength(0);
    expect(h.store.size).toBe(0);
    expect(await metric(h, 'driftmon_ground_truth_rejected_total', { reason: 'not_json' })).toBe(1);
    // an empty body and a non-JSON application/json body are 400 too
    expect((await post(h, '\n \n')).json()).toMatchObject({ errors: [{ index: 0, reason: RecordErrorReason.EMPTY_PAYLOAD }] });
    expect((await post(h, '{"a":', { ...auth, 'content-type': 'application/json' })).json()).toMatchObject({ errors: [{ index: 0, reason: RecordErrorReason.NOT_JSON }] });
    // fixed and resent: accepted
    const fixed = [sm('ok-1'), flat('ok-2'), sm('ok-3')].join('\n');
    expect((await post(h, fixed)).json()).toEqual({ accepted: 3, duplicates: 0 });
  });

  it('idempotent on eventId: within one body, across bodies (partially overlapping), across a restart with the same state dir', async () => {
    const h = await harness();
    expect((await post(h, [sm('a'), sm('b'), sm('a', '0'), flat('b', 5)].join('\n'))).json()).toEqual({ accepted: 2, duplicates: 2 });
    expect((await post(h, [sm('b'), sm('c'), sm('d')].join('\n'))).json()).toEqual({ accepted: 2, duplicates: 1 });
    expect(h.producer.messages.map((m) => m.key)).toEqual(['a', 'b', 'c', 'd']);
    // first copy wins
    expect(JSON.parse(h.producer.messages[0]!.value).groundTruthData.data).toBe('1');
    expect(await metric(h, 'driftmon_ground_truth_duplicates_total')).toBe(3);

    // restart: a new app, store and producer on the same directory
    await h.app.close();
    await h.store.close();
    open.splice(open.indexOf(h), 1);
    const h2 = await harness({ dir: h.dir });
    expect((await post(h2, [sm('a'), sm('d'), sm('e')].join('\n'))).json()).toEqual({ accepted: 1, duplicates: 2 });
    expect(h2.producer.messages.map((m) => m.key)).toEqual(['e']);
  });

  it('racing requests with overlapping IDs: each ID is produced exactly once, and duplicates add up', async () => {
    const h = await harness();
    // hold acknowledgements back so the requests really overlap
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.producer.beforeAck = () => gate;
    const bodies = Array.from({ length: 8 }, (_v, k) => Array.from({ length: 50 }, (_w, i) => sm(`id-${(k * 25 + i) % 120}`)).join('\n'));
    const pending = bodies.map((b) => post(h, b));
    setTimeout(release, 20);
    const results = (await Promise.all(pending)).map((r) => r.json() as { accepted: number; duplicates: number });
    const keys = h.producer.messages.map((m) => m.key);
    const distinct = new Set(bodies.flatMap((b) => b.split('\n').map((l) => (JSON.parse(l) as { eventMetadata: { eventId: string } }).eventMetadata.eventId)));
    expect(keys.length).toBe(distinct.size);
    expect(new Set(keys)).toEqual(distinct);
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(distinct.size);
    expect(results.reduce((n, r) => n + r.accepted + r.duplicates, 0)).toBe(8 * 50);
  });

  it('503 when the broker fails; the retry produces only what is missing (chunked sends)', async () => {
    const producer = new InMemoryLabelProducer();
    // ~200 bytes per message: chunks of a few messages
    const h = await harness({ producer, maxSendBytes: 1000 });
    const body = Array.from({ length: 20 }, (_v, i) => sm(`id-${i}`)).join('\n');
    let sends = 0;
    producer.beforeAck = async () => {
      if (++sends === 3) producer.failNext = 1;
    };
    const first = await post(h, body);
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBe('5');
    const partial = first.json() as { accepted: number; duplicates: number };
    expect(partial.accepted).toBe(producer.messages.length);
    expect(partial.accepted).toBeGreaterThan(0);
    expect(partial.accepted).toBeLessThan(20);
    const retry = await post(h, body);
    expect(retry.json()).toEqual({ accepted: 20 - partial.accepted, duplicates: partial.accepted });
    expect(producer.messages.map((m) => m.key)).toEqual(Array.from({ length: 20 }, (_v, i) => `id-${i}`));
  });
});

describe('bearerChecker', () => {
  it('needs a non-empty token, matches any configured one exactly', () => {
    expect(() => bearerChecker([])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => bearerChecker([''])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    const check = bearerChecker(['a', 'b']);
    expect([check('Bearer a'), check('Bearer b'), check('Bearer  b '), check('Bearer c'), check('Bearer '), check(undefined), check('Bearer a b')]).toEqual([true, true, true, false, false, false, false]);
  });
});
