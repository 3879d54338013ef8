/**
 * `driftmon baseline explainability` as a user runs it (the built CLI, a real process) against a
 * model on 127.0.0.1: the files written, and the exit codes of a bad config (2), a model that is
 * down (5) and a model answering malformed output (5).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExplainabilityAnalysis } from '../src/sagemaker/explainability-analysis.js';
import { runCli } from './support/cli.js';
import { deadUrl, useModelServer } from './support/model-server.js';

const MODEL = { bias: 1, weights: [2, -1, 0.5] };
const dir = mkdtempSync(join(tmpdir(), 'driftmon-shap-cli-'));
const DATA = join(dir, 'data.csv');
// headerless, the label first: the config's headers name the columns
writeFileSync(DATA, Array.from({ length: 20 }, (_, i) => `${i % 2},${i},${(i * 7) % 5},${i / 4}`).join('\n') + '\n');

function writeConfig(name: string, predictor: Record<string, unknown>, shap: Record<string, unknown> = {}): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      dataset_type: 'text/csv',
      headers: ['y', 'a', 'b', 'c'],
      label: 'y',
      methods: { shap: { baseline: [[1, 2, 3]], num_samples: 6, agg_method: 'mean_abs', save_local_shap_values: true, ...shap } },
      predictor: { content_type: 'text/csv', ...predictor },
    }),
  );
  return path;
}

const run = (config: string, out: string, extra: string[] = []) =>
  runCli(['baseline', 'explainability', '--input', DATA, '--analysis-config', config, '--output', out, '--retries', '0', ...extra]);

describe('driftmon baseline explainability (built CLI)', () => {
  const server = useModelServer(MODEL);

  it('writes analysis.json and explanations_shap/out.csv (exit 0); exact for the linear model with one baseline row', async () => {
    const out = join(dir, 'ok');
    const r = await run(writeConfig('ok.json', { endpoint_url: `${server().url}/csv` }), out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('explainability baseline (kernel SHAP, mean_abs) of 20 rows, 3 features, 1 label(s), 1 baseline row(s)');
    const analysis = parseExplainabilityAnalysis(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')));
    const rows = Array.from({ length: 20 }, (_, i) => [i, (i * 7) % 5, i / 4]);
    const exact = [0, 1, 2].map((f) => rows.reduce((s, x) => s + Math.abs(MODEL.weights[f]! * (x[f]! - [1, 2, 3][f]!)), 0) / rows.length);
    expect(analysis.kernelShap[0]!.label).toBe('label0');
    analysis.kernelShap[0]!.globalShapValues.forEach(([f, v], i) => {
      expect(f).toBe(['a', 'b', 'c'][i]);
      expect(v).toBeCloseTo(exact[i]!, 12);
    });
    expect(analysis.kernelShap[0]!.expectedValue).toBeCloseTo(1 + 2 - 2 + 1.5, 12);
    expect(readFileSync(join(out, 'explanations_shap', 'out.csv'), 'utf8').split('\n')[0]).toBe('a,b,c');
  });

  it('save_local_shap_values false: analysis.json only', async () => {
    const out = join(dir, 'global-only');
    const r = await run(writeConfig('global.json', { endpoint_url: `${server().url}/csv` }, { save_local_shap_values: false }), out);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'analysis.json'))).toBe(true);
    expect(existsSync(join(out, 'explanations_shap'))).toBe(false);
  });

  it('a bad config lists every problem (exit 2); so do bad options', async () => {
    const r = await run(writeConfig('bad.json', { endpoint_url: 'not a url', accept_type: 'text/plain' }, { baseline: 's3://b/k.csv', agg_method: 'sum' }), join(dir, 'bad'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('4 problems found');
    for (const s of ['$.methods.shap.baseline', '$.methods.shap.agg_method', '$.predictor.endpoint_url', '$.predictor.accept_type']) expect(r.stderr).toContain(s);
    const features = join(dir, 'features-only.csv');
    writeFileSync(features, '1,2,3\n4,5,6\n');
    const w = await runCli(['baseline', 'explainability', '--input', features, '--analysis-config', writeConfig('ok3.json', { endpoint_url: `${server().url}/csv` }), '--output', join(dir, 'w')]);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain(`${features} has 3 columns, the config's headers name 4`);
    const o = await run(writeConfig('ok2.json', { endpoint_url: `${server().url}/csv` }), join(dir, 'opts'), ['--batch-rows', '0', '--timeout', 'soon']);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain('--batch-rows "0"');
    expect(o.stderr).toContain('--timeout "soon"');
  });

  it('the model down: a clear message and exit 5', async () => {
    const url = await deadUrl();
    const r = await run(writeConfig('down.json', { endpoint_url: url }), join(dir, 'down'));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(new RegExp(`^driftmon: cannot reach the model at ${url}: `));
    expect(existsSync(join(dir, 'down', 'analysis.json'))).toBe(false);
  });

  it('a malformed model answer: a clear message and exit 5', async () => {
    const r = await run(writeConfig('text.json', { endpoint_url: `${server().url}/malformed/text` }), join(dir, 'text'));
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`driftmon: the model at ${server().url}/malformed/text: line 1: expected numbers: "positive"`);
  });
});
