#!/usr/bin/env node
/**
 * Traffic for deploy/compose: SageMaker data-capture events on a Kafka topic, drawn from the rows
 * of a training CSV (the bundled credit-model baseline), stamped with the wall clock. After
 * DRIFT_AFTER, `income` is multiplied by 1.8 and the region mix shifts to the rare regions (as in
 * examples/generate.ts), so driftmon's drift gauges and alerts fire for those two features only.
 *
 *   node deploy/traffic.mjs setup     create the topic (TRAFFIC_PARTITIONS) and, with S3_ENDPOINT,
 *                                     the report bucket S3_BUCKET; idempotent
 *   node deploy/traffic.mjs produce   produce TRAFFIC_RATE records/s until stopped
 *   node deploy/traffic.mjs sample N [drifted]   print N events as JSON lines (no Kafka): a
 *                                     capture file for `driftmon replay`, and what the tests read
 *
 * Environment: KAFKA_BROKERS (kafka:19092), TRAFFIC_TOPIC (inference), TRAFFIC_PARTITIONS (4),
 * TRAFFIC_CSV (/data/baseline.csv), TRAFFIC_RATE (50), DRIFT_AFTER (5m; 10s, 5m, 1h),
 * TRAFFIC_LIMIT (records, then exit; default unlimited), S3_ENDPOINT, S3_BUCKET.
 * Runs in the driftmon image (mounted at /app/deploy), so kafkajs and the AWS SDK come from the
 * image's production dependencies.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const env = process.env;
const brokers = (env.KAFKA_BROKERS ?? 'kafka:19092').split(',').map((b) => b.trim());
const topic = env.TRAFFIC_TOPIC ?? 'inference';
const kafka = new Kafka({ clientId: 'driftmon-traffic', brokers, logLevel: logLevel.WARN, retry: { retries: 10 } });

/** "10s", "5m", "1h" or plain seconds → milliseconds. */
function durationMs(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (!m) throw new Error(`not a duration: ${text} (use 10s, 5m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'];
  return Number(m[1]) * unit;
}

/** Header + rows of a plain CSV (no quoted fields: the bundled training data has none). */
function readCsv(path) {
  const [header, ...lines] = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const names = header.split(',');
  return { names, rows: lines.map((l) => l.split(',')) };
}

const RARE_REGIONS = ['central', 'west', 'east'];

/** One capture event from a training row: outputs (risk_score) first, as SageMaker writes them. */
function captureEvent(names, row, drifted, n, now = new Date()) {
  const values = [...row];
  if (drifted) {
    const income = names.indexOf('income');
    const region = names.indexOf('region');
    if (income >= 0) values[income] = (Number(values[income]) * 1.8).toFixed(2);
    if (region >= 0 && n % 2 === 0) values[region] = RARE_REGIONS[(n >> 1) % RARE_REGIONS.length];
  }
  const inferenceId = `traffic-${n}`;
  const event = {
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: values.slice(1).join(','), encoding: 'CSV' },
      endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: values[0], encoding: 'CSV' },
    },
    eventMetadata: { eventId: randomUUID(), inferenceId, inferenceTime: now.toISOString() },
    eventVersion: '0',
  };
  return { key: inferenceId, value: JSON.stringify(event) };
}

async function setup() {
  const admin = kafka.admin();
  await admin.connect();
  const partitions = Number(env.TRAFFIC_PARTITIONS ?? 4);
  // listed first: creating an existing topic works but kafkajs logs it as an error
  if ((await admin.listTopics()).includes(topic)) console.log(`topic ${topic}: exists`);
  else {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    console.log(`topic ${topic}: created with ${partitions} partitions`);
  }
  await admin.disconnect();
  if (!env.S3_ENDPOINT) return;
  const bucket = env.S3_BUCKET ?? 'driftmon-reports';
  const s3 = new S3Client({ endpoint: env.S3_ENDPOINT, forcePathStyle: true, region: env.AWS_REGION ?? 'us-east-1' });
  // the S3 server has no healthcheck: retry while it starts
  for (let attempt = 1; ; attempt++) {
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      console.log(`bucket ${bucket}: created`);
      return;
    } catch (e) {
      if (e?.name === 'BucketAlreadyOwnedByYou' || e?.name === 'BucketAlreadyExists') return void console.log(`bucket ${bucket}: exists`);
      if (attempt >= 30) throw e;
      await sleep(1000);
    }
  }
}

async function produce() {
  const { names, rows } = readCsv(env.TRAFFIC_CSV ?? '/data/baseline.csv');
  const rate = Number(env.TRAFFIC_RATE ?? 50);
  const driftAfterMs = durationMs(env.DRIFT_AFTER ?? '5m');
  const limit = env.TRAFFIC_LIMIT === undefined ? Infinity : Number(env.TRAFFIC_LIMIT);
  // the default partitioner, named so kafkajs does not warn about its v2 change
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stop.abort());
  const start = Date.now();
  let n = 0;
  let announced = false;
  console.log(`producing ${rate} records/s to ${topic}; drift after ${env.DRIFT_AFTER ?? '5m'}`);
  // 10 batches a second: the rate holds without a timer per record
  while (!stop.signal.aborted && n < limit) {
    const drifted = Date.now() - start >= driftAfterMs;
    if (drifted && !announced) {
      announced = true;
      console.log(`drift starts now (record ${n}): income ×1.8, region mix shifted`);
    }
    const batch = [];
    for (let i = 0; i < Math.max(1, Math.round(rate / 10)) && n < limit; i++, n++) {
      batch.push(captureEvent(names, rows[Math.floor(Math.random() * rows.length)], drifted, n));
    }
    await producer.send({ topic, messages: batch });
    const due = start + (n / rate) * 1000 - Date.now();
    if (due > 0) await sleep(due, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  await producer.disconnect();
  console.log(`produced ${n} records`);
}

function sample(count, drifted) {
  const { names, rows } = readCsv(env.TRAFFIC_CSV ?? '/data/baseline.csv');
  const lines = [];
  for (let n = 0; n < count; n++) lines.push(captureEvent(names, rows[n % rows.length], drifted, n).value);
  process.stdout.write(`${lines.join('\n')}\n`);
}

const [command, arg, flag] = process.argv.slice(2);
if (command === 'setup') await setup();
else if (command === 'produce') await produce();
else if (command === 'sample') sample(Number(arg ?? 10), flag === 'drifted');
else {
  console.error(`usage: traffic.mjs setup|produce|sample N [drifted] (got ${command})`);
  process.exitCode = 2;
}
