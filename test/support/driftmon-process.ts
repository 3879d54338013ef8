/**
 * `driftmon run` as a real child process, the way it is deployed: started with a config, watched
 * through its /metrics endpoint, stopped with SIGTERM or killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAIN, REPO } from './cli.js';

export class DriftmonProcess {
  stderr = '';
  url: string | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      const m = /metrics at (http:\/\/[^\s]+)\/metrics/.exec(this.stderr);
      if (m && this.url === undefined) this.url = m[1];
    });
    child.stdout?.resume();
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Start `driftmon run --config FILE` and wait until it serves /metrics. */
  static async start(config: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<DriftmonProcess> {
    const child = spawn(process.execPath, [MAIN, 'run', '--config', config], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const p = new DriftmonProcess(child);
    const deadline = Date.now() + timeoutMs;
    while (p.url === undefined) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`driftmon did not start:\n${p.stderr}`);
      await sleep(50);
    }
    return p;
  }

  async metricsText(): Promise<string> {
    const res = await fetch(`${this.url}/metrics`);
    return res.text();
  }

  /** Sum of every sample of `name` whose labels include `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return sumMetric(await this.metricsText(), name, labels);
  }

  /** Poll until predicate(value of the metric) holds. */
  async waitForMetric(name: string, predicate: (v: number) => boolean, timeoutMs: number, labels: Record<string, string> = {}): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.metric(name, labels).catch(() => Number.NaN);
      if (predicate(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} (last ${v})\n${this.stderr.slice(-3000)}`);
      if (this.child.exitCode !== null) throw new Error(`driftmon exited (${this.child.exitCode}) while waiting for ${name}\n${this.stderr.slice(-3000)}`);
      await sleep(100);
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
