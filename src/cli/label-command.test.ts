import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.js';
import { groundTruthRoute } from '../ingest/ground-truth-route.js';
import { listen } from '../http/server.js';
import { AcceptedIdStore } from '../ingest/accepted-id-store.js';
import { LabelIngestor } from '../ingest/label-ingestor.js';
import { InMemoryLabelProducer } from '../ingest/label-producer.js';
import type { CliIo } from './io.js';
import { endpointUrl, labelCommand, type LabelOptions } from './label-command.js';

const TOKEN = 'label-cli-token';
const sm = (id: string): string => JSON.stringify({ groundTruthData: { data: '1', encoding: 'CSV' }, eventMetadata: { eventId: id }, eventVersion: '0' });

function fakeIo(env: Record<string, string> = { DRIFTMON_LABEL_TOKEN: TOKEN }) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env, stdin: Readable.from([]), out: (t) => void out.push(t), err: (t) => void err.push(t), isTTY: false, signal: new AbortController().signal };
  return { io, out, err };
}

describe('driftmon label (against an in-process endpoint with an in-memory topic)', () => {
  let app: FastifyInstance;
  let url: string;
  let producer: InMemoryLabelProducer;
  let store: AcceptedIdStore;
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-label-cli-'));
  const file = (name: string, lines: string[]): string => {
    const p = join(dir, name);
    writeFileSync(p, lines.join('\n'));
    return p;
  };
  const opts = (o: Partial<LabelOptions> = {}): LabelOptions => ({ url, tokenEnv: 'DRIFTMON_LABEL_TOKEN', batch: '7', maxBytes: String(1 << 20), retries: '0', ...o });

  beforeAll(async () => {
    producer = new InMemoryLabelProducer();
    store = await AcceptedIdStore.open({ dir: join(dir, 'state'), retentionMs: 86_400_000 });
    app = Fastify({ logger: false });
    // a small body limit, so the command's --max-bytes must adapt to 413s
    await app.register(groundTruthRoute, { ingestor: new LabelIngestor(producer, store), tokens: [TOKEN], bodyLimitBytes: 2000 });
    url = await listen(app, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('posts a file in batches, halving on 413; a resend is all duplicates', async () => {
    const ids = Array.from({ length: 40 }, (_v, i) => `cli-${i}`);
    const f = file('a.jsonl', ['', ...ids.map(sm), '']);
    const { io, out } = fakeIo();
    expect(await labelCommand(io, [f], opts())).toBe(ExitCode.OK);
    expect(out.join('')).toBe(`${f}: accepted 40, duplicates 0, rejected 0\n`);
    expect(producer.messages.map((m) => m.key)).toEqual(ids);
    const again = fakeIo();
    expect(await labelCommand(again.io, [f], opts({ batch: '1000' }))).toBe(ExitCode.OK);
    expect(again.out.join('')).toBe(`${f}: accepted 0, duplicates 40, rejected 0\n`);
    expect(producer.messages).toHaveLength(40);
  });

  it('exit 4 with every rejected line as FILE:LINE; other batches still go; an unreadable file is exit 3', async () => {
    const lines = [sm('r-0'), sm('r-1'), '{"broken"', sm('r-3'), '{"label":1}', sm('r-5'), sm('r-6'), sm('r-7'), sm('r-8')];
    const f = file('bad.jsonl', lines);
    const { io, out, err } = fakeIo();
    expect(await labelCommand(io, [f], opts({ batch: '5' }))).toBe(ExitCode.VIOLATIONS);
    // batch 1 (lines 1-5) rejected whole; batch 2 (lines 6-9) accepted
    expect(out.join('')).toBe(`${f}: accepted 4, duplicates 0, rejected 2\n`);
    expect(err.join('')).toMatch(new RegExp(`^${f}:3: not_json: .*\\n${f}:5: missing_event_id: .*\\n$`));
    const missing = fakeIo();
    expect(await labelCommand(missing.io, [join(dir, 'nope.jsonl'), f], opts({ batch: '5' }))).toBe(ExitCode.INPUT);
    expect(missing.err.join('')).toContain('cannot read');
    expect(missing.out.join('')).toContain(`${f}: accepted 0, duplicates 4, rejected 2`);
  });

  it('exit 2 for bad usage, 5 for 401 and for an unreachable server', async () => {
    const f = file('one.jsonl', [sm('u-1')]);
    expect(await labelCommand(fakeIo({}).io, [f], opts())).toBe(ExitCode.USAGE);
    expect(await labelCommand(fakeIo().io, [f], opts({ url: undefined }))).toBe(ExitCode.USAGE);
    expect(await labelCommand(fakeIo().io, [f], opts({ batch: '0' }))).toBe(ExitCode.USAGE);
    expect(await labelCommand(fakeIo().io, [f], opts({ url: 'not a url' }))).toBe(ExitCode.USAGE);
    const unauthorized = fakeIo({ DRIFTMON_LABEL_TOKEN: 'wrong' });
    expect(await labelCommand(unauthorized.io, [f], opts())).toBe(ExitCode.RUNTIME);
    expect(unauthorized.err.join('')).toContain('401');
    const down = fakeIo();
    expect(await labelCommand(down.io, [f], opts({ url: 'http://127.0.0.1:1' }))).toBe(ExitCode.RUNTIME);
    expect(down.err.join('')).toContain('cannot reach');
  });

  it('--retries: a 5xx answer is retried after 1 s; the last failure is reported once the retries are spent', async () => {
    const f = file('retry.jsonl', [sm('retry-1')]);
    let failuresLeft = 0;
    let requests = 0;
    const flaky = Fastify({ logger: false });
    flaky.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    flaky.post('/v1/ground-truth', async (_req, reply) => {
      requests++;
      if (failuresLeft-- > 0) return reply.code(503).send('busy');
      return reply.code(202).send({ accepted: 1, duplicates: 0 });
    });
    const flakyUrl = await listen(flaky, '127.0.0.1', 0);
    try {
      failuresLeft = 1;
      const t0 = Date.now();
      const ok = fakeIo();
      expect(await labelCommand(ok.io, [f], opts({ url: flakyUrl, retries: '1' }))).toBe(ExitCode.OK);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
      expect(requests).toBe(2);
      expect(ok.out.join('')).toBe(`${f}: accepted 1, duplicates 0, rejected 0\n`);
      failuresLeft = 5;
      requests = 0;
      const spent = fakeIo();
      expect(await labelCommand(spent.io, [f], opts({ url: flakyUrl, retries: '1' }))).toBe(ExitCode.RUNTIME);
      expect(requests).toBe(2);
      expect(spent.err.join('')).toContain('answered 503: busy');
    } finally {
      await flaky.close();
    }
  });

  it('endpointUrl appends /v1/ground-truth to a base URL only', () => {
    expect(endpointUrl('http://h:1').href).toBe('http://h:1/v1/ground-truth');
    expect(endpointUrl('http://h:1/proxy/v1/ground-truth').href).toBe('http://h:1/proxy/v1/ground-truth');
  });
});
