/**
 * An explaining attribution monitor over a partitioned source (Kafka's shape, in memory), its
 * endpoint an in-memory linear explainer: windows closed but not yet explained when the monitor
 * stops are checkpointed as they closed and re-queued after the restart, so the two runs together
 * report what one uninterrupted run reports.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import { CaptureEncoding, encodeCaptureLine } from '../../record/capture-encoder.js';
import type { FeatureValue } from '../../sagemaker/explainability-config.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import type { LabelReport, ReportSink, WindowReport } from '../../sink/report.js';
import type { RawBatch } from '../../source/source.js';
import type { CheckpointStore } from '../../state/checkpoint-store.js';
import { EXPLAIN_DEFAULTS } from '../../config/attribution-config.js';
import { AttributionProfile } from '../../profile/attribution-profile.js';
import { ExplainSample } from '../../profile/explain-sample.js';
import { quantileSketchFactory } from '../../sketch/quantile-factory.js';
import { AttributionMonitorPipeline } from './attribution-monitor.js';
import { LiveExplanations } from './live-explanations.js';
import { memoryCheckpoints, memorySource, quietDeps } from './test-support/memory-parts.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const WEIGHTS = [3, 2, 1];

/** Per partition, batches of capture lines with CSV inputs, two records every 15 s over 6 minutes. */
function batches(): RawBatch[] {
  const out: RawBatch[] = [];
  const offsets = [0, 0];
  for (let s = 0; s < 6 * 60; s += 15) {
    const partition = (s / 15) % 2;
    const records = [0, 5].map((d) => encodeCaptureLine({ inputData: [1 + (s % 7), 2 + (d % 3), 1 + (s % 4)].join(','), encoding: CaptureEncoding.CSV, eventId: `e${s + d}`, inferenceId: `i${s + d}`, inferenceTime: T0 + (s + d) * 1000 }));
    const next = (offsets[partition] as number) + records.length;
    offsets[partition] = next;
    out.push({ records, origin: (i) => `t/${partition}@${next - records.length + i}`, partition: { key: `t/${partition}`, position: { topic: 't', partition, nextOffset: next } } });
  }
  return out;
}

/** φ = w·x (a baseline of zeros); `hold` keeps every answer pending. */
function explainer(hold: boolean): { endpointUrl: string; explain: (x: readonly FeatureValue[]) => Promise<{ byLabel: Map<string, Float64Array> }> } {
  return {
    endpointUrl: 'memory://model',
    explain: (x) => (hold ? new Promise(() => undefined) : Promise.resolve({ byLabel: new Map([['label0', Float64Array.from(x, (v, i) => (v as number) * (WEIGHTS[i] as number))]]) })),
  };
}

async function run(list: RawBatch[], store: CheckpointStore, reports: WindowReport[], hold: boolean): Promise<AttributionMonitorPipeline> {
  const config = resolveConfig(
    { monitors: [{ name: 'k', source: { type: 'kafka', brokers: ['b:9092'], topics: ['t'] }, attribution: { baseline: 'a.json', explain: { analysisConfig: 'ac.json', samplesPerWindow: 3 } }, windows: ['1m'] }] },
    { baseDir: '/cfg', checkFiles: false },
  );
  const settings = config.monitors[0];
  if (settings?.attribution === undefined) throw new Error('no attribution settings');
  const sink: ReportSink = { write: async (r) => (reports.push(r), r.monitor), has: async () => false, flush: async () => undefined, close: async () => undefined };
  const deadLetters: DeadLetterSink = { write: () => undefined, count: 0, flush: async () => undefined, close: async () => undefined };
  const pipeline = new AttributionMonitorPipeline({
    settings: { ...settings, attribution: settings.attribution },
    baseline: { version: '1.0', kernelShap: [{ label: 'label0', globalShapValues: [['a', 0.6], ['b', 0.3], ['c', 0.1]], expectedValue: 0 }] },
    explainer: explainer(hold),
    source: memorySource(list),
    reports: sink,
    deadLetters,
    ...quietDeps(),
    checkpoints: store,
  });
  await pipeline.run();
  return pipeline;
}

const summaryOf = (reports: WindowReport[]): unknown[] =>
  reports.map((r) => {
    const part = (r as LabelReport).summary['feature-attribution'] as { rows: number; ndcg: Record<string, number>; explained: Record<string, unknown> };
    return [new Date(r.windowStartMs).toISOString().slice(11, 16), part.rows, part.ndcg, part.explained];
  });

describe('an explaining attribution monitor stopped with windows still being explained', () => {
  it('checkpoints them as they closed and re-queues their samples on restart: the same reports as one run', async () => {
    const all = batches();
    const once: WindowReport[] = [];
    await run(all, memoryCheckpoints(), once, false);
    expect(summaryOf(once).map((s) => (s as unknown[])[0])).toEqual(['08:00', '08:01', '08:02', '08:03', '08:04']);
    expect(summaryOf(once).every((s) => (s as unknown[])[1] === 3)).toBe(true);

    const store = memoryCheckpoints();
    const resumed: WindowReport[] = [];
    // the endpoint never answers in the first run: its closed windows are still pending at the stop
    const first = await run(all.slice(0, 13), store, resumed, true);
    expect(resumed).toEqual([]);
    expect(first.summary.windowsClosed).toBe(0);
    await run(all.slice(13), store, resumed, false);
    expect(summaryOf(resumed)).toEqual(summaryOf(once));
  });
});

describe('LiveExplanations', () => {
  /** A closed window whose sample holds `n` records. */
  function closedWindow(n: number): { sizeMs: number; startMs: number; endMs: number; rows: number; weight: number; profile: AttributionProfile } {
    const profile = new AttributionProfile(quantileSketchFactory('kll'));
    profile.sample = new ExplainSample(n);
    for (let i = 0; i < n; i++) profile.sample.offer({ id: `i${i}`, hash: i, values: [1, 2, 3] });
    return { sizeMs: 60_000, startMs: 0, endMs: 60_000, rows: n, weight: n, profile };
  }

  it('hands a window back at its deadline with what still waits counted as unfinished; late answers are ignored', async () => {
    let now = 0;
    let answer: (() => void) | undefined;
    const slow = {
      endpointUrl: 'memory://model',
      explain: () => new Promise<{ byLabel: Map<string, Float64Array> }>((resolve) => (answer = () => resolve({ byLabel: new Map([['label0', Float64Array.of(1, 1, 1)]]) }))),
    };
    const live = new LiveExplanations({
      monitor: 'm',
      settings: { ...EXPLAIN_DEFAULTS, analysisConfigPath: 'ac.json', concurrency: 1, deadlineMs: 5_000 },
      explainer: slow,
      features: ['a', 'b', 'c'],
      labels: ['label0'],
      metrics: quietDeps().gauges,
      logger: quietDeps().logger,
      clock: () => now,
      onSettled: () => undefined,
    });
    const w = closedWindow(3);
    live.closed([w]);
    expect(live.takeSettled()).toEqual([]);
    now = 5_000;
    const [settled] = live.takeSettled();
    expect(settled?.progress).toEqual({ sampled: 3, explained: 0, failed: 0, skipped: 0, unfinished: 3, lastError: undefined });
    answer?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(w.profile.rowCount).toBe(0);
    expect(live.pendingCount).toBe(0);
    live.stop();
  });
});
