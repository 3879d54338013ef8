/**
 * npm run bench:label — messages/s through a label monitor (decode, join on the disk store,
 * inference-time windows with model-quality and bias accumulators, expiry, reports), side by side
 * in the same process with (a) the same monitor on the in-memory reference store and (b) decoding
 * the same messages only (capture decoder + prediction extraction, ground-truth decoder): the
 * ratios are what we track, this machine being noisy. Rounds alternate which pass goes first; the
 * median of per-round ratios is reported. Results: bench/results/label-join-latest.json.
 *
 *   npm run bench:label [-- --predictions N --rounds N]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseAnalysisConfig } from '../src/sagemaker/analysis-config.js';
import { DiskJoinStore } from '../src/join/disk-join-store.js';
import type { JoinStore } from '../src/join/join-store.js';
import { MemoryJoinStore } from '../src/join/memory-join-store.js';
import { BiasEvaluator } from '../src/monitors/label/bias-evaluator.js';
import type { LabelEvaluator } from '../src/monitors/label/label-evaluator.js';
import { LabelMonitorPipeline } from '../src/monitors/label/label-monitor.js';
import { ModelQualityEvaluator } from '../src/monitors/label/model-quality-evaluator.js';
import { createDecoder } from '../src/record/create-decoder.js';
import { FeatureRegistry } from '../src/record/feature-registry.js';
import { GroundTruthDecoder } from '../src/record/ground-truth-decoder.js';
import { PredictionExtractor } from '../src/record/prediction.js';
import { MemoryDeadLetterSink } from '../src/sink/dead-letter.js';
import { MemoryReportSink } from '../src/sink/memory-report-sink.js';
import { createLabelMetrics, createMetrics } from '../src/observability/metrics.js';
import type { Source } from '../src/source/source.js';
import { interleave, labelScenario, scenarioMonitorSettings, type ScenarioStep, stepBatch } from '../test/support/label-scenario.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const PREDICTIONS = arg('predictions', 300_000);
const ROUNDS = arg('rounds', 5);
/** --only disk|memory: profile one store (the decode pass always runs: it is the baseline). */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const BATCH = 500;
const H = 3_600_000;
const D = 24 * H;
const gc = (globalThis as { gc?: () => void }).gc;

const settings = scenarioMonitorSettings({ windowMs: 600_000, horizonMs: 4 * D, reemitIntervalMs: 60_000, checkpointIntervalMs: 5_000 });
const labels = settings.labels;
type Step = ScenarioStep;

const noSource: Source = { description: 'bench', partitioned: true, batches: async function* () {}, close: async () => {}, assignment: () => ['inf/0', 'gt/0'] };

async function monitorPass(steps: Step[], openStore: () => Promise<JoinStore>): Promise<{ wallMs: number; cpuMs: number; joined: number; reports: number }> {
  const labelMetrics = createLabelMetrics(new Registry());
  const bias = new BiasEvaluator(parseAnalysisConfig({ label: 'label', label_values_or_threshold: [1], facet: [{ name_or_index: 'k', value_or_threshold: [0] }] }), undefined, labels, labelMetrics);
  const reports = new MemoryReportSink();
  const p = new LabelMonitorPipeline({
    settings,
    predictionFields: bias.predictionFields,
    evaluators: [new ModelQualityEvaluator('BinaryClassification', undefined, labelMetrics) as LabelEvaluator, bias as LabelEvaluator],
    openStore,
    source: noSource,
    reports,
    deadLetters: new MemoryDeadLetterSink(),
    metrics: createMetrics(new Registry()),
    labelMetrics,
    logger: pino({ level: 'silent' }),
  });
  await p.start();
  const batches = steps.map(stepBatch);
  gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const b of batches) await p.processBatch(b);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, joined: p.summary.joined, reports: reports.reports.length };
}

