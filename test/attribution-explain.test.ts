/**
 * Attribution windows explained live against the model endpoint (issue 14, 2(b)), through the built
 * CLI over stdin, with a linear model served by fastify on 127.0.0.1: f(x) = b + Σ wᵢxᵢ with
 * independent features, so exact SHAP against the SHAP baseline rows is φᵢ = wᵢ·(xᵢ − mean of the
 * baseline's xᵢ) and the window's mean |φ| over its sample can be computed here exactly.
 *
 * The rank flip: the first three minutes go in, the test waits until their windows are reported,
 * switches the server's weights (f1 > … > f5 becomes f5 > … > f1) and sends the rest. nDCG < 0.9 and
 * feature_attribution_drift_check in exactly the windows after the switch, the window's global
 * attributions equal to the exact mean |φ| over its sample (the records with the smallest
 * inference-ID hashes), and the same verdicts as the carried-attributions monitor over the same
 * records (their outputs carry the exact φ of the weights in force).
 *
 * The outage: a data-quality monitor and the explaining monitor follow the same capture file in one
 * process; the endpoint is stopped for 30 s and started again on the same port. Every data-quality
 * window is reported; the attribution windows closed in the outage report "not evaluated" with the
 * endpoint's failure; those after it are evaluated; SIGTERM ends the process normally.
 *
 * The full queue: the endpoint holds its answers; every window still closes and is reported by the
 * data-quality monitor beside it, and the samples that do not fit the queue are counted as skipped
 * (in /metrics and in each window's report).
 *
 * From a real broker: the app stops (in process) while the endpoint holds every answer, so its
 * closed windows are still being explained; they are checkpointed as they closed, and the restarted
 * app re-queues their samples and reports them with the exact attributions.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { attributionNdcg } from '../src/evaluate/attribution/ndcg.js';
import { CaptureEncoding, encodeCaptureLine } from '../src/record/capture-encoder.js';
import { idHash32 } from '../src/record/id-hash.js';
import { formatExplainabilityAnalysis, parseExplainabilityAnalysis } from '../src/sagemaker/explainability-analysis.js';
import { reportFolder } from '../src/sink/report.js';
import { MAIN, REPO, runCli } from './support/cli.js';
import { DriftmonProcess } from './support/driftmon-process.js';
import { createTopic, produceAll, uniqueTopic } from './support/kafka.js';
import { describeWithServices } from './support/services.js';
import { metricSum } from './support/wait.js';
import { LiveModel } from './support/live-model.js';
import { rng } from './support/random.js';

const M = 60_000;
const START_MS = Date.UTC(2026, 4, 1, 10, 0, 0);
const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5'];
const BEFORE = [5, 4, 3, 2, 1];
const AFTER = [...BEFORE].reverse();
const BIAS = 0.25;
/** The SHAP baseline rows; exact SHAP subtracts their per-feature mean. */
const SHAP_BASELINE = [
  [1, 2, 0, 4, 1],
  [3, 0, 2, 2, 1],
  [2, 1, 1, 0, 4],
  [2, 3, 1, 2, 2],
];
const BASE_MEAN = FEATURES.map((_, j) => SHAP_BASELINE.reduce((s, r) => s + (r[j] as number), 0) / SHAP_BASELINE.length);
const SAMPLES = 10;
const TOLERANCE = 1e-9;

interface Rec {
  id: string;
  t: number;
  x: number[];
  line: string;
}

