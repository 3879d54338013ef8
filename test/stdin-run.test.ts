/**
 * `driftmon run` over a stdin pipe that stays open, as behind `tail -f … | driftmon run`: lines are
 * processed promptly, and SIGTERM/SIGINT end the run cleanly with its summary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN, REPO, runCli } from './support/cli.js';
import { sumMetric } from './support/driftmon-process.js';

const EXAMPLE = join(REPO, 'examples', 'credit-model');

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

/** The first `n` real capture lines of the example, in time order. */
function captureLines(n: number): string[] {
  return files(join(EXAMPLE, 'capture'))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0))
    .slice(0, n);
}

interface Child {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  url: string | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

let baselineDir = '';

beforeAll(async () => {
  baselineDir = join(mkdtempSync(join(tmpdir(), 'driftmon-stdin-')), 'baseline');
  const r = await runCli(['baseline', 'data', '--input', join(EXAMPLE, 'baseline.csv'), '--output', baselineDir]);
  expect(r.code, r.stderr).toBe(0);
});

/** `driftmon run` over a stdin source, with its stdin a pipe this test holds open. */
async function startPiped(): Promise<Child> {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-stdin-'));
  const config = join(dir, 'stdin.yaml');
  writeFileSync(
    config,
    [
      'monitors:',
      '  - name: piped',
      '    source: { type: stdin }',
      '    record: { format: sagemaker-capture, outputs: [risk_score], inputs: [age, income, loan_amount, credit_score, num_accounts, tenure_months, region, channel] }',
      `    baseline: { dir: ${baselineDir} }`,
      '    windows: [5m]',
      'output: { dir: out }',
      'http: { host: 127.0.0.1, port: 0 }',
      'log: { level: info }',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [MAIN, 'run', '--config', config], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const c: Child = {
    child,
    stdout: '',
    stderr: '',
    url: undefined,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }))),
  };
  child.stdout?.on('data', (d: Buffer) => (c.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    c.stderr += d.toString();
    c.url ??= /metrics at (http:\/\/[^\s]+)\/metrics/.exec(c.stderr)?.[1];
  });
  const deadline = Date.now() + 30_000;
  while (c.url === undefined) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`driftmon did not start:\n${c.stderr}`);
    await sleep(50);
  }
  return c;
}

async function records(c: Child): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text();
  return sumMetric(text, 'driftmon_records_total');
}

/** Write 900 capture lines and wait (stdin open) until the monitor has counted them; returns ms. */
async function feed900(c: Child): Promise<number> {
  const start = Date.now();
  c.child.stdin?.write(`${captureLines(900).join('\n')}\n`);
  for (;;) {
    const n = await records(c);
    if (n === 900) return Date.now() - start;
    if (Date.now() - start > 5_000) throw new Error(`only ${n} of 900 records processed after 5 s with stdin open\n${c.stderr.slice(-2000)}`);
    await sleep(50);
  }
}

/** Run `body` against a fresh piped run; the child is killed afterwards whatever happened. */
async function withPiped(body: (c: Child) => Promise<void>): Promise<void> {
  const c = await startPiped();
  try {
    await body(c);
  } finally {
    c.child.kill('SIGKILL');
  }
}

/** Send the signals; the exit (with its time), or undefined when still alive 5 s later. */
async function stopWith(c: Child, ...signals: NodeJS.Signals[]): Promise<{ code: number | null; at: number } | undefined> {
  for (const s of signals) c.child.kill(s);
  return Promise.race([c.exited, sleep(5_000).then(() => undefined)]);
}

describe('driftmon run with stdin kept open', () => {
  it('processes 900 lines within 2 s without stdin closing; SIGTERM then exits 0 promptly with the summary', async () => {
    await withPiped(async (c) => {
      const ms = await feed900(c);
      expect(ms).toBeLessThan(2_000);
      const sent = Date.now();
      const exit = await stopWith(c, 'SIGTERM');
      expect(exit, `still alive 5 s after SIGTERM\n${c.stderr.slice(-2000)}`).toBeDefined();
      expect(exit?.code, c.stderr.slice(-2000)).toBe(0);
      expect((exit?.at ?? 0) - sent).toBeLessThan(3_000);
      expect(c.stderr).not.toContain('ERR_STREAM_PREMATURE_CLOSE');
      expect(c.stderr).not.toContain('"level":50');
      expect(c.stdout).toContain('monitor piped: 900 records');
    });
  }, 30_000);

  it('SIGTERM right after a few lines: they are counted, no ERR_STREAM_PREMATURE_CLOSE, exit 0 with the summary', async () => {
    await withPiped(async (c) => {
      c.child.stdin?.write(`${captureLines(10).join('\n')}\n`);
      await sleep(100);
      const exit = await stopWith(c, 'SIGTERM');
      expect(exit, `still alive 5 s after SIGTERM\n${c.stderr.slice(-2000)}`).toBeDefined();
      expect(c.stderr).not.toContain('ERR_STREAM_PREMATURE_CLOSE');
      expect(exit?.code, c.stderr.slice(-2000)).toBe(0);
      expect(c.stdout).toContain('monitor piped: 10 records');
    });
  }, 30_000);

  it('SIGINT behaves as SIGTERM', async () => {
    await withPiped(async (c) => {
      await feed900(c);
      const exit = await stopWith(c, 'SIGINT');
      expect(exit?.code, c.stderr.slice(-2000)).toBe(0);
      expect(c.stdout).toContain('monitor piped: 900 records');
    });
  }, 30_000);

  it('a second signal stops it at once with exit 5 and no summary', async () => {
    await withPiped(async (c) => {
      await feed900(c);
      // two signals delivered together: the second arrives before the first stop has finished
      const exit = await stopWith(c, 'SIGTERM', 'SIGINT');
      expect(exit?.code, c.stderr.slice(-2000)).toBe(5);
      expect(c.stdout).not.toContain('monitor piped');
    });
  }, 30_000);
});
