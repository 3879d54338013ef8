/**
 * The explainability baseline against a real model endpoint on 127.0.0.1: a linear model
 * f(x) = b + Σ wᵢxᵢ over independent features, whose exact SHAP values are known,
 * φᵢ = wᵢ·(xᵢ − E[xᵢ]) with E over the baseline rows, and E[f] = f's mean on the baseline.
 * KernelSHAP samples (num_samples below 2^M − 2) with a fixed seed; the global mean |SHAP| must be
 * within 2 % of exact per feature (a linear model makes the regression exact, so the local values
 * are held to 1e-9 too). Then the model down, failing for a while, and answering malformed output.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExplainabilityBaseline, writeExplainabilityBaseline, type ExplainabilityBaselineResult } from '../src/baseline/explainability-baseline.js';
import { DriftmonError, ErrorCode } from '../src/errors.js';
import { parseExplainabilityAnalysis } from '../src/sagemaker/explainability-analysis.js';
import { parseExplainabilityConfig } from '../src/sagemaker/explainability-config.js';
import { deadUrl, linear, useModelServer } from './support/model-server.js';
import { rng } from './support/random.js';

const M = 8;
const MODEL = { bias: 0.7, weights: [2, -1.5, 0.5, 3, -0.25, 1, -2.5, 0.1] };
const FEATURES = Array.from({ length: M }, (_, i) => `f${i}`);
const HEADERS = ['target', ...FEATURES];
const FIXTURE = join(import.meta.dirname, 'fixtures', 'sagemaker', 'aws__amazon-sagemaker-examples', 'end_to_end', 'fraud_detection', 'clarify_output', 'explainability', 'analysis.json');

const r = rng(2026);
const value = (): number => Math.round(r.normal() * 100) / 100;
const ROWS = Array.from({ length: 150 }, () => Array.from({ length: M }, value));
const BASELINE = Array.from({ length: 5 }, () => Array.from({ length: M }, value));
const baselineMean = FEATURES.map((_, i) => BASELINE.reduce((s, b) => s + b[i]!, 0) / BASELINE.length);
const exactLocal = (x: readonly number[]): number[] => x.map((v, i) => MODEL.weights[i]! * (v - baselineMean[i]!));
const exactGlobal = FEATURES.map((_, i) => ROWS.reduce((s, x) => s + Math.abs(exactLocal(x)[i]!), 0) / ROWS.length);
const exactExpected = BASELINE.reduce((s, b) => s + linear(MODEL, b), 0) / BASELINE.length;

const dir = mkdtempSync(join(tmpdir(), 'driftmon-shap-'));
const CSV = join(dir, 'data.csv');
const JSONL = join(dir, 'data.jsonl');
const BASELINE_CSV = join(dir, 'baseline.csv');
writeFileSync(CSV, [HEADERS.join(','), ...ROWS.map((x, i) => [i % 2, ...x].join(','))].join('\n') + '\n');
writeFileSync(JSONL, ROWS.map((x, i) => JSON.stringify(Object.fromEntries([['target', i % 2], ...x.map((v, j) => [FEATURES[j]!, v])]))).join('\n') + '\n');
writeFileSync(BASELINE_CSV, BASELINE.map((b) => b.join(',')).join('\n') + '\n');

function config(predictor: Record<string, unknown>, shap: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dataset_type: 'text/csv',
    headers: HEADERS,
    label: 'target',
    methods: { shap: { baseline: BASELINE, num_samples: 60, agg_method: 'mean_abs', use_logit: false, save_local_shap_values: true, seed: 7, ...shap } },
    predictor: { model_name: 'ignored', content_type: 'text/csv', accept_type: 'text/csv', ...predictor },
  };
}

async function explain(input: string, json: Record<string, unknown>, extra: { retries?: number } = {}): Promise<ExplainabilityBaselineResult> {
  return buildExplainabilityBaseline({ input, config: parseExplainabilityConfig(json), configDir: dir, batchRows: 500, concurrency: 3, timeoutMs: 10_000, retries: extra.retries ?? 0, retryBaseDelayMs: 5 });
}

function expectExact(result: ExplainabilityBaselineResult, label = 0, sign = 1): void {
  const global = result.analysis.kernelShap[label]!;
  expect(global.globalShapValues.map(([f]) => f)).toEqual(FEATURES);
  global.globalShapValues.forEach(([, v], i) => expect(Math.abs(v - exactGlobal[i]!) / exactGlobal[i]!).toBeLessThan(0.02));
  result.local.forEach((perLabel, row) => exactLocal(ROWS[row]!).forEach((e, i) => expect(Math.abs(perLabel[label]![i]! - sign * e)).toBeLessThan(1e-9)));
  expect(Math.abs(global.expectedValue - sign * exactExpected)).toBeLessThan(1e-12);
}

describe('explainability baseline: KernelSHAP of a linear model over HTTP', () => {
  const server = useModelServer(MODEL);

  it('CSV model, CSV dataset with header, inline baseline rows: global mean |SHAP| within 2 % of exact (sampled: 60 of 254 coalitions)', async () => {
    const before = server().rows;
    const result = await explain(CSV, config({ endpoint_url: `${server().url}/csv` }));
    expect(result.rows).toBe(150);
    expect(result.labels).toEqual(['label0']);
    expect(result.underdetermined).toBe(0);
    expectExact(result);
    // x itself and 60 coalitions × 5 baseline rows per row, plus the 5 baseline rows once
    expect(server().rows - before).toBe(150 * (1 + 60 * 5) + 5);
    expect(result.predictedRows).toBe(server().rows - before);
  });

  it('JSON Lines model and dataset, baseline from a local CSV file, two outputs named by label_headers', async () => {
    const json = config(
      { endpoint_url: `${server().url}/jsonl`, content_type: 'application/jsonlines', accept_type: 'application/jsonlines', probability: 'scores', label_headers: ['up', 'down'] },
      { baseline: 'baseline.csv' },
    );
    const result = await explain(JSONL, json);
    expect(result.labels).toEqual(['up', 'down']);
    expectExact(result, 0, 1);
    expectExact(result, 1, -1);
  });

  it('the same seed gives the same values; writes analysis.json in Clarify\'s layout (as the fixture) and explanations_shap/out.csv', async () => {
    const json = config({ endpoint_url: `${server().url}/jsonl`, content_type: 'application/jsonlines', accept_type: 'application/jsonlines', probability: 'score' });
    const a = await explain(JSONL, json);
    const b = await explain(JSONL, json);
    expect(a.local).toEqual(b.local);
    expectExact(a);
    const out = join(dir, 'out');
    const paths = await writeExplainabilityBaseline(out, a, true);
    expect(paths).toEqual([join(out, 'analysis.json'), join(out, 'explanations_shap', 'out.csv')]);
    const text = readFileSync(paths[0]!, 'utf8');
    const fixture = readFileSync(FIXTURE, 'utf8');
    // same nesting, same indentation (json.dumps(indent=4)), same keys in the same order
    const skeleton = (t: string): string[] => t.split('\n').filter((l) => !/^ {20}"/.test(l)).map((l) => l.replace(/-?\d+(\.\d+)?(e[-+]\d+)?/g, 'N'));
    expect(skeleton(text)).toEqual(skeleton(fixture));
    const parsed = parseExplainabilityAnalysis(JSON.parse(text));
    expect(parsed.kernelShap[0]!.globalShapValues).toEqual(a.analysis.kernelShap[0]!.globalShapValues);
    expect(parseExplainabilityAnalysis(JSON.parse(fixture)).kernelShap[0]!.globalShapValues).toHaveLength(45);
    const csv = readFileSync(paths[1]!, 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe(FEATURES.join(','));
    expect(csv).toHaveLength(151);
    expect(csv[1]!.split(',').map(Number)).toEqual(Array.from(a.local[0]![0]!));
  });

  it('use_logit: SHAP values of a logistic model in log-odds, exact with one baseline row', async () => {
    const b = BASELINE[0]!;
    const result = await explain(CSV, config({ endpoint_url: `${server().url}/logistic` }, { baseline: [b], use_logit: true, agg_method: 'mean_sq' }));
    const label = result.analysis.kernelShap[0]!;
    expect(label.expectedValue).toBeCloseTo(linear(MODEL, b), 9);
    label.globalShapValues.forEach(([, v], i) => {
      const exact = ROWS.reduce((s, x) => s + (MODEL.weights[i]! * (x[i]! - b[i]!)) ** 2, 0) / ROWS.length;
      expect(Math.abs(v - exact) / exact).toBeLessThan(1e-6);
    });
  });

  it('excluded_columns are not sent to the model; a num_samples too small to tell features apart is reported', async () => {
    const json = { ...config({ endpoint_url: `${server().url}/csv` }, { baseline: BASELINE.map((b) => b.slice(0, M - 1)) }), excluded_columns: ['f7'] };
    const result = await explain(CSV, json);
    expect(result.features).toEqual(FEATURES.slice(0, M - 1));
    expect(result.underdetermined).toBe(0);
    result.analysis.kernelShap[0]!.globalShapValues.forEach(([, v], i) => expect(v).toBeCloseTo(exactGlobal[i]!, 12));
    const few = await explain(CSV, config({ endpoint_url: `${server().url}/csv` }, { num_samples: 4 }));
    expect(few.underdetermined).toBe(150);
  });

  it('a model answering 503 for a while is retried with backoff and the result is the same', async () => {
    server().failNext(2);
    const before = server().requests;
    const result = await explain(CSV, config({ endpoint_url: `${server().url}/flaky` }, { num_samples: 40 }), { retries: 3 });
    expect(result.requests).toBe(server().requests - before);
    expect(result.requests).toBe(Math.ceil(5 / 500) + Math.ceil((150 * (1 + 40 * 5)) / 500) + 2);
    expectExact(result);
  });

  it('the model down: MODEL_UNREACHABLE naming the URL, after the retries', async () => {
    const url = await deadUrl();
    const err = await explain(CSV, config({ endpoint_url: url }), { retries: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriftmonError);
    expect((err as DriftmonError).code).toBe(ErrorCode.MODEL_UNREACHABLE);
    expect((err as DriftmonError).message).toMatch(new RegExp(`^cannot reach the model at ${url}: .*\\(3 attempts\\)$`));
  });

  it('malformed answers: MODEL_OUTPUT_INVALID saying what is wrong', async () => {
    const short = await explain(CSV, config({ endpoint_url: `${server().url}/malformed/short` })).catch((e: unknown) => e);
    expect((short as DriftmonError).code).toBe(ErrorCode.MODEL_OUTPUT_INVALID);
    expect((short as DriftmonError).message).toMatch(/expected 5 output line\(s\), one per row sent, got 4/);
    const text = await explain(CSV, config({ endpoint_url: `${server().url}/malformed/text` })).catch((e: unknown) => e);
    expect((text as DriftmonError).code).toBe(ErrorCode.MODEL_OUTPUT_INVALID);
    expect((text as DriftmonError).message).toContain('line 1: expected numbers: "positive"');
  });
});
