/**
 * The feature attribution monitor from a real broker: the model's attributions (in its capture
 * lines' output) rank f1 > f2 > f3 for three minutes, then f3 > f2 > f1, on two partitions. The app
 * runs in process (Kafka source, dead-letter topic, checkpoints): windows close at the watermark,
 * exactly the windows after the change violate feature_attribution_drift_check with the nDCG of the
 * exact per-window means, and malformed attributions reach the dead-letter topic with their reason.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { attributionNdcg } from '../src/evaluate/attribution/ndcg.js';
import { CaptureEncoding, encodeCaptureLine } from '../src/record/capture-encoder.js';
import { formatExplainabilityAnalysis } from '../src/sagemaker/explainability-analysis.js';
import { DEAD_LETTER_HEADERS } from '../src/sink/kafka-dead-letter.js';
import { reportFolder } from '../src/sink/report.js';
import { createTopic, produceAll, readTopic, uniqueTopic, type OutMessage } from './support/kafka.js';
import { describeWithServices } from './support/services.js';
import { until } from './support/wait.js';

const M = 60_000;
const START_MS = Date.UTC(2026, 11, 4, 10, 0, 0);
const BEFORE = [0.5, 0.3, 0.1];
const AFTER = [0.1, 0.3, 0.5];
const FEATURES = ['f1', 'f2', 'f3'];

describeWithServices(['kafka'], 'feature attribution monitor on a real broker', ({ kafka }) => {
  it('reports feature_attribution_drift_check in exactly the windows after the change, dead-letters malformed attributions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-kafka-attr-'));
    const topic = uniqueTopic('inference-attr');
    const dlt = uniqueTopic('inference-attr-dlq');
    await createTopic(kafka.brokers, topic, 2);
    await createTopic(kafka.brokers, dlt, 1);
    writeFileSync(join(dir, 'analysis.json'), formatExplainabilityAnalysis({ version: '1.0', kernelShap: [{ label: 'label0', globalShapValues: FEATURES.map((f, j) => [f, BEFORE[j] as number] as const), expectedValue: 0.2 }] }));

    // 6 minutes, a record every second on alternating partitions; minute m's exact sums of |φ|
    const sums = Array.from({ length: 6 }, () => [0, 0, 0]);
    const counts = Array.from({ length: 6 }, () => 0);
    const messages: OutMessage[] = [];
    for (let s = 0; s < 360; s++) {
      const minute = Math.floor(s / 60);
      const phi = (minute < 3 ? BEFORE : AFTER).map((w, j) => (s % 3 === j ? -1 : 1) * w * (1 + (s % 7) / 10));
      phi.forEach((v, j) => ((sums[minute] as number[])[j] = ((sums[minute] as number[])[j] as number) + Math.abs(v)));
      (counts[minute] as number)++;
      const output = JSON.stringify({ predictions: [0.4], shap: phi });
      messages.push({ value: encodeCaptureLine({ outputData: output, encoding: CaptureEncoding.JSON, eventId: `e${s}`, inferenceTime: START_MS + s * 1000 }), partition: s % 2 });
      if (s === 100) messages.push({ value: encodeCaptureLine({ outputData: '{"predictions":[0.4]}', encoding: CaptureEncoding.JSON, eventId: 'bad1', inferenceTime: START_MS + s * 1000 }), partition: 0 });
      if (s === 201) messages.push({ value: encodeCaptureLine({ outputData: '{"shap":[0.1,"x",0.3]}', encoding: CaptureEncoding.JSON, eventId: 'bad2', inferenceTime: START_MS + s * 1000 }), partition: 1 });
    }
    await produceAll(kafka.brokers, topic, messages, 1_000);

    const configPath = join(dir, 'driftmon.yaml');
    writeFileSync(
      configPath,
      stringify({
        monitors: [
          {
            name: 'attr',
            source: { type: 'kafka', brokers: kafka.brokers, topics: [topic], fromBeginning: true, deadLetterTopic: dlt, partitionIdle: '10m' },
            attribution: { baseline: join(dir, 'analysis.json'), path: 'shap' },
            windows: ['1m'],
            checkpointInterval: '1s',
          },
        ],
        output: { dir: join(dir, 'out') },
        state: { dir: join(dir, 'state') },
        http: { enabled: false },
      }),
    );
    const stop = new AbortController();
    const app = await startApp(loadConfig(configPath), { logger: pino({ level: 'silent' }), signal: stop.signal });
    let summary;
    try {
      // the last minute stays open: the watermark is the partitions' newest confirmed time
      await until('5 windows', () => app.attributionMonitors[0]?.summary.windowsClosed === 5, 60_000);
    } finally {
      stop.abort();
      [summary] = await app.attributionDone;
      await app.close();
    }
    expect(summary).toMatchObject({ records: 362, rows: 360, windowsClosed: 5, windowsWithViolations: 2, invalid: { missing_attributions: 1, bad_attributions: 1 } });
    const baseline = new Map(FEATURES.map((f, j) => [f, BEFORE[j] as number]));
    for (let m = 0; m < 5; m++) {
      const folder = join(dir, 'out', reportFolder('attr', M, START_MS + m * M), 'feature-attribution');
      const report = JSON.parse(readFileSync(join(folder, 'driftmon-report.json'), 'utf8')) as { 'feature-attribution': { rows: number; ndcg: { label0: number } } };
      const expected = attributionNdcg(baseline, new Map(FEATURES.map((f, j) => [f, ((sums[m] as number[])[j] as number) / (counts[m] as number)])));
      expect(report['feature-attribution'].rows).toBe(counts[m]);
      expect(Math.abs(report['feature-attribution'].ndcg.label0 - expected)).toBeLessThan(1e-9);
      const violations = (JSON.parse(readFileSync(join(folder, 'constraint_violations.json'), 'utf8')) as { violations: unknown[] }).violations;
      expect(violations.length).toBe(m < 3 ? 0 : 1);
    }
    const letters = await readTopic(kafka.brokers, dlt, 2, 20_000);
    expect(letters.map((l) => l.headers?.[DEAD_LETTER_HEADERS.reason]?.toString()).sort()).toEqual(['bad_attributions', 'missing_attributions']);
  }, 120_000);
});
