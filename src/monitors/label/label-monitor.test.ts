import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { confusionOf, interleave, labelScenario, metricMismatches, scenarioMonitorSettings, tickLabel, tickPrediction, type Scenario, type ScenarioMessage, type ScenarioStep, stepBatch } from '../../../test/support/label-scenario.js';
import { DiskJoinStore, type JoinStoreManifest } from '../../join/disk-join-store.js';
import { MemoryJoinStore, type MemoryJoinManifest } from '../../join/memory-join-store.js';
import { MemoryDeadLetterSink } from '../../sink/dead-letter.js';
import { MemoryReportSink } from '../../sink/memory-report-sink.js';
import { createLabelMetrics, createMetrics } from '../../observability/metrics.js';
import { isLabelReport, type LabelReport } from '../../sink/report.js';
import { partitionKey, type RawBatch, type Source } from '../../source/source.js';
import type { SourcePosition } from '../../state/source-position.js';
import type { Checkpoint, CheckpointStore } from '../../state/checkpoint-store.js';
import type { JoinStore } from '../../join/join-store.js';
import { parseAnalysisConfig } from '../../sagemaker/analysis-config.js';
import { BiasEvaluator } from './bias-evaluator.js';
import type { LabelEvaluator } from './label-evaluator.js';
import { LabelMonitorPipeline } from './label-monitor.js';
import { ModelQualityEvaluator } from './model-quality-evaluator.js';

/** Wall-clock now for the monitor: after every event time of the test data (none is in the future). */
const NOW = Date.UTC(2026, 11, 4);

const H = 3_600_000;
const D = 24 * H;
const START = Date.UTC(2026, 10, 2, 8, 0, 0);

const settings = scenarioMonitorSettings({ windowMs: H, horizonMs: 4 * D, reemitIntervalMs: 0, checkpointIntervalMs: 0 });
const labels = settings.labels;
type Step = ScenarioStep;

/**
 * The scenario's messages in batches of 40, with two ticks on each topic 10 days after the last
 * label (one record far ahead does not move stream time: the second confirms it).
 */
function steps(s: Scenario, batch = 40): Step[] {
  const tickMs = s.lastLabelMs + 10 * D;
  return interleave([...s.predictions, tickPrediction(tickMs, 0), tickPrediction(tickMs, 1)], [...s.labels, tickLabel(tickMs, 0), tickLabel(tickMs, 1)], batch);
}

/** A partitioned source over fixed steps: resumes from checkpoint positions, can "crash" after n steps. */
class StepSource implements Source {
  readonly description = 'steps';
  readonly partitioned = true;
  private from = new Map<string, number>();
  constructor(
    private readonly plan: Step[],
    private readonly crashAfter = Number.POSITIVE_INFINITY,
  ) {}
  resumeFrom(positions: readonly SourcePosition[]): void {
    for (const p of positions) this.from.set(partitionKey(p.topic, p.partition), p.nextOffset);
  }
  async commit(): Promise<void> {}
  assignment(): readonly string[] {
    return ['inf/0', 'gt/0'];
  }
  async close(): Promise<void> {}
  async *batches(): AsyncIterable<RawBatch> {
    let n = 0;
    for (const step of this.plan) {
      const key = partitionKey(step.topic, 0);
      const next = step.offset + step.messages.length;
      if (next <= (this.from.get(key) ?? 0)) continue;
      if (n++ >= this.crashAfter) throw new Error('simulated crash');
      yield stepBatch(step);
    }
  }
}

class MemoryCheckpoints implements CheckpointStore {
  last: Checkpoint | undefined;
  async load(): Promise<Checkpoint | undefined> {
    return this.last;
  }
  async save(c: Checkpoint): Promise<number> {
    this.last = { ...c, state: Uint8Array.from(c.state) };
    return c.state.length;
  }
  describe(): string {
    return 'memory';
  }
}

function pipeline(source: Source, reports: MemoryReportSink, openStore: (m: unknown) => Promise<JoinStore>, checkpoints?: CheckpointStore, withBias = false) {
  const labelMetrics = createLabelMetrics(new Registry());
  const evaluators: LabelEvaluator[] = [new ModelQualityEvaluator('BinaryClassification', undefined, labelMetrics) as LabelEvaluator];
  let predictionFields = { facets: [] as string[], groupVariable: undefined as string | undefined };
  if (withBias) {
    const config = parseAnalysisConfig({ label: 'label', label_values_or_threshold: [1], facet: [{ name_or_index: 'k', value_or_threshold: [0] }] });
    const bias = new BiasEvaluator(config, undefined, labels, labelMetrics);
    predictionFields = bias.predictionFields;
    evaluators.push(bias as LabelEvaluator);
  }
  return new LabelMonitorPipeline({
    settings,
    predictionFields,
    evaluators,
    openStore,
    source,
    reports,
    deadLetters: new MemoryDeadLetterSink(),
    metrics: createMetrics(new Registry()),
    labelMetrics,
    logger: pino({ level: 'silent' }),
    clock: () => NOW,
    ...(checkpoints ? { checkpoints } : {}),
  });
}

