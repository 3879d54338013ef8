/**
 * `driftmon run` as a child process for benchmarks (optionally another build, for A/B runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from '../../test/support/cli.js';
import { sumMetric } from '../../test/support/driftmon-process.js';

export const MAIN = join(REPO, 'dist', 'src', 'main.js');

export class DriftmonChild {
  stderr = '';
  url: string | undefined;

  private constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (d: Buffer) => {
      // only the start is searched for the URL; later output is kept (bounded) for error messages
      if (this.url === undefined) {
        this.stderr += d.toString();
        const m = /metrics at (http:\/\/[^\s]+)\/metrics/.exec(this.stderr);
        if (m) this.url = m[1];
      } else {
        this.stderr = (this.stderr + d.toString()).slice(-20_000);
      }
    });
    child.stdout?.resume();
  }

  /**
   * Start `driftmon run --config FILE` (extra node flags before the script; `main`: another build's
   * main.js, for A/B runs of a patched copy; `stdin: 'pipe'` to feed a stdin source through
   * child.stdin) and wait until it serves /metrics.
   */
  static async start(
    config: string,
    options: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number; main?: string; stdin?: 'ignore' | 'pipe' } = {},
  ): Promise<DriftmonChild> {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.main ?? MAIN, 'run', '--config', config], {
      cwd: REPO,
      env: { ...process.env, ...options.env },
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    });
    const p = new DriftmonChild(child);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (p.url === undefined) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`driftmon did not start:\n${p.stderr}`);
      }
      await sleep(20);
    }
    return p;
  }

  async metricsText(): Promise<string> {
    const res = await fetch(`${this.url}/metrics`);
    return res.text();
  }

  /** Poll every `everyMs` until predicate(sum of the metric's samples with `labels`) holds. */
  async waitForMetric(name: string, predicate: (v: number) => boolean, timeoutMs: number, labels: Record<string, string> = {}, everyMs = 100): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.metricsText().then((t) => sumMetric(t, name, labels), () => Number.NaN);
      if (predicate(v)) return v;
      if (this.child.exitCode !== null) throw new Error(`driftmon exited (${this.child.exitCode}) while waiting for ${name}\n${this.stderr.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} (last ${v})\n${this.stderr.slice(-3000)}`);
      await sleep(everyMs);
    }
  }
}
