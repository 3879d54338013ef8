/**
 * A feature attribution monitor over capture files, through `driftmon replay --config`: the model
 * returns SHAP values in its output ({"predictions": […], "shap": …}); its features rank f1 > f2 >
 * … > f5 for three hours, then the reverse. Against a baseline analysis.json of the first ranking,
 * exactly the windows after the change violate feature_attribution_drift_check, with the nDCG
 * computed directly from the exact per-window mean |φ|. Malformed attributions are counted by
 * reason and dead-lettered while the stream goes on; a config with several problems exits 2
 * listing them all.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { attributionNdcg } from '../src/evaluate/attribution/ndcg.js';
import { CaptureEncoding, encodeCaptureLine } from '../src/record/capture-encoder.js';
import { formatExplainabilityAnalysis, parseExplainabilityAnalysis } from '../src/sagemaker/explainability-analysis.js';
import { reportFolder } from '../src/sink/report.js';
import { runCli } from './support/cli.js';
import { rng } from './support/random.js';

const H = 3_600_000;
const START_MS = Date.UTC(2026, 2, 1, 0, 0, 0);
const HOURS = 6;
const CHANGE_HOUR = 3;
const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5'];
const BEFORE = [0.5, 0.4, 0.3, 0.2, 0.1];
const AFTER = [...BEFORE].reverse();
const EXPECTED_VALUE = 0.31;

interface Scenario {
  lines: string[];
  /** Per hour: the exact sum of |φ| per feature and the explained rows. */
  sums: number[][];
  rows: number[];
  malformed: Record<string, number>;
}

function scenario(): Scenario {
  const r = rng(14);
  const lines: string[] = [];
  const sums = Array.from({ length: HOURS }, () => FEATURES.map(() => 0));
  const rows = Array.from({ length: HOURS }, () => 0);
  const malformed: Record<string, number> = {};
  const bad = (reason: string, output: string, t: number): void => {
    malformed[reason] = (malformed[reason] ?? 0) + 1;
    lines.push(encodeCaptureLine({ inputData: '1,2,3,4,5', outputData: output, encoding: CaptureEncoding.CSV, outputEncoding: CaptureEncoding.JSON, outputContentType: 'application/json', eventId: `bad${lines.length}`, inferenceTime: t }));
  };
  const stepMs = 10_000;
  for (let t = START_MS, i = 0; t < START_MS + HOURS * H; t += stepMs, i++) {
    const hour = Math.floor((t - START_MS) / H);
    const weights = hour < CHANGE_HOUR ? BEFORE : AFTER;
    // one or two explained rows per request, signs mixed (mean_abs ranks by magnitude)
    const n = i % 7 === 0 ? 2 : 1;
    const explained: number[][] = [];
    for (let k = 0; k < n; k++) {
      const phi = weights.map((w) => (r.next() < 0.3 ? -1 : 1) * w * (0.5 + r.next()));
      phi.forEach((v, j) => ((sums[hour] as number[])[j] = ((sums[hour] as number[])[j] as number) + Math.abs(v)));
      (rows[hour] as number)++;
      explained.push(phi);
    }
    // arrays in feature order, or an object per row keyed by feature (with a key of its own)
    const asObjects = i % 5 === 0;
    const shapOf = (phi: number[]): unknown => (asObjects ? Object.fromEntries([['bias', 0.3], ...FEATURES.map((f, j) => [f, phi[j]])]) : phi);
    const shap = n === 1 ? shapOf(explained[0] as number[]) : explained.map(shapOf);
    const output = JSON.stringify({ predictions: explained.map(() => 0.7), shap });
    lines.push(encodeCaptureLine({ inputData: '1,2,3,4,5', outputData: output, encoding: CaptureEncoding.CSV, outputEncoding: i % 11 === 0 ? CaptureEncoding.BASE64 : CaptureEncoding.JSON, outputContentType: 'application/json', eventId: `e${i}`, inferenceTime: t }));
    if (i % 97 === 13) {
      const tt = t + 1000;
      const cases: [string, string][] = [
        ['missing_attributions', '{"predictions":[0.7]}'],
        ['bad_attributions', '{"predictions":[0.7],"shap":[0.1,0.2,0.3]}'],
        ['bad_attributions', '{"predictions":[0.7],"shap":"0.1,0.2,0.3,0.4,0.5"}'],
        ['bad_attributions', '{"predictions":[0.7],"shap":[0.1,"NaN",0.3,0.4,0.5]}'],
        ['bad_attributions', '{"predictions":[0.7],"shap":[0.1,1e999,0.3,0.4,0.5]}'],
        ['bad_payload', '{"predictions":[0.7],"shap":[0.1,NaN,0.3,0.4,0.5]}'],
      ];
      const [reason, output] = cases[Math.floor(i / 97) % cases.length] as [string, string];
      bad(reason, output, tt);
    }
  }
  return { lines, sums, rows, malformed };
}

function baselineAnalysis(): string {
  return formatExplainabilityAnalysis({
    version: '1.0',
    kernelShap: [{ label: 'label0', globalShapValues: FEATURES.map((f, j) => [f, BEFORE[j] as number] as const), expectedValue: EXPECTED_VALUE }],
  });
}