const memoryStore = async (m: unknown) => MemoryJoinStore.open(m as MemoryJoinManifest | undefined);

function finals(reports: MemoryReportSink, kind = 'model-quality'): Map<number, LabelReport> {
  const out = new Map<number, LabelReport>();
  for (const r of reports.reports) if (isLabelReport(r) && r.kind === kind && r.summary.final === true) out.set(r.windowStartMs, r);
  return out;
}

type Metric = { name: string; value: number | null };
type Stage = { facets: Record<string, { value_or_threshold: string; metrics: Metric[] }[]> };

describe('LabelMonitorPipeline', () => {
  const scenario = labelScenario({ seed: 7, predictions: 3_000, startMs: START, stepS: 3, labelShare: 0.9, duplicateShare: 0.05, windowMs: H });

  it('reports each window finally with the confusion matrix of the joined data, and 90 % label coverage', async () => {
    const reports = new MemoryReportSink();
    const p = pipeline(new StepSource(steps(scenario)), reports, memoryStore, new MemoryCheckpoints());
    const summary = await p.run();
    const got = finals(reports);
    expect([...got.keys()].sort()).toEqual([...scenario.windows.keys()].sort());
    let predictions = 0;
    let labeled = 0;
    for (const [start, want] of scenario.windows) {
      const r = got.get(start) as LabelReport;
      const c = confusionOf((r.files.find((f) => f.name === 'statistics.json') as { body: string }).body);
      expect({ ...c, start }).toEqual({ tp: want.tp, fp: want.fp, tn: want.tn, fn: want.fn, itemCount: want.labeled, start });
      expect(metricMismatches((r.files.find((f) => f.name === 'statistics.json') as { body: string }).body, want)).toEqual([]);
      const join = r.summary.join as { predictions: number; labeled: number; expired_predictions: number };
      expect([join.predictions, join.labeled, join.expired_predictions]).toEqual([want.predictions, want.labeled, want.predictions - want.labeled]);
      predictions += join.predictions;
      labeled += join.labeled;
    }
    expect(labeled / predictions).toBe(0.9);
    expect(summary.duplicateLabels).toBe(scenario.labels.length - scenario.labeledIds);
    expect(summary.expiredPredictions).toBe(predictions - labeled);
    // windows were re-reported as labels came, before their final version
    expect(summary.reports).toBeGreaterThan(got.size);
  });

  it('reports Clarify bias metrics per window as computed from the joined rows', async () => {
    const reports = new MemoryReportSink();
    await pipeline(new StepSource(steps(scenario)), reports, memoryStore, new MemoryCheckpoints(), true).run();
    const got = finals(reports, 'bias');
    expect(got.size).toBe(scenario.windows.size);
    for (const [start, want] of scenario.windows) {
      const analysis = JSON.parse((got.get(start) as LabelReport).files.find((f) => f.name === 'analysis.json')?.body as string) as {
        pre_training_bias_metrics: Stage;
        post_training_bias_metrics: Stage;
      };
      const metric = (stage: Stage, code: string): number | null => {
        const entry = stage.facets['k']?.[0];
        expect(entry?.value_or_threshold).toBe('0');
        return entry?.metrics.find((m) => m.name === code)?.value ?? null;
      };
      const b = want.bias;
      expect(metric(analysis.pre_training_bias_metrics, 'CI')).toBeCloseTo((b.na - b.nd) / (b.na + b.nd), 12);
      expect(metric(analysis.pre_training_bias_metrics, 'DPL')).toBeCloseTo(b.posA / b.na - b.posD / b.nd, 12);
      expect(metric(analysis.post_training_bias_metrics, 'DPPL')).toBeCloseTo(b.predA / b.na - b.predD / b.nd, 12);
      expect(metric(analysis.post_training_bias_metrics, 'DI')).toBeCloseTo(b.predD / b.nd / (b.predA / b.na), 12);
    }
  });

  it('dead-letters an ID longer than the join store keeps, on either side, and goes on', async () => {
    const long = 'x'.repeat(2_000);
    const prediction = tickPrediction(START, 0);
    const label = tickLabel(START, 0);
    const step = (topic: 'inf' | 'gt', m: ScenarioMessage): Step => ({ topic, messages: [m], offset: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-label-join-'));
    const p = pipeline(new StepSource([]), new MemoryReportSink(), async () => DiskJoinStore.open(dir, undefined));
    await p.start();
    await p.processBatch(stepBatch(step('inf', { ...prediction, value: prediction.value.replaceAll('tick-0', long) })));
    await p.processBatch(stepBatch(step('gt', { ...label, value: label.value.replace('tick-label-0', long) })));
    await p.processBatch(stepBatch({ topic: 'inf', messages: [prediction], offset: 1 }));
    expect(p.summary.invalid).toEqual({ id_too_long: 2 });
    expect([p.summary.predictions, p.summary.labels]).toEqual([1, 0]);
  });

  it('dead-letters a prediction or a label dated beyond now + maxFutureSkew as event_time_in_future', async () => {
    const future = NOW + 2 * H; // the default skew is 1 h
    const p = pipeline(new StepSource([]), new MemoryReportSink(), memoryStore);
    await p.start();
    await p.processBatch(stepBatch({ topic: 'inf', messages: [tickPrediction(future, 0), tickPrediction(NOW - H, 1)], offset: 0 }));
    await p.processBatch(stepBatch({ topic: 'gt', messages: [tickLabel(future, 0), tickLabel(NOW - H, 1)], offset: 0 }));
    expect(p.summary.invalid).toEqual({ event_time_in_future: 2 });
    expect([p.summary.predictions, p.summary.labels]).toEqual([1, 1]);
  });

  it('one prediction and one label far ahead (inside the skew) finalize no window early: every window stays exact', async () => {
    // old data replayed through Kafka: each topic's partition holds one record 20 days ahead, early on
    const outlierMs = START + 20 * D;
    const predictions = [...scenario.predictions];
    predictions.splice(50, 0, tickPrediction(outlierMs, 9));
    const labelMessages = [...scenario.labels];
    labelMessages.splice(50, 0, tickLabel(outlierMs, 9));
    const tickMs = scenario.lastLabelMs + 10 * D;
    const plan = interleave([...predictions, tickPrediction(tickMs, 0), tickPrediction(tickMs, 1)], [...labelMessages, tickLabel(tickMs, 0), tickLabel(tickMs, 1)], 40);
    const reports = new MemoryReportSink();
    const summary = await pipeline(new StepSource(plan), reports, memoryStore, new MemoryCheckpoints()).run();
    expect(summary.latePredictions).toBe(0);
    const got = finals(reports);
    for (const [start, want] of scenario.windows) {
      const r = got.get(start);
      const c = r === undefined ? undefined : confusionOf((r.files.find((f) => f.name === 'statistics.json') as { body: string }).body);
      const join = r?.summary.join as { predictions: number; labeled: number } | undefined;
      expect({ ...c, predictions: join?.predictions, start }).toEqual({ tp: want.tp, fp: want.fp, tn: want.tn, fn: want.fn, itemCount: want.labeled, predictions: want.predictions, start });
    }
  });

  it('after a crash, a restart from the checkpoint (disk join store) reports exactly what an uninterrupted run does', async () => {
    const plan = steps(scenario);
    const uninterrupted = new MemoryReportSink();
    await pipeline(new StepSource(plan), uninterrupted, memoryStore, new MemoryCheckpoints()).run();

    const dir = mkdtempSync(join(tmpdir(), 'driftmon-label-join-'));
    const disk = async (m: unknown) => DiskJoinStore.open(dir, m as JoinStoreManifest | undefined, { memtableEntries: 500 });
    const checkpoints = new MemoryCheckpoints();
    const reports = new MemoryReportSink();
    for (const crashAfter of [37, 61]) {
      // every batch is checkpointed; the crash leaves the store's files as they were (no close)
      await expect(pipeline(new StepSource(plan, crashAfter), reports, disk, checkpoints).run()).rejects.toThrow('simulated crash');
    }
    await pipeline(new StepSource(plan), reports, disk, checkpoints).run();
    const a = finals(uninterrupted);
    const b = finals(reports);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [start, r] of a) {
      const other = b.get(start) as LabelReport;
      expect(other.files.find((f) => f.name === 'statistics.json')?.body).toBe(r.files.find((f) => f.name === 'statistics.json')?.body);
      expect(other.summary.join).toEqual(r.summary.join);
    }
  });
});
