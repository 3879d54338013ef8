/**
 * `driftmon demo` (npm start): the embedded default. Builds a baseline from the bundled training
 * data, runs the real streaming pipeline over the bundled capture files (two features drift
 * halfway), joins the bundled ground truth for model quality, serves /metrics, writes reports, and
 * says where to look, what drifted and how the model did per hour.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { startApp } from '../app.js';
import { buildDataBaseline, writeDataBaseline } from '../baseline/build.js';
import { formatDuration } from '../config/duration.js';
import { resolveConfig } from '../config/load.js';
import { DriftmonError, ErrorCode, ExitCode, isDriftmonError } from '../errors.js';
import type { CliIo } from './io.js';
import { printLabelSummary, printSummary } from './summary.js';

/** examples/credit-model, found from this file (src/cli or dist/src/cli). */
export function exampleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'examples', 'credit-model');
    if (existsSync(join(candidate, 'driftmon.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new DriftmonError(ErrorCode.INPUT_NOT_FOUND, 'bundled example data (examples/credit-model) not found');
}

export async function demoCommand(io: CliIo, opts: { output: string; port: string; exit: boolean }): Promise<number> {
  const examples = exampleDir();
  const out = resolve(opts.output);
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `--port ${opts.port} is not a port number`);
  }

  // the demo's folders are its own: start from scratch so index.jsonl and dead letters are this run's only
  for (const sub of ['baseline', 'reports', 'dead-letter']) rmSync(join(out, sub), { recursive: true, force: true });
  io.out(`driftmon demo: baseline from ${join(examples, 'baseline.csv')}\n`);
  const baseline = await buildDataBaseline({ input: join(examples, 'baseline.csv'), header: 'auto', quantiles: 'kll', progress: false });
  const baselineDir = join(out, 'baseline');
  await writeDataBaseline(baselineDir, baseline);
  io.out(`  ${baseline.rows} rows → ${baselineDir}/statistics.json, constraints.json\n`);

  const raw = parseYaml(readFileSync(join(examples, 'driftmon.yaml'), 'utf8')) as Record<string, unknown>;
  // data-quality monitors get the baseline just built; label monitors take none
  const monitors = (raw.monitors as Record<string, unknown>[]).map((m) => (m.labels === undefined ? { ...m, baseline: { dir: baselineDir } } : m));
  const config = resolveConfig(
    {
      ...raw,
      monitors,
      output: { dir: join(out, 'reports'), deadLetterDir: join(out, 'dead-letter') },
      http: { host: '127.0.0.1', port },
      log: { level: 'warn' },
    },
    { baseDir: examples, env: io.env, source: join(examples, 'driftmon.yaml') },
  );

  let app;
  try {
    app = await startApp(config, { signal: io.signal });
  } catch (e) {
    // the embedded default must run anywhere: if the port is taken, take any free one
    if (!(isDriftmonError(e) && e.code === ErrorCode.HTTP_FAILED) || port === 0) throw e;
    io.out(`  port ${port} is in use; serving metrics on a free port instead\n`);
    app = await startApp({ ...config, http: { ...config.http, port: 0 } }, { signal: io.signal });
  }
  io.out(`  streaming ${join(examples, 'capture')} through windows of ${config.monitors[0]?.windowsMs.map(formatDuration).join(' and ')}\n`);
  if (app.url) io.out(`  metrics: ${app.url}/metrics\n`);
  const summaries = await app.done;
  printSummary(io, summaries, config);
  const labelSummaries = await app.labelDone;
  printLabelSummary(io, labelSummaries, config);

  const drifted = new Set<string>();
  for (const s of summaries) for (const [f, checks] of Object.entries(s.violations)) if (checks.baseline_drift_check) drifted.add(f);
  io.out(`\nwhat drifted: ${drifted.size === 0 ? 'nothing' : [...drifted].sort().join(', ')}\n`);
  if (app.url) {
    io.out(`look at: ${app.url}/metrics  (driftmon_feature_baseline_drift, driftmon_violations, driftmon_feature_violation)\n`);
  }
  for (const s of labelSummaries) io.out(`\nmodel quality (${s.monitor}), per hour of inference:\n${modelQualityLines(join(out, 'reports'), s.monitor)}`);
  io.out(`reports: ${join(out, 'reports')}  (statistics.json, constraints.json, constraint_violations.json per window)\n`);

  if (!opts.exit && app.url && !io.signal.aborted) {
    io.out('\nserving /metrics until Ctrl-C …\n');
    await new Promise<void>((res) => io.signal.addEventListener('abort', () => res(), { once: true }));
  }
  await app.close();
  return ExitCode.OK;
}

/** One line per 1h model-quality report of a label monitor: coverage, accuracy, AUC, f1. */
function modelQualityLines(reportsDir: string, monitor: string): string {
  const index = join(reportsDir, monitor, 'index.jsonl');
  if (!existsSync(index)) return '  (no reports)\n';
  const lines: string[] = [];
  for (const text of readFileSync(index, 'utf8').trim().split('\n')) {
    const entry = JSON.parse(text) as { path: string; window_start: string };
    const folder = join(reportsDir, ...entry.path.split('/'));
    const report = JSON.parse(readFileSync(join(folder, 'driftmon-report.json'), 'utf8')) as { join: { label_coverage: number | null } };
    const stats = JSON.parse(readFileSync(join(folder, 'statistics.json'), 'utf8')) as { binary_classification_metrics?: Record<string, { value: number }> };
    const m = stats.binary_classification_metrics ?? {};
    const f = (k: string): string => (m[k] === undefined ? '-' : m[k].value.toFixed(3));
    const coverage = report.join.label_coverage === null ? '-' : `${(100 * report.join.label_coverage).toFixed(0)} %`;
    lines.push(`  ${entry.window_start}: labelled ${coverage}, accuracy ${f('accuracy')}, auc ${f('auc')}, f1 ${f('f1')}\n`);
  }
  return lines.join('');
}
