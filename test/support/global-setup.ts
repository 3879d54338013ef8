/**
 * Vitest globalSetup: makes the real services (Kafka, S3, Prometheus from
 * scripts/services/services.sh) part of every test run.
 *
 * - DRIFTMON_SERVICES=off: do nothing (fast unit-only loops; integration tests skip, or fail
 *   under CI=true).
 * - KAFKA_BROKERS, S3_ENDPOINT or PROMETHEUS_URL already set: the environment names the services
 *   (CI's .ci/run, or your own); nothing is started.
 * - services already running (`services.sh status`): reuse them; `up` would wipe their data.
 * - otherwise `services.sh install` then `up`, with progress on stderr.
 *
 * The variables of `services.sh env` are put into process.env here, in the main process; vitest
 * builds each fork's environment from process.env after globalSetup has run, so
 * test/support/services.ts's services() sees them in every test file.
 *
 * Several test runs may share one checkout's services (several terminals, several engineers): a
 * lock file serialises the start/stop decisions, and every run that uses the services holds a
 * lease (a file named by its pid). Services a test run started are stopped by the last test run
 * still using them; services started by hand (`services.sh up`) or by CI are never stopped here.
 *
 * Start-up failure: under CI=true the run fails with the script's log tail; locally a warning is
 * printed and the run continues (integration tests skip).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(REPO, 'scripts', 'services', 'services.sh');
const CACHE = join(REPO, '.cache', 'services');
/** services.sh's run dir: wiped by every `up`, so what we keep there belongs to that start. */
const RUN_DIR = join(CACHE, 'run');
const LEASES = join(RUN_DIR, 'vitest-leases');
const STARTED_BY_VITEST = join(RUN_DIR, 'started-by-vitest');
/** Outside the run dir: `up` must not delete the lock its caller holds. */
const LOCK = join(CACHE, 'vitest-setup.lock');

/** Any of these in the environment means "the services are given; start nothing". */
const GIVEN_VARS = ['KAFKA_BROKERS', 'S3_ENDPOINT', 'PROMETHEUS_URL'] as const;

const PREFIX = '[services]';
const say = (msg: string): void => {
  process.stderr.write(`${PREFIX} ${msg}\n`);
};

interface ScriptResult {
  code: number;
  stdout: string;
  /** last lines of stdout+stderr, for error messages */
  tail: string[];
}

/**
 * Runs `services.sh CMD`. With stream, every output line goes to stderr (prefixed unless the
 * script already prefixed it). stdin is closed: nothing may wait for a password.
 */
function runScript(cmd: string, stream: boolean): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SCRIPT, cmd], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const tail: string[] = [];
    let stdout = '';
    const onLines = (isStdout: boolean) => {
      let partial = '';
      return (chunk: Buffer) => {
        const text = partial + chunk.toString();
        if (isStdout) stdout += chunk.toString();
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) emit(line);
      };
    };
    const emit = (line: string) => {
      tail.push(line);
      if (tail.length > 60) tail.shift();
      if (stream) process.stderr.write(line.startsWith(PREFIX) ? `${line}\n` : `${PREFIX} ${line}\n`);
    };
    child.stdout.on('data', onLines(true));
    child.stderr.on('data', onLines(false));
    child.on('error', (e) => resolve({ code: 127, stdout, tail: [...tail, `${PREFIX} cannot run bash: ${e.message}`] }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, tail }));
  });
}

