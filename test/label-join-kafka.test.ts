/**
 * The label join on a real broker: 100k predictions on a 2-partition inference topic, SageMaker
 * ground-truth records for 90 % of them on a 2-partition ground-truth topic — shuffled across
 * partitions by key, some labelled before their prediction, a fifth three days of event time
 * later (the broker timestamp is the label time), 5 % sent twice with another value — and
 * `driftmon run` killed with SIGKILL mid-stream, then restarted. Each window's final report must
 * hold the confusion matrix and counts computed directly from the joined data, and label coverage
 * must be 90 %: nothing pending was lost across the kill, nothing counted twice. A real Prometheus
 * scraping the restarted process sees the newest final window's coverage and accuracy.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { reportFolder } from '../src/sink/report.js';
import { REPO } from './support/cli.js';
import { DriftmonProcess } from './support/driftmon-process.js';
import { startPrometheus } from './support/private-prometheus.js';
import { createTopic, produceAll, uniqueTopic, type OutMessage } from './support/kafka.js';
import { confusionOf, labelScenario, metricMismatches, scenarioKafkaMonitor, tickLabel, tickPrediction, type ScenarioMessage } from './support/label-scenario.js';
import { describeWithServices } from './support/services.js';

const PREDICTIONS = 100_000;
const WINDOW_MS = 600_000;
const START_MS = Date.UTC(2026, 10, 2, 8, 0, 0);
const D = 86_400_000;

interface FinalReport {
  statistics: string;
  summary: { final: boolean; version: number; join: { predictions: number; labeled: number; expired_predictions: number; label_coverage: number } };
}

function finalReport(out: string, startMs: number): FinalReport | undefined {
  const dir = join(out, ...reportFolder('quality', WINDOW_MS, startMs).split('/'), 'model-quality');
  const summaryPath = join(dir, 'driftmon-report.json');
  if (!existsSync(summaryPath)) return undefined;
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as FinalReport['summary'];
  if (!summary.final) return undefined;
  return { statistics: readFileSync(join(dir, 'statistics.json'), 'utf8'), summary };
}

describeWithServices(['kafka', 'prometheus'], 'label join over SIGKILL (real broker, real Prometheus)', ({ kafka }) => {
  it('reports every window finally as computed from the joined data, with 90 % coverage, across a SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-label-join-'));
    const inference = uniqueTopic('inference-lj');
    const groundTruth = uniqueTopic('ground-truth-lj');
    // the messages carry event-time timestamps weeks old: keep them past the default 7-day retention
    await createTopic(kafka.brokers, inference, 2, { 'retention.ms': '-1' });
    await createTopic(kafka.brokers, groundTruth, 2, { 'retention.ms': '-1' });

    const s = labelScenario({ seed: 23, predictions: PREDICTIONS, startMs: START_MS, stepS: 0.1, labelShare: 0.9, duplicateShare: 0.05, windowMs: WINDOW_MS });
    // key → partition by the same rule on both topics; each partition stays in event-time order
    const partitionOf = (key: string): number => (Number(key.slice(key.lastIndexOf('-') + 1)) || 0) % 2;
    const out = (m: ScenarioMessage, partition = partitionOf(m.key)): OutMessage => ({ key: m.key, value: m.value, partition, timestamp: String(m.timestampMs) });
    // two ticks per partition: one record far ahead alone does not move a partition's stream time
    const tickAt = s.lastLabelMs + 10 * D;
    const ticks = (tick: (t: number, n: number) => ScenarioMessage): OutMessage[] => [0, 1, 2, 3].map((n) => out(tick(tickAt, n), n % 2));
    await produceAll(kafka.brokers, inference, [...s.predictions.map((m) => out(m)), ...ticks(tickPrediction)]);
    await produceAll(kafka.brokers, groundTruth, [...s.labels.map((m) => out(m)), ...ticks(tickLabel)]);

    const config = join(dir, 'driftmon.yaml');
    writeFileSync(
      config,
      stringify({
        monitors: [
          scenarioKafkaMonitor({ brokers: kafka.brokers, inference, groundTruth, groupId: uniqueTopic('driftmon-lj'), window: '10m', source: { maxMessagesPerSecond: 25_000 } }),
        ],
        output: { dir: join(dir, 'out') },
        state: { dir: join(dir, 'state') },
        http: { port: 0 },
        log: { level: 'info' },
      }),
    );

    const logs: string[] = [];
    const running: DriftmonProcess[] = [];
    onTestFinished(() => running.forEach((p) => p.kill('SIGKILL')));
    const first = await DriftmonProcess.start(config);
    running.push(first);
    await first.waitForMetric('driftmon_kafka_messages_consumed_total', (v) => v >= 80_000, 90_000);
    const pendingAtKill = await first.metric('driftmon_label_join_pending_predictions');
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    logs.push(first.stderr);


    const last = await DriftmonProcess.start(config);
    running.push(last);
    // a real Prometheus scrapes the restarted process, with the deploy/ alert rules loaded
    const prom = await startPrometheus({ targets: [new URL(last.url as string).host], scrapeIntervalS: 1, ruleFiles: [join(REPO, 'deploy', 'prometheus', 'driftmon-alerts.yml')] });
    onTestFinished(() => prom.stop());
    const outDir = join(dir, 'out');
    const expected = [...s.windows.values()];
    const deadline = Date.now() + 120_000;
    while (expected.some((w) => finalReport(outDir, w.startMs) === undefined) && Date.now() < deadline) await sleep(500);
    // the final gauges show the newest final window: the last one of the scenario
    const newest = expected.reduce((a, b) => (b.startMs > a.startMs ? b : a));
    // gauges are set right after a window's report is written: read them from a scrape taken after
    // every final report was on disk, not from one that came just before the last window went final
    const allFinalS = Date.now() / 1000 + 1;
    await prom.waitFor('timestamp(driftmon_label_coverage_ratio{monitor="quality",window="10m",state="final"})', (r) => r.length === 1 && Number(r[0]?.value[1]) > allFinalS, 60_000);
    const value = async (expr: string): Promise<number> => Number((await prom.waitFor(expr, (r) => r.length === 1, 30_000))[0]?.value[1]);
    const coverage = await value('driftmon_label_coverage_ratio{monitor="quality",window="10m",state="final"}');
    const accuracy = await value('driftmon_model_metric{monitor="quality",window="10m",state="final",metric="accuracy"}');
    const latencyCount = await value('sum(driftmon_label_latency_seconds_count{monitor="quality"})');
    last.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);
    logs.push(last.stderr);
    writeFileSync(join(dir, 'driftmon.log'), logs.join('\n----- restart -----\n'));

    const wrong: string[] = [];
    let predictions = 0;
    let labeled = 0;
    for (const w of expected) {
      const r = finalReport(outDir, w.startMs);
      if (r === undefined) {
        wrong.push(`${new Date(w.startMs).toISOString()}: no final report`);
        continue;
      }
      const c = confusionOf(r.statistics);
      const got = { tp: c.tp, fp: c.fp, tn: c.tn, fn: c.fn, n: c.itemCount, predictions: r.summary.join.predictions, expired: r.summary.join.expired_predictions };
      const want = { tp: w.tp, fp: w.fp, tn: w.tn, fn: w.fn, n: w.labeled, predictions: w.predictions, expired: w.predictions - w.labeled };
      if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${new Date(w.startMs).toISOString()}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      for (const m of metricMismatches(r.statistics, w)) wrong.push(`${new Date(w.startMs).toISOString()}: ${m}`);
      predictions += r.summary.join.predictions;
      labeled += r.summary.join.labeled;
    }
    expect(wrong, `logs in ${dir}/driftmon.log`).toEqual([]);
    expect(expected.length).toBe(17);
    expect(predictions).toBe(PREDICTIONS);
    expect(labeled / predictions).toBe(0.9);
    // the kill came mid-join: predictions were waiting for labels when it hit
    expect(pendingAtKill).toBeGreaterThan(0);
    expect(coverage).toBeCloseTo(newest.labeled / newest.predictions, 12);
    expect(accuracy).toBeCloseTo((newest.tp + newest.tn) / newest.labeled, 12);
    // the restarted process joined the rest: its latency histogram counts those joins
    expect(latencyCount).toBeGreaterThan(0);
  }, 400_000);
});