/** Records every `stepMs` over `minutes`; φ carried in the output with `weightsAt(minute)`. */
function stream(minutes: number, stepMs: number, weightsAt: (minute: number) => readonly number[], seed: number): Rec[] {
  const r = rng(seed);
  const out: Rec[] = [];
  for (let t = START_MS, i = 0; t < START_MS + minutes * M; t += stepMs, i++) {
    const w = weightsAt(Math.floor((t - START_MS) / M));
    // |x − mean| in [0.8, 1.2], either sign: each window ranks features by |w|
    const x = BASE_MEAN.map((m) => Number((m + (r.next() < 0.5 ? -1 : 1) * (0.8 + 0.4 * r.next())).toFixed(4)));
    const phi = x.map((v, j) => (w[j] as number) * (v - (BASE_MEAN[j] as number)));
    const f = BIAS + x.reduce((s, v, j) => s + (w[j] as number) * v, 0);
    const id = `inf-${seed}-${i}`;
    const line = encodeCaptureLine({ inputData: x.join(','), outputData: JSON.stringify({ predictions: [f], shap: phi }), encoding: CaptureEncoding.CSV, outputEncoding: CaptureEncoding.JSON, outputContentType: 'application/json', eventId: `e${i}`, inferenceId: id, inferenceTime: t });
    out.push({ id, t, x, line });
  }
  return out;
}

/** The window's sample: its `n` records with the smallest inference-ID hashes. */
function sampleOf(records: readonly Rec[], n: number): Rec[] {
  return [...records].sort((a, b) => idHash32(a.id) - idHash32(b.id) || (a.id < b.id ? -1 : 1)).slice(0, n);
}

const meanAbsPhi = (records: readonly Rec[], w: readonly number[]): Map<string, number> =>
  new Map(FEATURES.map((f, j) => [f, records.reduce((s, r) => s + Math.abs((w[j] as number) * ((r.x[j] as number) - (BASE_MEAN[j] as number))), 0) / records.length]));

/** A temp folder with the baseline analysis.json and the analysis_config.json of a linear model served on 127.0.0.1. */
async function modelAndFiles(prefix: string): Promise<{ dir: string; model: LiveModel; baseline: Map<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const model = new LiveModel(BEFORE, BIAS);
  models.push(model);
  await model.start();
  const baseline = new Map(FEATURES.map((f, j) => [f, (BEFORE[j] as number) * 0.5]));
  writeFileSync(join(dir, 'analysis.json'), formatExplainabilityAnalysis({ version: '1.0', kernelShap: [{ label: 'label0', globalShapValues: [...baseline], expectedValue: 0 }] }));
  writeFileSync(
    join(dir, 'analysis_config.json'),
    JSON.stringify({ headers: FEATURES, methods: { shap: { baseline: SHAP_BASELINE, agg_method: 'mean_abs', seed: 3 } }, predictor: { endpoint_url: model.url, content_type: 'text/csv' } }),
  );
  return { dir, model, baseline };
}

function config(dir: string, name: string, attribution: Record<string, unknown>, extra: Record<string, unknown>[] = [], source: Record<string, unknown> = { type: 'stdin' }): string {
  const file = join(dir, `${name}.yaml`);
  const http = extra.length === 0 ? { enabled: false } : { host: '127.0.0.1', port: 0 };
  writeFileSync(
    file,
    stringify({
      monitors: [{ name, source, windows: ['1m'], attribution: { baseline: join(dir, 'analysis.json'), ...attribution } }, ...extra],
      output: { dir: join(dir, 'out') },
      http,
    }),
  );
  return file;
}

/** A data-quality monitor of the same features over `source` (its baseline built from the SHAP baseline's distribution). */
async function dataQualityMonitor(dir: string, source: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = rng(5);
  const csv = [FEATURES.join(','), ...Array.from({ length: 200 }, () => BASE_MEAN.map((m) => (m + 2 * r.next() - 1).toFixed(4)).join(','))].join('\n');
  writeFileSync(join(dir, 'baseline.csv'), `${csv}\n`);
  const built = await runCli(['baseline', 'data', '--input', join(dir, 'baseline.csv'), '--output', join(dir, 'dq-baseline')]);
  expect(built.code, built.stderr).toBe(0);
  return { name: 'dq', source, windows: ['1m'], record: { captureIndexNames: ['endpointInput'], inputs: FEATURES }, baseline: { dir: join(dir, 'dq-baseline') } };
}

/** Data-quality windows reported (index.jsonl lines). */
function dataQualityWindows(out: string): string[] {
  const index = join(out, 'dq', 'index.jsonl');
  if (!existsSync(index)) return [];
  return readFileSync(index, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { window_start: string }).window_start);
}

