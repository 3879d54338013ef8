/**
 * The real services integration tests run against (Kafka, S3, Prometheus), as
 * scripts/services/services.sh exports them. A test file declares what it needs with
 * describeWithServices: when a service is missing the suite is skipped locally, and fails under
 * CI=true (CI must never go green by skipping).
 */
import { existsSync, readdirSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, it } from 'vitest';

export type ServiceName = 'kafka' | 's3' | 'prometheus';

export interface KafkaService {
  brokers: string[];
}

export interface S3Service {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
}

export interface PrometheusService {
  url: string;
}

export interface Services {
  kafka?: KafkaService;
  s3?: S3Service;
  prometheus?: PrometheusService;
}

export function services(env: NodeJS.ProcessEnv = process.env): Services {
  const out: Services = {};
  if (env.KAFKA_BROKERS) out.kafka = { brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()) };
  if (env.S3_ENDPOINT && env.S3_ACCESS_KEY && env.S3_SECRET_KEY && env.S3_BUCKET) {
    out.s3 = {
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY,
      secretAccessKey: env.S3_SECRET_KEY,
      region: env.S3_REGION ?? 'us-east-1',
      bucket: env.S3_BUCKET,
      forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
    };
  }
  if (env.PROMETHEUS_URL) out.prometheus = { url: env.PROMETHEUS_URL };
  return out;
}

export interface RequiredServices {
  kafka: KafkaService;
  s3: S3Service;
  prometheus: PrometheusService;
}

/**
 * describe() when every named service is configured; otherwise describe.skip locally, or one
 * failing test under CI=true naming what is missing.
 */
export function describeWithServices<N extends ServiceName>(
  needs: readonly N[],
  title: string,
  body: (svc: Pick<RequiredServices, N>) => void,
): void {
  const svc = services();
  const missing = needs.filter((n) => svc[n] === undefined);
  if (missing.length === 0) {
    describe(title, () => body(svc as Pick<RequiredServices, N>));
    return;
  }
  describeRequiring(title, `needs ${missing.join(', ')} (the test run starts them unless DRIFTMON_SERVICES=off; see the [services] lines, or run scripts/services/services.sh install && scripts/services/services.sh up)`);
}

/**
 * What to do when a test's real dependency is missing: skip locally, fail under CI=true (CI never
 * goes green by skipping). The body is not run: it may read the missing thing at collection time.
 */
export function describeRequiring(title: string, why: string): void {
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`service check: ${why}`, () => {
        throw new Error(`CI=true and ${why}`);
      });
    });
  } else {
    describe.skip(`${title} — ${why}`, () => {
      it('skipped', () => undefined);
    });
  }
}

/** An SDK client for the test S3 server (versitygw wants path style and no default CRC checksums). */
export function s3TestClient(s3: Pick<S3Service, 'endpoint' | 'region' | 'forcePathStyle' | 'accessKeyId' | 'secretAccessKey'>): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** describe() with what `find` found (a binary, an install); otherwise like describeRequiring. */
export function describeWhenFound<T>(title: string, find: () => T | undefined, why: string, body: (found: T) => void): void {
  const found = find();
  if (found !== undefined) describe(title, () => body(found));
  else describeRequiring(title, why);
}

/** The version folders under a .cache/services/<tool> folder, newest first (none: empty). */
export function cachedVersions(root: string): string[] {
  return existsSync(root) ? readdirSync(root).sort((a, b) => b.localeCompare(a, 'en', { numeric: true })) : [];
}
