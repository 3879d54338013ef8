/**
 * npm run bench:peers — driftmon side by side with whylogs, Evidently, NannyML and exact scipy
 * tests (issue 11) on the same generated data: N baseline rows against N current rows, 20
 * features, 5 shifted (bench/peers/data.ts). Makes the pinned Python environment when missing
 * (bench/peers/setup.sh), writes the data once per (rows, seed) under .cache/peers-data/, then runs
 * every tool as its own process in interleaved rounds (the order rotates each round) and reports
 * medians and min–max of: rows/s of the whole process (2N / wall time), rows/s of the tool's own
 * compute (2N / the time it reports after loading the data), peak RSS, the largest |distance −
 * exact| over the features where the tool's distance is the exact one's kind (KS statistic for
 * numeric features, L∞ of category proportions for categorical ones: scipy's exact values), and
 * false positives (of 15) and misses (of 5) at each tool's defaults. driftmon is reported twice:
 * SageMaker's verdict (a feature with any violation in constraint_violations.json) and driftmon's
 * own verdict (`drift.detected` per feature in driftmon-report.json; n/a where the build has none).
 * Results: bench/results/peers.json. Never part of `npm test`.
 *
 * Beside driftmon, every round also times the reference of issue 13 (b) on the same capture: a
 * process that merely reads the capture files and JSON.parses each line (bench/support/read-parse.ts),
 * N / its wall. The drift step is given as a ratio to it too, and it to the peers: how fast a
 * tool can be that reads this input at all.
 *
 * driftmon's two steps, apart (issue 13 (f)): driftmon runs as two processes, `baseline data` on
 * the baseline CSV (N rows), then `replay` of the N current rows against that baseline. Each is
 * timed as a whole process (node start-up and loading included): baseline step = N / its wall,
 * drift step = N / its wall; the combined figure (2N / both walls) is the table's "whole process"
 * as before. What a peer's step is compared with: its whole-process rows/s (2N / wall), the same
 * figure as in the table, for both steps. None of the peers has driftmon's split: whylogs profiles
 * both sets in one process and then compares the profiles; exact scipy has no baseline step at all
 * (it needs the raw baseline rows at every comparison). A peer split into steps would pay its
 * start-up and loading once per step, so its whole-process rate over 2N rows is an upper bound of
 * its rate on either step (start-up amortised over twice the rows): the ratios below are
 * conservative for driftmon. For scipy they are twice so: counted per current row checked (its
 * drift step reads the baseline rows too) it would be N / wall, half the figure used. Ratios are
 * taken per round (the tools of one round ran back to back) and their median is reported.
 *
 *   npm run bench:peers [-- --rows N --rounds N --seed N --tools driftmon,whylogs,evidently,nannyml,scipy --driftmon CHECKOUT --results NAME]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { ensurePeerData, PEER_FEATURES, PEER_INPUTS, PEER_OUTPUT, type PeerDataFiles } from './peers/data.js';
import { runChecked } from './peers/run-tool.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PEERS = join(ROOT, 'bench', 'peers');
const PYTHON = join(ROOT, '.cache', 'peers-venv', 'bin', 'python');

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : dflt;
};
const ROWS = Number(arg('rows', '1000000'));
const ROUNDS = Number(arg('rounds', '3'));
const SEED = Number(arg('seed', '11'));
const PY_TOOLS = { whylogs: 'whylogs_drift.py', evidently: 'evidently_drift.py', nannyml: 'nannyml_drift.py', scipy: 'scipy_exact.py' } as const;
type ToolName = 'driftmon' | keyof typeof PY_TOOLS;
/** --driftmon DIR: run the driftmon of another (built) checkout, e.g. a branch under review. */
const MAIN = join(arg('driftmon', ROOT), 'dist', 'src', 'main.js');
/** --results NAME: the file under bench/results/, or an absolute path (default peers.json). */
const RESULTS = arg('results', 'peers.json');
const TOOLS = arg('tools', 'driftmon,whylogs,evidently,nannyml,scipy').split(',') as ToolName[];

