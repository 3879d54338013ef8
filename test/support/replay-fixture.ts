/**
 * Test support for replays of the CLI over capture files: SageMaker capture lines built from the
 * AWS data-quality fixture's rows, a tmp folder with a baseline of that dataset, and the peak RSS of
 * a spawned CLI run.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { MAIN, runCli } from './cli.js';

const SDK = join(import.meta.dirname, '..', 'fixtures', 'sagemaker', 'aws__sagemaker-python-sdk', 'tests', 'data');
/** The AWS SDK's data-quality fixture folder (baseline_dataset.csv, statistics.json, constraints.json). */
export const DQ = join(SDK, 'pipeline', 'quality_check_step', 'data_quality');

/** SageMaker capture lines carrying the golden rows, one a second from 2026-01-01T00:00:00Z + `from` s. */
export function captureLines(from: number, n: number): string[] {
  const rows = readFileSync(join(DQ, 'baseline_dataset.csv'), 'utf8').trim().split('\n');
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    const cols = (rows[i % rows.length] as string).split(',');
    const time = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString().replace('.000Z', 'Z');
    lines.push(
      JSON.stringify({
        captureData: {
          endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: cols.slice(1).join(','), encoding: 'CSV' },
          endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: cols[0], encoding: 'CSV' },
        },
        eventMetadata: { eventId: `e${i}`, inferenceTime: time },
        eventVersion: '0',
      }),
    );
  }
  return lines;
}

/** A tmp dir with a baseline of the golden dataset (baseline/) and an empty capture/ folder. */
export async function replayDirs(prefix = 'driftmon-cli-'): Promise<{ dir: string; baselineDir: string; cap: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const baselineDir = join(dir, 'baseline');
  expect((await runCli(['baseline', 'data', '--input', join(DQ, 'baseline_dataset.csv'), '--output', baselineDir])).code).toBe(0);
  const cap = join(dir, 'capture');
  mkdirSync(cap);
  return { dir, baselineDir, cap };
}

/** Runs the built CLI with `args`; its exit code, stdout and peak RSS (VmHWM from /proc, polled every 10 ms: Linux only). */
export async function runCliMeasured(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakMb: number }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // exited
    }
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  return { code, stdout, stderr, peakMb: peakKb / 1024 };
}

/** Every file under dir (a replay's output) by relative path, the times of writing blanked. */
export function outputTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8').replace(/"(closed_at|dead_lettered_at)"\s*:\s*"[^"]*"/g, '"$1":"-"'));
    }
  };
  walk(dir);
  return out;
}
