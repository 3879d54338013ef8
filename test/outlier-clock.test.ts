/**
 * `driftmon replay` as users run it, with one record from the wrong century: dead-lettered as
 * event_time_in_future, no row counted late, every window counting exactly its rows, and the drift
 * of the later windows found. And a record ten days ahead of a replay of last month's capture,
 * inside the skew: it does not make the records after it late.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { rng } from './support/random.js';

const MIN = 60_000;
const DAY = 86_400_000;

type IndexEntry = { path: string; window_start: string; item_count: number };

/** A flat-JSON baseline of age, score and city, and a folder for the capture. */
async function setUp(seed: number): Promise<{ dir: string; r: ReturnType<typeof rng>; row: (i: number, t: number, drift: boolean) => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-outlier-'));
  const r = rng(seed);
  const city = (): string => ['a', 'b', 'c'][r.int(3)] as string;
  const base = Array.from({ length: 2000 }, () => JSON.stringify({ age: 18 + r.int(63), score: Number(r.next().toFixed(4)), city: city() }));
  writeFileSync(join(dir, 'base.jsonl'), `${base.join('\n')}\n`);
  expect((await runCli(['baseline', 'data', '--input', join(dir, 'base.jsonl'), '--output', join(dir, 'base')])).code).toBe(0);
  mkdirSync(join(dir, 'cap'));
  const row = (i: number, t: number, drift: boolean): string =>
    JSON.stringify({ inferenceId: `r${i}`, inferenceTime: new Date(t).toISOString(), age: 18 + r.int(63), score: Number(Math.min(1, r.next() + (drift ? 0.5 : 0)).toFixed(4)), city: city() });
  return { dir, r, row };
}

function readIndex(out: string): IndexEntry[] {
  return readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as IndexEntry);
}

describe('replay with an outlier event time', () => {
  it('7,200 rows and one record dated 2099 early on: dead-lettered as event_time_in_future, no row late, exact windows, the drift found (exit 4)', async () => {
    const { dir, row } = await setUp(7);
    const t0 = Date.UTC(2026, 0, 1);
    const times = Array.from({ length: 7_200 }, (_v, i) => t0 + i * 1_000); // two hours, 24 five-minute windows
    const lines = times.map((t, i) => row(i, t, i >= 3_600)); // score drifts in the second hour
    lines.splice(10, 0, row(99_999, Date.UTC(2099, 0, 1), false));
    writeFileSync(join(dir, 'cap', 'c.jsonl'), `${lines.join('\n')}\n`);
    const out = join(dir, 'out');
    const rep = await runCli(['replay', '--format', 'flat-json', '--capture', join(dir, 'cap'), '--baseline', join(dir, 'base'), '--window', '5m', '--output', out, '--fail-on-violation']);
    expect(rep.stderr).not.toContain('"level":50');
    expect(rep.code).toBe(4);
    expect(rep.stdout).toContain('invalid records by reason: event_time_in_future 1');
    expect(rep.stdout).not.toContain('late rows');
    const dead = readFileSync(join(out, 'dead-letter', 'replay.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; source: string });
    expect(dead.map((d) => [d.reason, d.source.replace(/^.*[/\\]/, '')])).toEqual([['event_time_in_future', 'c.jsonl:11']]);

    const index = readIndex(out);
    const exact = new Map<string, number>();
    for (const t of times) {
      const start = new Date(t - (t % (5 * MIN))).toISOString();
      exact.set(start, (exact.get(start) ?? 0) + 1);
    }
    expect(new Map(index.map((w) => [new Date(w.window_start).toISOString(), w.item_count]))).toEqual(exact);
    expect(index.length).toBe(24);
    const drifted = index.map((w) =>
      (JSON.parse(readFileSync(join(out, ...w.path.split('/'), 'constraint_violations.json'), 'utf8')) as { violations: { feature_name: string; constraint_check_type: string }[] }).violations.some(
        (v) => v.feature_name === 'score' && v.constraint_check_type === 'baseline_drift_check',
      ),
    );
    expect(drifted).toEqual(index.map((_w, k) => k >= 12));
  });

  it('one record ten days ahead of a replay of last month (inside the skew) makes no later record late', async () => {
    const { dir, row } = await setUp(8);
    const now = Date.now();
    const t0 = now - 30 * DAY - ((now - 30 * DAY) % (5 * MIN)); // last month, on a window boundary
    const times = Array.from({ length: 3_600 }, (_v, i) => t0 + i * 1_000);
    const outlier = t0 + 10 * DAY; // still in the past: passes maxFutureSkew
    const lines = times.map((t, i) => row(i, t, false));
    lines.splice(10, 0, row(99_999, outlier, false));
    writeFileSync(join(dir, 'cap', 'c.jsonl'), `${lines.join('\n')}\n`);
    const out = join(dir, 'out');
    const rep = await runCli(['replay', '--format', 'flat-json', '--capture', join(dir, 'cap'), '--baseline', join(dir, 'base'), '--window', '5m', '--output', out]);
    expect(rep.code).toBe(0);
    expect(rep.stdout).not.toContain('late rows');
    expect(rep.stdout).toContain('3601 rows, 0 invalid, 13 windows');
    // twelve windows of 300 rows, closed while the replay read them; the outlier's own window last
    expect(readIndex(out).map((w) => w.item_count)).toEqual([...Array.from({ length: 12 }, () => 300), 1]);
    expect(readIndex(out).at(-1)?.window_start).toBe(new Date(outlier - (outlier % (5 * MIN))).toISOString());
  });

  it('--max-future-skew takes a duration, and a bad one is named by its flag (exit 2)', async () => {
    const r = await runCli(['replay', '--capture', tmpdir(), '--baseline', tmpdir(), '--window', '5m', '--max-future-skew', 'banana']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-future-skew banana: not a duration');
  });
});