/** One feature's result from one tool. */
interface FeatureResult {
  drift: boolean | null;
  distance: number | null;
  distance_kind: string | null;
  [k: string]: unknown;
}
/** One tool run: its own JSON result (tool scripts print it; driftmon's is read from its reports). */
interface ToolResult {
  tool: string;
  version: string;
  compute_s: number | null;
  features: Record<string, FeatureResult>;
}
/** A row of the table: one verdict of one tool in one round. */
interface Measured {
  row: string;
  round: number;
  wallS: number;
  computeS: number | null;
  peakRssMb: number;
  falsePositives: number | null;
  misses: number | null;
  maxAbsErr: number | null;
  /** |distance − exact| per feature where comparable. */
  distanceErrors: Record<string, number> | null;
  flagged: string[] | null;
  version: string;
  /** driftmon only: the wall time of each step's process (wallS is their sum). */
  steps?: { baselineS: number; driftS: number };
}

const SHIFTED = new Set(PEER_FEATURES.filter((f) => f.shift).map((f) => f.name));

function setup(): void {
  execFileSync(join(PEERS, 'setup.sh'), { stdio: 'inherit' });
}

async function ensureData(): Promise<PeerDataFiles> {
  const t0 = Date.now();
  const files = await ensurePeerData(join(ROOT, '.cache', 'peers-data'), ROWS, SEED);
  if (!existsSync(join(files.dir, 'features.json'))) execFileSync(PYTHON, [join(PEERS, 'to_parquet.py'), files.dir], { stdio: 'inherit' });
  console.log(`data: ${files.dir} (${ROWS.toLocaleString('en')} + ${ROWS.toLocaleString('en')} rows, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return files;
}

const WINDOW_DIR = join('replay', '1d', '2026', '01', '01', '00');

/** driftmon: `baseline data` on the baseline CSV, then `replay` of the capture as one 1-day window. */
async function runDriftmon(data: PeerDataFiles): Promise<{ baselineWallS: number; driftWallS: number; peakRssMb: number; sagemaker: ToolResult; verdict: ToolResult }> {
  const dir = join(tmpdir(), `driftmon-peers-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const base = await runChecked(process.execPath, [MAIN, 'baseline', 'data', '--input', data.baselineCsv, '--output', join(dir, 'baseline')]);
  const replay = await runChecked(process.execPath, [
    MAIN, 'replay', '--capture', join(data.dir, 'capture'), '--baseline', join(dir, 'baseline'), '--window', '1d',
    '--outputs', PEER_OUTPUT, '--inputs', PEER_INPUTS.join(','), '--output', join(dir, 'out'),
  ]);
  const report = JSON.parse(readFileSync(join(dir, 'out', WINDOW_DIR, 'driftmon-report.json'), 'utf8')) as {
    features: { name: string; baseline_drift?: { linf_simple?: number }; drift?: { detected?: boolean; effect_size?: number } }[];
  };
  const violations = JSON.parse(readFileSync(join(dir, 'out', WINDOW_DIR, 'constraint_violations.json'), 'utf8')) as { violations: { feature_name: string }[] };
  const violated = new Set(violations.violations.map((v) => v.feature_name));
  const version = (JSON.parse(readFileSync(join(MAIN, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  const sagemaker: ToolResult = { tool: 'driftmon', version, compute_s: null, features: {} };
  const verdict: ToolResult = { tool: 'driftmon', version, compute_s: null, features: {} };
  for (const f of report.features) {
    const kind = PEER_FEATURES.find((p) => p.name === f.name)?.kind === 'categorical' ? 'linf' : 'ks';
    const distance = f.baseline_drift?.linf_simple ?? null;
    sagemaker.features[f.name] = { drift: violated.has(f.name), distance, distance_kind: kind };
    verdict.features[f.name] = { drift: typeof f.drift?.detected === 'boolean' ? f.drift.detected : null, distance, distance_kind: kind };
  }
  rmSync(dir, { recursive: true, force: true });
  return { baselineWallS: base.wallS, driftWallS: replay.wallS, peakRssMb: Math.max(base.peakRssMb, replay.peakRssMb), sagemaker, verdict };
}

/** False positives and misses of one result (null when it has no verdict for some feature). */
function score(result: ToolResult): Pick<Measured, 'falsePositives' | 'misses' | 'flagged'> {
  const flags = PEER_FEATURES.map((f) => result.features[f.name]?.drift);
  if (flags.some((d) => typeof d !== 'boolean')) return { falsePositives: null, misses: null, flagged: null };
  const flagged = PEER_FEATURES.filter((f) => result.features[f.name]?.drift).map((f) => f.name);
  return { falsePositives: flagged.filter((n) => !SHIFTED.has(n)).length, misses: [...SHIFTED].filter((n) => !flagged.includes(n)).length, flagged };
}

/** |distance − exact| per feature where both distances are of one kind, and the largest. */
function distanceErrors(result: ToolResult, exact: ToolResult | undefined): Pick<Measured, 'maxAbsErr' | 'distanceErrors'> {
  const errors: Record<string, number> = {};
  for (const f of PEER_FEATURES) {
    const mine = result.features[f.name];
    const ref = exact?.features[f.name];
    if (!mine || !ref || mine.distance === null || ref.distance === null || mine.distance_kind !== ref.distance_kind) continue;
    errors[f.name] = Math.abs(mine.distance - ref.distance);
  }
  const values = Object.values(errors);
  return values.length ? { maxAbsErr: Math.max(...values), distanceErrors: errors } : { maxAbsErr: null, distanceErrors: null };
}

const TOTAL_ROWS = 2 * ROWS;

/** The reference: read + JSON.parse of the capture the drift step replays (whole process). */
async function runReadParse(data: PeerDataFiles): Promise<number> {
  return (await runChecked(process.execPath, [join(ROOT, 'dist', 'bench', 'support', 'read-parse.js'), 'json', join(data.dir, 'capture')])).wallS;
}

/** Wall times of the reference per round. */
const readParse: { round: number; wallS: number }[] = [];
const READ_PARSE = 'read_parse';

async function runPython(tool: keyof typeof PY_TOOLS, data: PeerDataFiles): Promise<{ wallS: number; peakRssMb: number; result: ToolResult }> {
  const r = await runChecked(PYTHON, [join(PEERS, PY_TOOLS[tool]), data.dir], PEERS);
  const last = r.stdout.trim().split('\n').pop() as string;
  return { wallS: r.wallS, peakRssMb: r.peakRssMb, result: JSON.parse(last) as ToolResult };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

interface Summary {
  row: string;
  version: string;
  [measure: string]: unknown;
}

function summarise(rows: Measured[]): Summary[] {
  const names = [...new Set(rows.map((r) => r.row))];
  return names.map((name) => {
    const mine = rows.filter((r) => r.row === name);
    const stat = (pick: (m: Measured) => number | null) => {
      const xs = mine.map(pick).filter((x): x is number => x !== null && Number.isFinite(x));
      return xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : null;
    };
    return {
      row: name,
      version: (mine[0] as Measured).version,
      rows_per_s_whole: stat((m) => TOTAL_ROWS / m.wallS),
      rows_per_s_compute: stat((m) => (m.computeS ? TOTAL_ROWS / m.computeS : null)),
      peak_rss_mb: stat((m) => m.peakRssMb),
      max_abs_distance_error: stat((m) => m.maxAbsErr),
      false_positives: stat((m) => m.falsePositives),
      misses: stat((m) => m.misses),
      flagged_per_round: mine.map((m) => m.flagged),
    };
  });
}

type Stat = { median: number; min: number; max: number } | null;
/** driftmon's steps (rows/s of each step's process) and their ratios to each peer's whole-process rows/s, per round. */
interface StepSummary {
  step: 'baseline' | 'drift' | 'both';
  rows_per_s: Stat;
  /** Per peer: the median (min–max) over rounds of driftmon's step rows/s / the peer's rows/s in that round. */
  ratio: Record<string, Stat>;
  /** The ratio issue 13 (f) asks for, per peer (absent: no target). */
  target: Record<string, number>;
}

const STEP_TARGETS: Record<StepSummary['step'], Record<string, number>> = { baseline: { whylogs: 10 }, drift: { whylogs: 10, scipy: 3 }, both: {} };

function stepSummary(rows: Measured[]): StepSummary[] {
  const mine = rows.filter((r) => r.steps !== undefined && r.row === 'driftmon, SageMaker checks');
  if (!mine.length) return [];
  // a peer's rows/s: 2N / its wall; the reference reads the N current rows only: N / its wall
  const peers: Record<string, { round: number; rowsPerS: number }[]> = {
    whylogs: rows.filter((r) => r.row.startsWith(LABELS.whylogs)).map((r) => ({ round: r.round, rowsPerS: TOTAL_ROWS / r.wallS })),
    scipy: rows.filter((r) => r.row === LABELS.scipy).map((r) => ({ round: r.round, rowsPerS: TOTAL_ROWS / r.wallS })),
    [READ_PARSE]: readParse.map((r) => ({ round: r.round, rowsPerS: ROWS / r.wallS })),
  };
  const rate = (m: Measured, step: StepSummary['step']): number => {
    const s = m.steps as NonNullable<Measured['steps']>;
    return step === 'baseline' ? ROWS / s.baselineS : step === 'drift' ? ROWS / s.driftS : TOTAL_ROWS / m.wallS;
  };
  const stat = (xs: number[]): Stat => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : null);
  return (['baseline', 'drift', 'both'] as const).map((step) => {
    const ratio: Record<string, Stat> = {};
    for (const [peer, theirs] of Object.entries(peers)) {
      if (peer === READ_PARSE && step !== 'drift') continue;
      const per = mine.flatMap((m) => theirs.filter((t) => t.round === m.round).map((t) => rate(m, step) / t.rowsPerS));
      if (per.length) ratio[peer] = stat(per);
    }
    return { step, rows_per_s: stat(mine.map((m) => rate(m, step))), ratio, target: STEP_TARGETS[step] };
  });
}

/** The reference's rows/s (N / wall) and its ratio to each peer's rows/s, per round. */
function referenceSummary(rows: Measured[]): { rows_per_s: Stat; ratio: Record<string, Stat> } | null {
  if (!readParse.length) return null;
  const stat = (xs: number[]): Stat => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : null);
  const ratio: Record<string, Stat> = {};
  for (const [peer, label] of [['whylogs', LABELS.whylogs], ['scipy', LABELS.scipy]] as const) {
    const theirs = rows.filter((r) => r.row.startsWith(label));
    const per = readParse.flatMap((m) => theirs.filter((t) => t.round === m.round).map((t) => ROWS / m.wallS / (TOTAL_ROWS / t.wallS)));
    if (per.length) ratio[peer] = stat(per);
  }
  return { rows_per_s: stat(readParse.map((r) => ROWS / r.wallS)), ratio };
}

function stepTable(steps: StepSummary[]): string {
  const names = { baseline: `baseline step: \`baseline data\`, ${ROWS.toLocaleString('en')} rows`, drift: `drift step: \`replay\` against it, ${ROWS.toLocaleString('en')} rows`, both: `both steps, ${TOTAL_ROWS.toLocaleString('en')} rows (the table's whole process)` };
  const vs = (s: StepSummary, peer: string): string => {
    const target = s.target[peer];
    return `${s.ratio[peer] ? `${cell(s.ratio[peer], 2)}×` : 'n/a'}${target === undefined ? '' : ` (target ≥ ${target}×)`}`;
  };
  const lines = ['| driftmon | rows/s, whole process | ÷ whylogs rows/s | ÷ scipy exact rows/s | ÷ read + JSON.parse of the capture |', '|---|---|---|---|---|'];
  for (const s of steps) lines.push(`| ${names[s.step]} | ${cell(s.rows_per_s, 0, true)} | ${vs(s, 'whylogs')} | ${vs(s, 'scipy')} | ${s.ratio[READ_PARSE] ? `${cell(s.ratio[READ_PARSE], 2)}×` : '–'} |`);
  return lines.join('\n');
}

function cell(s: unknown, digits: number, thousands = false): string {
  const st = s as Stat;
  if (!st) return 'n/a';
  const f = (x: number) => (thousands ? Math.round(x).toLocaleString('en') : x.toFixed(digits));
  return st.min === st.max ? f(st.median) : `${f(st.median)} (${f(st.min)}–${f(st.max)})`;
}

function table(summary: Summary[]): string {
  const lines = [
    '| tool | rows/s, whole process | rows/s, compute only | peak RSS (MB) | max abs(distance − exact) | false positives (of 15) | misses (of 5) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of summary) {
    const compute = s.row.startsWith('driftmon') ? '= whole (streams)' : cell(s.rows_per_s_compute, 0, true);
    lines.push(`| ${s.row} | ${cell(s.rows_per_s_whole, 0, true)} | ${compute} | ${cell(s.peak_rss_mb, 0)} | ${cell(s.max_abs_distance_error, 4)} | ${cell(s.false_positives, 0)} | ${cell(s.misses, 0)} |`);
  }
  return lines.join('\n');
}

function machine(): Record<string, unknown> {
  const python = execFileSync(PYTHON, ['--version'], { encoding: 'utf8' }).trim();
  return { cpu_model: cpus()[0]?.model, cores: cpus().length, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, python, platform: `${process.platform}-${process.arch}` };
}

function gitHead(dir: string): string | null {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  setup();
  const data = await ensureData();
  const rows: Measured[] = [];
  const versions: Record<string, string> = {};
  let exact: ToolResult | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const order = TOOLS.map((_, i) => TOOLS[(i + round) % TOOLS.length] as ToolName);
    for (const tool of order) {
      const t0 = Date.now();
      if (tool === 'driftmon') {
        const r = await runDriftmon(data);
        versions.driftmon = r.sagemaker.version;
        const steps = { baselineS: r.baselineWallS, driftS: r.driftWallS };
        const base = { round, wallS: r.baselineWallS + r.driftWallS, steps, computeS: null, peakRssMb: r.peakRssMb, version: r.sagemaker.version, maxAbsErr: null, distanceErrors: null };
        rows.push({ ...base, row: 'driftmon, SageMaker checks', ...score(r.sagemaker) });
        rows.push({ ...base, row: 'driftmon, drift verdict', ...score(r.verdict) });
        // distances are compared once the exact result is known (after the rounds)
        pendingDistances.push({ index: rows.length - 2, result: r.sagemaker }, { index: rows.length - 1, result: r.verdict });
        readParse.push({ round, wallS: await runReadParse(data) });
      } else {
        const r = await runPython(tool, data);
        versions[tool] = r.result.version;
        if (tool === 'scipy') exact ??= r.result;
        rows.push({ row: rowName(tool, r.result.version), round, wallS: r.wallS, computeS: r.result.compute_s, peakRssMb: r.peakRssMb, version: r.result.version, maxAbsErr: null, distanceErrors: null, ...score(r.result) });
        pendingDistances.push({ index: rows.length - 1, result: r.result });
      }
      console.log(`round ${round + 1}/${ROUNDS}: ${tool} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  for (const p of pendingDistances) Object.assign(rows[p.index] as Measured, distanceErrors(p.result, exact));
  const summary = summarise(rows);
  console.log(`\n${ROWS.toLocaleString('en')} baseline rows vs ${ROWS.toLocaleString('en')} current rows, 20 features (5 shifted), ${ROUNDS} round(s): median (min–max)\n`);
  console.log(table(summary));
  const steps = stepSummary(rows);
  const reference = referenceSummary(rows);
  if (steps.length) console.log(`\ndriftmon's steps as separate processes; a peer's figure is its whole-process rows/s (see the top of bench/peers.bench.ts); ratios: median (min–max) of the rounds\n\n${stepTable(steps)}`);
  if (reference) {
    const vs = Object.entries(reference.ratio).map(([peer, r]) => `${cell(r, 2)}× ${peer}`).join(', ');
    console.log(`\nreference: reading the capture and JSON.parsing each line, nothing else: ${cell(reference.rows_per_s, 0, true)} rows/s (${vs})`);
  }
  const out = {
    date: new Date().toISOString(),
    rows: ROWS,
    seed: SEED,
    rounds: ROUNDS,
    machine: machine(),
    versions,
    driftmon_build: { main: MAIN, commit: gitHead(join(MAIN, '..', '..', '..')) },
    features: PEER_FEATURES.map((f) => ({ name: f.name, kind: f.kind, shift: f.shift ?? null })),
    summary,
    table: table(summary),
    driftmon_steps: steps,
    driftmon_steps_table: steps.length ? stepTable(steps) : null,
    read_parse_reference: reference,
    runs: rows,
    exact: exact?.features ?? null,
  };
  const path = resolve(ROOT, 'bench', 'results', RESULTS); // an absolute --results stays as given
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwritten to ${relative(ROOT, path)}`);
}

const pendingDistances: { index: number; result: ToolResult }[] = [];
const LABELS: Record<keyof typeof PY_TOOLS, string> = { whylogs: 'whylogs', evidently: 'Evidently', nannyml: 'NannyML (one chunk)', scipy: 'scipy exact KS / χ², p < 0.05' };
const rowName = (tool: keyof typeof PY_TOOLS, version: string): string => (tool === 'scipy' ? LABELS.scipy : `${LABELS[tool]} ${version}`);

await main();
