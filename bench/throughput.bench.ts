/**
 * npm run bench:throughput — the whole driftmon process against a program that only reads and
 * parses the same input (issue 13, (b), (c) and (e)). No services needed. Results:
 * bench/results/throughput-latest.json (+ a dated copy). Every child process is a fresh `node`;
 * on any exit (also Ctrl-C) they are stopped and the temporary directories deleted.
 *
 * Inputs are generated once, before anything is timed, into a temporary directory:
 *   - RECORDS 20-feature SageMaker capture lines (CaptureLineGenerator, seed 11, EVENT_RATE records
 *     per second of event time from 2026-01-02T00:00Z), FILE_LINES lines a file, in SageMaker's
 *     hourly layout (…/yyyy/mm/dd/HH/MM-SS-mmm-NNNN.jsonl; .jsonl.gz with --gzip), and a baseline
 *     built from 5,000 rows of the same seed (buildCaptureBaseline);
 *   - a CSV of CSV_ROWS rows with a header: 20 numeric columns (integers, 3- and 4-decimal
 *     fractions) and 3 categorical ones (5, 3 and 2 levels), seeded.
 *
 * Whole-process ratios, ROUNDS rounds, the two sides of each in alternating order, the machine
 * quiet (waitQuiet) before every child. Wall time = spawn to exit, as seen from this process, so
 * node's start-up counts on both sides. CPU time and peak RSS come from process.resourceUsage()
 * written by the child itself at exit (bench/support/rusage-preload.ts, preloaded into both sides
 * alike). Ratio = the baseline program's wall time / driftmon's (> 1: driftmon is faster); the
 * median of the per-round ratios is what we track (this 2-core machine is noisy).
 *   (b) `driftmon replay --capture DIR --baseline DIR --window WINDOW --output TMP` (no config, no
 *       services; reports of every window written) against `node read-parse.js json DIR`: the same
 *       files read as a stream and JSON.parse'd line by line (bench/support/read-parse.ts). The sum
 *       of item_count in the replay's index.jsonl must equal RECORDS.
 *   (c) `driftmon baseline data --input CSV --output TMP --header true` against
 *       `node read-parse.js csv CSV`: the same file read as a stream, every field parseFloat'd. The
 *       statistics.json's item_count must equal CSV_ROWS.
 * With --profile always (or auto, when a ratio misses its target: (b) 1.0, (c) 0.5) one more run of
 * each driftmon command is made under --cpu-prof and summarised (bench/support/cpuprofile.ts):
 * self time by function and by area, whole run.
 *
 * (e) RSS over a long stream, whole process: `driftmon run` with a stdin source (1-minute windows,
 *     reports written) fed by a generator child (bench/support/capture-stdout.ts) whose stdout is
 *     driftmon's stdin pipe, so nothing is stored on disk; MAX_RECORDS records at RSS_EVENT_RATE
 *     per second of event time. /metrics (driftmon_records_total, heap in use) and
 *     /proc/<pid>/status (VmRSS, VmHWM) are polled every 250 ms; at each size in RSS_SIZES (up to
 *     MAX_RECORDS) the current RSS, the highest RSS polled since the previous size, VmHWM and the
 *     heap in use are kept; growth = RSS at the last size / RSS at the first − 1 (target ≤ 10 %).
 *     No forced GC: what a user would see, so the reading at 1M moves from run to run (218–253 MB
 *     over three runs on 2026-12-04): compare the later sizes too. The generator holds the pipe
 *     open until the last reading is taken; then driftmon's input ends, it closes its windows and
 *     exits, and its peak RSS over the whole run (rusage) is reported too. A whole-process run, not
 *     the in-process pipeline: at about 225k records/s, 50M records take under 4 minutes here.
 *
 *   npm run bench:throughput [-- --records N (400000) --csv-rows N (400000) --rounds N (3)
 *       --window 1m --event-rate N (1000) --file-lines N (50000) --gzip --decode-in-worker auto|on|off|both
 *       --max-records N (10000000) --rss-sizes 1000000,5000000,10000000,20000000,50000000
 *       --rss-event-rate N (1000) --profile auto|always|never --skip-replay --skip-baseline
 *       --skip-rss --results NAME (throughput) --keep]
 *
 * Default run (400k records, 400k rows, 3 rounds, RSS up to 10M): about 3–4 minutes on the 2-core
 * machine (158 s and 204 s measured 2026-12-04, the longer one waiting for the machine to go
 * quiet); --max-records 50000000 takes about 4 minutes more (50M records in 222 s); --records
 * 1000000 --csv-rows 1000000 about 3 minutes more.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from '../test/support/cli.js';
import { sumMetric } from '../test/support/driftmon-process.js';
import { buildCaptureBaseline } from '../test/support/kafka-monitor.js';
import { rng } from '../test/support/random.js';
import { BenchCleanup, benchArgs, fmt, log, machine, median, round3, stopChild, waitQuiet } from './support/bench-kit.js';
import { CaptureLineGenerator, FEATURES } from './support/capture-lines.js';
import { summarizeCpuProfile, type ProfileSummary } from './support/cpuprofile.js';
import { DriftmonChild, MAIN } from './support/driftmon-child.js';

// ------------------------------------------------------------------------------------------------
// Arguments
// ------------------------------------------------------------------------------------------------
const { flag, opt, num } = benchArgs(process.argv.slice(2));
const RECORDS = num('records', 400_000);
const CSV_ROWS = num('csv-rows', 400_000);
const ROUNDS = num('rounds', 3);
const WINDOW = opt('window', '1m');
const EVENT_RATE = num('event-rate', 1000);
const FILE_LINES = num('file-lines', 50_000);
const GZIP = flag('gzip');
/** replay's --decode-in-worker; `both`: (b) twice, with the worker (on) and without (off), each against its own read + parse rounds. */
const DECODE_IN_WORKER = opt('decode-in-worker', 'auto');
const MAX_RECORDS = num('max-records', 10_000_000);
const RSS_SIZES = opt('rss-sizes', '1000000,5000000,10000000,20000000,50000000')
  .split(',')
  .map(Number)
  .filter((n) => n < MAX_RECORDS)
  .concat(MAX_RECORDS);
