/**
 * The three stages of a scaled-out label monitor (docs/scale-out.md, "Label monitors") over an
 * in-memory Kafka (test/support/memory-kafka.ts): two processes key, join and own windows of
 * inference and ground-truth topics that are not co-partitioned; one of them dies mid-stream and
 * the other takes its partitions over — keyed partitions restored from their changelog, window
 * owners from their predecessor's snapshot. Every window's final report must equal the direct join.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { confusionOf, labelScenario, scenarioMonitorSettings, tickLabel, tickPrediction, type ScenarioMessage } from '../../../test/support/label-scenario.js';
import { MemoryKafka, type StoredMessage } from '../../../test/support/memory-kafka.js';
import { MemoryJoinStore } from '../../join/memory-join-store.js';
import { createLabelMetrics, createMetrics } from '../../observability/metrics.js';
import { isLabelReport, type LabelReport } from '../../sink/report.js';
import { MemoryReportSink } from '../../sink/memory-report-sink.js';
import { partitionKey, type RawBatch } from '../../source/source.js';
import { MemberCycle } from '../member-cycle.js';
import { KeyedJoiner } from './keyed-joiner.js';
import { keyedPartition, KeyedOutbox } from './keyed-outbox.js';
import type { LabelEvaluator } from './label-evaluator.js';
import { LabelIngress } from './label-ingress.js';
import { LabelReporter } from './label-reporter.js';
import { emptyLabelSummary } from './label-summary.js';
import { labelWindowState } from './label-window-state.js';
import { LabelWindowOwner } from './label-window-owner.js';
import { ModelQualityEvaluator } from './model-quality-evaluator.js';

const H = 3_600_000;
const D = 24 * H;
const START = Date.UTC(2026, 10, 2, 8, 0, 0);
const INFERENCE = 3; // partitions of the inference topic
const GROUND_TRUTH = 2; // of the ground-truth topic: not co-partitioned with it
const KEYED = 4;
const PARTIALS = 3;
const settings = scenarioMonitorSettings({ windowMs: H, horizonMs: 4 * D, reemitIntervalMs: 0, checkpointIntervalMs: 0 });
const logger = pino({ level: 'silent' });
const text = new TextEncoder();

interface Stage {
  /** Held partitions and where each is read next. */
  readonly positions: Map<string, number>;
  readonly onAssignment: (added: readonly string[], removed: readonly string[]) => Promise<void>;
  readonly process: (batch: RawBatch) => Promise<void>;
  readonly text: boolean;
}

