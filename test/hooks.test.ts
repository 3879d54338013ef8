/**
 * hooks, through the built CLI over capture files (README, "Hooks"):
 * - a record pre-processor that drops 10 % of the records (chosen by a hash of the inference ID)
 *   and renames a feature: the reports hold exactly the kept records, the renamed feature with the
 *   old one's values and type; a post-processor POSTs every window to a receiver on 127.0.0.1,
 *   which receives each window exactly as index.jsonl lists it;
 * - a post-processor on a label monitor: every model-quality and bias report, each version;
 * - pre- and post-processors that throw, reject, return garbage, loop and never settle: each such
 *   record is dead-lettered with its reason and counted, each such window counted and logged, and
 *   the run finishes with every other record's reports intact.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { labelReplayMonitor, labelScenario } from './support/label-scenario.js';
import { captureLines, DQ, replayDirs } from './support/replay-fixture.js';

const RECORDS = 300; // one a second: five one-minute windows

async function receiver(): Promise<{ url: string; received: Record<string, unknown>[]; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  const received: Record<string, unknown>[] = [];
  app.post('/windows', async (req, reply) => {
    received.push(req.body as Record<string, unknown>);
    return reply.code(204).send();
  });
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/windows`;
  return { url, received, close: () => app.close() };
}

async function setup(prefix: string, pre: string, post: string, timeout: string, source = ''): Promise<{ dir: string; config: string; out: string }> {
  const { dir, baselineDir, cap } = await replayDirs(prefix);
  writeFileSync(join(cap, 'capture.jsonl'), `${captureLines(0, RECORDS).join('\n')}\n`);
  writeFileSync(join(dir, 'pre.mjs'), pre);
  writeFileSync(join(dir, 'post.mjs'), post);
  const out = join(dir, 'out');
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'monitors:',
      '  - name: hooked',
      `    source: { type: files, paths: ["${cap}"]${source} }`,
      `    baseline: { dir: "${baselineDir}" }`,
      '    windows: [1m]',
      `    hooks: { preprocess: { module: pre.mjs, timeout: ${timeout} }, postprocess: { module: post.mjs, timeout: ${timeout} } }`,
      `output: { dir: "${out}" }`,
      'http: { enabled: false }',
      '',
    ].join('\n'),
  );
  return { dir, config, out };
}

const dropped = (id: string): boolean => (createHash('sha256').update(id).digest()[0] as number) % 10 === 0;

const PRE = `
import { createHash } from 'node:crypto';
export function preprocess(record) {
  if (createHash('sha256').update(record.inferenceId).digest()[0] % 10 === 0) return null;
  record.features.renamed_c2 = record.features._c2;
  delete record.features._c2;
  return record;
}
`;
const post = (url: string, misbehave = ''): string => `
export async function postprocess(report) {
  const minute = report.window_start.slice(14, 16);
  ${misbehave}
  const res = await fetch(${JSON.stringify(url)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
  if (!res.ok) throw new Error('HTTP ' + res.status);
}
`;

interface Entry { window_start: string; window_end: string; window: string; path: string; item_count: number; violations: number; status: string; monitor: string }
const index = (out: string): Entry[] => readFileSync(join(out, 'hooked', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry);
const minuteOf = (i: number): number => Math.floor(i / 60);
/** The golden rows the capture lines carry (captureLines: row i % rows, its _c2 is column 2: column 0 is the output, _c0). */
const goldenRows = (): string[][] => readFileSync(join(DQ, 'baseline_dataset.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));

describe('hooks', () => {
  it('a pre-processor drops 10 % and renames a feature; a post-processor posts every window as index.jsonl lists it', async () => {
    const hook = await receiver();
    try {
      // decoding in a worker thread is asked for: a monitor with a pre-processor decodes on its own thread instead
      const { config, out } = await setup('driftmon-hooks-', PRE, post(hook.url), '5s', ', decodeInWorker: true');
      const r = await runCli(['replay', '--config', config]);
      expect(r.code, r.stderr).toBe(0);
      const kept = Array.from({ length: RECORDS }, (_, i) => i).filter((i) => !dropped(`e${i}`));
      expect(RECORDS - kept.length).toBeGreaterThan(15); // the hash drops about 10 %, not none
      expect(RECORDS - kept.length).toBeLessThan(45);
      expect(r.stdout).toContain(`monitor hooked: ${RECORDS} records, ${kept.length} rows, 0 invalid, 5 windows`);
      expect(r.stdout).toContain(`record pre-processor: ${kept.length} kept, ${RECORDS - kept.length} dropped, 0 invalid, 0 failed, 0 timed out`);

      const entries = index(out);
      expect(entries.map((e) => e.item_count)).toEqual([0, 1, 2, 3, 4].map((m) => kept.filter((i) => minuteOf(i) === m).length));
      const rows = goldenRows();
      for (const [m, e] of entries.entries()) {
        const stats = JSON.parse(readFileSync(join(out, e.path, 'statistics.json'), 'utf8')) as { features: { name: string; inferred_type: string; numerical_statistics?: { common: { num_present: number }; sum: number } }[] };
        const renamed = stats.features.find((f) => f.name === 'renamed_c2');
        const mine = kept.filter((i) => minuteOf(i) === m);
        expect(renamed?.inferred_type).toBe('Fractional'); // "2.0" renamed stays Fractional, like the baseline's _c2
        expect(renamed?.numerical_statistics?.common.num_present).toBe(mine.length);
        expect(renamed?.numerical_statistics?.sum).toBeCloseTo(mine.reduce((s, i) => s + Number((rows[i % rows.length] as string[])[2]), 0), 9);
        expect(stats.features.find((f) => f.name === '_c2')?.numerical_statistics).toBeUndefined(); // no value left under the old name
      }

      // every window, once, as index.jsonl lists it (the post-processor gets where it is stored)
      const got = [...hook.received].sort((a, b) => String(a.window_start).localeCompare(String(b.window_start)));
      expect(got).toHaveLength(entries.length);
      for (const [k, e] of entries.entries()) {
        const g = got[k] as Record<string, unknown>;
        expect({ ...g, path: undefined, checks: undefined, summary: undefined, key: undefined, kind: undefined }).toEqual({ ...e, path: undefined, checks: undefined, summary: undefined, key: undefined, kind: undefined });
        expect(g.path).toBe(join(out, e.path));
        expect(g.key).toBe(`hooked/data-quality/1m/${e.window_start}`);
        expect(g.summary).toEqual(JSON.parse(readFileSync(join(out, e.path, 'driftmon-report.json'), 'utf8')));
      }
    } finally {
      await hook.close();
    }
  }, 90_000);

  it('hooks that throw, reject, return garbage, loop or never settle: counted by reason, dead-lettered, and the run goes on', async () => {
    const hook = await receiver();
    const PRE_BAD = `
export function preprocess(record) {
  const n = Number(record.inferenceId.slice(1));
  if (n % 50 === 7) throw new Error('no record ' + n);
  if (n === 30) return Promise.reject(new TypeError('rejected 30'));
  if (n === 100) for (;;) {}
  if (n === 200) return new Promise(() => {});
  if (n === 150) return { features: 'all of them' };
  if (n === 250) return { ...record, eventTimeMs: 0 };
  return record;
}
`;
    // minute 1 throws, minute 2 loops, minute 3 never settles; minutes 0 and 4 are posted
    const misbehave = "if (minute === '01') throw new Error('no window'); if (minute === '02') for (;;) {} if (minute === '03') return new Promise(() => {});";
    try {
      const { config, out } = await setup('driftmon-hooks-bad-', PRE_BAD, post(hook.url, misbehave), '400ms');
      const r = await runCli(['replay', '--config', config]);
      expect(r.code, r.stderr).toBe(0);
      const failed = [7, 57, 107, 157, 207, 257, 30];
      const timedOut = [100, 200];
      const invalid = [150, 250];
      const bad = [...failed, ...timedOut, ...invalid];
      expect(r.stdout).toContain(`monitor hooked: ${RECORDS} records, ${RECORDS - bad.length} rows, ${bad.length} invalid, 5 windows`);
      expect(r.stdout).toContain('invalid records by reason: hook_failed 7, hook_timeout 2, hook_invalid_output 2');
      expect(r.stdout).toContain(`record pre-processor: ${RECORDS - bad.length} kept, 0 dropped, 2 invalid, 7 failed, 2 timed out`);

      const letters = readFileSync(join(out, 'dead-letter', 'hooked.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; source: string; error: string; record: string });
      const byLine = new Map(letters.map((l) => [Number(l.source.split(':').pop()) - 1, l]));
      expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([...bad].sort((a, b) => a - b));
      for (const n of failed) expect(byLine.get(n)?.reason).toBe('hook_failed');
      for (const n of timedOut) expect(byLine.get(n)?.reason).toBe('hook_timeout');
      for (const n of invalid) expect(byLine.get(n)?.reason).toBe('hook_invalid_output');
      expect(byLine.get(7)?.error).toBe('Error: no record 7');
      expect(byLine.get(30)?.error).toBe('TypeError: rejected 30');
      expect(byLine.get(100)?.error).toBe('did not return within 400 ms');
      expect(byLine.get(150)?.error).toBe('features is a string, not an object or a Map');
      expect(byLine.get(250)?.error).toBe('changed eventTimeMs: a pre-processor changes features only');
      expect(byLine.get(7)?.record).toBe(captureLines(7, 1)[0]); // the original line, whole

      // the other records' reports are intact: each window holds exactly its good records
      expect(index(out).map((e) => e.item_count)).toEqual([0, 1, 2, 3, 4].map((m) => Array.from({ length: 60 }, (_, k) => m * 60 + k).filter((i) => !bad.includes(i)).length));
      expect(hook.received.map((b) => b.window_start).sort()).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T00:04:00.000Z']);
      const warnings = r.stderr.split('\n').filter((l) => l.includes('report post-processor: call failed')).map((l) => JSON.parse(l) as { outcome: string; error?: string; key: string });
      expect(warnings.map((w) => [w.key.split('/').pop(), w.outcome, w.error])).toEqual([
        ['2026-01-01T00:01:00.000Z', 'failed', 'Error: no window'],
        ['2026-01-01T00:02:00.000Z', 'timeout', undefined],
        ['2026-01-01T00:03:00.000Z', 'timeout', undefined],
      ]);
    } finally {
      await hook.close();
    }
  }, 90_000);

  it('a post-processor on a label monitor gets every model-quality and bias report, each version, as index.jsonl lists it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-hooks-label-'));
    const s = labelScenario({ seed: 7, predictions: 3_000, startMs: Date.UTC(2026, 10, 2, 8), stepS: 0.5, labelShare: 0.9, duplicateShare: 0, windowMs: 600_000 });
    writeFileSync(join(dir, 'capture.jsonl'), `${s.predictions.map((m) => m.value).join('\n')}\n`);
    writeFileSync(join(dir, 'labels.jsonl'), `${s.labels.map((m) => m.value).join('\n')}\n`);
    const calls = join(dir, 'calls.jsonl');
    writeFileSync(join(dir, 'post.mjs'), `import { appendFileSync } from 'node:fs';\nexport function postprocess(report) { appendFileSync(${JSON.stringify(calls)}, JSON.stringify(report) + '\\n'); }\n`);
    const config = join(dir, 'replay.yaml');
    writeFileSync(
      config,
      stringify({
        monitors: [{ ...labelReplayMonitor(dir, join(dir, 'capture.jsonl'), join(dir, 'labels.jsonl'), '10m'), hooks: { postprocess: { module: 'post.mjs' } } }],
        output: { dir: join(dir, 'out') },
        state: { dir: join(dir, 'state') },
        http: { enabled: false },
      }),
    );
    const r = await runCli(['replay', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    const listed = readFileSync(join(dir, 'out', 'quality', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry & { kind: string });
    const got = readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry & { kind: string; key: string; version: number; final: boolean });
    expect(new Set(listed.map((e) => e.kind))).toEqual(new Set(['model-quality', 'bias']));
    expect(got.map((g) => `${g.kind} ${g.window_start} ${g.item_count}`).sort()).toEqual(listed.map((e) => `${e.kind} ${e.window_start} ${e.item_count}`).sort());
    for (const g of got) expect(g.key).toBe(`quality/${g.kind}/10m/${g.window_start}/${g.version}`);
  }, 60_000);

  it('a module that does not load or lacks its export is a config problem, every one listed (exit 2)', async () => {
    const { config, dir } = await setup('driftmon-hooks-load-', 'export function somethingElse() {}\n', "throw new Error('broken at import');\n", '1s');
    const r = await runCli(['replay', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`/monitors/0/hooks/preprocess/module: ${join(dir, 'pre.mjs')} has no exported function "preprocess" (nor a default export that is one); it exports somethingElse`);
    expect(r.stderr).toContain(`/monitors/0/hooks/postprocess/module: ${join(dir, 'post.mjs')} failed to load: Error: broken at import`);
  }, 60_000);
});