const RSS_EVENT_RATE = num('rss-event-rate', 1000);
const PROFILE = opt('profile', 'auto') as 'auto' | 'always' | 'never';
const KEEP = flag('keep');
/** Results file name: bench/results/NAME-latest.json and NAME-yyyy-mm-dd.json. */
const RESULTS = opt('results', 'throughput');
const TARGET = { replay: 1.0, baseline: 0.5, rss_growth: 0.1 };
const SEED = 11; // buildCaptureBaseline's seed: the capture lines match the baseline
const EVENT_START = Date.UTC(2026, 0, 2);

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const READ_PARSE = join(here, 'support', 'read-parse.js');
const PRELOAD = pathToFileURL(join(here, 'support', 'rusage-preload.js')).href;

const cleaner = new BenchCleanup([], KEEP, 'throughput');
const track = cleaner.track.bind(cleaner);

// ------------------------------------------------------------------------------------------------
// Inputs, generated before anything is timed
// ------------------------------------------------------------------------------------------------
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** RECORDS capture lines in SageMaker's hourly layout under dir; returns the bytes written. */
function writeCaptureFiles(dir: string): { files: number; bytes: number } {
  const gen = new CaptureLineGenerator(SEED, EVENT_START, EVENT_RATE);
  let files = 0;
  let bytes = 0;
  for (let done = 0; done < RECORDS; files++) {
    const first = new Date(EVENT_START + Math.floor(done / EVENT_RATE) * 1000);
    const hour = join(dir, String(first.getUTCFullYear()), pad(first.getUTCMonth() + 1), pad(first.getUTCDate()), pad(first.getUTCHours()));
    mkdirSync(hour, { recursive: true });
    const name = `${pad(first.getUTCMinutes())}-${pad(first.getUTCSeconds())}-000-${pad(files, 4)}.jsonl`;
    const n = Math.min(FILE_LINES, RECORDS - done);
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(gen.next());
    const text = `${parts.join('\n')}\n`;
    const data = GZIP ? gzipSync(Buffer.from(text)) : Buffer.from(text);
    writeFileSync(join(hour, GZIP ? `${name}.gz` : name), data);
    bytes += data.length;
    done += n;
  }
  return { files, bytes };
}

const REGIONS = ['north', 'north', 'north', 'south', 'south', 'east', 'west', 'central'];
const CHANNELS = ['web', 'app', 'branch'];