const minute = (m: number): string => new Date(START_MS + m * M).toISOString();
/** Records up to and including the second of minute `m` (it confirms stream time past minute m − 1). */
const upTo = (recs: readonly Rec[], m: number): number => recs.findIndex((r) => r.t >= START_MS + m * M) + 2;

interface WindowResult {
  start: string;
  status: string;
  report: { rows: number; ndcg: Record<string, number>; not_evaluated: { label: string; reason: string }[]; explained?: Record<string, unknown> };
  global: Map<string, number>;
}

function windows(out: string, monitor: string): WindowResult[] {
  const index = join(out, monitor, 'index.jsonl');
  if (!existsSync(index)) return [];
  return readFileSync(index, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { window_start: string; status: string; kind: string })
    .filter((e) => e.kind === 'feature-attribution')
    .map((e) => {
      const folder = join(out, reportFolder(monitor, M, Date.parse(e.window_start)), 'feature-attribution');
      const report = (JSON.parse(readFileSync(join(folder, 'driftmon-report.json'), 'utf8')) as Record<string, WindowResult['report']>)['feature-attribution'] as WindowResult['report'];
      // a window not evaluated has no global values: its analysis.json explains no label
      const json = JSON.parse(readFileSync(join(folder, 'analysis.json'), 'utf8')) as { explanations: { kernel_shap: object } };
      const analysis = Object.keys(json.explanations.kernel_shap).length === 0 ? undefined : parseExplainabilityAnalysis(json);
      return { start: e.window_start, status: e.status, report, global: new Map(analysis?.kernelShap[0]?.globalShapValues ?? []) };
    });
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number, child?: { exitCode: number | null; stderr: string }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (child !== undefined && child.exitCode !== null) throw new Error(`driftmon exited (${child.exitCode}) while waiting for ${what}\n${child.stderr.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${child ? `\n${child.stderr.slice(-3000)}` : ''}`);
    await sleep(100);
  }
}

