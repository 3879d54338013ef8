/**
 * A label monitor meets records whose processing throws, on both topics: a capture line whose
 * decoding throws (a wrapped decoder) and a ground-truth record whose label check throws (a wrapped
 * evaluator). Each is dead-lettered as processing_error with its message and the batch goes on:
 * every final window is exactly that of the same stream without them. A throw while a row is being
 * written to join or window state stops the monitor (record-fault.ts).
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { interleave, labelScenario, scenarioMonitorSettings, stepBatch, tickLabel, tickPrediction, type ScenarioMessage, type ScenarioStep } from '../../../test/support/label-scenario.js';
import { DriftmonError, ErrorCode, RecordErrorReason } from '../../errors.js';
import { MemoryJoinStore, type MemoryJoinManifest } from '../../join/memory-join-store.js';
import { createLabelMetrics, createMetrics } from '../../observability/metrics.js';
import type { RecordDecoder } from '../../record/decoder.js';
import type { LabelValue } from '../../record/prediction.js';
import { MemoryDeadLetterSink } from '../../sink/dead-letter.js';
import { MemoryReportSink } from '../../sink/memory-report-sink.js';
import { isLabelReport } from '../../sink/report.js';
import type { Source } from '../../source/source.js';
import type { JoinedExample, LabelEvaluator, WindowContext } from './label-evaluator.js';
import { LabelMonitorPipeline } from './label-monitor.js';
import { ModelQualityEvaluator } from './model-quality-evaluator.js';

const H = 3_600_000;
const D = 24 * H;
const START = Date.UTC(2026, 10, 2, 8, 0, 0);
const settings = scenarioMonitorSettings({ windowMs: H, horizonMs: 4 * D, reemitIntervalMs: 0, checkpointIntervalMs: 0 });

/** Delegates to the real evaluator; throws for the label `poison` (check) or on the add `failAdd` says. */
class Wrapped implements LabelEvaluator {
  readonly kind: LabelEvaluator['kind'];
  constructor(
    private readonly inner: LabelEvaluator,
    private readonly failAdd: (e: JoinedExample) => boolean = () => false,
  ) {
    this.kind = inner.kind;
  }
  checkLabel(label: LabelValue) {
    if (label === 'poison') throw new Error('label check blew up');
    return this.inner.checkLabel(label);
  }
  create() {
    return this.inner.create();
  }
  add(state: unknown, example: JoinedExample) {
    if (this.failAdd(example)) throw new Error('evaluator blew up');
    return this.inner.add(state, example);
  }
  merge(into: unknown, from: unknown) {
    this.inner.merge(into, from);
  }
  serialize(state: unknown) {
    return this.inner.serialize(state);
  }
  deserialize(bytes: Uint8Array) {
    return this.inner.deserialize(bytes);
  }
  evaluate(state: unknown, window: WindowContext) {
    return this.inner.evaluate(state, window);
  }
  report(evaluation: unknown) {
    return this.inner.report(evaluation);
  }
  publish(evaluation: unknown, window: WindowContext) {
    this.inner.publish(evaluation, window);
  }
}

const poisoning = (inner: RecordDecoder): RecordDecoder => ({
  decode(line, onRow) {
    if (line.includes('poison-')) throw new TypeError('decoder blew up');
    return inner.decode(line, onRow);
  },
});

function pipeline(reports: MemoryReportSink, deadLetters: MemoryDeadLetterSink, failAdd?: (e: JoinedExample) => boolean) {
  const labelMetrics = createLabelMetrics(new Registry());
  const source: Source = { description: 'driven', partitioned: true, batches: async function* () {}, close: async () => {} };
  return new LabelMonitorPipeline({
    settings,
    predictionFields: { facets: [], groupVariable: undefined },
    evaluators: [new Wrapped(new ModelQualityEvaluator('BinaryClassification', undefined, labelMetrics) as LabelEvaluator, failAdd)],
    openStore: async (m) => MemoryJoinStore.open(m as MemoryJoinManifest | undefined),
    source,
    reports,
    deadLetters,
    metrics: createMetrics(new Registry()),
    labelMetrics,
    logger: pino({ level: 'silent' }),
    clock: () => Date.UTC(2026, 11, 4), // "now": the stream (November 2026) is not in the future
    wrapDecoder: poisoning,
  });
}

