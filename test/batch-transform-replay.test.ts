/**
 * SageMaker batch-transform capture through the built CLI, as a user replays it:
 * - the same rows written as endpoint capture, as CSV transform output (read through capture
 *   manifests mapped to a local copy) and as JSON Lines transform output (read directly) give
 *   identical window reports;
 * - manifests whose prefix is s3:// on the real S3 server are read end to end;
 * - ground truth keyed by SageMakerInferenceId joins the batch predictions (label monitor).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { reportFolder } from '../src/sink/report.js';
import { runCli } from './support/cli.js';
import { confusionOf } from './support/label-scenario.js';
import { rng } from './support/random.js';
import { DQ, replayDirs } from './support/replay-fixture.js';
import { describeWithServices, s3TestClient } from './support/services.js';

const NAMES = ['--outputs', '_c0', '--inputs', '_c1,_c2,_c3,_c4,_c5'];
/** Two transform jobs: every record of a job carries the job's start time. */
const JOBS = [
  { start: '2026-01-01T00:10:00Z', rows: 120, shift: 0 },
  { start: '2026-01-01T01:20:00Z', rows: 80, shift: 10 },
];

interface Row {
  id: string;
  time: string;
  /** Column texts, output first (as the golden dataset's column 0). */
  cols: string[];
}

/** The golden rows, job 2's _c2 shifted (drift), each with a random-looking inference id. */
function rows(): Row[] {
  const golden = readFileSync(join(DQ, 'baseline_dataset.csv'), 'utf8').trim().split('\n');
  const r = rng(5);
  const out: Row[] = [];
  let n = 0;
  for (const job of JOBS) {
    for (let i = 0; i < job.rows; i++, n++) {
      const cols = (golden[n % golden.length] as string).split(',');
      if (job.shift !== 0) cols[2] = String(Number(cols[2]) + job.shift);
      out.push({ id: `${r.int(1e9).toString(16)}-${n}`, time: job.start, cols });
    }
  }
  return out;
}

const endpointLine = (row: Row): string =>
  JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: row.cols.slice(1).join(','), encoding: 'CSV' },
      endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: row.cols[0], encoding: 'CSV' },
    },
    eventMetadata: { eventId: `ev-${row.id}`, inferenceId: row.id, inferenceTime: row.time },
    eventVersion: '0',
  });
/** SageMaker's CSV transform output with GenerateInferenceId: `…,<uuid>,<job start>` (outputs first here). */
const csvLine = (row: Row): string => `${row.cols.join(',')},${row.id},${row.time}`;
/** JSON Lines output joined with the input: numbers written as the CSV's texts. */
const jsonlLine = (row: Row): string =>
  `{${row.cols
    .slice(1)
    .map((v, j) => `"_c${j + 1}":${v}`)
    .join(',')},"SageMakerOutput":{"_c0":${row.cols[0]}},"SageMakerInferenceId":"${row.id}","SageMakerInferenceTime":"${row.time}"}`;

/** Per job: its rows' lines in one output object, and a manifest naming it under `prefix`. */
function writeBatch(root: string, data: Row[], line: (r: Row) => string, prefix: string, name: string): { objects: Map<string, string> } {
  const objects = new Map<string, string>();
  for (const [j, job] of JOBS.entries()) {
    const key = `job-${j}/${name}`;
    objects.set(key, `${data.filter((r) => r.time === job.start).map(line).join('\n')}\n`);
    const d = new Date(job.start);
    const hour = join(root, 'output', String(d.getUTCFullYear()), '01', '01', String(d.getUTCHours()).padStart(2, '0'));
    mkdirSync(hour, { recursive: true });
    writeFileSync(join(hour, `manifest-${j}.json`), JSON.stringify([{ prefix }, key]));
  }
  return { objects };
}

function writeObjects(dir: string, objects: Map<string, string>): void {
  for (const [key, text] of objects) {
    mkdirSync(join(dir, key, '..'), { recursive: true });
    writeFileSync(join(dir, key), text);
  }
}

