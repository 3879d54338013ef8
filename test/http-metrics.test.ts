/**
 * The pipeline serving Prometheus metrics over real HTTP (fastify on loopback): after the example
 * capture has streamed through, the drift gauge is above its threshold for exactly the drifted
 * features, and the health endpoints answer.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHandle } from '../src/app.js';
import { buildDataBaseline, writeDataBaseline } from '../src/baseline/build.js';
import { resolveConfig } from '../src/config/load.js';
import { DRIFTED_FEATURES, INPUTS, OUTPUTS } from '../examples/generate.js';

const EXAMPLES = join(import.meta.dirname, '..', 'examples', 'credit-model');

/** Parse Prometheus text exposition lines `name{labels} value` into entries. */
function parseMetrics(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

describe('metrics over HTTP', () => {
  let app: AppHandle;
  const out = mkdtempSync(join(tmpdir(), 'driftmon-http-'));

  beforeAll(async () => {
    const baselineDir = join(out, 'baseline');
    await writeDataBaseline(baselineDir, await buildDataBaseline({ input: join(EXAMPLES, 'baseline.csv'), header: 'auto' }));
    const raw = parseYaml(readFileSync(join(EXAMPLES, 'driftmon.yaml'), 'utf8')) as { monitors: Record<string, unknown>[] };
    const config = resolveConfig(
      {
        // data-quality monitors get the baseline; the example's label monitor takes none
        monitors: raw.monitors.map((m) => (m.labels === undefined ? { ...m, baseline: { dir: baselineDir } } : m)),
        output: { dir: join(out, 'reports') },
        http: { host: '127.0.0.1', port: 0 },
      },
      { baseDir: EXAMPLES },
    );
    app = await startApp(config, { logger: pino({ level: 'silent' }) });
    await app.done;
    await app.labelDone;
  });

  it('serves the label monitor: final coverage and model metrics of the newest hour', async () => {
    const metrics = parseMetrics(await (await fetch(`${app.url}/metrics`)).text());
    const value = (name: string, labels: Record<string, string>): number | undefined =>
      metrics.find((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v))?.value;
    const monitor = 'credit-model-quality';
    // the example labels 85 % of the invocations (examples/generate.ts)
    expect(value('driftmon_label_coverage_ratio', { monitor, window: '1h', state: 'final' })).toBeCloseTo(0.85, 1);
    expect(value('driftmon_label_join_predictions_total', { monitor })).toBe(7200);
    const auc = value('driftmon_model_metric', { monitor, window: '1h', state: 'final', metric: 'auc' }) as number;
    expect(auc).toBeGreaterThan(0.5);
    expect(auc).toBeLessThan(1);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves the drift gauge above threshold for exactly the drifted features (last 5m window)', async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const metrics = parseMetrics(await res.text());
    const drift = metrics.filter((m) => m.name === 'driftmon_feature_baseline_drift' && m.labels.window === '5m');
    const threshold = new Map(
      metrics.filter((m) => m.name === 'driftmon_feature_baseline_drift_threshold').map((m) => [m.labels.feature as string, m.value]),
    );
    expect(drift.map((m) => m.labels.feature).sort()).toEqual([...OUTPUTS, ...INPUTS].sort());
    const above = drift.filter((m) => m.value > (threshold.get(m.labels.feature as string) ?? Infinity)).map((m) => m.labels.feature);
    expect(above.sort()).toEqual([...DRIFTED_FEATURES].sort());

    const value = (name: string, labels: Record<string, string>): number | undefined =>
      metrics.find((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v))?.value;
    expect(value('driftmon_records_total', { monitor: 'credit-model' })).toBe(7204);
    expect(value('driftmon_records_invalid_total', { monitor: 'credit-model', reason: 'not_json' })).toBe(2);
    expect(value('driftmon_windows_closed_total', { monitor: 'credit-model', window: '5m' })).toBe(24);
    expect(value('driftmon_violations', { monitor: 'credit-model', window: '5m', check: 'baseline_drift_check' })).toBe(2);
    expect(value('driftmon_feature_non_null_ratio', { monitor: 'credit-model', window: '5m', feature: 'age' })).toBe(1);
    expect(value('driftmon_feature_data', { monitor: 'credit-model', window: '5m', feature: 'age', statistic: 'sample_count' })).toBe(300);
  });

  it('lists the newest reported windows on /windows: the index.jsonl lines the run wrote, with their folders', async () => {
    const res = await fetch(`${app.url}/windows`);
    expect(res.status).toBe(200);
    const { windows } = (await res.json()) as { windows: { monitor: string; path: string; window: string; window_end: string }[] };
    const reports = join(out, 'reports');
    const written = new Map<string, string[]>();
    for (const monitor of new Set(windows.map((w) => w.monitor))) {
      const lines = readFileSync(join(reports, monitor, 'index.jsonl'), 'utf8').trim().split('\n');
      written.set(monitor, lines.map((l) => JSON.stringify({ ...(JSON.parse(l) as object), path: join(reports, (JSON.parse(l) as { path: string }).path) })));
    }
    const total = [...written.values()].reduce((n, l) => n + l.length, 0);
    expect(written.has('credit-model')).toBe(true);
    expect(windows.length).toBe(Math.min(total, 100));
    // every entry is a line the sink wrote, and each monitor's newest line is listed
    for (const w of windows) expect(written.get(w.monitor)).toContain(JSON.stringify(w));
    for (const lines of written.values()) expect(windows.map((w) => JSON.stringify(w))).toContain(lines.at(-1));
    const dq = windows.filter((w) => w.monitor === 'credit-model' && w.window === '5m');
    expect(dq.at(-1)?.window_end).toBe(JSON.parse(written.get('credit-model')?.filter((l) => l.includes('"window":"5m"')).at(-1) ?? '{}').window_end);
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
