/**
 * The attribution monitor over a partitioned source (Kafka's shape, driven in memory): windows close
 * at the watermark over the partitions, and a stop checkpoints the open windows with the positions
 * they cover, so a restart from the checkpoint reports exactly what one uninterrupted run reports.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import { CaptureEncoding, encodeCaptureLine } from '../../record/capture-encoder.js';
import type { ExplainabilityAnalysis } from '../../sagemaker/explainability-analysis.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import type { LabelReport, ReportSink, WindowReport } from '../../sink/report.js';
import type { RawBatch } from '../../source/source.js';
import type { CheckpointStore } from '../../state/checkpoint-store.js';
import { AttributionMonitorPipeline } from './attribution-monitor.js';
import { memoryCheckpoints, memorySource, quietDeps } from './test-support/memory-parts.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const BASELINE: ExplainabilityAnalysis = { version: '1.0', kernelShap: [{ label: 'label0', globalShapValues: [['a', 0.6], ['b', 0.3], ['c', 0.1]], expectedValue: 0 }] };

/** Per partition, batches of capture lines: minute m's records rank a > b > c before minute 3, c > b > a from it. */
function batches(): RawBatch[] {
  const out: RawBatch[] = [];
  const offsets = [0, 0];
  for (let s = 0; s < 6 * 60; s += 15) {
    const partition = (s / 15) % 2;
    const phi = s < 180 ? [0.6, 0.3, 0.1] : [0.1, 0.3, 0.6];
    const records = [0, 5].map((d) =>
      encodeCaptureLine({ outputData: JSON.stringify({ shap: phi.map((v) => v * (1 + (s + d) / 1000)) }), encoding: CaptureEncoding.JSON, eventId: `e${s + d}`, inferenceTime: T0 + (s + d) * 1000 }),
    );
    if (s === 90) records.push('{"not": "capture"}');
    const next = (offsets[partition] as number) + records.length;
    offsets[partition] = next;
    out.push({ records, origin: (i) => `t/${partition}@${next - records.length + i}`, partition: { key: `t/${partition}`, position: { topic: 't', partition, nextOffset: next } } });
  }
  return out;
}

const deadLetters = (): DeadLetterSink & { letters: string[] } => {
  const letters: string[] = [];
  return { letters, write: (l) => void letters.push(l.reason), get count() { return letters.length; }, flush: async () => undefined, close: async () => undefined };
};

async function run(list: RawBatch[], store: CheckpointStore, reports: WindowReport[]): Promise<{ pipeline: AttributionMonitorPipeline; letters: string[] }> {
  const config = resolveConfig(
    { monitors: [{ name: 'k', source: { type: 'kafka', brokers: ['b:9092'], topics: ['t'] }, attribution: { baseline: 'a.json', path: 'shap' }, windows: ['1m'] }] },
    { baseDir: '/cfg', checkFiles: false },
  );
  const settings = config.monitors[0];
  if (settings?.attribution === undefined) throw new Error('no attribution settings');
  const sink: ReportSink = { write: async (r) => (reports.push(r), r.monitor), has: async () => false, flush: async () => undefined, close: async () => undefined };
  const dl = deadLetters();
  const pipeline = new AttributionMonitorPipeline({
    settings: { ...settings, attribution: settings.attribution },
    baseline: BASELINE,
    source: memorySource(list),
    reports: sink,
    deadLetters: dl,
    ...quietDeps(),
    checkpoints: store,
  });
  await pipeline.run();
  return { pipeline, letters: dl.letters };
}

const ndcgByWindow = (reports: WindowReport[]): [string, unknown][] =>
  reports.map((r) => [new Date(r.windowStartMs).toISOString(), ((r as LabelReport).summary['feature-attribution'] as { ndcg: Record<string, number> }).ndcg.label0]);

describe('AttributionMonitorPipeline over a partitioned source', () => {
  it('closes windows at the watermark and, stopped and restarted from its checkpoint, reports what one run reports', async () => {
    const all = batches();
    const once: WindowReport[] = [];
    const whole = await run(all, memoryCheckpoints(), once);
    // the last minute stays open (stream time has not passed its end): checkpointed, not reported
    expect(once.map((r) => new Date(r.windowStartMs).toISOString().slice(11, 16))).toEqual(['08:00', '08:01', '08:02', '08:03', '08:04']);
    expect(once.map((r) => (r as LabelReport).violationCount)).toEqual([0, 0, 0, 1, 1]);
    expect(whole.letters).toEqual(['missing_capture_data']);
    expect(whole.pipeline.summary).toMatchObject({ records: 24 * 2 + 1, rows: 48, windowsClosed: 5 });

    const store = memoryCheckpoints();
    const resumed: WindowReport[] = [];
    await run(all.slice(0, 9), store, resumed);
    expect(store.saved.length).toBeGreaterThan(0);
    const second = await run(all.slice(9), store, resumed);
    expect(ndcgByWindow(resumed)).toEqual(ndcgByWindow(once));
    expect(resumed.map((r) => (r as LabelReport).itemCount)).toEqual(once.map((r) => (r as LabelReport).itemCount));
    // the counters survive the restart
    expect(second.pipeline.summary).toMatchObject({ records: 49, rows: 48, windowsClosed: 5, invalid: { missing_capture_data: 1 } });
  });
});
