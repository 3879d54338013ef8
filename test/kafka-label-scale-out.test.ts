/**
 * A scaled-out label monitor on a real broker (docs/scale-out.md, "Label monitors"): two members
 * in one group read an inference topic of 3 partitions (records by position) and a ground-truth
 * topic of 2 (by ID): not co-partitioned. They key both by inference ID through the keyed topic,
 * join there with their stores in the changelog, and own windows through the partials topic.
 * Every window's final report must hold the confusion matrix and counts of the direct join.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startApp, type AppHandle } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { keyedPartition } from '../src/monitors/label/keyed-outbox.js';
import { reportFolder } from '../src/sink/report.js';
import { DriftmonProcess } from './support/driftmon-process.js';
import { createTopic, produceAll, uniqueTopic, type OutMessage } from './support/kafka.js';
import { confusionOf, labelScenario, metricMismatches, scenarioKafkaMonitor, tickLabel, tickPrediction, type ScenarioMessage } from './support/label-scenario.js';
import { describeWithServices } from './support/services.js';
import { metricSum, until } from './support/wait.js';

const PREDICTIONS = 20_000;
const WINDOW_MS = 600_000;
const START_MS = Date.UTC(2026, 10, 2, 8, 0, 0);
const D = 86_400_000;

function finalReport(out: string, startMs: number): { statistics: string; join: { predictions: number; labeled: number; expired_predictions: number } } | undefined {
  const dir = join(out, ...reportFolder('quality', WINDOW_MS, startMs).split('/'), 'model-quality');
  const summaryPath = join(dir, 'driftmon-report.json');
  if (!existsSync(summaryPath)) return undefined;
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { final: boolean; join: { predictions: number; labeled: number; expired_predictions: number } };
  return summary.final ? { statistics: readFileSync(join(dir, 'statistics.json'), 'utf8'), join: summary.join } : undefined;
}

describeWithServices(['kafka'], 'label monitor scaled out (real broker)', ({ kafka }) => {
  /** Topics not co-partitioned (inference 3 partitions by position, ground truth 2 by ID), the scenario on them, and a config writer. */
  async function setup(seed: number, predictions: number): Promise<{ dir: string; s: ReturnType<typeof labelScenario>; config: (name: string, extra?: Record<string, unknown>) => string }> {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-label-scale-'));
    const inference = uniqueTopic('inference-ls');
    const groundTruth = uniqueTopic('ground-truth-ls');
    await createTopic(kafka.brokers, inference, 3, { 'retention.ms': '-1' });
    await createTopic(kafka.brokers, groundTruth, 2, { 'retention.ms': '-1' });
    const s = labelScenario({ seed, predictions, startMs: START_MS, stepS: 0.5, labelShare: 0.9, duplicateShare: 0.05, windowMs: WINDOW_MS });
    const out = (m: ScenarioMessage, partition: number): OutMessage => ({ key: m.key, value: m.value, partition, timestamp: String(m.timestampMs) });
    // inference by position, labels by ID (a label and its duplicate stay in order in one partition)
    const tickAt = s.lastLabelMs + 10 * D;
    await produceAll(kafka.brokers, inference, [...s.predictions.map((m, i) => out(m, i % 3)), ...[0, 1, 2, 3, 4, 5].map((n) => out(tickPrediction(tickAt, n), n % 3))]);
    await produceAll(kafka.brokers, groundTruth, [...s.labels.map((m) => out(m, keyedPartition(m.key, 2))), ...[0, 1, 2, 3].map((n) => out(tickLabel(tickAt, n), n % 2))]);
    const group = uniqueTopic('driftmon-ls');
    const config = (name: string, extra: Record<string, unknown> = {}): string => {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(
        path,
        stringify({
          monitors: [
            scenarioKafkaMonitor({
              brokers: kafka.brokers,
              inference,
              groundTruth,
              groupId: group,
              window: '10m',
              source: { scaleOut: { keyedTopic: `${group}.keyed`, changelogTopic: `${group}.changelog`, partialsTopic: `${group}.partials`, keyedPartitions: 4, partialsPartitions: 3 }, ...extra },
            }),
          ],
          output: { dir: join(dir, 'out') },
          // each member its own state (its pod's volume)
          state: { dir: join(dir, `state-${name}`) },
          http: { port: 0 },
          log: { level: 'info' },
        }),
      );
      return path;
    };
    return { dir, s, config };
  }

  /** Every window's final report equals the direct join. */
  function expectDirectJoin(dir: string, s: ReturnType<typeof labelScenario>): void {
    for (const w of s.windows.values()) {
      const r = finalReport(join(dir, 'out'), w.startMs);
      const c = confusionOf(r?.statistics ?? '{}');
      expect({ ...c, start: w.startMs }).toEqual({ tp: w.tp, fp: w.fp, tn: w.tn, fn: w.fn, itemCount: w.labeled, start: w.startMs });
      expect(metricMismatches(r?.statistics ?? '{}', w)).toEqual([]);
      expect([r?.join.predictions, r?.join.labeled, r?.join.expired_predictions, w.startMs]).toEqual([w.predictions, w.labeled, w.predictions - w.labeled, w.startMs]);
    }
  }

  it('two members on topics that are not co-partitioned: every final window equals the direct join', async () => {
    const { dir, s, config: configOf } = await setup(31, PREDICTIONS);
    // throttled: both members are in the groups while windows are reported, so both own some
    const configPath = configOf('a', { maxMessagesPerSecond: 5_000 });
    const logger = pino({ level: 'info' }, pino.destination({ dest: join(dir, 'driftmon.log'), sync: true, append: true }));
    const stop = new AbortController();
    const apps: AppHandle[] = [];
    const outDir = join(dir, 'out');
    const expected = [...s.windows.values()];
    try {
      for (let i = 0; i < 2; i++) {
        const config = loadConfig(configPath);
        apps.push(await startApp({ ...config, http: { ...config.http, enabled: false }, state: { ...config.state, dir: join(dir, `state-${i}`) } }, { logger: logger.child({ member: i }), signal: stop.signal }));
      }
      await until(`${expected.length} final windows (logs in ${dir}/driftmon.log)`, () => expected.every((w) => finalReport(outDir, w.startMs) !== undefined), 180_000);
      expectDirectJoin(dir, s);
      // one series per monitor, window, state and metric over both members: the newest window's
      await sleep(3_000); // the last notices of windows reported travel with the owners' next commits
      const series = async (name: string): Promise<string[]> =>
        (await Promise.all(apps.map(async (a) => ((await a.registry.getSingleMetric(name)?.get())?.values ?? []).map((v) => JSON.stringify(v.labels))))).flat();
      for (const a of apps) expect(await metricSum(a.registry, 'driftmon_label_windows_reported_total')).toBeGreaterThan(0);
      for (const name of ['driftmon_model_metric', 'driftmon_label_coverage_ratio']) {
        const all = await series(name);
        expect(all.length, name).toBeGreaterThan(0);
        expect(all.length, name).toBe(new Set(all).size);
      }
    } finally {
      stop.abort();
      for (const a of apps) {
        await a.labelDone.catch(() => undefined);
        await a.close();
      }
    }
  }, 300_000);

  // It once undercounted a window (669 of 1,080 labelled rows, 1 run in 10; 2 in 8 when looped):
  // a member that took an inference partition back kept its position from its first tenure, and
  // filtered the records below it as processed when the partition came back without a committed
  // offset (its other holder died before its first commit). KafkaSource now forgets a partition the
  // group takes away (test/kafka-source-group.test.ts).
  it('two member processes, one SIGKILLed mid-stream: the other takes its keyed partitions over from the changelog, and every final window still equals the direct join', async () => {
    const { dir, s, config } = await setup(37, PREDICTIONS);
    // throttled so the kill lands mid-stream; a short session timeout moves the dead member's partitions soon
    const extra = { maxMessagesPerSecond: 4_000, sessionTimeout: '6s' };
    const members = [await DriftmonProcess.start(config('a', extra)), await DriftmonProcess.start(config('b', extra))];
    const expected = [...s.windows.values()];
    try {
      const joined = async (): Promise<number> => (await Promise.all(members.map((m) => m.metric('driftmon_label_join_predictions_total').catch(() => 0)))).reduce((a, b) => a + b, 0);
      await until('5,000 predictions joined', async () => (await joined()) >= 5_000, 120_000);
      const killed = members[1] as DriftmonProcess;
      killed.kill('SIGKILL');
      expect((await killed.exited).signal).toBe('SIGKILL');
      const atKill = expected.filter((w) => finalReport(join(dir, 'out'), w.startMs) !== undefined).length;
      await until(`${expected.length} final windows (logs in ${dir}/driftmon.log)`, () => expected.every((w) => finalReport(join(dir, 'out'), w.startMs) !== undefined), 240_000);
      expectDirectJoin(dir, s);
      expect(atKill).toBeLessThan(expected.length); // the kill really was mid-stream
      expect(members[0]?.stderr).toContain('keyed partition restored from its changelog');
      (members[0] as DriftmonProcess).kill('SIGTERM');
      expect((await (members[0] as DriftmonProcess).exited).code).toBe(0);
    } finally {
      writeFileSync(join(dir, 'driftmon.log'), members.map((m) => m.stderr).join('\n----- member -----\n'));
      for (const m of members) if (m.child.exitCode === null && m.child.signalCode === null) m.kill('SIGKILL');
    }
  }, 360_000);
});