/** One driftmon process: the three stages, on the shared in-memory Kafka and report sink. */
function process(kafka: MemoryKafka, reports: MemoryReportSink, clock: () => number, intervalMs: number, restored: { changes: number }): Stage[] {
  const labelMetrics = createLabelMetrics(new Registry());
  const metrics = createMetrics(new Registry());
  const evaluators: LabelEvaluator[] = [new ModelQualityEvaluator('BinaryClassification', undefined, labelMetrics) as LabelEvaluator];
  const windows = { sizesMs: settings.windowsMs, graceMs: settings.graceMs, horizonMs: settings.labels.horizonMs, reemitIntervalMs: settings.labels.reemitIntervalMs, ...labelWindowState(evaluators) };
  const summary = emptyLabelSummary(settings.name);
  const transactions = kafka.transactions();
  const common = { monitor: settings.name, transactionalIdPrefix: 'driftmon', transactions, clock, intervalMs, logger };

  // 1. keying: decode and check the input topics' records, key them by ID
  const keyed = new KeyedOutbox({ monitor: settings.name, keyedTopic: 'keyed', keyedPartitions: KEYED, idleMs: settings.partitionIdleMs, logger });
  const ingress = new LabelIngress({ settings, predictionFields: { facets: [], groupVariable: undefined }, evaluators, summary, reject: () => undefined });
  const keyingAt = new Map<string, number>();
  const keying = new MemberCycle({ ...common, groupId: 'g', progressTopic: 'keyed', progressPartitions: KEYED, outbox: keyed, resumeFrom: (ps) => ps.forEach((p) => keyingAt.set(partitionKey(p.topic, p.partition), p.nextOffset)) });
  // 2. joining, per keyed partition, its store moved through the changelog
  const joiner = new KeyedJoiner({
    monitor: settings.name,
    changelogTopic: 'changelog',
    partialsTopic: 'partials',
    horizonMs: settings.labels.horizonMs,
    windows,
    evaluators,
    inputPartitions: () => [...Array.from({ length: INFERENCE }, (_, p) => partitionKey('inf', p)), ...Array.from({ length: GROUND_TRUTH }, (_, p) => partitionKey('gt', p))],
    openStore: () => Promise.resolve(new MemoryJoinStore()),
    changelog: {
      read: (partition, onChange) => {
        for (const m of kafka.partitions('changelog')[partition] as StoredMessage[]) {
          onChange(m.key as string, m.value);
          restored.changes++;
        }
        return Promise.resolve();
      },
    },
    summary,
    labelMetrics,
    onInvalid: (why) => {
      throw new Error(`keyed record refused: ${why}`);
    },
    logger,
  });
  const joiningAt = new Map<string, number>();
  const joining = new MemberCycle({ ...common, groupId: 'g.keyed', progressTopic: 'partials', progressPartitions: PARTIALS, outbox: joiner, resumeFrom: (ps) => ps.forEach((p) => joiningAt.set(partitionKey(p.topic, p.partition), p.nextOffset)) });
  // 3. window owners
  const ownedAt = new Map<string, number>();
  const owner = new LabelWindowOwner({
    ...common,
    groupId: 'g.partials',
    partialsTopic: 'partials',
    keyedPartitions: () => Array.from({ length: KEYED }, (_, r) => partitionKey('keyed', r)),
    windows,
    partialsPartitions: PARTIALS,
    reporter: new LabelReporter({ monitor: settings.name, evaluators, reports, metrics, labelMetrics, logger, clock, summary }),
    resumeFrom: (ps) => ps.forEach((p) => ownedAt.set(partitionKey(p.topic, p.partition), p.nextOffset)),
    onInvalid: (why) => {
      throw new Error(`partials message refused: ${why}`);
    },
  });
  /** A stage reading from `positions`: a partition gained is read from 0 unless its takeover resumes it elsewhere. */
  const stage = (t: boolean, positions: Map<string, number>, onAssignment: Stage['onAssignment'], processBatch: Stage['process']): Stage => ({
    positions,
    text: t,
    process: processBatch,
    onAssignment: async (added, removed) => {
      removed.forEach((k) => positions.delete(k));
      added.forEach((k) => positions.set(k, 0));
      await onAssignment(added, removed);
    },
  });
  return [
    stage(true, keyingAt, keying.onAssignment, async (batch) => {
      const key = batch.partition?.key as string;
      await keying.serial.run(async () => {
        ingress.read(batch, keyed.input(key, clock()), undefined, keyed.clock(key, clock()), clock());
        keyed.touched(key, clock());
        await keying.afterBatch(batch);
      });
    }),
    stage(false, joiningAt, joining.onAssignment, (batch) =>
      joining.serial.run(async () => {
        joiner.process(batch);
        await joining.afterBatch(batch);
      }),
    ),
    stage(false, ownedAt, owner.onAssignment, (batch) => owner.onBatch(batch)),
  ];
}

const TOPICS = [
  ['inf', INFERENCE],
  ['keyed', KEYED],
  ['partials', PARTIALS],
] as const;

