/**
 * A private Prometheus for one test: Debian's /usr/bin/prometheus (installed by
 * `scripts/services/services.sh install`) on its own free 127.0.0.1 port, with a generated config
 * scraping the given targets and a temporary data dir. Lets a test point a real Prometheus at the
 * ephemeral port of the driftmon it started, instead of the shared one (which scrapes a fixed
 * target).
 *
 * The binary may be missing: prometheusBinary() says so, and the caller decides (skip locally,
 * fail under CI=true). Note: a new target's first sample takes ~5-6 s (Prometheus batches
 * service-discovery updates every 5 s): poll with waitFor, never sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export interface PromSample {
  metric: Record<string, string>;
  /** [unix seconds, value as Prometheus prints it] */
  value: [number, string];
}

export interface PrivatePrometheusOptions {
  /** host:port of each /metrics endpoint to scrape */
  targets: string[];
  /** scrape and rule-evaluation interval, seconds (default 1) */
  scrapeIntervalS?: number;
  /** rule files to load (relative paths resolve against the current directory) */
  ruleFiles?: string[];
  /** job label of the targets (default "driftmon") */
  jobName?: string;
  /** metrics path of the targets (default /metrics) */
  metricsPath?: string;
}

export interface PrivatePrometheus {
  /** http://127.0.0.1:PORT */
  url: string;
  /** instant query; the result vector (a scalar comes back as one sample without labels) */
  query(expr: string): Promise<PromSample[]>;
  /** polls query(expr) until predicate holds (default: non-empty), then returns that result */
  waitFor(expr: string, predicate?: (samples: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  /** the server's stderr so far (log level warn), for failure messages */
  log(): string;
  /** stops the server and deletes its data dir; safe to call twice */
  stop(): Promise<void>;
}

/** The prometheus executable: $DRIFTMON_PROMETHEUS_BIN, /usr/bin/prometheus, or on PATH. */
export function prometheusBinary(): string | undefined {
  const candidates = [
    process.env.DRIFTMON_PROMETHEUS_BIN,
    '/usr/bin/prometheus',
    ...(process.env.PATH ?? '').split(delimiter).filter(isAbsolute).map((d) => join(d, 'prometheus')),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Children still running when the test process exits are killed (a forgotten stop()). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

function durationOf(seconds: number): string {
  if (!(seconds > 0)) throw new Error(`scrapeIntervalS must be > 0, got ${seconds}`);
  return `${Math.max(1, Math.round(seconds * 1000))}ms`;
}

export async function startPrometheus(options: PrivatePrometheusOptions): Promise<PrivatePrometheus> {
  const bin = prometheusBinary();
  if (!bin) {
    throw new Error('prometheus not found (install it with scripts/services/services.sh install, or set DRIFTMON_PROMETHEUS_BIN)');
  }
  if (options.targets.length === 0) throw new Error('startPrometheus: no targets');
  const interval = durationOf(options.scrapeIntervalS ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-prometheus-'));
  // JSON is YAML: no quoting questions for targets or paths.
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: (options.ruleFiles ?? []).map((f) => resolve(f)),
    scrape_configs: [
      {
        job_name: options.jobName ?? 'driftmon',
        metrics_path: options.metricsPath ?? '/metrics',
        static_configs: [{ targets: options.targets }],
      },
    ],
  };
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  installExitHook();

  // The free port can be taken between our probe and Prometheus' bind: try a few.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      bin,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    live.add(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exitPromise = new Promise<void>((done) => {
      child.once('exit', (code, signal) => {
        exited = { code, signal };
        live.delete(child);
        done();
      });
      child.once('error', (e) => {
        stderr += `spawn error: ${e.message}\n`;
        exited = { code: 127, signal: null };
        live.delete(child);
        done();
      });
    });

    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      try {
        const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
        if (r.ok) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    if (ready) return handle(url, child, exitPromise, () => exited !== undefined, () => stderr, dir);

    if (!exited) child.kill('SIGKILL');
    await exitPromise;
    lastError = new Error(`private prometheus on ${url} did not become ready (exit ${JSON.stringify(exited)}):\n${stderr.slice(-4000)}`);
    if (!/address already in use/i.test(stderr)) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError ?? new Error('private prometheus did not start');
}

function handle(
  url: string,
  child: ChildProcess,
  exitPromise: Promise<void>,
  hasExited: () => boolean,
  log: () => string,
  dir: string,
): PrivatePrometheus {
  const query = async (expr: string): Promise<PromSample[]> => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await r.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: unknown };
    };
    if (body.status !== 'success' || !body.data) throw new Error(`query ${expr}: ${body.error ?? `HTTP ${r.status}`}`);
    const { resultType, result } = body.data;
    if (resultType === 'vector') {
      return (result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({ metric: s.metric, value: s.value }));
    }
    if (resultType === 'scalar' || resultType === 'string') return [{ metric: {}, value: result as [number, string] }];
    throw new Error(`query ${expr}: result type ${resultType} (use an instant vector expression)`);
  };

  const targetsSummary = async (): Promise<string> => {
    try {
      const r = await fetch(`${url}/api/v1/targets`, { signal: AbortSignal.timeout(5_000) });
      const body = (await r.json()) as { data?: { activeTargets?: { scrapeUrl: string; health: string; lastError: string }[] } };
      const t = body.data?.activeTargets ?? [];
      return t.length === 0 ? 'no active targets yet' : t.map((x) => `${x.scrapeUrl} ${x.health}${x.lastError ? ` (${x.lastError})` : ''}`).join('; ');
    } catch (e) {
      return `targets unavailable: ${(e as Error).message}`;
    }
  };

  return {
    url,
    query,
    async waitFor(expr, predicate = (s) => s.length > 0, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last: PromSample[] | undefined;
      let lastErr: unknown;
      for (;;) {
        if (hasExited()) throw new Error(`private prometheus exited while waiting for ${expr}:\n${log().slice(-4000)}`);
        try {
          last = await query(expr);
          lastErr = undefined;
          if (predicate(last)) return last;
        } catch (e) {
          lastErr = e;
        }
        if (Date.now() >= deadline) break;
        await sleep(250);
      }
      const seen = lastErr ? `last error: ${(lastErr as Error).message}` : `last result: ${JSON.stringify(last)}`;
      throw new Error(`waitFor(${expr}) timed out after ${timeoutMs} ms; ${seen}; targets: ${await targetsSummary()}`);
    },
    log,
    async stop() {
      if (!hasExited()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exitPromise;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