/** `driftmon run --config FILE` with stdin piped from the test. */
function startRun(file: string): { write: (lines: readonly string[]) => void; end: () => void; exited: Promise<number | null>; state: { exitCode: number | null; stderr: string; stdout: string } } {
  const child = spawn(process.execPath, [MAIN, 'run', '--config', file], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  const state = { exitCode: null as number | null, stderr: '', stdout: '' };
  child.stderr.on('data', (d: Buffer) => (state.stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (state.stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((state.exitCode = code ?? -1))));
  return { write: (lines) => child.stdin.write(`${lines.join('\n')}\n`), end: () => child.stdin.end(), exited, state };
}

const models: LiveModel[] = [];
const processes: DriftmonProcess[] = [];
afterEach(async () => {
  // a failed test leaves nothing running
  for (const p of processes.splice(0)) if (p.child.exitCode === null) p.kill('SIGKILL');
  for (const m of models.splice(0)) {
    m.release();
    await m.stop();
  }
});

describe('attribution monitor explaining a sample of each window against the model endpoint', () => {
  it('the model switches its weights mid-stream: nDCG < 0.9 and violations in exactly the windows after, as from carried attributions', async () => {
    const { dir, model, baseline } = await modelAndFiles('driftmon-attr-explain-');
    const CHANGE = 3;
    const recs = stream(6, 3000, (m) => (m < CHANGE ? BEFORE : AFTER), 14);
    const out = join(dir, 'out');

    const run = startRun(config(dir, 'live', { explain: { analysisConfig: join(dir, 'analysis_config.json'), samplesPerWindow: SAMPLES, timeout: '5s', retries: 1 } }));
    // minutes 0–2, and two records of minute 3 (the second confirms stream time past minute 2)
    const first = recs.findIndex((r) => r.t >= START_MS + CHANGE * M) + 2;
    run.write(recs.slice(0, first).map((r) => r.line));
    await until('the first three windows', () => windows(out, 'live').length === CHANGE, 30_000, run.state);
    model.weights = [...AFTER];
    run.write(recs.slice(first).map((r) => r.line));
    run.end();
    expect(await run.exited).toBe(0);
    expect(run.state.stdout).toContain(`samples explained against the endpoint: ${6 * SAMPLES} explained, 0 failed, 0 skipped (queue full), 0 unfinished`);

    const live = windows(out, 'live');
    expect(live.map((w) => w.start)).toEqual(Array.from({ length: 6 }, (_, m) => new Date(START_MS + m * M).toISOString()));
    live.forEach((w, m) => {
      const inWindow = recs.filter((r) => r.t >= START_MS + m * M && r.t < START_MS + (m + 1) * M);
      const exact = meanAbsPhi(sampleOf(inWindow, SAMPLES), m < CHANGE ? BEFORE : AFTER);
      expect(w.report.rows).toBe(SAMPLES);
      for (const f of FEATURES) expect(Math.abs((w.global.get(f) as number) - (exact.get(f) as number))).toBeLessThan(TOLERANCE);
      const ndcg = attributionNdcg(baseline, exact);
      expect(Math.abs((w.report.ndcg.label0 as number) - ndcg)).toBeLessThan(TOLERANCE);
      expect(w.report.explained).toMatchObject({ endpoint: model.url, sampled: SAMPLES, explained: SAMPLES, failed: 0, skipped: 0, unfinished: 0 });
      if (m < CHANGE) expect(ndcg).toBeGreaterThanOrEqual(0.9);
      else expect(ndcg).toBeLessThan(0.9);
    });
    expect(live.map((w) => w.status)).toEqual(Array.from({ length: 6 }, (_, m) => (m < CHANGE ? 'Completed' : 'CompletedWithViolations')));

    // the same records, their attributions carried in the outputs: the same verdicts
    const carried = await runCli(['run', '--config', config(dir, 'carried', { path: 'shap' })], { input: `${recs.map((r) => r.line).join('\n')}\n` });
    expect(carried.code).toBe(0);
    expect(windows(out, 'carried').map((w) => [w.start, w.status])).toEqual(live.map((w) => [w.start, w.status]));
  }, 90_000);

  it('the endpoint down for 30 s: the data-quality monitor goes on, windows in the outage are not evaluated with the reason, later ones are', async () => {
    const { dir, model } = await modelAndFiles('driftmon-attr-outage-');
    const recs = stream(7, 3000, () => BEFORE, 21);
    const capture = join(dir, 'capture.jsonl');
    writeFileSync(capture, '');
    const follow = { type: 'files', paths: [capture], follow: true, pollInterval: '100ms' };
    const file = config(dir, 'live', { explain: { analysisConfig: join(dir, 'analysis_config.json'), samplesPerWindow: 4, timeout: '2s', retries: 1 } }, [await dataQualityMonitor(dir, follow)], follow);
    const out = join(dir, 'out');
    const run = await DriftmonProcess.start(file);
    processes.push(run);
    const watch = { get exitCode() { return run.child.exitCode; }, get stderr() { return run.stderr; } };
    const append = (from: number, to: number): void => appendFileSync(capture, `${recs.slice(from, to).map((r) => r.line).join('\n')}\n`);

    append(0, upTo(recs, 2));
    await until('minutes 0–1 explained', () => windows(out, 'live').length === 2, 30_000, watch);
    await model.stop();
    const downAt = Date.now();
    append(upTo(recs, 2), upTo(recs, 4));
    await until('minutes 2–3 given up', () => windows(out, 'live').length === 4, 30_000, watch);
    await sleep(Math.max(0, downAt + 30_000 - Date.now()));
    await model.start();
    append(upTo(recs, 4), upTo(recs, 6));
    await until('minutes 4–5 explained', () => windows(out, 'live').length === 6 && dataQualityWindows(out).length === 6, 30_000, watch);
    const metrics = await run.metricsText();
    run.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);

    expect(dataQualityWindows(out)).toEqual([0, 1, 2, 3, 4, 5].map(minute));
    const live = windows(out, 'live');
    expect(live.map((w) => w.start)).toEqual([0, 1, 2, 3, 4, 5].map(minute));
    for (const m of [0, 1, 4, 5]) {
      const w = live[m] as WindowResult;
      expect(w.report.rows).toBe(4);
      expect(w.report.not_evaluated).toEqual([]);
      expect(w.report.ndcg.label0).toBe(1);
    }
    for (const m of [2, 3]) {
      const w = live[m] as WindowResult;
      expect(w.report.rows).toBe(0);
      expect(w.report.ndcg).toEqual({});
      expect(w.report.explained).toMatchObject({ endpoint: model.url, sampled: 4, explained: 0, failed: 4, skipped: 0, unfinished: 0 });
      expect(w.report.not_evaluated).toHaveLength(1);
      const reason = w.report.not_evaluated[0]?.reason ?? '';
      expect(reason).toContain('no attributions in this window: of 4 sampled record(s): 0 explained, 4 failed');
      expect(reason).toContain(`cannot reach the model at ${model.url}`);
      expect(reason).toContain('(2 attempts)');
    }
    expect(metrics).toMatch(/^driftmon_attribution_samples_total\{monitor="live",outcome="explained"\} 16$/m);
    expect(metrics).toMatch(/^driftmon_attribution_samples_total\{monitor="live",outcome="failed"\} 8$/m);
  }, 90_000);

  it('a full queue: samples skipped and counted, every window still closes', async () => {
    const { dir, model } = await modelAndFiles('driftmon-attr-queue-');
    model.hold();
    const recs = stream(4, 3000, () => BEFORE, 33);
    const capture = join(dir, 'capture.jsonl');
    writeFileSync(capture, `${recs.map((r) => r.line).join('\n')}\n`);
    const files = { type: 'files', paths: [capture] };
    // one sample at the endpoint, two waiting: of the first window's five, two are skipped; every later window's are
    const explain = { analysisConfig: join(dir, 'analysis_config.json'), samplesPerWindow: 5, queue: 2, concurrency: 1, timeout: '60s' };
    const file = config(dir, 'live', { explain }, [await dataQualityMonitor(dir, files)], files);
    const out = join(dir, 'out');
    const run = await DriftmonProcess.start(file);
    processes.push(run);
    const watch = { get exitCode() { return run.child.exitCode; }, get stderr() { return run.stderr; } };
    // the endpoint answers nothing yet: consumption went on all the same
    await until('every data-quality window', () => dataQualityWindows(out).length === 4, 30_000, watch);
    await run.waitForMetric('driftmon_attribution_samples_total', (v) => v === 2 + 5 * 3, 30_000, { monitor: 'live', outcome: 'skipped' });
    expect(await run.metric('driftmon_attribution_explain_queue_depth', { monitor: 'live' })).toBe(2);
    expect(windows(out, 'live')).toEqual([]);
    model.release();
    expect((await run.exited).code).toBe(0);

    const live = windows(out, 'live');
    expect(live.map((w) => w.start)).toEqual([0, 1, 2, 3].map(minute));
    expect(live[0]?.report.explained).toMatchObject({ sampled: 5, explained: 3, failed: 0, skipped: 2, unfinished: 0 });
    expect(live[0]?.report.rows).toBe(3);
    for (const w of live.slice(1)) {
      expect(w.report.explained).toMatchObject({ sampled: 5, explained: 0, skipped: 5 });
      expect(w.report.not_evaluated[0]?.reason).toBe('no attributions in this window: of 5 sampled record(s): 0 explained, 0 failed, 5 skipped (queue full), 0 unfinished');
    }
    expect(model.requests).toBe(3);
  }, 60_000);

  it('a config with explain problems lists every one of them, the analysis_config.json\'s too, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-attr-explain-config-'));
    writeFileSync(join(dir, 'analysis.json'), formatExplainabilityAnalysis({ version: '1.0', kernelShap: [{ label: 'label0', globalShapValues: [['f1', 1]], expectedValue: 0 }] }));
    writeFileSync(join(dir, 'analysis_config.json'), JSON.stringify({ methods: { shap: { num_samples: 0 } }, predictor: { endpoint_url: 'ftp://model' } }));
    const file = config(dir, 'bad', { path: 'shap', explain: { analysisConfig: join(dir, 'analysis_config.json'), timeout: 'soon', samplesPerWindow: 0 } });
    const run = await runCli(['run', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/monitors/0/attribution: give one of "path", "paths" or "explain"');
    expect(run.stderr).toContain('/monitors/0/attribution/explain/timeout: "soon" is not a positive duration');
    expect(run.stderr).toMatch(/\/monitors\/0\/attribution\/explain\/samplesPerWindow/);
    expect(run.stderr).toMatch(/\/monitors\/0\/attribution\/explain\/analysisConfig: .*\$\.methods\.shap\.baseline: missing/);
    expect(run.stderr).toMatch(/\/monitors\/0\/attribution\/explain\/analysisConfig: .*\$\.predictor\.endpoint_url: expected an http:\/\/ or https:\/\/ URL/);
  });
});