/** Final model-quality statistics.json and join health per window start. */
function finals(reports: MemoryReportSink): Map<number, unknown> {
  const out = new Map<number, unknown>();
  for (const r of reports.reports) {
    if (!isLabelReport(r) || r.kind !== 'model-quality' || r.summary.final !== true) continue;
    out.set(r.windowStartMs, { statistics: r.files.find((f) => f.name === 'statistics.json')?.body, join: r.summary.join });
  }
  return out;
}

describe('a poison record never stops the label monitor', () => {
  const scenario = labelScenario({ seed: 3, predictions: 1_200, startMs: START, stepS: 6, labelShare: 0.9, duplicateShare: 0.05, windowMs: H });
  const end = scenario.lastLabelMs + 10 * D;
  const poisonPrediction = (k: number, timeMs: number): ScenarioMessage => {
    const m = tickPrediction(timeMs, k);
    return { ...m, value: m.value.replaceAll(`tick-${k}`, `poison-${k}`) };
  };
  const poisonLabel: ScenarioMessage = {
    key: 'poison-label',
    value: JSON.stringify({ groundTruthData: { data: 'poison', encoding: 'CSV' }, eventMetadata: { eventId: 'poison-label' }, eventVersion: '0' }),
    timestampMs: START,
  };

  /** The scenario's batches (with `insert` adding messages to some), offsets renumbered per topic. */
  async function drive(insert: (steps: ScenarioStep[]) => void, failAdd?: (e: JoinedExample) => boolean) {
    const reports = new MemoryReportSink();
    const deadLetters = new MemoryDeadLetterSink();
    const p = pipeline(reports, deadLetters, failAdd);
    await p.start();
    // the same batches with and without poison: join order (and so the latency sketch) stays the same
    // two ticks per topic: the second confirms the first (stream-clock.ts), so every window goes final
    const steps = interleave([...scenario.predictions, tickPrediction(end, 0), tickPrediction(end, 1)], [...scenario.labels, tickLabel(end, 0), tickLabel(end, 1)], 40).map((s) => ({ ...s, messages: [...s.messages] }));
    insert(steps);
    const next = { inf: 0, gt: 0 };
    for (const step of steps) {
      step.offset = next[step.topic];
      next[step.topic] += step.messages.length;
      await p.processBatch(stepBatch(step));
    }
    return { p, reports, deadLetters };
  }

  it('dead-letters a capture line and a ground-truth record whose processing throws; final windows equal those of the clean stream', async () => {
    const clean = await drive(() => {});
    let firstBatchLength = 0;
    const poisoned = await drive((steps) => {
      const inf = steps.filter((s) => s.topic === 'inf');
      const first = inf[0] as ScenarioStep;
      // first record, last of the first batch, first of the second, and the last record of the topic
      first.messages.unshift(poisonPrediction(0, START));
      first.messages.push(poisonPrediction(1, START));
      firstBatchLength = first.messages.length;
      inf[1]?.messages.unshift(poisonPrediction(2, START));
      inf.at(-1)?.messages.push(poisonPrediction(3, end));
      steps.find((s) => s.topic === 'gt')?.messages.splice(3, 0, poisonLabel);
    });
    const lastOffset = scenario.predictions.length + 2 + 4 - 1;

    expect(finals(poisoned.reports)).toEqual(finals(clean.reports));
    expect(finals(clean.reports).size).toBe(scenario.windows.size);
    expect(poisoned.p.summary.invalid).toEqual({ [RecordErrorReason.PROCESSING_ERROR]: 5 });
    expect(poisoned.p.summary.predictions).toBe(clean.p.summary.predictions);
    expect(poisoned.p.summary.labels).toBe(clean.p.summary.labels);
    const letters = poisoned.deadLetters.letters;
    expect(letters.map((l) => [l.reason, l.error])).toEqual([
      ...Array.from({ length: 2 }, () => [RecordErrorReason.PROCESSING_ERROR, 'TypeError: decoder blew up']),
      [RecordErrorReason.PROCESSING_ERROR, 'Error: label check blew up'],
      ...Array.from({ length: 2 }, () => [RecordErrorReason.PROCESSING_ERROR, 'TypeError: decoder blew up']),
    ]);
    expect(letters.map((l) => l.source)).toEqual(['inf/0@0', `inf/0@${firstBatchLength - 1}`, 'gt/0@3', `inf/0@${firstBatchLength}`, `inf/0@${lastOffset}`]);
  });

  it('stops with INTERNAL when an evaluator throws while a joined row is being counted', async () => {
    const err = await drive(() => {}, () => true).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DriftmonError);
    expect((err as DriftmonError).code).toBe(ErrorCode.INTERNAL);
    expect((err as DriftmonError).message).toContain('evaluator blew up');
  });
});
