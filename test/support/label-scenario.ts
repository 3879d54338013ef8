/**
 * A seeded label-join scenario shared by the pipeline unit test and the Kafka integration test:
 * binary-classification predictions as SageMaker capture lines, and SageMaker ground-truth records
 * for a fixed share of them — shuffled, some labelled before their prediction, some days of event
 * time later, some sent twice — plus what every window must report, computed directly from the
 * joined data (first label per ID wins).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelSettings, MonitorSettings } from '../../src/config/load.js';
import { encodeCaptureLine } from '../../src/record/capture-encoder.js';
import { partitionKey, type RawBatch } from '../../src/source/source.js';
import { rng } from './random.js';

export interface ScenarioOptions {
  seed: number;
  predictions: number;
  /** Event time of the first prediction (a whole second). */
  startMs: number;
  /** Seconds between predictions. */
  stepS: number;
  /** Share of predictions that get a label (exactly round(share × n)). */
  labelShare: number;
  /** Share of labelled IDs whose label is sent a second time (with another value: the first wins). */
  duplicateShare: number;
  windowMs: number;
}

export interface ScenarioMessage {
  key: string;
  value: string;
  timestampMs: number;
}

export interface WindowExpectation {
  startMs: number;
  predictions: number;
  labeled: number;
  /** confusion[actual][predicted] */
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Labelled rows by facet k (d: k = 0, a: k ≠ 0): counts, positive labels, positive predictions. */
  bias: { na: number; nd: number; posA: number; posD: number; predA: number; predD: number };
}

export interface Scenario {
  /** Capture lines in inference-time order. */
  predictions: ScenarioMessage[];
  /** Ground-truth records in the order they are sent: by label time, duplicates included. */
  labels: ScenarioMessage[];
  windows: Map<number, WindowExpectation>;
  labeledIds: number;
  lastLabelMs: number;
}

const H = 3_600_000;
const D = 24 * H;