describe('a scaled-out label monitor (in-memory Kafka)', () => {
  it.each([
    [9, 8],
    [10, 3],
    [11, 14],
    [12, 20],
  ])('two processes, not co-partitioned topics, one dies mid-stream: every final window equals the direct join (seed %i, death after %i rounds)', async (seed, deathRound) => {
    const scenario = labelScenario({ seed, predictions: 3_000, startMs: START, stepS: 8, labelShare: 0.85, duplicateShare: 0.05, windowMs: H });
    const kafka = new MemoryKafka();
    for (const [topic, n] of [...TOPICS, ['gt', GROUND_TRUTH] as const, ['changelog', KEYED] as const]) kafka.createTopic(topic, n);
    // inference records by their position, labels by their ID into fewer partitions: nothing lines
    // up. (A label and its duplicate stay in one partition, as a producer keyed by ID sends them:
    // which of two labels of an ID comes first is only defined within a partition.)
    const tickMs = scenario.lastLabelMs + 10 * D;
    const inference: ScenarioMessage[] = [...scenario.predictions, ...Array.from({ length: 2 * INFERENCE }, (_, i) => tickPrediction(tickMs, i))];
    inference.forEach((m, i) => kafka.produce('inf', i % INFERENCE, m.key, text.encode(m.value), m.timestampMs));
    const labels: ScenarioMessage[] = [...scenario.labels, ...Array.from({ length: 2 * GROUND_TRUTH }, (_, i) => tickLabel(tickMs, i))];
    labels.forEach((m, i) => kafka.produce('gt', i < scenario.labels.length ? keyedPartition(m.key, GROUND_TRUTH) : i % GROUND_TRUTH, m.key, text.encode(m.value), m.timestampMs));

    let now = Date.UTC(2027, 0, 1);
    const clock = (): number => (now += 1_000);
    const reports = new MemoryReportSink();
    // a commits after every batch; b every 20 s of its clock, so it dies with work not committed
    const restored = { changes: 0 };
    const a = process(kafka, reports, clock, 0, restored);
    const b = process(kafka, reports, clock, 20_000, { changes: 0 });
    const split = (topic: string, n: number, half: 0 | 1): string[] => Array.from({ length: n }, (_, p) => partitionKey(topic, p)).filter((_, p) => p % 2 === half);
    const assign = async (proc: Stage[], half: 0 | 1): Promise<void> => {
      await (proc[0] as Stage).onAssignment([...split('inf', INFERENCE, half), ...split('gt', GROUND_TRUTH, half)], []);
      await (proc[1] as Stage).onAssignment(split('keyed', KEYED, half), []);
      await (proc[2] as Stage).onAssignment(split('partials', PARTIALS, half), []);
    };
    await assign(a, 0);
    await assign(b, 1);

    /** One batch of every partition each live process holds; false when nothing was left to read. */
    const round = async (procs: Stage[][]): Promise<boolean> => {
      let read = false;
      for (const proc of procs) {
        for (const s of proc) {
          for (const [key, at] of [...s.positions]) {
            const [topic, p] = key.split('/') as [string, string];
            const batch = kafka.read(topic, Number(p), at, 37, s.text);
            if (batch === undefined) continue;
            read = true;
            await s.process(batch);
            if (s.positions.has(key)) s.positions.set(key, at + batch.records.length);
          }
        }
      }
      return read;
    };
    for (let i = 0; i < deathRound; i++) await round([a, b]);
    // b dies mid-stream: what it did since its last transactions is lost; a takes everything over
    const inFlight = b.map((s) => [...s.positions].filter(([key, at]) => at > (kafka.committed(['g', 'g.keyed', 'g.partials'][b.indexOf(s)] as string, key.split('/')[0] as string, Number(key.split('/')[1]))?.offset ?? 0)).length);
    expect(inFlight.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    for (const [i, s] of b.entries()) await (a[i] as Stage).onAssignment([...s.positions.keys()], []);
    expect(restored.changes).toBeGreaterThan(100); // b's keyed partitions came back from their changelog
    let rounds = 0;
    while ((await round([a])) && rounds < 10_000) rounds++;

    const finals = new Map<number, LabelReport>();
    for (const r of reports.reports) if (isLabelReport(r) && r.summary.final === true) {
      expect(finals.has(r.windowStartMs), `window ${new Date(r.windowStartMs).toISOString()} reported final twice`).toBe(false);
      finals.set(r.windowStartMs, r);
    }
    expect([...finals.keys()].sort()).toEqual([...scenario.windows.keys()].sort());
    for (const [start, want] of scenario.windows) {
      const r = finals.get(start) as LabelReport;
      const c = confusionOf((r.files.find((f) => f.name === 'statistics.json') as { body: string }).body);
      expect({ ...c, start }).toEqual({ tp: want.tp, fp: want.fp, tn: want.tn, fn: want.fn, itemCount: want.labeled, start });
      const join = r.summary.join as { predictions: number; labeled: number; expired_predictions: number };
      expect([join.predictions, join.labeled, join.expired_predictions, start]).toEqual([want.predictions, want.labeled, want.predictions - want.labeled, start]);
    }
  });
});
