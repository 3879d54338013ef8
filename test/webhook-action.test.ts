/**
 * actions.webhook, through the built CLI: a replay POSTs one JSON body per window report with
 * violations (none for clean windows) to a receiver on 127.0.0.1, with an Idempotency-Key and the
 * configured header from the environment; a receiver that fails twice is retried until it takes
 * the report; a receiver that is down costs the run nothing but a warning.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { captureLines, replayDirs } from './support/replay-fixture.js';

interface Received {
  key: string | undefined;
  token: string | undefined;
  body: { monitor: string; kind: string; window_start: string; violations: number; path: string; checks: { feature_name: string; constraint_check_type: string }[] };
}

async function receiver(failFirst: number): Promise<{ url: string; received: Received[]; attempts: () => number; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  const received: Received[] = [];
  let attempts = 0;
  app.post('/hook', async (req, reply) => {
    attempts++;
    if (attempts <= failFirst) return reply.code(503).send('busy');
    received.push({ key: req.headers['idempotency-key'] as string | undefined, token: req.headers['x-token'] as string | undefined, body: req.body as Received['body'] });
    return reply.code(204).send();
  });
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/hook`;
  return { url, received, attempts: () => attempts, close: () => app.close() };
}

/** Three clean one-minute windows, then one whose rows carry an extra column (extra_column_check). */
async function captureWithOneBadWindow(): Promise<{ dir: string; baselineDir: string; cap: string }> {
  const dirs = await replayDirs('driftmon-webhook-');
  // the first "data" of a capture line is the endpoint input's
  const lines = [...captureLines(0, 180), ...captureLines(180, 60).map((l) => l.replace(/("data":")([^"]*)(")/, '$1$2,7$3'))];
  writeFileSync(join(dirs.cap, 'capture.jsonl'), `${lines.join('\n')}\n`);
  return dirs;
}

function config(dir: string, cap: string, baselineDir: string, url: string, retries: number): string {
  const file = join(dir, `config-${retries}.yaml`);
  writeFileSync(
    file,
    [
      'monitors:',
      '  - name: hooked',
      `    source: { type: files, paths: ["${cap}"] }`,
      `    baseline: { dir: "${baselineDir}" }`,
      '    windows: [1m]',
      `output: { dir: "${join(dir, `out-${retries}`)}" }`,
      'http: { enabled: false }', // not the default port, which another test may hold (exit 5)
      `actions: { webhook: { url: "${url}", timeout: 2s, retries: ${retries}, headerEnvs: { x-token: HOOK_TOKEN } } }`,
      '',
    ].join('\n'),
  );
  return file;
}

describe('actions.webhook', () => {
  it('posts each window report with violations once, retries a failing receiver, and names the window', async () => {
    const { dir, baselineDir, cap } = await captureWithOneBadWindow();
    const hook = await receiver(2);
    try {
      const r = await runCli(['replay', '--config', config(dir, cap, baselineDir, hook.url, 3)], { env: { HOOK_TOKEN: 's3cret' } });
      expect(r.code, r.stderr).toBe(0);
      expect(hook.attempts()).toBe(3); // two 503s, then taken
      expect(hook.received).toHaveLength(1);
      const [got] = hook.received as [Received];
      expect(got.token).toBe('s3cret');
      expect(got.body.monitor).toBe('hooked');
      expect(got.body.kind).toBe('data-quality');
      expect(got.body.window_start).toBe('2026-01-01T00:03:00.000Z');
      expect(got.body.violations).toBeGreaterThan(0);
      expect(got.body.checks.some((c) => c.constraint_check_type === 'extra_column_check')).toBe(true);
      expect(got.key).toBe('hooked/data-quality/1m/2026-01-01T00:03:00.000Z');
      expect(r.stdout).toContain('1 with violations');
    } finally {
      await hook.close();
    }
  }, 60_000);

  it('a receiver that is down: the run finishes as before, with a warning', async () => {
    const { dir, baselineDir, cap } = await captureWithOneBadWindow();
    const hook = await receiver(0);
    const url = hook.url;
    await hook.close(); // nothing listens there now
    const r = await runCli(['replay', '--config', config(dir, cap, baselineDir, url, 1)], { env: { HOOK_TOKEN: 'x' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('webhook: report not delivered');
  }, 60_000);

  it('a bad webhook config is listed with the other problems (exit 2)', async () => {
    const { dir, baselineDir, cap } = await replayDirs('driftmon-webhook-bad-');
    const file = config(dir, cap, baselineDir, 'ftp://example/hook', 1);
    writeFileSync(file, readFileSync(file, 'utf8').replace('timeout: 2s', 'timeout: soon'));
    const r = await runCli(['replay', '--config', file], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/actions/webhook/url: "ftp://example/hook" is not an http(s) URL');
    expect(r.stderr).toContain('/actions/webhook/timeout: "soon" is not a positive duration');
    expect(r.stderr).toContain('/actions/webhook/headerEnvs/x-token: environment variable HOOK_TOKEN is not set');
  });
});
