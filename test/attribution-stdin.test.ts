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
import { attributionNdcg } from '../src/evaluate/attribution/ndcg.js';
import { CaptureEncoding, encodeCaptureLine } from '../src/record/capture-encoder.js';
import { formatExplainabilityAnalysis } from '../src/sagemaker/explainability-analysis.js';

const T0 = Date.UTC(2026, 3, 1, 12, 0, 0);

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
    const config = resolveConfig(
      {
        monitors: [{ name: 'piped', source: { type: 'stdin' }, attribution: { baseline: join(dir, 'analysis.json'), path: 'explanation.shap', label: 'approved' }, windows: ['1m'] }],
        output: { dir: join(dir, 'out') },
        http: { enabled: false },
      },
      { baseDir: dir },
    );
    const app = await startApp(config, { stdin: Readable.from([`${lines.join('\n')}\n`]), logger: pino({ level: 'silent' }) });
    const [summary] = await app.attributionDone;
    await app.close();
    expect(summary).toMatchObject({ records: 4, rows: 4, windowsClosed: 2, windowsWithViolations: 1, invalid: {} });

    const text = await app.registry.metrics();
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
});