describeWithServices(['kafka'], 'explaining attribution monitor on a real broker', ({ kafka }) => {
  it('stopped while its closed windows are being explained: checkpointed as closed, re-queued and reported after the restart', async () => {
    const { dir, model } = await modelAndFiles('driftmon-kafka-attr-explain-');
    model.hold();
    const topic = uniqueTopic('inference-attr-explain');
    await createTopic(kafka.brokers, topic, 2);
    const recs = stream(6, 2000, () => BEFORE, 44);
    await produceAll(kafka.brokers, topic, recs.map((r, i) => ({ value: r.line, partition: i % 2 })), 1_000);
    const source = { type: 'kafka', brokers: kafka.brokers, topics: [topic], fromBeginning: true, partitionIdle: '10m' };
    const file = join(dir, 'driftmon.yaml');
    writeFileSync(
      file,
      stringify({
        monitors: [{ name: 'live', source, windows: ['1m'], checkpointInterval: '1s', attribution: { baseline: join(dir, 'analysis.json'), explain: { analysisConfig: join(dir, 'analysis_config.json'), samplesPerWindow: 3, concurrency: 1 } } }],
        output: { dir: join(dir, 'out') },
        state: { dir: join(dir, 'state') },
        http: { enabled: false },
      }),
    );
    const out = join(dir, 'out');
    const runApp = async (ready: (app: Awaited<ReturnType<typeof startApp>>) => Promise<void>): Promise<void> => {
      const stop = new AbortController();
      const app = await startApp(loadConfig(file), { logger: pino({ level: 'silent' }), signal: stop.signal });
      try {
        await ready(app);
      } finally {
        stop.abort();
        await app.attributionDone;
        await app.close();
      }
    };
    // five windows closed at the watermark (the last minute stays open): 15 samples, one at the held endpoint
    await runApp((app) => until('15 samples queued', async () => (await metricSum(app.registry, 'driftmon_attribution_explain_queue_depth')) === 14, 60_000));
    expect(windows(out, 'live')).toEqual([]);
    model.release();
    await runApp(async () => until('5 windows after the restart', () => windows(out, 'live').length === 5, 60_000));
    const live = windows(out, 'live');
    live.forEach((w, m) => {
      const inWindow = recs.filter((r) => r.t >= START_MS + m * M && r.t < START_MS + (m + 1) * M);
      const exact = meanAbsPhi(sampleOf(inWindow, 3), BEFORE);
      expect(w.start).toBe(minute(m));
      expect(w.report.explained).toMatchObject({ sampled: 3, explained: 3, failed: 0, skipped: 0, unfinished: 0 });
      for (const f of FEATURES) expect(Math.abs((w.global.get(f) as number) - (exact.get(f) as number))).toBeLessThan(TOLERANCE);
    });
  }, 150_000);
});
