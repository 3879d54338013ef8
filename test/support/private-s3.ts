/**
 * A private S3 server for one test: its own versitygw process (the binary scripts/services/services.sh
 * installs under .cache/services/versitygw/<version>/), its own posix data directory under a tmp
 * folder and its own free port on 127.0.0.1, with the same credential style as services.sh. Unlike
 * the shared server it can be stopped and started again on the same port and data directory, to
 * simulate an S3 outage. describeWithVersitygw skips a suite locally when the binary is missing and
 * fails it under CI=true, like describeWithServices.
 */
import { accessSync, constants, mkdtempSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ChildService, privateServer, type PrivateServer } from './child-service.js';
import { cachedVersions, describeWhenFound } from './services.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The versitygw binary: $VERSITYGW_BIN, else the newest .cache/services/versitygw/<version>/versitygw. */
export function findVersitygw(): string | undefined {
  const fromEnv = process.env.VERSITYGW_BIN;
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : undefined;
  const root = join(REPO, '.cache', 'services', 'versitygw');
  return cachedVersions(root)
    .map((v) => join(root, v, 'versitygw'))
    .find(isExecutable);
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
  describeWhenFound(title, findVersitygw, 'needs the versitygw binary (install it with scripts/services/services.sh install)', body);
}

export interface PrivateS3 extends PrivateServer {
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly forcePathStyle: true;
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
  const server = new ChildService({
    name: 'versitygw',
    command: bin,
    args: ['--port', `127.0.0.1:${port}`, '--region', REGION, 'posix', dataDir],
    env: { ...process.env, ROOT_ACCESS_KEY: ACCESS_KEY, ROOT_SECRET_KEY: SECRET_KEY },
    logFile,
    // any HTTP answer (an unsigned request gets 403) means it serves
    ready: () => fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false),
    readyTimeoutMs: 30_000,
    killAfterMs: 10_000,
  });
  await server.start();
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
    await server.stop();
    throw e;
  } finally {
    client.destroy();
  }

  return Object.assign(privateServer(server, { port, dataDir, logFile, root }), {
    endpoint,
    bucket,
    region: REGION,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    forcePathStyle: true as const,
  });
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
