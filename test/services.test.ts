/**
 * Smoke test of the real services the integration tests run against (started by
 * test/support/global-setup.ts, or named by the environment): Kafka with a 3-partition topic and
 * a consumer group, S3 put/get/list in the shared bucket, the shared Prometheus, and a private
 * Prometheus scraping a metrics server started here.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { startPrometheus, prometheusBinary, type PrivatePrometheus } from './support/private-prometheus.js';
import { describeWithServices } from './support/services.js';

describeWithServices(['kafka'], 'Kafka (real broker)', ({ kafka: svc }) => {
  it('creates a 3-partition topic, produces 100 messages, and a consumer group reads them all', async () => {
    // kafkajs' own log is kept for the failure message: on a fresh broker the first group join
    // logs "coordinator is loading" errors and retries, which is normal.
    const log: string[] = [];
    const kafka = new Kafka({
      clientId: 'driftmon-smoke',
      brokers: svc.brokers,
      logLevel: logLevel.INFO,
      logCreator: () => (e) => void log.push(`${e.label} ${e.log.message} ${e.log.error ?? ''}`.trim()),
    });
    const topic = `smoke-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `smoke-group-${randomUUID()}` });
    try {
      await admin.connect();
      const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
      expect(created).toBe(true);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]?.partitions).toHaveLength(3);

      await producer.connect();
      await producer.send({
        topic,
        messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
      });
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(100);
      expect(offsets.every((p) => Number(p.high) > 0)).toBe(true); // keys spread over all 3

      const seen = new Map<number, number>(); // value -> partition
      let allSeen!: () => void;
      const done = new Promise<void>((r) => (allSeen = r));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.set(Number(message.value?.toString()), partition);
          if (seen.size === 100) allSeen();
        },
      });
      await Promise.race([
        done,
        new Promise((_, fail) =>
          setTimeout(() => fail(new Error(`consumed ${seen.size}/100 within 60 s; kafkajs log:\n${log.slice(-20).join('\n')}`)), 60_000),
        ),
      ]);
      expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(new Set(seen.values()).size).toBe(3);
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  });
});

describeWithServices(['s3'], 'S3 (versitygw)', ({ s3: svc }) => {
  it('puts, gets and lists an object in the shared bucket', async () => {
    const client = new S3Client({
      endpoint: svc.endpoint,
      region: svc.region,
      credentials: { accessKeyId: svc.accessKeyId, secretAccessKey: svc.secretAccessKey },
      forcePathStyle: svc.forcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const prefix = `smoke/${randomUUID()}/`;
    const key = `${prefix}hello.json`;
    const body = JSON.stringify({ hello: 'driftmon', n: 42 });
    try {
      await client.send(new PutObjectCommand({ Bucket: svc.bucket, Key: key, Body: body, ContentType: 'application/json' }));
      const got = await client.send(new GetObjectCommand({ Bucket: svc.bucket, Key: key }));
      expect(await got.Body?.transformToString()).toBe(body);
      expect(got.ContentType).toBe('application/json');
      const listed = await client.send(new ListObjectsV2Command({ Bucket: svc.bucket, Prefix: prefix }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
      expect(listed.Contents?.[0]?.Size).toBe(Buffer.byteLength(body));
    } finally {
      await client.send(new DeleteObjectCommand({ Bucket: svc.bucket, Key: key })).catch(() => undefined);
      client.destroy();
    }
  });
});

describeWithServices(['prometheus'], 'Prometheus', ({ prometheus: svc }) => {
  it('the shared Prometheus answers /-/ready', async () => {
    const r = await fetch(`${svc.url}/-/ready`);
    expect(r.status).toBe(200);
  });

  // The private one needs the binary on this machine (the shared one may be remote).
  const bin = prometheusBinary();
  if (!bin && process.env.CI === 'true') {
    it('private Prometheus: binary present', () => {
      throw new Error('CI=true and no prometheus binary (scripts/services/services.sh install)');
    });
    return;
  }

  let server: Server | undefined;
  let prom: PrivatePrometheus | undefined;
  afterAll(async () => {
    await prom?.stop();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it.skipIf(!bin)('a private Prometheus scrapes a metrics server on an ephemeral port', async () => {
    server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end('# HELP smoke_answer A test gauge.\n# TYPE smoke_answer gauge\nsmoke_answer{source="services-test"} 42\n');
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;

    prom = await startPrometheus({ targets: [`127.0.0.1:${port}`], scrapeIntervalS: 1 });
    expect(prom.url).not.toBe(svc.url);
    const up = await prom.waitFor('up{job="driftmon"} == 1', (s) => s.length === 1, 30_000);
    expect(up[0]?.metric.instance).toBe(`127.0.0.1:${port}`);
    const samples = await prom.waitFor('smoke_answer', undefined, 10_000);
    expect(samples).toHaveLength(1);
    expect(samples[0]?.metric).toMatchObject({ __name__: 'smoke_answer', source: 'services-test', job: 'driftmon' });
    expect(samples[0]?.value[1]).toBe('42');
  });
});