/** CSV_ROWS rows of 20 numeric and 3 categorical columns with a header; returns the bytes written. */
function writeCsv(file: string): number {
  const r = rng(SEED);
  const header = [...Array.from({ length: 20 }, (_v, i) => `n${i + 1}`), 'region', 'channel', 'member'];
  const fd = openSync(file, 'w');
  let bytes = writeSync(fd, `${header.join(',')}\n`);
  for (let done = 0; done < CSV_ROWS; ) {
    let text = '';
    const n = Math.min(10_000, CSV_ROWS - done);
    for (let k = 0; k < n; k++) {
      let row = '';
      for (let c = 0; c < 20; c++) {
        const x = r.normal();
        row += c % 3 === 0 ? String(Math.round(40 + 12 * x)) : c % 3 === 1 ? (500 + 120 * x).toFixed(3) : Math.exp(x).toFixed(4);
        row += ',';
      }
      text += `${row}${REGIONS[r.int(REGIONS.length)]},${CHANNELS[r.int(CHANNELS.length)]},${r.next() < 0.3 ? 'yes' : 'no'}\n`;
    }
    bytes += writeSync(fd, text);
    done += n;
  }
  closeSync(fd);
  return bytes;
}

// ------------------------------------------------------------------------------------------------
// One measured child process
// ------------------------------------------------------------------------------------------------
interface ChildRun {
  side: 'driftmon' | 'read+parse';
  round: number;
  wall_s: number;
  rows_per_s: number;
  cpu_s: number;
  cpu_user_s: number;
  cpu_system_s: number;
  peak_rss_mb: number;
  machine_busy_before: number;
}

let seq = 0;