/** `export NAME=value` lines (what `services.sh env` prints) to a map. */
export function parseEnvExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = (m[2] as string).trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[m[1] as string] = value;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alive, and (where /proc tells) a vitest process: a recycled pid does not count. */
function isLiveVitest(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('vitest');
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** Takes the lock (a file holding our pid); steals it from a dead holder. */
async function withLock<T>(what: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(CACHE, { recursive: true });
  let told = false;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readFileSync(LOCK, 'utf8'), 10);
    } catch {
      // removed meanwhile, or being written
    }
    let age = 0;
    try {
      age = Date.now() - statSync(LOCK).mtimeMs;
    } catch {
      continue;
    }
    const stale = Number.isInteger(holder) ? !isLiveVitest(holder) : age > 10_000;
    if (stale) {
      rmSync(LOCK, { force: true });
      continue;
    }
    if (!told) {
      say(`waiting for another test run (pid ${holder}) to finish ${what}…`);
      told = true;
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

function takeLease(): void {
  mkdirSync(LEASES, { recursive: true });
  writeFileSync(join(LEASES, String(process.pid)), `${process.argv.join(' ')}\n`);
}

/** Drops our lease; true when no other live test run holds one. */
function dropLease(): boolean {
  rmSync(join(LEASES, String(process.pid)), { force: true });
  let others = 0;
  for (const name of existsSync(LEASES) ? readdirSync(LEASES) : []) {
    const pid = Number(name);
    if (Number.isInteger(pid) && isLiveVitest(pid)) others += 1;
    else rmSync(join(LEASES, name), { force: true });
  }
  return others === 0;
}

/** `services.sh env`; retried while the services run but a concurrent `up` has not finished. */
async function readEnv(): Promise<Record<string, string> | undefined> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const env = await runScript('env', false);
    if (env.code === 0) return parseEnvExports(env.stdout);
    if (Date.now() > deadline || (await runScript('status', false)).code !== 0) return undefined;
    await sleep(500);
  }
}

function fail(step: string, result: ScriptResult): void {
  const tail = result.tail.slice(-40).join('\n');
  if (process.env.CI === 'true') {
    throw new Error(`${SCRIPT} ${step} failed (exit ${result.code}); CI=true needs the real services.\n${tail}`);
  }
  say(`WARNING: \`scripts/services/services.sh ${step}\` failed (exit ${result.code}).`);
  say('WARNING: integration tests will be SKIPPED. Output above; set DRIFTMON_SERVICES=off to not try.');
}

function apply(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) process.env[k] = v;
}

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DRIFTMON_SERVICES === 'off') {
    say('DRIFTMON_SERVICES=off: not starting Kafka/S3/Prometheus (integration tests skip; fail under CI=true)');
    return undefined;
  }
  const given = GIVEN_VARS.filter((k) => process.env[k]);
  if (given.length > 0) {
    say(`using the services named by the environment (${given.join(', ')}); starting nothing`);
    return undefined;
  }

  const t0 = Date.now();
  const outcome = await withLock('starting the services', async () => {
    if ((await runScript('status', false)).code === 0) {
      const vars = await readEnv();
      if (vars) {
        takeLease();
        return { vars, how: 'reusing the running services' };
      }
    }
    say('starting the real services (scripts/services/services.sh install && up); DRIFTMON_SERVICES=off skips this');
    const install = await runScript('install', true);
    if (install.code !== 0) return fail('install', install);
    const up = await runScript('up', true);
    if (up.code !== 0) return fail('up', up);
    const vars = await readEnv();
    if (!vars) return fail('env', { code: 1, stdout: '', tail: ['services.sh env printed nothing after a successful up'] });
    writeFileSync(STARTED_BY_VITEST, `${process.pid}\n`);
    takeLease();
    return { vars, how: 'started' };
  });
  if (!outcome) return undefined;

  apply(outcome.vars);
  say(`${outcome.how} in ${((Date.now() - t0) / 1000).toFixed(1)}s: Kafka ${outcome.vars.KAFKA_BROKERS}, S3 ${outcome.vars.S3_ENDPOINT}, Prometheus ${outcome.vars.PROMETHEUS_URL}`);

  return async () => {
    await withLock('stopping the services', async () => {
      const last = dropLease();
      if (!existsSync(STARTED_BY_VITEST)) return; // started by hand or replaced by a later `up`
      if (!last) {
        say('other test runs still use the services; leaving them running (the last one stops them)');
        return;
      }
      const down = await runScript('down', false);
      if (down.code === 0) say('services stopped');
      else say(`WARNING: services.sh down failed (exit ${down.code}):\n${down.tail.join('\n')}`);
    });
  };
}
