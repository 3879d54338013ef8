/**
 * A private S3 server for one test: its own versitygw process (the binary scripts/services/services.sh
 * installs under .cache/services/versitygw/<version>/), its own posix data directory under a tmp
 * folder and its own free port on 127.0.0.1, with the same credential style as services.sh. Unlike
 * the shared server it can be stopped and started again on the same port and data directory, to
 * simulate an S3 outage. describeWithVersitygw skips a suite locally when the binary is missing and
 * fails it under CI=true, like describeWithServices.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, mkdirSync, openSync, closeSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describe } from 'vitest';
import { describeRequiring } from './services.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The versitygw binary: $VERSITYGW_BIN, else the newest .cache/services/versitygw/<version>/versitygw. */
export function findVersitygw(): string | undefined {
  const fromEnv = process.env.VERSITYGW_BIN;
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : undefined;
  const root = join(REPO, '.cache', 'services', 'versitygw');
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const v of versions) {
    const bin = join(root, v, 'versitygw');
    if (isExecutable(bin)) return bin;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** describe() when the versitygw binary is installed; otherwise skipped locally, failing under CI=true. */
export function describeWithVersitygw(title: string, body: (bin: string) => void): void {
  const bin = findVersitygw();
  if (bin !== undefined) {
    describe(title, () => body(bin));
    return;
  }
  describeRequiring(title, 'needs the versitygw binary (install it with scripts/services/services.sh install)');
}

export interface PrivateS3 {
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly forcePathStyle: true;
  readonly running: boolean;
  /** Starts the server again (same port, same data). */
  start(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s); its data stays. */
  stop(): Promise<void>;
  /** Stops the server and deletes its folder. */
  cleanup(): Promise<void>;
}

const ACCESS_KEY = 'driftmon-test';
const SECRET_KEY = 'driftmon-test-secret';
const REGION = 'us-east-1';

/** Starts a private versitygw with one bucket (created through the S3 API). */
export async function startPrivateS3(options: { bin?: string; bucket?: string } = {}): Promise<PrivateS3> {
  const bin = options.bin ?? findVersitygw();
  if (bin === undefined) throw new Error('versitygw binary not found (scripts/services/services.sh install)');
  const root = mkdtempSync(join(tmpdir(), 'driftmon-private-s3-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const logFile = join(root, 'versitygw.log');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const bucket = options.bucket ?? 'driftmon-private';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    const log = openSync(logFile, 'a');
    const proc = spawn(bin, ['--port', `127.0.0.1:${port}`, '--region', REGION, 'posix', dataDir], {
      env: { ...process.env, ROOT_ACCESS_KEY: ACCESS_KEY, ROOT_SECRET_KEY: SECRET_KEY },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child = proc;
    let gone = false;
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        gone = true;
        if (child === proc) child = undefined;
        resolve();
      }),
    );
    process.once('exit', killOnExit);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (gone) throw new Error(`versitygw exited during start-up (log: ${logFile})`);
      try {
        await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1_000) });
        return; // any HTTP answer (an unsigned request gets 403) means it serves
      } catch {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`versitygw not ready on ${endpoint} after 30 s (log: ${logFile})`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined) return;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
    process.removeListener('exit', killOnExit);
  };

  await start();
  const client = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    await stop();
    throw e;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    port,
    dataDir,
    logFile,
    bucket,
    region: REGION,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    forcePathStyle: true,
    get running() {
      return child !== undefined;
    },
    start,
    stop,
    cleanup: async () => {
      await stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A port free on 127.0.0.1 right now (the OS picks it; nothing listens on it after this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