/** Every report file under `out` (statistics, violations, driftmon's summary), by path, with the time of writing (closed_at) taken out. */
function reports(out: string): Map<string, unknown> {
  const files = new Map<string, unknown>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (['statistics.json', 'constraint_violations.json', 'driftmon-report.json'].includes(e.name)) files.set(relative(out, p), withoutWriteTimes(JSON.parse(readFileSync(p, 'utf8'))));
    }
  };
  walk(out);
  return files;
}

function withoutWriteTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutWriteTimes);
  if (v === null || typeof v !== 'object') return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!/^closed_at$/.test(k)) o[k] = withoutWriteTimes(x);
  return o;
}

/** A one-monitor replay config in dir/replay.yaml, reporting to dir/<out>, without HTTP. */
function writeReplayConfig(dir: string, monitor: Record<string, unknown>, out: string): string {
  const config = join(dir, 'replay.yaml');
  writeFileSync(config, stringify({ monitors: [monitor], output: { dir: join(dir, out) }, state: { dir: join(dir, 'state') }, http: { enabled: false } }));
  return config;
}

async function replay(args: string[], env?: Record<string, string>): Promise<{ out: string; stdout: string }> {
  const r = await runCli(['replay', ...args], env === undefined ? {} : { env });
  expect(r.code, r.stderr).toBe(0);
  return { out: args[args.indexOf('--output') + 1] as string, stdout: r.stdout };
}