function decodePass(steps: Step[]): { wallMs: number; cpuMs: number } {
  const registry = new FeatureRegistry();
  const extractor = new PredictionExtractor({ inferenceAttribute: undefined, probabilityAttribute: 'score', probabilityThreshold: 0.5, facets: ['k'], groupVariable: undefined }, registry);
  const decoder = createDecoder(settings.record, registry);
  const gt = new GroundTruthDecoder();
  let sink = 0;
  const onRow = (row: Parameters<Parameters<typeof decoder.decode>[1]>[0]): void => {
    const p = extractor.extract(row);
    if (typeof p !== 'string') sink += p.inferenceTimeMs;
  };
  gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const s of steps) {
    if (s.topic === 'inf') for (const m of s.messages) decoder.decode(m.value, onRow);
    else for (const m of s.messages) sink += gt.decode(m.value).ok ? 1 : 0;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (sink === 42) console.log('');
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const s = labelScenario({ seed: 5, predictions: PREDICTIONS, startMs: Date.UTC(2026, 10, 2), stepS: 0.1, labelShare: 0.9, duplicateShare: 0.05, windowMs: 600_000 });
  const steps = interleave(s.predictions, s.labels, BATCH);
  const messages = s.predictions.length + s.labels.length;
  const rounds: { disk: number; memory: number; decode: number; diskCpu: number; decodeCpu: number; joined: number; reports: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-bench-join-'));
    const passes: [string, () => Promise<{ wallMs: number; cpuMs: number; joined?: number; reports?: number }>][] = [
      ['disk', () => monitorPass(steps, () => DiskJoinStore.open(dir, undefined))],
      ['memory', () => monitorPass(steps, async () => MemoryJoinStore.open(undefined))],
      ['decode', async () => decodePass(steps)],
    ];
    const order = (r % 2 === 0 ? passes : [...passes].reverse()).filter(([name]) => ONLY === undefined || name === ONLY || name === 'decode');
    const got: Record<string, { wallMs: number; cpuMs: number; joined?: number; reports?: number }> = {};
    for (const [name, run] of order) got[name] = await run();
    rmSync(dir, { recursive: true, force: true });
    const d = got.disk as { wallMs: number; cpuMs: number; joined: number; reports: number };
    rounds.push({
      disk: d.wallMs,
      memory: got.memory?.wallMs ?? Number.NaN,
      decode: (got.decode as { wallMs: number }).wallMs,
      diskCpu: d.cpuMs,
      decodeCpu: (got.decode as { cpuMs: number }).cpuMs,
      joined: d.joined,
      reports: d.reports,
    });
    const rate = (name: string): string => (got[name] === undefined ? '-' : ((messages / (got[name] as { wallMs: number }).wallMs) * 1000).toFixed(0));
    console.log(`round ${r + 1}: disk ${rate('disk')} msg/s, memory ${rate('memory')} msg/s, decode only ${rate('decode')} msg/s`);
  }
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    predictions: s.predictions.length,
    labels: s.labels.length,
    messages,
    joined: rounds[0]?.joined,
    reports_per_pass: rounds[0]?.reports,
    rounds: ROUNDS,
    median_messages_per_s: {
      label_monitor_disk_store: Math.round((messages / median(rounds.map((r) => r.disk))) * 1000),
      label_monitor_memory_store: Math.round((messages / median(rounds.map((r) => r.memory))) * 1000),
      decode_only: Math.round((messages / median(rounds.map((r) => r.decode))) * 1000),
    },
    median_ratio: {
      disk_vs_decode_wall: median(rounds.map((r) => r.decode / r.disk)),
      disk_vs_decode_cpu: median(rounds.map((r) => r.decodeCpu / r.diskCpu)),
      disk_vs_memory_store_wall: median(rounds.map((r) => r.memory / r.disk)),
    },
  };
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(dir, 'label-join-latest.json'), text);
  writeFileSync(join(dir, `label-join-${result.date.slice(0, 10)}.json`), text);
  console.log(text);
}

await main();
