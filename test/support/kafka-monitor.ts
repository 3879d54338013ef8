/**
 * A Kafka-fed monitor for integration tests: a baseline built by `driftmon baseline data` from
 * the benchmark's 20-feature capture lines, and a config file for `driftmon run`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CaptureLineGenerator, FEATURES } from '../../bench/support/capture-lines.js';
import { runCli } from './cli.js';
import { createTopic, uniqueTopic } from './kafka.js';

/** Build statistics.json + constraints.json in `dir` from `rows` lines of the generator with `seed`. */
export async function buildCaptureBaseline(dir: string, seed = 11, rows = 5_000): Promise<void> {
  const gen = new CaptureLineGenerator(seed, Date.UTC(2026, 0, 1), 100);
  const csv = [FEATURES.join(',')];
  for (const line of gen.lines(rows)) {
    const c = (JSON.parse(line) as { captureData: { endpointInput: { data: string }; endpointOutput: { data: string } } }).captureData;
    csv.push(`${c.endpointOutput.data},${c.endpointInput.data}`);
  }
  writeFileSync(join(dir, 'baseline.csv'), `${csv.join('\n')}\n`);
  const r = await runCli(['baseline', 'data', '--input', join(dir, 'baseline.csv'), '--output', join(dir, 'baseline'), '--header', 'true']);
  if (r.code !== 0) throw new Error(`baseline failed: ${r.stderr}`);
}

export interface KafkaMonitorConfig {
  dir: string;
  brokers: readonly string[];
  topic: string;
  windows: string[];
  grace: string;
  monitor?: string;
  source?: Record<string, unknown>;
  monitorExtra?: Record<string, unknown>;
  output?: Record<string, unknown>;
}

/** Write a `driftmon run` config under dir (reports in dir/out, state in dir/state) and return its path. */
export function writeKafkaConfig(c: KafkaMonitorConfig): string {
  const config = {
    monitors: [
      {
        name: c.monitor ?? 'model',
        source: { type: 'kafka', brokers: c.brokers, topics: [c.topic], fromBeginning: true, ...c.source },
        record: { format: 'sagemaker-capture', outputs: [FEATURES[0]], inputs: FEATURES.slice(1) },
        baseline: { dir: join(c.dir, 'baseline') },
        windows: c.windows,
        grace: c.grace,
        ...c.monitorExtra,
      },
    ],
    output: { dir: join(c.dir, 'out'), ...c.output },
    state: { dir: join(c.dir, 'state') },
    http: { port: 0 },
    log: { level: 'info' },
  };
  const path = join(c.dir, 'driftmon.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

/** A tmp dir `<name>` with the capture baseline, an input topic `inference-<name>` of `partitions` and its one-partition dead-letter topic. */
export async function kafkaMonitorWithDeadLetters(brokers: readonly string[], name: string, partitions: number): Promise<{ dir: string; topic: string; dlt: string }> {
  const dir = mkdtempSync(join(tmpdir(), `driftmon-${name}-`));
  await buildCaptureBaseline(dir);
  const topic = uniqueTopic(`inference-${name}`);
  const dlt = uniqueTopic(`inference-${name}-dlq`);
  await createTopic(brokers, topic, partitions);
  await createTopic(brokers, dlt, 1);
  return { dir, topic, dlt };
}