describe('driftmon replay of a feature attribution monitor over capture files', () => {
  it('violates feature_attribution_drift_check in exactly the windows after the ranking changed, with nDCG from the exact means', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-attr-replay-'));
    const s = scenario();
    mkdirSync(join(dir, 'capture'));
    writeFileSync(join(dir, 'capture', 'capture.jsonl'), `${s.lines.join('\n')}\n`);
    writeFileSync(join(dir, 'analysis.json'), baselineAnalysis());
    const out = join(dir, 'out');
    const config = join(dir, 'replay.yaml');
    writeFileSync(
      config,
      stringify({
        monitors: [
          {
            name: 'attr',
            source: { type: 'files', paths: [join(dir, 'capture')] },
            attribution: { baseline: join(dir, 'analysis.json'), path: 'shap' },
            windows: ['1h'],
          },
        ],
        output: { dir: out },
        http: { enabled: false },
      }),
    );
    const run = await runCli(['replay', '--config', config]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const malformedTotal = Object.values(s.malformed).reduce((a, b) => a + b, 0);
    expect(run.stdout).toContain(`attribution monitor attr: ${s.lines.length} records, ${s.rows.reduce((a, b) => a + b, 0)} explained rows, 0 late rows, ${malformedTotal} invalid`);
    expect(run.stdout).toContain(`${HOURS} windows, ${HOURS - CHANGE_HOUR} with feature_attribution_drift_check violations, 0 not evaluated`);

    const baseline = new Map(FEATURES.map((f, j) => [f, BEFORE[j] as number]));
    for (let h = 0; h < HOURS; h++) {
      const folder = join(out, reportFolder('attr', H, START_MS + h * H), 'feature-attribution');
      const means = new Map(FEATURES.map((f, j) => [f, ((s.sums[h] as number[])[j] as number) / (s.rows[h] as number)]));
      const expected = attributionNdcg(baseline, means);
      const report = JSON.parse(readFileSync(join(folder, 'driftmon-report.json'), 'utf8')) as Record<string, Record<string, unknown>>;
      const part = report['feature-attribution'] as { rows: number; agg_method: string; ndcg: Record<string, number> };
      expect(part.rows).toBe(s.rows[h]);
      expect(part.agg_method).toBe('mean_abs');
      expect(Math.abs((part.ndcg.label0 as number) - expected)).toBeLessThan(1e-9);
      // analysis.json in Clarify's layout: the window's mean |φ|, the baseline's expected value
      const analysis = parseExplainabilityAnalysis(JSON.parse(readFileSync(join(folder, 'analysis.json'), 'utf8')));
      const label = analysis.kernelShap[0];
      expect(label?.label).toBe('label0');
      expect(label?.expectedValue).toBe(EXPECTED_VALUE);
      expect(label?.globalShapValues.map(([f]) => f)).toEqual(FEATURES);
      for (const [f, v] of label?.globalShapValues ?? []) expect(Math.abs(v - (means.get(f) as number))).toBeLessThan(1e-9);
      const violations = JSON.parse(readFileSync(join(folder, 'constraint_violations.json'), 'utf8')) as { version: string; violations: { label: string; metric_name: string; constraint_check_type: string; description: string }[] };
      expect(violations.version).toBe('1.0');
      if (h < CHANGE_HOUR) {
        expect(expected).toBeGreaterThanOrEqual(0.9);
        expect(violations.violations).toEqual([]);
      } else {
        expect(expected).toBeLessThan(0.9);
        const score = violations.violations[0]?.description.split(' ')[3] ?? '';
        expect(violations.violations).toEqual([
          { label: 'label0', metric_name: 'shap', constraint_check_type: 'feature_attribution_drift_check', description: `Feature attribution drift ${score} exceeds threshold 0.9` },
        ]);
        expect(Math.abs(Number(score) - expected)).toBeLessThan(1e-9);
      }
    }
    const index = readFileSync(join(out, 'attr', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(index.map((e) => [e.kind, e.status])).toEqual(Array.from({ length: HOURS }, (_x, h) => ['feature-attribution', h < CHANGE_HOUR ? 'Completed' : 'CompletedWithViolations']));

    // every malformed record dead-lettered with its reason; the stream went on (every window above)
    const letters = readFileSync(join(out, 'dead-letter', 'attr.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string });
    const byReason: Record<string, number> = {};
    for (const l of letters) byReason[l.reason] = (byReason[l.reason] ?? 0) + 1;
    expect(byReason).toEqual(s.malformed);
    expect(Object.keys(s.malformed).sort()).toEqual(['bad_attributions', 'bad_payload', 'missing_attributions']);
    for (const [reason, n] of Object.entries(s.malformed)) expect(run.stdout).toContain(`${reason} ${n}`);
  });

  it('lists every problem of an attribution config at once and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-attr-config-'));
    const config = join(dir, 'bad.yaml');
    writeFileSync(
      config,
      stringify({
        monitors: [
          {
            name: 'attr',
            source: { type: 'files', paths: [dir] },
            attribution: { baseline: join(dir, 'missing-analysis.json'), path: 'shap', threshold: 1.5, aggMethod: 'mean_cubed' },
            labels: { paths: [dir], probabilityAttribute: 'score', modelQuality: { problemType: 'BinaryClassification' } },
            windows: ['1h'],
          },
        ],
        output: { dir: join(dir, 'out') },
      }),
    );
    const run = await runCli(['replay', '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing-analysis.json does not exist');
    expect(run.stderr).toContain('/monitors/0/attribution/threshold: 1.5 is not in (0, 1]');
    expect(run.stderr).toContain('/monitors/0/attribution/aggMethod: "mean_cubed" is not one of mean_abs, median, mean_sq');
    expect(run.stderr).toContain('"attribution" and "labels" are separate monitors');
  });
});