describe('driftmon replay of batch-transform capture', () => {
  it('gives the window reports of the same rows captured at an endpoint, from CSV (manifests) and JSON Lines (output files)', async () => {
    const { dir, baselineDir, cap } = await replayDirs('driftmon-batch-');
    const data = rows();
    writeFileSync(join(cap, 'capture.jsonl'), `${data.map(endpointLine).join('\n')}\n`);
    const common = ['--baseline', baselineDir, '--window', '1h', ...NAMES];
    const endpoint = await replay(['--capture', cap, ...common, '--output', join(dir, 'out-endpoint')]);

    const csvRoot = join(dir, 'csv-capture');
    const { objects: csvObjects } = writeBatch(csvRoot, data, csvLine, 's3://transform-bucket/transform-output/', 'dataset.csv.out');
    writeObjects(join(dir, 'csv-copy'), csvObjects);
    const csv = await replay([
      '--capture', join(csvRoot, 'output'), '--format', 'batch-transform-csv', '--prefix-map', `s3://transform-bucket/transform-output/=${join(dir, 'csv-copy')}`,
      ...common, '--output', join(dir, 'out-csv'),
    ]);

    const { objects: jsonObjects } = writeBatch(join(dir, 'unused'), data, jsonlLine, 's3://unused/', 'dataset.jsonl.out');
    writeObjects(join(dir, 'jsonl-out'), jsonObjects);
    const jsonl = await replay(['--capture', join(dir, 'jsonl-out'), '--format', 'batch-transform-jsonl', '--batch-outputs', ...common, '--output', join(dir, 'out-jsonl')]);

    const expected = reports(endpoint.out);
    // two windows (one per job), each with statistics and violations; job 2's drift is reported
    expect([...expected.keys()].sort()).toEqual([
      'replay/1h/2026/01/01/00/constraint_violations.json',
      'replay/1h/2026/01/01/00/driftmon-report.json',
      'replay/1h/2026/01/01/00/statistics.json',
      'replay/1h/2026/01/01/01/constraint_violations.json',
      'replay/1h/2026/01/01/01/driftmon-report.json',
      'replay/1h/2026/01/01/01/statistics.json',
    ]);
    expect(JSON.stringify(expected.get('replay/1h/2026/01/01/01/constraint_violations.json'))).toMatch(/_c2/);
    expect(reports(csv.out)).toEqual(expected);
    expect(reports(jsonl.out)).toEqual(expected);
    expect(csv.stdout).toMatch(/200 records, 200 rows, 0 invalid/);
  });

  it('reads transform output with a bad manifest, an escaping key and a missing object beside good ones, exiting 3', async () => {
    const { dir, baselineDir } = await replayDirs('driftmon-batch-bad-');
    const data = rows();
    const root = join(dir, 'capture');
    const { objects } = writeBatch(root, data, csvLine, 's3://b-1/out/', 'part.csv.out');
    writeObjects(join(dir, 'copy'), objects);
    const hour = join(root, 'output', '2026', '01', '01', '00');
    writeFileSync(join(hour, 'x-not-a-manifest.json'), '{"prefix": "s3://b-1/out/"}');
    writeFileSync(join(hour, 'y-escaping.json'), JSON.stringify([{ prefix: 's3://b-1/out/' }, '../../secret.out', 'gone.out']));
    const r = await runCli(['replay', '--capture', join(root, 'output'), '--format', 'batch-transform-csv', '--prefix-map', `s3://b-1/out/=${join(dir, 'copy')}`, '--baseline', baselineDir, '--window', '1h', ...NAMES, '--output', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/200 records, 200 rows, 0 invalid/);
    expect(r.stderr).toMatch(/3 input file\(s\) could not be read/);
    expect(r.stderr).toMatch(/x-not-a-manifest\.json: not a batch-transform capture manifest: not a JSON array/);
    expect(r.stderr).toMatch(/y-escaping\.json: manifest entry skipped: entry 1: key "\.\.\/\.\.\/secret\.out" leaves its prefix/);
    expect(r.stderr).toMatch(/s3:\/\/b-1\/out\/gone\.out: object missing/);
  });
});

describe('driftmon replay of batch-transform output it cannot use', () => {
  it('says GenerateInferenceId is needed when the output has no id/time columns (exit 3)', async () => {
    const { dir, baselineDir } = await replayDirs('driftmon-batch-noid-');
    mkdirSync(join(dir, 'out-files'));
    writeFileSync(join(dir, 'out-files', 'data.csv.out'), rows().map((r) => r.cols.join(',')).join('\n'));
    const r = await runCli(['replay', '--format', 'batch-transform-csv', '--batch-outputs', '--capture', join(dir, 'out-files'), '--baseline', baselineDir, '--window', '1h', '--output', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/found no valid record: read 1 file\(s\) under .*200 records, 0 valid; rejected: bad_event_time 200/);
    expect(r.stderr).toMatch(/GenerateInferenceId=true/);
  });

  it('refuses the batch-transform flags without a batch-transform format (exit 2)', async () => {
    const r = await runCli(['replay', '--capture', '.', '--baseline', '.', '--window', '1h', '--prefix-map', 's3://b/p/=.']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prefix-map .* add --format batch-transform-csv or batch-transform-jsonl/);
  });

  it('lists every batchTransform config problem at once (exit 2)', async () => {
    const { dir, baselineDir } = await replayDirs('driftmon-batch-config-');
    const config = writeReplayConfig(dir, {
      name: 'replay',
      source: { type: 'files', paths: [dir], follow: true, batchTransform: { prefixMap: { 'http://x/': dir, 's3://b/p/': join(dir, 'absent') }, s3: { endpoint: 'not a url' } } },
      record: { format: 'sagemaker-capture' },
      baseline: { dir: baselineDir },
      windows: ['1h'],
    }, 'out');
    const r = await runCli(['run', '--config', config]);
    expect(r.code).toBe(2);
    for (const problem of [
      /batchTransform: batch-transform capture holds transform output: set \/monitors\/0\/record\/format to batch-transform-csv or batch-transform-jsonl/,
      /batchTransform: a batch job's capture is complete when the job ends: the source cannot "follow"/,
      /prefixMap: "http:\/\/x\/" is not an s3:\/\/bucket\/… prefix/,
      /prefixMap\/s3:\/\/b\/p\/: .*absent does not exist/,
      /s3\/endpoint: "not a url" is not a URL/,
    ]) expect(r.stderr).toMatch(problem);
  });
});

describeWithServices(['s3'], 'driftmon replay of batch-transform manifests with an s3:// prefix (real S3 server)', ({ s3 }) => {
  it('reads the objects from S3 and reports as for the endpoint capture', async () => {
    const { dir, baselineDir, cap } = await replayDirs('driftmon-batch-s3-');
    const data = rows();
    writeFileSync(join(cap, 'capture.jsonl'), `${data.map(endpointLine).join('\n')}\n`);
    const endpoint = await replay(['--capture', cap, '--baseline', baselineDir, '--window', '1h', ...NAMES, '--output', join(dir, 'out-endpoint')]);

    const prefix = `batch-transform-test/${Date.now().toString(36)}-${process.pid}/transform-output/`;
    const root = join(dir, 'capture');
    const { objects } = writeBatch(root, data, jsonlLine, `s3://${s3.bucket}/${prefix}`, 'dataset.jsonl.out');
    const client = s3TestClient(s3);
    for (const [key, text] of objects) await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}${key}`, Body: text }));
    client.destroy();
    const config = writeReplayConfig(dir, {
      name: 'replay',
      source: { type: 'files', paths: [join(root, 'output')], batchTransform: { s3: { endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle } } },
      record: { format: 'batch-transform-jsonl', outputs: ['_c0'], inputs: ['_c1', '_c2', '_c3', '_c4', '_c5'] },
      baseline: { dir: baselineDir },
      windows: ['1h'],
    }, 'out-s3');
    const r = await replay(['--config', config, '--output', join(dir, 'out-s3')], { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey });
    expect(r.stdout).toMatch(/200 records, 200 rows, 0 invalid/);
    expect(reports(join(dir, 'out-s3'))).toEqual(reports(endpoint.out));
  });
});

describe('label monitor over batch-transform output', () => {
  it('joins ground truth keyed by SageMakerInferenceId', async () => {
    const { dir } = await replayDirs('driftmon-batch-label-');
    const r = rng(17);
    const start = '2026-11-02T08:10:00Z';
    const preds: string[] = [];
    const labels: string[] = [];
    const want = { tp: 0, fp: 0, tn: 0, fn: 0, itemCount: 0 };
    for (let i = 0; i < 200; i++) {
      const id = `${r.int(1e9).toString(16)}-${i}`;
      const score = r.int(2) === 1 ? 0.9 : 0.1;
      preds.push(JSON.stringify({ x: r.int(100), SageMakerOutput: { score }, SageMakerInferenceId: id, SageMakerInferenceTime: start }));
      if (i % 4 === 3) continue; // unlabeled: expires
      const label = r.int(3) === 0 ? 1 - Number(score > 0.5) : Number(score > 0.5);
      labels.push(JSON.stringify({ groundTruthData: { data: String(label), encoding: 'CSV' }, eventMetadata: { eventId: id }, eventVersion: '0' }));
      const predicted = score > 0.5 ? 1 : 0;
      want.itemCount++;
      if (predicted === 1) want[label === 1 ? 'tp' : 'fp']++;
      else want[label === 1 ? 'fn' : 'tn']++;
    }
    // ground truth keyed by some other id joins nothing
    labels.push(JSON.stringify({ groundTruthData: { data: '1', encoding: 'CSV' }, eventMetadata: { eventId: 'ev-not-a-batch-id' }, eventVersion: '0' }));
    mkdirSync(join(dir, 'transform-output'));
    writeFileSync(join(dir, 'transform-output', 'data.jsonl.out'), `${preds.join('\n')}\n`);
    mkdirSync(join(dir, 'ground-truth', '2026', '11', '02', '09'), { recursive: true });
    writeFileSync(join(dir, 'ground-truth', '2026', '11', '02', '09', 'labels.jsonl'), `${labels.join('\n')}\n`);
    const config = writeReplayConfig(dir, {
      name: 'quality',
      source: { type: 'files', paths: [join(dir, 'transform-output')], batchTransform: { manifests: false } },
      record: { format: 'batch-transform-jsonl', inputs: ['x'], outputs: ['score'] },
      labels: { paths: [join(dir, 'ground-truth')], probabilityAttribute: 'score', modelQuality: { problemType: 'BinaryClassification' } },
      windows: ['1h'],
    }, 'out');
    const res = await runCli(['replay', '--config', config]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/label monitor quality: 200 predictions, 151 labels, 150 joined, 50 expired, 1 orphan labels/);
    const folder = join(dir, 'out', ...reportFolder('quality', 3_600_000, Date.parse('2026-11-02T08:00:00Z')).split('/'));
    expect(confusionOf(readFileSync(join(folder, 'model-quality', 'statistics.json'), 'utf8'))).toEqual(want);
  });
});
