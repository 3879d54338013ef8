/**
 * A feature attribution monitor over stdin, in process: the records' attributions (objects keyed by
 * feature, base64-encoded output) reach their windows, and the gauges carry the newest closed
 * window's global attribution and nDCG, bounded by the baseline's features (a feature the model
 * returns beyond them gets no series).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { resolveConfig } from '../src/config/load.js';
import type { AttributionMonitorSummary } from '../src/monitors/attribution/attribution-monitor.js';
import { attributionNdcg } from '../src/evaluate/attribution/ndcg.js';
import { CaptureEncoding, encodeCaptureLine } from '../src/record/capture-encoder.js';
import { formatExplainabilityAnalysis } from '../src/sagemaker/explainability-analysis.js';

const T0 = Date.UTC(2026, 3, 1, 12, 0, 0);

/** One stdin attribution monitor with 1m windows over `lines`, in process: its summary and /metrics text. */
async function runStdin(dir: string, name: string, attribution: Record<string, unknown>, lines: readonly string[]): Promise<{ summary: AttributionMonitorSummary | undefined; text: string }> {
  const config = resolveConfig({ monitors: [{ name, source: { type: 'stdin' }, attribution, windows: ['1m'] }], output: { dir: join(dir, 'out') }, http: { enabled: false } }, { baseDir: dir });
  const app = await startApp(config, { stdin: Readable.from([`${lines.join('\n')}\n`]), logger: pino({ level: 'silent' }) });
  const [summary] = await app.attributionDone;
  await app.close();
  return { summary, text: await app.registry.metrics() };
}

describe('attribution monitor over stdin', () => {
  it('publishes the global attributions and nDCG of the newest closed window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-attr-stdin-'));
    writeFileSync(join(dir, 'analysis.json'), formatExplainabilityAnalysis({ version: '1.0', kernelShap: [{ label: 'approved', globalShapValues: [['age', 0.2], ['income', 0.5], ['debt', 0.1]], expectedValue: 0.5 }] }));
    // minute 0: income > age > debt (as the baseline); minute 1: debt > age > income
    const rows = [
      { t: T0, phi: { age: 0.2, income: -0.6, debt: 0.05, extra: 9 } },
      { t: T0 + 20_000, phi: { age: -0.4, income: 0.4, debt: 0.15, extra: 9 } },
      { t: T0 + 60_000, phi: { age: 0.3, income: 0.1, debt: -0.9, extra: 9 } },
      { t: T0 + 70_000, phi: { age: 0.3, income: 0.1, debt: -0.7, extra: 9 } },
    ];
    const lines = rows.map((r, i) =>
      encodeCaptureLine({ inputData: '1,2,3', outputData: JSON.stringify({ score: 0.4, explanation: { shap: r.phi } }), encoding: CaptureEncoding.CSV, outputEncoding: CaptureEncoding.BASE64, eventId: `e${i}`, inferenceTime: r.t }),
    );
    const { summary, text } = await runStdin(dir, 'piped', { baseline: join(dir, 'analysis.json'), path: 'explanation.shap', label: 'approved' }, lines);
    expect(summary).toMatchObject({ records: 4, rows: 4, windowsClosed: 2, windowsWithViolations: 1, invalid: {} });

    const gauge = (name: string, labels: string): number => Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1]);
    const base = new Map([['age', 0.2], ['income', 0.5], ['debt', 0.1]]);
    const live = new Map([['age', 0.3], ['income', 0.1], ['debt', 0.8]]);
    expect(gauge('driftmon_feature_attribution', 'monitor="piped",label="approved",feature="debt",window="1m"')).toBeCloseTo(0.8, 12);
    expect(gauge('driftmon_feature_attribution_ndcg', 'monitor="piped",label="approved",window="1m"')).toBeCloseTo(attributionNdcg(base, live), 12);
    expect(gauge('driftmon_feature_attribution_ndcg_threshold', 'monitor="piped"')).toBe(0.9);
    expect(gauge('driftmon_feature_attribution_drift_violations', 'monitor="piped",window="1m"')).toBe(1);
    expect(text).not.toContain('feature="extra"');
    expect(text).toMatch(/^driftmon_records_total\{monitor="piped"\} 4$/m);
  });

  it('checks each label of a model explaining two outputs ("paths"), counting a row once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-attr-stdin-'));
    const label = (name: string, values: [string, number][]): { label: string; globalShapValues: [string, number][]; expectedValue: number } => ({ label: name, globalShapValues: values, expectedValue: 0 });
    writeFileSync(
      join(dir, 'analysis.json'),
      formatExplainabilityAnalysis({ version: '1.0', kernelShap: [label('cat', [['x', 0.9], ['y', 0.1]]), label('dog', [['x', 0.1], ['y', 0.9]]), label('fish', [['x', 1], ['y', 1]])] }),
    );
    // both labels rank x first: cat as its baseline, dog the other way round
    const lines = [0, 10_000, 20_000].map((dt, i) =>
      encodeCaptureLine({ outputData: JSON.stringify({ shap: [[[0.8, 0.2], [0.7, -0.1]], [[0.6, 0.1], [0.9, 0.3]]] }), encoding: CaptureEncoding.JSON, eventId: `e${i}`, inferenceTime: T0 + dt }),
    );
    const { summary, text } = await runStdin(dir, 'pets', { baseline: join(dir, 'analysis.json'), paths: { cat: 'shap.0', dog: 'shap.1' } }, lines);
    expect(summary).toMatchObject({ records: 3, rows: 6, windowsClosed: 1, windowsWithViolations: 1 });
    expect(text).toContain('driftmon_feature_attribution_ndcg{monitor="pets",label="cat",window="1m"} 1');
    expect(text).toMatch(/^driftmon_feature_attribution_ndcg\{monitor="pets",label="dog",window="1m"\} 0\.\d+$/m);
    const dogY = Number(/^driftmon_feature_attribution\{monitor="pets",label="dog",feature="y",window="1m"\} (\S+)$/m.exec(text)?.[1]);
    expect(dogY).toBeCloseTo(0.2, 12);
    // a baseline label the monitor does not explain is neither checked nor published
    expect(text).not.toContain('label="fish"');
  });
});