/** Runs `node --import rusage-preload [nodeArgs] args…` after the machine is quiet; throws on a non-zero exit. */
async function runMeasured(args: string[], rows: number, side: ChildRun['side'], round: number, nodeArgs: string[] = []): Promise<ChildRun & { stdout: string }> {
  const usageFile = join(work, `rusage-${seq++}.json`);
  const before = await waitQuiet();
  const t0 = process.hrtime.bigint();
  const child = track(
    spawn(process.execPath, ['--import', PRELOAD, ...nodeArgs, ...args], {
      cwd: work,
      env: { ...process.env, DRIFTMON_BENCH_RUSAGE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`${args.slice(0, 3).join(' ')} exited ${code}:\n${stderr.slice(-3000)}`);
  const u = JSON.parse(readFileSync(usageFile, 'utf8')) as NodeJS.ResourceUsage;
  const user = u.userCPUTime / 1e6;
  const system = u.systemCPUTime / 1e6;
  return {
    side,
    round,
    wall_s: round3(wallS),
    rows_per_s: Math.round(rows / wallS),
    cpu_s: round3(user + system),
    cpu_user_s: round3(user),
    cpu_system_s: round3(system),
    peak_rss_mb: Math.round(u.maxRSS / 1024),
    machine_busy_before: before,
    stdout,
  };
}

interface Comparison {
  rows: number;
  rounds: ChildRun[];
  /** read+parse wall time / driftmon wall time, per round and its median (> 1: driftmon faster). */
  ratio: number;
  ratio_per_round: number[];
  /** The same by CPU time (user + system of every thread). */
  ratio_cpu: number;
  target: number;
  driftmon_rows_per_s: number;
  read_parse_rows_per_s: number;
  driftmon_cpu_s: number;
  read_parse_cpu_s: number;
  driftmon_peak_rss_mb: number;
  read_parse_peak_rss_mb: number;
  profile?: ProfileSummary & { file: string };
}

/** ROUNDS rounds of driftmon against read+parse, alternating which goes first. */
async function compare(
  name: string,
  rows: number,
  target: number,
  driftmon: (round: number, nodeArgs?: string[]) => Promise<ChildRun>,
  readParse: (round: number) => Promise<ChildRun>,
): Promise<Comparison> {
  const runs: ChildRun[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    let d: ChildRun;
    let b: ChildRun;
    if (round % 2 === 1) {
      d = await driftmon(round);
      b = await readParse(round);
    } else {
      b = await readParse(round);
      d = await driftmon(round);
    }
    for (const r of [d, b]) {
      const { stdout: _stdout, ...kept } = r as ChildRun & { stdout?: string };
      runs.push(kept);
    }
    ratios.push(b.wall_s / d.wall_s);
    cpuRatios.push(b.cpu_s / d.cpu_s);
    log(
      `  ${name} round ${round}: driftmon ${d.wall_s.toFixed(2)} s (${fmt(d.rows_per_s)} rows/s, CPU ${d.cpu_s.toFixed(2)} s, peak ${d.peak_rss_mb} MB); ` +
        `read+parse ${b.wall_s.toFixed(2)} s (${fmt(b.rows_per_s)} rows/s, CPU ${b.cpu_s.toFixed(2)} s, peak ${b.peak_rss_mb} MB); ratio ${(b.wall_s / d.wall_s).toFixed(3)}`,
    );
  }
  const of = (side: ChildRun['side'], f: (r: ChildRun) => number): number => median(runs.filter((r) => r.side === side).map(f));
  const c: Comparison = {
    rows,
    rounds: runs,
    ratio: round3(median(ratios)),
    ratio_per_round: ratios.map(round3),
    ratio_cpu: round3(median(cpuRatios)),
    target,
    driftmon_rows_per_s: Math.round(of('driftmon', (r) => r.rows_per_s)),
    read_parse_rows_per_s: Math.round(of('read+parse', (r) => r.rows_per_s)),
    driftmon_cpu_s: round3(of('driftmon', (r) => r.cpu_s)),
    read_parse_cpu_s: round3(of('read+parse', (r) => r.cpu_s)),
    driftmon_peak_rss_mb: Math.round(of('driftmon', (r) => r.peak_rss_mb)),
    read_parse_peak_rss_mb: Math.round(of('read+parse', (r) => r.peak_rss_mb)),
  };
  if (PROFILE === 'always' || (PROFILE === 'auto' && c.ratio < target)) {
    const profileDir = join(REPO, '.cache', 'profiles', `throughput-${name}-${Date.now()}`);
    mkdirSync(profileDir, { recursive: true });
    log(`  ${name}: one more driftmon run under --cpu-prof (${profileDir})`);
    await driftmon(0, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
    const f = readdirSync(profileDir).find((x) => x.endsWith('.cpuprofile'));
    if (f !== undefined) c.profile = { file: join(profileDir, f), ...summarizeCpuProfile(join(profileDir, f), { top: 15 }) };
  }
  return c;
}

// ------------------------------------------------------------------------------------------------
// (b) replay and (c) baseline
// ------------------------------------------------------------------------------------------------
const work = cleaner.tempDir('work');

type ReplayComparison = Comparison & { files: number; bytes: number; window: string; event_rate: number; gzip: boolean; decode_in_worker: string };

let captureWritten: { files: number; bytes: number } | undefined;

async function replayComparison(decodeInWorker: string, keepInput: boolean): Promise<ReplayComparison> {
  const capture = join(work, 'capture', 'model', 'AllTraffic');
  if (captureWritten === undefined) {
    const t = Date.now();
    captureWritten = writeCaptureFiles(capture);
    await buildCaptureBaseline(work, SEED);
    log(`(b) ${fmt(RECORDS)} capture lines in ${captureWritten.files} files, ${fmt(captureWritten.bytes / 2 ** 20)} MiB${GZIP ? ' gzipped' : ''} (generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  const { files, bytes } = captureWritten;
  log(`(b) replay --decode-in-worker ${decodeInWorker}`);
  const driftmon = async (round: number, nodeArgs: string[] = []): Promise<ChildRun> => {
    const out = join(work, 'replay-out');
    rmSync(out, { recursive: true, force: true });
    const args = [MAIN, 'replay', '--capture', join(work, 'capture'), '--baseline', join(work, 'baseline'), '--window', WINDOW, '--output', out, '--decode-in-worker', decodeInWorker];
    const r = await runMeasured([...args, '--outputs', FEATURES[0] as string, '--inputs', FEATURES.slice(1).join(',')], RECORDS, 'driftmon', round, nodeArgs);
    const items = readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .reduce((s, l) => s + (JSON.parse(l) as { item_count: number }).item_count, 0);
    if (items !== RECORDS) throw new Error(`replay reported ${items} rows, not ${RECORDS}`);
    return r;
  };
  const readParse = async (round: number): Promise<ChildRun> => {
    const r = await runMeasured([READ_PARSE, 'json', join(work, 'capture')], RECORDS, 'read+parse', round);
    const rows = (JSON.parse(r.stdout) as { rows: number }).rows;
    if (rows !== RECORDS) throw new Error(`read-parse json read ${rows} lines, not ${RECORDS}`);
    return r;
  };
  const c = await compare('replay', RECORDS, TARGET.replay, driftmon, readParse);
  if (!keepInput) rmSync(join(work, 'capture'), { recursive: true, force: true });
  return { ...c, files, bytes, window: WINDOW, event_rate: EVENT_RATE, gzip: GZIP, decode_in_worker: decodeInWorker };
}

async function baselineComparison(): Promise<Comparison & { bytes: number; columns: number }> {
  const csv = join(work, 'baseline-input.csv');
  const t = Date.now();
  const bytes = writeCsv(csv);
  log(`(c) CSV of ${fmt(CSV_ROWS)} rows × 23 columns, ${fmt(bytes / 2 ** 20)} MiB (generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  const driftmon = async (round: number, nodeArgs: string[] = []): Promise<ChildRun> => {
    const out = join(work, 'baseline-out');
    rmSync(out, { recursive: true, force: true });
    const r = await runMeasured([MAIN, 'baseline', 'data', '--input', csv, '--output', out, '--header', 'true'], CSV_ROWS, 'driftmon', round, nodeArgs);
    const stats = JSON.parse(readFileSync(join(out, 'statistics.json'), 'utf8')) as { dataset: { item_count: number } };
    if (stats.dataset.item_count !== CSV_ROWS) throw new Error(`baseline counted ${stats.dataset.item_count} rows, not ${CSV_ROWS}`);
    return r;
  };
  const readParse = async (round: number): Promise<ChildRun> => {
    const r = await runMeasured([READ_PARSE, 'csv', csv], CSV_ROWS, 'read+parse', round);
    const rows = (JSON.parse(r.stdout) as { rows: number }).rows;
    if (rows !== CSV_ROWS) throw new Error(`read-parse csv read ${rows} rows, not ${CSV_ROWS}`);
    return r;
  };
  const c = await compare('baseline', CSV_ROWS, TARGET.baseline, driftmon, readParse);
  rmSync(csv, { force: true });
  return { ...c, bytes, columns: 23 };
}

// ------------------------------------------------------------------------------------------------
// (e) RSS over a long stream
// ------------------------------------------------------------------------------------------------
interface RssReading {
  records: number;
  seconds: number;
  rss_mb: number;
  /** Highest VmRSS polled since the previous reading. */
  peak_since_previous_mb: number;
  hwm_mb: number;
  /** V8 heap in use at the reading (driftmon_process_nodejs_heap_size_used_bytes): RSS without a forced GC moves with the heap's growth. */
  heap_used_mb: number;
}

function procMemory(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0), hwmKb: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

async function rssRun(): Promise<Record<string, unknown>> {
  const dir = cleaner.tempDir('rss');
  if (!statSync(join(work, 'baseline'), { throwIfNoEntry: false })) await buildCaptureBaseline(work, SEED);
  const config = join(dir, 'stdin.yaml');
  writeFileSync(
    config,
    [
      'monitors:',
      '  - name: model',
      '    source: { type: stdin }',
      `    record: { format: sagemaker-capture, outputs: [${FEATURES[0]}], inputs: [${FEATURES.slice(1).join(', ')}] }`,
      `    baseline: { dir: ${join(work, 'baseline')} }`,
      '    windows: [1m]',
      '    grace: 5s',
      `output: { dir: ${join(dir, 'out')} }`,
      'http: { host: 127.0.0.1, port: 0 }',
      'log: { level: info }',
    ].join('\n'),
  );
  const usageFile = join(dir, 'rusage.json');
  const before = await waitQuiet();
  const t0 = Date.now();
  const p = await DriftmonChild.start(config, { stdin: 'pipe', nodeArgs: ['--import', PRELOAD], env: { DRIFTMON_BENCH_RUSAGE: usageFile } });
  track(p.child);
  const gen = track(
    spawn(process.execPath, [join(here, 'support', 'capture-stdout.js'), String(MAX_RECORDS), String(SEED), String(EVENT_START), String(RSS_EVENT_RATE)], {
      stdio: ['pipe', p.child.stdin ?? 'ignore', 'inherit'],
    }),
  );
  const endInput = (): void => void gen.stdin?.end(); // the generator exits when its stdin ends
  p.child.stdin?.destroy(); // the generator holds the pipe now: its exit is driftmon's end of input
  const exited = new Promise<number | null>((resolve) => p.child.on('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  const readings: RssReading[] = [];
  let next = 0;
  let peakKb = 0;
  let hwmKb = 0;
  let lastRecords = 0;
  let lastLog = 0;
  const deadline = Date.now() + 60 * 60_000;
  try {
    while (exitCode === undefined && next < RSS_SIZES.length) {
      const tick = sleep(250);
      const text = await p.metricsText().catch(() => '');
      const n = text === '' ? Number.NaN : sumMetric(text, 'driftmon_records_total');
      const heapMb = text === '' ? Number.NaN : Math.round(sumMetric(text, 'driftmon_process_nodejs_heap_size_used_bytes') / 2 ** 20);
      const m = procMemory(p.child.pid as number);
      if (m !== undefined) {
        peakKb = Math.max(peakKb, m.rssKb);
        hwmKb = Math.max(hwmKb, m.hwmKb);
      }
      if (Number.isFinite(n)) lastRecords = n;
      while (m !== undefined && next < RSS_SIZES.length && lastRecords >= (RSS_SIZES[next] as number)) {
        const r = { records: lastRecords, seconds: round3((Date.now() - t0) / 1000), rss_mb: Math.round(m.rssKb / 1024), peak_since_previous_mb: Math.round(peakKb / 1024), hwm_mb: Math.round(hwmKb / 1024), heap_used_mb: heapMb };
        readings.push(r);
        log(`  (e) ${fmt(r.records)} records after ${r.seconds.toFixed(0)} s: RSS ${r.rss_mb} MB, peak since previous ${r.peak_since_previous_mb} MB, VmHWM ${r.hwm_mb} MB, heap used ${r.heap_used_mb} MB`);
        peakKb = 0;
        next++;
      }
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        log(`  (e) ${fmt(lastRecords)} records, RSS ${m === undefined ? '?' : Math.round(m.rssKb / 1024)} MB`);
      }
      if (Date.now() > deadline) throw new Error('the RSS run did not finish within an hour');
      await tick;
    }
    endInput();
    const code = await exited;
    if (code !== 0) throw new Error(`driftmon run exited ${code}:\n${p.stderr.slice(-3000)}`);
  } finally {
    await stopChild(gen);
    await stopChild(p.child);
  }
  const seconds = (Date.now() - t0) / 1000;
  const u = JSON.parse(readFileSync(usageFile, 'utf8')) as NodeJS.ResourceUsage;
  const first = readings[0];
  const last = readings[readings.length - 1];
  const windows = readdirSync(join(dir, 'out'), { recursive: true }).filter((f) => String(f).endsWith('statistics.json')).length;
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  return {
    mode: 'whole process: driftmon run, stdin source, fed by a generator child',
    records: MAX_RECORDS,
    event_rate: RSS_EVENT_RATE,
    window: '1m',
    windows_reported: windows,
    seconds: round3(seconds),
    records_per_s: Math.round(MAX_RECORDS / seconds),
    cpu_s: round3((u.userCPUTime + u.systemCPUTime) / 1e6),
    peak_rss_mb_whole_run: Math.round(u.maxRSS / 1024),
    machine_busy_before: before,
    readings,
    growth_first_to_last: first && last ? round3(last.rss_mb / first.rss_mb - 1) : null,
    peak_growth_first_to_last: first && last ? round3(last.peak_since_previous_mb / first.peak_since_previous_mb - 1) : null,
    target: TARGET.rss_growth,
  };
}

// ------------------------------------------------------------------------------------------------
// Main
// ------------------------------------------------------------------------------------------------
function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

function profileLines(name: string, p: ProfileSummary | undefined): string[] {
  if (p === undefined) return [];
  const pct = (s: number): string => `${(s * 100).toFixed(1)} %`;
  return [
    `  where ${name} spends its time (CPU profile, whole run, ${fmt(p.busy_ms)} ms busy):`,
    `    by area: ${p.by_area.slice(0, 8).map((a) => `${a.area} ${pct(a.share)}`).join(', ')}`,
    `    top self: ${p.top_self.slice(0, 8).map((f) => `${f.function} (${f.where}) ${pct(f.share)}`).join('; ')}`,
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  const load = loadavg().map((x) => Number(x.toFixed(2)));
  const busyAtStart = await waitQuiet(1.01, 0); // one second's reading, no waiting
  log(`throughput bench: load ${load.join(' ')}, ${Math.round(busyAtStart * 100)} % busy at start`);
  const result: Record<string, unknown> = {
    bench: 'throughput',
    date: new Date().toISOString(),
    commit: commit(),
    machine: machine(),
    load_at_start: load,
    busy_share_at_start: busyAtStart,
    rounds: ROUNDS,
  };
  const lines: string[] = [];
  if (!flag('skip-replay')) {
    const modes = DECODE_IN_WORKER === 'both' ? ['on', 'off'] : [DECODE_IN_WORKER];
    for (const [i, mode] of modes.entries()) {
      const b = await replayComparison(mode, i < modes.length - 1);
      if (i === 0) result.replay = b;
      else result.replay_in_thread = b;
      lines.push(
        `(b) replay (--decode-in-worker ${mode}) vs read + JSON.parse, ${fmt(RECORDS)} lines in ${b.files} files (${fmt(b.bytes / 2 ** 20)} MiB), ${WINDOW} windows:`,
        `  ratio ${b.ratio} (per round ${b.ratio_per_round.join(', ')}; by CPU time ${b.ratio_cpu}; target ≥ ${b.target})`,
        `  driftmon ${fmt(b.driftmon_rows_per_s)} rows/s, CPU ${b.driftmon_cpu_s} s, peak RSS ${b.driftmon_peak_rss_mb} MB; read+parse ${fmt(b.read_parse_rows_per_s)} rows/s, CPU ${b.read_parse_cpu_s} s, peak RSS ${b.read_parse_peak_rss_mb} MB`,
        ...profileLines('replay', b.profile),
      );
    }
  }
  if (!flag('skip-baseline')) {
    const c = await baselineComparison();
    result.baseline = c;
    lines.push(
      `(c) baseline data vs read + parseFloat, CSV of ${fmt(CSV_ROWS)} rows × ${c.columns} columns (${fmt(c.bytes / 2 ** 20)} MiB):`,
      `  ratio ${c.ratio} (per round ${c.ratio_per_round.join(', ')}; by CPU time ${c.ratio_cpu}; target ≥ ${c.target})`,
      `  driftmon ${fmt(c.driftmon_rows_per_s)} rows/s, CPU ${c.driftmon_cpu_s} s, peak RSS ${c.driftmon_peak_rss_mb} MB; read+parse ${fmt(c.read_parse_rows_per_s)} rows/s, CPU ${c.read_parse_cpu_s} s, peak RSS ${c.read_parse_peak_rss_mb} MB`,
      ...profileLines('baseline data', c.profile),
    );
  }
  if (!flag('skip-rss')) {
    log(`(e) RSS: driftmon run over stdin, ${fmt(MAX_RECORDS)} records, readings at ${RSS_SIZES.map(fmt).join(', ')}`);
    const e = await rssRun();
    result.rss = e;
    const readings = e.readings as RssReading[];
    lines.push(
      `(e) RSS, driftmon run over stdin, ${fmt(MAX_RECORDS)} records in ${(e.seconds as number).toFixed(0)} s (${fmt(e.records_per_s as number)} records/s, ${e.windows_reported as number} windows):`,
      `  ${readings.map((r) => `${(r.records / 1e6).toFixed(1)}M → ${r.rss_mb} MB (peak ${r.peak_since_previous_mb}, heap ${r.heap_used_mb})`).join(', ')}; VmHWM ${e.peak_rss_mb_whole_run as number} MB`,
      `  growth first → last: ${(((e.growth_first_to_last as number | null) ?? 0) * 100).toFixed(1)} % (peaks ${(((e.peak_growth_first_to_last as number | null) ?? 0) * 100).toFixed(1)} %; target ≤ 10 %)`,
    );
  }
  result.runtime_s = round3((Date.now() - started) / 1000);
  const dir = join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(dir, `${RESULTS}-latest.json`), text);
  writeFileSync(join(dir, `${RESULTS}-${(result.date as string).slice(0, 10)}.json`), text);
  lines.push(`runtime ${(result.runtime_s as number).toFixed(0)} s; written to bench/results/${RESULTS}-latest.json`, '');
  process.stdout.write(lines.join('\n'));
}

try {
  await main();
} finally {
  await cleaner.cleanup();
}