export function labelScenario(o: ScenarioOptions): Scenario {
  const r = rng(o.seed);
  const predictions: ScenarioMessage[] = [];
  const truth: { id: string; t: number; predicted: number; actual: number; k: number }[] = [];
  for (let i = 0; i < o.predictions; i++) {
    const id = `inf-${o.seed}-${i}`;
    const t = o.startMs + i * o.stepS * 1000;
    const actual = r.next() < 0.3 ? 1 : 0;
    // an informative but imperfect score
    const z = (actual === 1 ? 1.2 : -0.6) + r.normal();
    const score = 1 / (1 + Math.exp(-z));
    const scoreText = score.toFixed(6);
    const k = r.int(5);
    predictions.push({
      key: id,
      value: encodeCaptureLine({ inputData: `${(r.next() * 100).toFixed(3)},${k}`, outputData: scoreText, eventId: `ev-${i}`, inferenceId: id, inferenceTime: t }),
      timestampMs: t,
    });
    truth.push({ id, t, predicted: Number(scoreText) > 0.5 ? 1 : 0, actual, k });
  }
  // exactly round(share × n) labelled IDs, chosen by a seeded shuffle
  const order = truth.map((_x, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const labeled = new Set(order.slice(0, Math.round(o.labelShare * o.predictions)));
  const labels: ScenarioMessage[] = [];
  const gt = (id: string, label: number, timeMs: number): ScenarioMessage => ({
    key: id,
    value: JSON.stringify({ groundTruthData: { data: String(label), encoding: 'CSV' }, eventMetadata: { eventId: id }, eventVersion: '0' }),
    timestampMs: timeMs,
  });
  for (const i of labeled) {
    const x = truth[i] as (typeof truth)[number];
    // 10 % labelled before the prediction (up to 30 min), 20 % three days later, the rest within hours
    const u = r.next();
    const delay = u < 0.1 ? -r.next() * 1_800_000 : u < 0.3 ? 3 * D + r.next() * H : r.next() * 6 * H;
    const timeMs = Math.round(x.t + delay);
    labels.push(gt(x.id, x.actual, timeMs));
    if (r.next() < o.duplicateShare) labels.push(gt(x.id, 1 - x.actual, timeMs + 1 + r.int(H)));
  }
  labels.sort((a, b) => a.timestampMs - b.timestampMs);
  const windows = new Map<number, WindowExpectation>();
  truth.forEach((x, i) => {
    const start = x.t - (x.t % o.windowMs);
    let w = windows.get(start);
    if (w === undefined) {
      w = { startMs: start, predictions: 0, labeled: 0, tp: 0, fp: 0, tn: 0, fn: 0, bias: { na: 0, nd: 0, posA: 0, posD: 0, predA: 0, predD: 0 } };
      windows.set(start, w);
    }
    w.predictions++;
    if (!labeled.has(i)) return;
    w.labeled++;
    const b = w.bias;
    if (x.k === 0) {
      b.nd++;
      b.posD += x.actual;
      b.predD += x.predicted;
    } else {
      b.na++;
      b.posA += x.actual;
      b.predA += x.predicted;
    }
    if (x.actual === 1 && x.predicted === 1) w.tp++;
    else if (x.actual === 0 && x.predicted === 1) w.fp++;
    else if (x.actual === 0 && x.predicted === 0) w.tn++;
    else w.fn++;
  });
  return { predictions, labels, windows, labeledIds: labeled.size, lastLabelMs: labels.at(-1)?.timestampMs ?? o.startMs };
}

/** Capture lines far in the future: two on each inference partition move the watermark past every horizon (one alone does not). */
export function tickPrediction(timeMs: number, n: number): ScenarioMessage {
  return {
    key: `tick-${n}`,
    value: encodeCaptureLine({ inputData: '0,0', outputData: '0.5', eventId: `tick-${n}`, inferenceId: `tick-${n}`, inferenceTime: timeMs }),
    timestampMs: timeMs,
  };
}

export function tickLabel(timeMs: number, n: number): ScenarioMessage {
  return {
    key: `tick-label-${n}`,
    value: JSON.stringify({ groundTruthData: { data: '0', encoding: 'CSV' }, eventMetadata: { eventId: `tick-label-${n}` }, eventVersion: '0' }),
    timestampMs: timeMs,
  };
}

/** The binary confusion matrix statistics.json holds: confusion_matrix[actual][predicted]. */
export function confusionOf(statistics: string): { tp: number; fp: number; tn: number; fn: number; itemCount: number } {
  const s = JSON.parse(statistics) as { dataset: { item_count: number }; binary_classification_metrics: { confusion_matrix: Record<string, Record<string, number>> } };
  const m = s.binary_classification_metrics.confusion_matrix;
  return { tp: m['1']?.['1'] ?? 0, fp: m['0']?.['1'] ?? 0, tn: m['0']?.['0'] ?? 0, fn: m['1']?.['0'] ?? 0, itemCount: s.dataset.item_count };
}

const BINARY_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'false_positive_rate', 'true_negative_rate'] as const;

/** Metrics of statistics.json that must equal the direct computation from a window's counts. */
export function metricMismatches(statistics: string, w: WindowExpectation, tolerance = 1e-12): string[] {
  const got = (JSON.parse(statistics) as { binary_classification_metrics: Record<string, { value: number }> }).binary_classification_metrics;
  const { tp, fp, tn, fn } = w;
  const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  const precision = div(tp, tp + fp);
  const recall = div(tp, tp + fn);
  const want: Record<(typeof BINARY_METRICS)[number], number> = {
    accuracy: div(tp + tn, tp + tn + fp + fn),
    precision,
    recall,
    f1: div(2 * precision * recall, precision + recall),
    false_positive_rate: div(fp, fp + tn),
    true_negative_rate: div(tn, fp + tn),
  };
  return BINARY_METRICS.filter((k) => !(Math.abs((got[k]?.value ?? Number.NaN) - want[k]) <= tolerance)).map((k) => `${k}: got ${got[k]?.value}, want ${want[k]}`);
}

/** A binary-classification label monitor over the scenario's messages (topics `inf` and `gt`). */
export function scenarioMonitorSettings(o: { windowMs: number; horizonMs: number; reemitIntervalMs: number; checkpointIntervalMs: number }): MonitorSettings & { labels: LabelSettings } {
  const labels: LabelSettings = {
    topics: ['gt'],
    paths: [],
    horizonMs: o.horizonMs,
    reemitIntervalMs: o.reemitIntervalMs,
    inferenceAttribute: undefined,
    probabilityAttribute: 'score',
    probabilityThreshold: 0.5,
    modelQuality: { problemType: 'BinaryClassification', constraintsPath: undefined },
    bias: undefined,
  };
  return {
    name: 'quality',
    source: { type: 'kafka', brokers: ['unused:9092'], topics: ['inf'], groupId: 'g', clientId: 'c', fromBeginning: true, deadLetterTopic: undefined, maxMessagesPerSecond: undefined, ssl: false, sasl: undefined, fetchInWorker: false },
    record: { format: 'sagemaker-capture', inputs: ['x', 'k'], outputs: ['score'] },
    labels,
    baseline: { statisticsPath: undefined, constraintsPath: '' },
    windowsMs: [o.windowMs],
    graceMs: 0,
    maxFutureSkewMs: 3_600_000,
    quantileSketch: 'kll',
    maxFeatures: 100,
    categoryCap: 100,
    maxLineLength: 1 << 20,
    checkpointIntervalMs: o.checkpointIntervalMs,
    partitionIdleMs: 365 * D,
    backoff: undefined,
  };
}

/** One batch of one partition (`inf/0` or `gt/0`) as a consumer of both topics sees it. */
export interface ScenarioStep {
  topic: 'inf' | 'gt';
  messages: ScenarioMessage[];
  /** Offset of the first message in its partition. */
  offset: number;
}

/** Predictions and labels alternate in batches, labels trailing slightly. */
export function interleave(predictions: readonly ScenarioMessage[], labels: readonly ScenarioMessage[], batch: number): ScenarioStep[] {
  const out: ScenarioStep[] = [];
  let p = 0;
  let g = 0;
  while (p < predictions.length || g < labels.length) {
    if (p < predictions.length) {
      out.push({ topic: 'inf', messages: predictions.slice(p, p + batch), offset: p });
      p += batch;
    }
    if (g < labels.length && (p >= predictions.length || g < p * 0.8)) {
      out.push({ topic: 'gt', messages: labels.slice(g, g + batch), offset: g });
      g += batch;
    }
  }
  return out;
}

/** A step as the batch a partitioned source yields (partition 0 of its topic, broker timestamps). */
export function stepBatch(step: ScenarioStep): RawBatch {
  const msgs = step.messages;
  const key = partitionKey(step.topic, 0);
  return {
    records: msgs.map((m) => m.value),
    origin: (i) => `${key}@${step.offset + i}`,
    key: (i) => Buffer.from((msgs[i] as ScenarioMessage).key),
    timestampMs: (i) => (msgs[i] as ScenarioMessage).timestampMs,
    partition: { key, position: { topic: step.topic, partition: 0, nextOffset: step.offset + msgs.length } },
  };
}

/** The scenario's label monitor `quality` on Kafka (binary classification, 4-day horizon), as a driftmon config's monitor entry. */
export function scenarioKafkaMonitor(o: { brokers: readonly string[]; inference: string; groundTruth: string; groupId: string; window: string; source?: Record<string, unknown>; extra?: Record<string, unknown> }): Record<string, unknown> {
  return {
    name: 'quality',
    source: { type: 'kafka', brokers: o.brokers, topics: [o.inference], groupId: o.groupId, fromBeginning: true, partitionIdle: '10m', ...o.source },
    record: { format: 'sagemaker-capture', inputs: ['x', 'k'], outputs: ['score'] },
    labels: { topics: [o.groundTruth], horizon: 'P4D', reemitInterval: '2s', probabilityAttribute: 'score', probabilityThreshold: 0.5, modelQuality: { problemType: 'BinaryClassification' } },
    windows: [o.window],
    checkpointInterval: '1s',
    // lag in seconds is measured from broker timestamps, weeks old here: no sampling
    backoff: { enabled: false },
    ...o.extra,
  };
}

/**
 * The config of a replayed label monitor `quality` over the scenario's capture and ground-truth
 * files (`capture`, `labels`: files or folders): model quality of the score, bias by facet k (its
 * analysis_config.json is written into dir).
 */
export function labelReplayMonitor(dir: string, capture: string, labels: string, window: string): Record<string, unknown> {
  const analysisConfig = join(dir, 'analysis_config.json');
  writeFileSync(analysisConfig, JSON.stringify({ label: 'label', label_values_or_threshold: [1], facet: [{ name_or_index: 'k', value_or_threshold: [0] }] }));
  return {
    name: 'quality',
    source: { type: 'files', paths: [capture] },
    record: { format: 'sagemaker-capture', inputs: ['x', 'k'], outputs: ['score'] },
    labels: { paths: [labels], probabilityAttribute: 'score', modelQuality: { problemType: 'BinaryClassification' }, bias: { analysisConfig } },
    windows: [window],
  };
}
