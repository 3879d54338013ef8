/**
 * What the Kafka benches (kafka.bench, scale-out.bench) share: argument parsing, formatting,
 * machine facts and CPU readings (the broker shares the machine's cores, so a run waits for the
 * machine to go quiet first), the steady-state rate of a consumer from its samples, and the
 * clean-up of child processes, worker threads, topics and temporary directories on any exit.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { kafkaClient } from '../../test/support/kafka.js';

// ------------------------------------------------------------------------------------------------
// Arguments and formatting
// ------------------------------------------------------------------------------------------------
export function benchArgs(argv: string[]): { flag: (name: string) => boolean; opt: (name: string, dflt: string) => string; num: (name: string, dflt: number) => number } {
  const flag = (name: string): boolean => argv.includes(`--${name}`);
  const opt = (name: string, dflt: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : dflt;
  };
  return { flag, opt, num: (name, dflt) => Number(opt(name, String(dflt))) };
}

export const log = (s: string): void => void process.stderr.write(`${s}\n`);
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const round3 = (x: number): number => Number(x.toFixed(3));
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

// ------------------------------------------------------------------------------------------------
// Machine CPU (whole machine, /proc/stat): the broker shares these cores
// ------------------------------------------------------------------------------------------------
export interface CpuTicks {
  busy: number;
  total: number;
}

export function cpuTicks(): CpuTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/** Busy share of all cores between two readings (1.0 = every core busy). */
export const busyShare = (a: CpuTicks, b: CpuTicks): number => (b.busy - a.busy) / Math.max(1, b.total - a.total);

/**
 * Wait (up to maxWaitMs) for a second in which the machine's cores are less than `below` busy, so a
 * measurement does not start while something else (a test run, another bench) holds a core.
 * Returns the busy share of the last second sampled.
 */
export async function waitQuiet(below = 0.25, maxWaitMs = 90_000): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let warned = false;
  for (;;) {
    const a = cpuTicks();
    await sleep(1000);
    const share = busyShare(a, cpuTicks());
    if (share < below || Date.now() > deadline) {
      if (share >= below) log(`  (machine still ${(share * 100).toFixed(0)} % busy after ${maxWaitMs / 1000} s; measuring anyway)`);
      return round3(share);
    }
    if (!warned) log(`  (machine ${(share * 100).toFixed(0)} % busy before the run: waiting for it to go quiet)`);
    warned = true;
  }
}

export interface MachineFacts {
  cpu_model: string;
  cores: number;
  node: string;
  platform: string;
  arch: string;
  total_mem_mb: number;
}

export function machine(): MachineFacts {
  const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return { cpu_model: model, cores: cpus().length, node: process.version, platform: process.platform, arch: process.arch, total_mem_mb: Math.round(memKb / 1024) };
}

// ------------------------------------------------------------------------------------------------
// Steady-state rate of a consumer
// ------------------------------------------------------------------------------------------------
export interface Sample {
  t: number;
  n: number;
}

/**
 * The steady-state rate from (t, n) samples: first sample with n > 0 to the first with n ≥ total
 * (start-up and group join left out); `incl` is total over the whole time from t0.
 */
export function rates(samples: Sample[], t0: number, total: number): { steady: number; incl: number; steadyS: number; totalS: number; startupS: number } {
  const first = samples.find((s) => s.n > 0);
  const last = samples.find((s) => s.n >= total);
  if (first === undefined || last === undefined) throw new Error('consumer did not finish');
  const steadyS = (last.t - first.t) / 1000;
  return { steady: (total - first.n) / steadyS, incl: total / ((last.t - t0) / 1000), steadyS, totalS: (last.t - t0) / 1000, startupS: (first.t - t0) / 1000 };
}

// ------------------------------------------------------------------------------------------------
// Clean-up: child processes, workers, topics, temporary directories — on any exit
// ------------------------------------------------------------------------------------------------
export async function stopChild(child: ChildProcess, graceful = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceful);
  await exited;
  clearTimeout(t);
}

/**
 * What a bench must undo whichever way it ends. Construct once per bench process: it installs the
 * exit and signal handlers (SIGINT/SIGTERM: clean up, exit 130). `keep` leaves topics and
 * temporary directories in place.
 */
export class BenchCleanup {
  readonly children = new Set<ChildProcess>();
  readonly workers = new Set<Worker>();
  readonly topics = new Set<string>();
  private readonly tempDirs = new Set<string>();
  interrupted = false;

  constructor(
    private readonly brokers: string[],
    private readonly keep: boolean,
    private readonly name: string,
  ) {
    process.on('exit', () => {
      for (const c of this.children) c.kill('SIGKILL');
    });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        this.interrupted = true;
        log(`\n${sig}: stopping child processes and deleting the bench's topics…`);
        const hard = setTimeout(() => process.exit(130), 15_000);
        hard.unref();
        void this.cleanup().finally(() => process.exit(130));
      });
    }
  }

  track(child: ChildProcess): ChildProcess {
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  trackWorker(worker: Worker): Worker {
    this.workers.add(worker);
    worker.on('exit', () => this.workers.delete(worker));
    return worker;
  }

  tempDir(prefix: string): string {
    const d = mkdtempSync(join(tmpdir(), `driftmon-${this.name}-${prefix}-`));
    this.tempDirs.add(d);
    return d;
  }

  async deleteTopics(names: string[]): Promise<void> {
    if (names.length === 0 || this.keep) return;
    const admin = kafkaClient(this.brokers, `${this.name}-admin`).admin();
    try {
      await admin.connect();
      await admin.deleteTopics({ topics: names, timeout: 10_000 });
      for (const n of names) this.topics.delete(n);
    } catch (e) {
      log(`  (could not delete topics ${names.join(', ')}: ${(e as Error).message})`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.children].map((c) => stopChild(c, 5_000)));
    await Promise.all([...this.workers].map((w) => w.terminate()));
    await this.deleteTopics([...this.topics]);
    if (!this.keep) for (const d of this.tempDirs) rmSync(d, { recursive: true, force: true });
  }
}
