/**
 * npm run bench:kafka — driftmon against a real broker (scripts/services/services.sh; KAFKA_BROKERS
 * from `eval "$(scripts/services/services.sh env)"`; build first: npm run build). Results:
 * bench/results/kafka-latest.json (+ a dated copy). Stops by itself; on any exit (also Ctrl-C) it
 * stops its child processes and deletes its topics.
 *
 * 1. Throughput, once per event-time density in EVENT_RATES. A fresh topic (PARTITIONS partitions)
 *    is prefilled with RECORDS 20-feature capture lines (CaptureLineGenerator, EVENT_RATE records
 *    per second of event time, keyed by inferenceId, record k to partition k % PARTITIONS) by
 *    PRODUCERS worker-thread producers (acks 1, no compression); produce time is reported on its
 *    own. Then, ROUNDS times, in alternating order, two consumers read the whole topic from the
 *    beginning, each in its own process and its own fresh consumer group, after the machine has
 *    gone quiet (the broker shares its 2 cores; see waitQuiet):
 *      - driftmon: `driftmon run` (1-minute windows, back-off sampling off so every record is
 *        decoded and windowed), sampled through GET /metrics every 250 ms;
 *      - bare: a kafkajs consumer with driftmon's consumer settings whose eachBatch only turns every
 *        value into a string (bench/support/bare-consumer.ts), sampled every 250 ms the same way;
 *      - parse-json and parse-csv (--parse-reference): the same consumer that also parses every
 *        value, JSON.parse alone or with Number of each CSV field: what "merely reading and parsing
 *        the input" costs on Kafka, as (b)'s read + JSON.parse and (c)'s read + parseFloat do for files.
 *    Events/s = records between the first sample that saw any and the first that saw all, over the
 *    time between the two (start-up and group join left out; the total including them is reported
 *    too). The ratio driftmon / bare (median of the per-round ratios) is what we track: this
 *    machine is noisy. The density matters because every closed window costs a fixed amount
 *    (evaluation and report files): 1,000/s puts 60,000 records in a 1-minute window, 10,000/s
 *    600,000. When driftmon is below the target (or with --profile always) one more driftmon run is
 *    made under --cpu-prof; its steady part is summarised (self time by function and by area).
 * 2. Detection latency, for each grace in GRACES: DETECT_RUNS runs at random offsets plus one edge
 *    run (see detection()). Each: a fresh topic, `driftmon run` with 10-second windows, and a
 *    producer in this process writing RATE records/s in real time (event time = the moment each
 *    record is produced, millisecond precision; keyed by inferenceId over the partitions). Once a
 *    window has closed, at a wall-clock moment T the producer switches to rows whose f1 is
 *    multiplied by FACTOR. /metrics is polled every 100 ms; detection = the first response in which
 *    driftmon_feature_baseline_drift{feature="f1",window="10s"} exceeds
 *    driftmon_feature_baseline_drift_threshold{feature="f1"}; latency = detection − T. Every other
 *    feature is checked against its threshold in every poll (before and after T), f1 before T, and
 *    the run goes on until one more (wholly drifted) window has closed after the detection.
 *
 *   npm run bench:kafka [-- --records N --partitions N --producers N --rounds N
 *                          --event-rates 1000,10000 --profile auto|always|never --parse-reference json,csv|json|csv|off
 *                          --detect-runs N --graces 0s,1s --edge-offset 8.9|none --rate N --factor 3
 *                          --skip-throughput --skip-detection --keep --main PATH --ab PATH]
 *
 * --ab PATH adds a third consumer to every round: driftmon from another build's dist/src/main.js (a
 * patched copy of dist/ next to a node_modules), reported as its ratio to this build's driftmon
 * round by round; --main PATH runs that build instead of this one; --keep leaves topics and temporary directories in place.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CompressionTypes, type Message } from 'kafkajs';
import { sumMetric } from '../test/support/driftmon-process.js';
import { createTopic, kafkaClient, uniqueTopic } from '../test/support/kafka.js';
import { writeKafkaConfig } from '../test/support/kafka-monitor.js';
import { FEATURES } from './support/capture-lines.js';
import { summarizeCpuProfile, type ProfileSummary } from './support/cpuprofile.js';
import { REPO } from '../test/support/cli.js';
import { buildCaptureBaseline } from '../test/support/kafka-monitor.js';
import { DriftmonChild } from './support/driftmon-child.js';
import { LiveCaptureLineGenerator } from './support/live-capture-lines.js';
import { BenchCleanup, benchArgs, busyShare, cpuTicks, fmt, log, machine, median, rates, round3, stopChild, waitQuiet } from './support/bench-kit.js';
import { prefill as prefillTopic, type PrefillResult } from './support/prefill.js';

// ------------------------------------------------------------------------------------------------
// Arguments
// ------------------------------------------------------------------------------------------------
const { flag, opt, num } = benchArgs(process.argv.slice(2));

const RECORDS = num('records', 2_000_000);
const PARTITIONS = num('partitions', 4);
const PRODUCERS = num('producers', 2);
const ROUNDS = num('rounds', 2);
const DETECT_RUNS = num('detect-runs', 3);
const RATE = num('rate', 2000);
/** Grace periods to measure detection with, one set of runs each. */
const GRACES = opt('graces', '0s,1s').split(',');
/** The edge run's drift offset into its window (s; 'none' skips it): see detection(). */
const EDGE_OFFSET_S = opt('edge-offset', '8.9');
const FACTOR = num('factor', 3);
const PROFILE = opt('profile', 'auto') as 'auto' | 'always' | 'never';
const KEEP = flag('keep');
/** source.fetchInWorker for driftmon's runs (default: the config's default). */
const FETCH_IN_WORKER = flag('fetch-in-worker') ? opt('fetch-in-worker', 'on') === 'on' : undefined;
/** Another build's dist/src/main.js for the driftmon runs (A/B of a patched copy); default: this one's. */
const MAIN_OVERRIDE = flag('main') ? opt('main', '') : undefined;
/** A/B: a third consumer per round, driftmon from another build's dist/src/main.js (a patched copy). */
const AB_MAIN = flag('ab') ? opt('ab', '') : undefined;
/**
 * More references per round (default both): the bare consumer that also parses every value as its
 * input (bench/support/bare-consumer.ts) — `json`: JSON.parse of each capture line, the Kafka
 * analogue of (b)'s read + JSON.parse; `csv`: that and Number of each CSV field of its data, as (c)'s
 * read + parseFloat. `--parse-reference json`, `csv` or `off`.
 */
const PARSE_REFERENCES: ParseReference[] = opt('parse-reference', 'json,csv')
  .split(',')
  .filter((x) => x !== 'off')
  .map((x) => {
    if (x !== 'json' && x !== 'csv') throw new Error(`--parse-reference: json, csv, json,csv or off (got ${x})`);
    return `parse-${x}` as const;
  });
const THROUGHPUT_TARGET = 150_000;
const DETECT_WINDOW_MS = 10_000;
const DETECT_WINDOW = '10s';
const DRIFT_FEATURE = 'f1';
const SEED = 11; // buildCaptureBaseline's default seed: the undrifted stream matches the baseline
const EVENT_START = Date.UTC(2026, 0, 2);
/**
 * Prefill records per second of event time, one prefilled topic each: a 1-minute window holds 60 ×
 * this many records, and every closed window costs a fixed amount (evaluation + report files), so
 * the density decides how much of the time goes to window closes.
 */
const EVENT_RATES = opt('event-rates', '1000,10000').split(',').map(Number);

function graceToMs(grace: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(grace);
  if (!m) throw new Error(`--graces: use e.g. 0s, 1s or 500ms (got ${grace})`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}
for (const g of GRACES) graceToMs(g);

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);

// Clean-up of child processes, workers, topics and temporary directories on any exit (also Ctrl-C)
const cleaner = new BenchCleanup(brokers, KEEP, 'kafka-bench');
const track = cleaner.track.bind(cleaner);
const topics = cleaner.topics;
const tempDir = cleaner.tempDir.bind(cleaner);
const deleteTopics = cleaner.deleteTopics.bind(cleaner);
const cleanup = cleaner.cleanup.bind(cleaner);

// ------------------------------------------------------------------------------------------------
// Phase 1 — prefill and throughput
// ------------------------------------------------------------------------------------------------
function prefill(topic: string, eventRate: number): Promise<PrefillResult> {
  return prefillTopic({ brokers, topic, partitions: PARTITIONS, records: RECORDS, producers: PRODUCERS, eventRate, seed: SEED, startMs: EVENT_START }, cleaner);
}

type Consumer = 'driftmon' | 'bare' | 'parse-json' | 'parse-csv' | 'driftmon-b';
type ParseReference = 'parse-json' | 'parse-csv';

interface ConsumeRun {
  /** driftmon-b: the --ab build. */
  consumer: Consumer;
  round: number;
  /** Records consumed per second between the first sample that saw records and the one that saw all. */
  events_per_s: number;
  /** RECORDS over the whole time from process start to the last record (startup + group join included). */
  events_per_s_incl_startup: number;
  seconds_steady: number;
  seconds_total: number;
  /** Process start to the first sample with records: start-up and group join. */
  seconds_startup: number;
  /** CPU seconds of the consumer process per million records (whole run). */
  cpu_s_per_million: number | null;
  /** Share of the machine's cores busy while consuming (consumer + broker + the rest). */
  machine_busy_share: number;
  /** Busy share in the second before the run started (see waitQuiet). */
  machine_busy_before: number;
  samples: number;
  extra?: Record<string, unknown>;
}

function runDir(baselineDir: string, name: string): string {
  const dir = tempDir(name);
  cpSync(join(baselineDir, 'baseline'), join(dir, 'baseline'), { recursive: true });
  return dir;
}

async function consumeWithDriftmon(
  topic: string,
  baselineDir: string,
  round: number,
  profileDir?: string,
  main = MAIN_OVERRIDE,
): Promise<ConsumeRun & { profile?: string; steadyFromMs?: number; steadyToMs?: number }> {
  const dir = runDir(baselineDir, `driftmon-${round}`);
  const config = writeKafkaConfig({
    dir,
    brokers,
    topic,
    windows: ['1m'],
    grace: '5s',
    source: { fromBeginning: true, groupId: uniqueTopic('bench-driftmon'), ...(FETCH_IN_WORKER === undefined ? {} : { fetchInWorker: FETCH_IN_WORKER }) },
    monitorExtra: { backoff: { enabled: false } },
  });
  const nodeArgs = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const before = await waitQuiet();
  const c0 = cpuTicks();
  const t0 = Date.now();
  const p = await DriftmonChild.start(config, { nodeArgs, ...(main ? { main } : {}) });
  track(p.child);
  const samples: { t: number; n: number }[] = [];
  let text = '';
  let cpuAtFirst: number | undefined;
  let cFirst: { busy: number; total: number } | undefined;
  const deadline = Date.now() + 30 * 60_000;
  try {
    for (;;) {
      const tick = sleep(250);
      text = await p.metricsText();
      const t = Date.now();
      const n = sumMetric(text, 'driftmon_records_total');
      samples.push({ t, n });
      if (n > 0 && cpuAtFirst === undefined) {
        cpuAtFirst = sumMetric(text, 'driftmon_process_process_cpu_seconds_total');
        cFirst = cpuTicks();
      }
      if (n >= RECORDS) break;
      if (p.child.exitCode !== null) throw new Error(`driftmon exited (${p.child.exitCode}):\n${p.stderr.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error('driftmon did not consume the topic within 30 minutes');
      await tick;
    }
  } catch (e) {
    await stopChild(p.child);
    throw e;
  }
  const c1 = cpuTicks();
  // driftmon_records_total counts records when the pipeline has processed them; the lag gauges are
  // updated per chunk — both must say "everything".
  const consumed = sumMetric(text, 'driftmon_kafka_messages_consumed_total');
  const lag = sumMetric(text, 'driftmon_kafka_consumer_lag_records');
  const cpu = sumMetric(text, 'driftmon_process_process_cpu_seconds_total');
  const extra = {
    kafka_messages_consumed_total: consumed,
    consumer_lag_records_at_end: lag,
    rows_total: sumMetric(text, 'driftmon_rows_total'),
    rows_late_total: sumMetric(text, 'driftmon_rows_late_total'),
    records_invalid_total: sumMetric(text, 'driftmon_records_invalid_total'),
    windows_closed_total: sumMetric(text, 'driftmon_windows_closed_total'),
    checkpoints_total: sumMetric(text, 'driftmon_checkpoints_total'),
    window_close_seconds_total: round3(sumMetric(text, 'driftmon_window_close_duration_seconds_sum')),
    checkpoint_seconds_total: round3(sumMetric(text, 'driftmon_checkpoint_duration_seconds_sum')),
    cpu_s_steady: cpuAtFirst === undefined ? null : round3(cpu - cpuAtFirst),
    machine_busy_share_steady: cFirst === undefined ? null : round3(busyShare(cFirst, c1)),
    heap_used_mb_at_end: Math.round(sumMetric(text, 'driftmon_process_nodejs_heap_size_used_bytes') / 2 ** 20),
    rss_mb_at_end: Math.round(sumMetric(text, 'driftmon_process_process_resident_memory_bytes') / 2 ** 20),
    event_loop_lag_p99_s: round3(sumMetric(text, 'driftmon_process_nodejs_eventloop_lag_p99_seconds')),
    profiled: profileDir !== undefined,
  };
  await stopChild(p.child);
  if (consumed !== RECORDS || lag !== 0) log(`  warning: consumed ${consumed}, lag ${lag} at the end`);
  const r = rates(samples, t0, RECORDS);
  const run: ConsumeRun & { profile?: string; steadyFromMs?: number; steadyToMs?: number } = {
    consumer: main !== undefined && main === AB_MAIN ? 'driftmon-b' : 'driftmon',
    round,
    events_per_s: Math.round(r.steady),
    events_per_s_incl_startup: Math.round(r.incl),
    seconds_steady: round3(r.steadyS),
    seconds_total: round3(r.totalS),
    seconds_startup: round3(r.startupS),
    cpu_s_per_million: round3(cpu / (RECORDS / 1e6)),
    machine_busy_share: round3(busyShare(c0, c1)),
    machine_busy_before: before,
    samples: samples.length,
    extra,
  };
  if (profileDir !== undefined) {
    const f = readdirSync(profileDir).find((x) => x.endsWith('.cpuprofile'));
    if (f !== undefined) run.profile = join(profileDir, f);
    // the steady part, in ms since the process was spawned (≈ since the profile started)
    run.steadyFromMs = (samples.find((s) => s.n > 0) as { t: number }).t - t0;
    run.steadyToMs = (samples.find((s) => s.n >= RECORDS) as { t: number }).t - t0;
  }
  return run;
}

async function consumeBare(topic: string, round: number, parse?: ParseReference): Promise<ConsumeRun> {
  const script = join(here, 'support', 'bare-consumer.js');
  const before = await waitQuiet();
  const c0 = cpuTicks();
  const t0 = Date.now();
  const child = track(
    spawn(process.execPath, [script, JSON.stringify({ brokers, topic, groupId: uniqueTopic('bench-bare'), expected: RECORDS, tickMs: 250, ...(parse === undefined ? {} : { parse: parse === 'parse-json' ? 'json' : 'csv' }) })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const samples: { t: number; n: number }[] = [];
  let done: { cpuMs: number; firstMs: number; doneMs: number; startedMs: number } | undefined;
  let stderr = '';
  let buf = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = JSON.parse(line) as { t?: number; n: number; done?: boolean; cpuMs: number; firstMs: number; doneMs: number; startedMs: number };
      if (m.done) done = m;
      else samples.push({ t: m.t as number, n: m.n });
    }
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timeout);
  const c1 = cpuTicks();
  if (code !== 0 || done === undefined) throw new Error(`bare consumer failed (${code}):\n${stderr.slice(-3000)}`);
  const r = rates(samples, t0, RECORDS);
  return {
    consumer: parse ?? 'bare',
    round,
    events_per_s: Math.round(r.steady),
    events_per_s_incl_startup: Math.round(r.incl),
    seconds_steady: round3(r.steadyS),
    seconds_total: round3(r.totalS),
    seconds_startup: round3(r.startupS),
    cpu_s_per_million: round3(done.cpuMs / 1000 / (RECORDS / 1e6)),
    machine_busy_share: round3(busyShare(c0, c1)),
    machine_busy_before: before,
    samples: samples.length,
    extra: { exact_events_per_s_first_batch_to_last: Math.round(RECORDS / ((done.doneMs - done.firstMs) / 1000)) },
  };
}

function describeRun(r: ConsumeRun): string {
  return `  round ${r.round} ${r.consumer.padEnd(10)} ${fmt(r.events_per_s).padStart(9)} events/s steady (${r.seconds_steady.toFixed(1)} s), ${fmt(r.events_per_s_incl_startup).padStart(9)} incl. startup (${r.seconds_startup.toFixed(1)} s startup), CPU ${r.cpu_s_per_million} s/M records, machine busy ${(r.machine_busy_share * 100).toFixed(0)} %`;
}

interface ThroughputResult {
  prefill: PrefillResult;
  event_rate_per_s: number;
  records_per_window: number;
  window: string;
  windows_closed_per_run: number;
  /** driftmon_window_close_duration_seconds: evaluation + report files per closed window. */
  window_close_ms_avg: number | null;
  window_close_share_of_steady_time: number | null;
  backoff: string;
  rounds: number;
  driftmon_events_per_s: number;
  driftmon_events_per_s_incl_startup: number;
  bare_events_per_s: number;
  ratio_driftmon_to_bare: number;
  ratio_per_round: number[];
  /** The bare consumer that also parses each value: its rate, and driftmon's ratio to it. */
  parse_references: { consumer: ParseReference; events_per_s: number; ratio_to_bare: number; ratio_driftmon_to_it: number; ratio_driftmon_to_it_per_round: number[] }[];
  ratio_cpu_time_per_record: number | null;
  target_events_per_s: number;
  meets_target: boolean;
  runs: ConsumeRun[];
  profile?: ProfileSummary & { events_per_s_profiled: number; file: string | undefined };
  /** --ab: driftmon from another build against this one, round by round. */
  ab?: { b_main: string; b_events_per_s: number; ratio_b_to_driftmon: number; ratio_b_to_driftmon_per_round: number[]; ratio_b_to_driftmon_cpu_time: number | null };
}

async function throughput(baselineDir: string, eventRate: number, mayProfile: boolean): Promise<ThroughputResult> {
  const topic = uniqueTopic('bench-kafka-prefill');
  log(`prefill: ${fmt(RECORDS)} records into ${topic} (${PARTITIONS} partitions, ${PRODUCERS} producers, acks 1, no compression; ${fmt(eventRate)} records per second of event time: ${fmt(eventRate * 60)} per 1m window)`);
  const produced = await prefill(topic, eventRate);
  log(`  ${fmt(produced.records)} records (${(produced.bytes / 2 ** 20).toFixed(0)} MiB, ${produced.avg_value_bytes} B each) in ${produced.seconds.toFixed(1)} s: ${fmt(produced.records_per_s)} records/s, ${produced.mb_per_s} MiB/s`);

  const runs: ConsumeRun[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const abRatios: number[] = [];
  const abCpuRatios: number[] = [];
  const parseRatios = new Map<ParseReference, number[]>(PARSE_REFERENCES.map((p) => [p, []]));
  const consumers: Consumer[] = ['bare', 'driftmon', ...PARSE_REFERENCES, ...(AB_MAIN === undefined ? [] : (['driftmon-b'] as const))];
  for (let round = 1; round <= ROUNDS; round++) {
    // rotate the order from round to round, so drift in machine speed hits every consumer alike
    const order = consumers.map((_c, i) => consumers[(i + round - 1) % consumers.length] as Consumer);
    const got: Partial<Record<Consumer, ConsumeRun>> = {};
    for (const which of order) {
      const r =
        which === 'bare' || which === 'parse-json' || which === 'parse-csv'
          ? await consumeBare(topic, round, which === 'bare' ? undefined : which)
          : await consumeWithDriftmon(topic, baselineDir, round, undefined, which === 'driftmon-b' ? AB_MAIN : MAIN_OVERRIDE);
      got[which] = r;
      runs.push(r);
      log(describeRun(r));
    }
    const d = got.driftmon as ConsumeRun;
    const b = got.bare as ConsumeRun;
    ratios.push(d.events_per_s / b.events_per_s);
    if (d.cpu_s_per_million !== null && b.cpu_s_per_million !== null) cpuRatios.push(b.cpu_s_per_million / d.cpu_s_per_million);
    log(`  round ${round}: driftmon / bare = ${(d.events_per_s / b.events_per_s).toFixed(3)} (by CPU time per record ${(b.cpu_s_per_million as number / (d.cpu_s_per_million as number)).toFixed(3)})`);
    for (const [which, list] of parseRatios) {
      const p = got[which] as ConsumeRun;
      list.push(d.events_per_s / p.events_per_s);
      log(`  round ${round}: driftmon / ${which} = ${(d.events_per_s / p.events_per_s).toFixed(3)}; ${which} / bare = ${(p.events_per_s / b.events_per_s).toFixed(3)}`);
    }
    const db = got['driftmon-b'];
    if (db !== undefined) {
      abRatios.push(db.events_per_s / d.events_per_s);
      if (d.cpu_s_per_million !== null && db.cpu_s_per_million !== null) abCpuRatios.push(d.cpu_s_per_million / db.cpu_s_per_million);
      log(`  round ${round}: driftmon-b / driftmon = ${(db.events_per_s / d.events_per_s).toFixed(3)} (by CPU time per record ${(abCpuRatios[abCpuRatios.length - 1] ?? NaN).toFixed(3)})`);
    }
  }
  const driftmonRate = median(runs.filter((r) => r.consumer === 'driftmon').map((r) => r.events_per_s));
  const bareRate = median(runs.filter((r) => r.consumer === 'bare').map((r) => r.events_per_s));

  let profile: (ProfileSummary & { events_per_s_profiled: number; file: string | undefined }) | undefined;
  if (PROFILE === 'always' || (PROFILE === 'auto' && mayProfile && driftmonRate < THROUGHPUT_TARGET)) {
    log(`profile: one more driftmon run under --cpu-prof${driftmonRate < THROUGHPUT_TARGET ? ' (below target)' : ''}`);
    // profiles are tens of MB: kept under .cache/ (git-ignored), only their summary goes in the results
    const profileDir = join(REPO, '.cache', 'bench', 'kafka-profiles', `event-rate-${eventRate}`);
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
    const r = await consumeWithDriftmon(topic, baselineDir, 0, profileDir);
    log(describeRun(r).replace('round 0', 'profiled'));
    if (r.profile !== undefined) {
      profile = {
        ...summarizeCpuProfile(r.profile, { top: 30, fromMs: r.steadyFromMs, toMs: r.steadyToMs }),
        events_per_s_profiled: r.events_per_s,
        file: r.profile.slice(REPO.length + 1),
      };
    } else log('  (no .cpuprofile was written)');
  }
  await deleteTopics([topic]);
  const dRuns = runs.filter((r) => r.consumer === 'driftmon');
  const closeS = dRuns.reduce((a, r) => a + Number(r.extra?.window_close_seconds_total ?? 0), 0);
  const closed = dRuns.reduce((a, r) => a + Number(r.extra?.windows_closed_total ?? 0), 0);
  const steadyS = dRuns.reduce((a, r) => a + r.seconds_steady, 0);
  return {
    prefill: produced,
    event_rate_per_s: eventRate,
    records_per_window: eventRate * 60,
    window: '1m',
    windows_closed_per_run: dRuns.length > 0 ? closed / dRuns.length : 0,
    window_close_ms_avg: closed > 0 ? Math.round((closeS / closed) * 1000) : null,
    window_close_share_of_steady_time: steadyS > 0 ? round3(closeS / steadyS) : null,
    backoff: 'disabled (every record decoded and windowed)',
    rounds: ROUNDS,
    driftmon_events_per_s: driftmonRate,
    driftmon_events_per_s_incl_startup: median(runs.filter((r) => r.consumer === 'driftmon').map((r) => r.events_per_s_incl_startup)),
    bare_events_per_s: bareRate,
    ratio_driftmon_to_bare: round3(median(ratios)),
    ratio_per_round: ratios.map(round3),
    parse_references: [...parseRatios].map(([which, list]) => {
      const rate = median(runs.filter((r) => r.consumer === which).map((r) => r.events_per_s));
      return { consumer: which, events_per_s: rate, ratio_to_bare: round3(rate / bareRate), ratio_driftmon_to_it: round3(median(list)), ratio_driftmon_to_it_per_round: list.map(round3) };
    }),
    ratio_cpu_time_per_record: cpuRatios.length > 0 ? round3(median(cpuRatios)) : null,
    target_events_per_s: THROUGHPUT_TARGET,
    meets_target: driftmonRate >= THROUGHPUT_TARGET,
    runs,
    ...(profile ? { profile } : {}),
    ...(AB_MAIN === undefined
      ? {}
      : {
          ab: {
            b_main: AB_MAIN,
            b_events_per_s: median(runs.filter((r) => r.consumer === 'driftmon-b').map((r) => r.events_per_s)),
            ratio_b_to_driftmon: round3(median(abRatios)),
            ratio_b_to_driftmon_per_round: abRatios.map(round3),
            ratio_b_to_driftmon_cpu_time: abCpuRatios.length > 0 ? round3(median(abCpuRatios)) : null,
          },
        }),
  };
}

// ------------------------------------------------------------------------------------------------
// Phase 2 — detection latency
// ------------------------------------------------------------------------------------------------
interface DriftSample {
  drift: Map<string, number>;
  threshold: Map<string, number>;
}

/** driftmon_feature_baseline_drift{window} and _threshold per feature, from one /metrics text. */
function driftGauges(text: string, window: string): DriftSample {
  const drift = new Map<string, number>();
  const threshold = new Map<string, number>();
  const label = (line: string, k: string): string | undefined => new RegExp(`[{,]${k}="([^"]*)"`).exec(line)?.[1];
  for (const line of text.split('\n')) {
    if (!line.startsWith('driftmon_feature_baseline_drift')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const feature = label(line, 'feature');
    if (feature === undefined) continue;
    if (line.startsWith('driftmon_feature_baseline_drift{')) {
      if (label(line, 'window') === window) drift.set(feature, value);
    } else if (line.startsWith('driftmon_feature_baseline_drift_threshold{')) threshold.set(feature, value);
  }
  return { drift, threshold };
}

interface DetectionRun {
  run: number;
  /** random: a random offset (stratified over the runs); edge: the fixed --edge-offset. */
  kind: 'random' | 'edge';
  grace: string;
  topic: string;
  /** Wall-clock drift moment (ISO) and its offset into its 10-second window. */
  drift_at: string;
  offset_in_window_s: number;
  detected_at: string | null;
  latency_s: number | null;
  /** Which window's report crossed the threshold: 0 = the window containing T, 1 = the next. */
  detected_window: number | null;
  detected_window_end: string | null;
  /** Detected window's end + grace − T: the earliest moment that window can close, from T. */
  latency_floor_s: number | null;
  /** latency − floor: fetch, processing, evaluation and the 100 ms polling. */
  overhead_s: number | null;
  f1_drift_at_detection: number | null;
  f1_threshold: number | null;
  /** f1's distance in the last undrifted window (for scale). */
  f1_drift_before: number | null;
  /** Features other than f1 seen above their threshold in any poll (and f1 before T). */
  false_positives: { feature: string; window_end: string | null; drift: number; threshold: number }[];
  max_other_drift_ratio: number | null;
  produced: number;
  produce_rate_per_s: number;
  windows_closed: number;
  rows_late_total: number;
  window_close_delay_s_at_detection: number | null;
}

async function detectionRun(run: number, kind: DetectionRun['kind'], grace: string, baselineDir: string, offsetMs: number): Promise<DetectionRun> {
  const graceMs = graceToMs(grace);
  const topic = uniqueTopic('bench-kafka-live');
  await createTopic(brokers, topic, PARTITIONS);
  topics.add(topic);
  const dir = runDir(baselineDir, `live-${grace}-${run}`);
  const config = writeKafkaConfig({
    dir,
    brokers,
    topic,
    windows: [DETECT_WINDOW],
    grace,
    source: { fromBeginning: true, groupId: uniqueTopic('bench-live') },
  });
  const p = await DriftmonChild.start(config, MAIN_OVERRIDE ? { main: MAIN_OVERRIDE } : {});
  track(p.child);

  // the producer: RATE records/s in real time, event time = production time, from T on drifted
  const producer = kafkaClient(brokers, 'kafka-bench-live').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const gen = new LiveCaptureLineGenerator(SEED, { feature: DRIFT_FEATURE, factor: FACTOR });
  let driftAt = Number.POSITIVE_INFINITY;
  let stopProducing = false;
  let produced = 0;
  let producerError: unknown;
  const produceStart = Date.now();
  const producing = (async () => {
    while (!stopProducing) {
      const now = Date.now();
      const due = Math.floor(((now - produceStart) * RATE) / 1000) - produced;
      if (due > 0) {
        const messages: Message[] = new Array(due);
        for (let k = 0; k < due; k++) {
          const t = Date.now();
          const l = gen.next(t, t >= driftAt);
          messages[k] = { key: l.key, value: l.value };
        }
        await producer.send({ topic, acks: 1, compression: CompressionTypes.None, messages });
        produced += due;
      }
      await sleep(5);
    }
  })().catch((e: unknown) => (producerError = e));

  const result: DetectionRun = {
    run,
    kind,
    grace,
    topic,
    drift_at: '',
    offset_in_window_s: 0,
    detected_at: null,
    latency_s: null,
    detected_window: null,
    detected_window_end: null,
    latency_floor_s: null,
    overhead_s: null,
    f1_drift_at_detection: null,
    f1_threshold: null,
    f1_drift_before: null,
    false_positives: [],
    max_other_drift_ratio: null,
    produced: 0,
    produce_rate_per_s: 0,
    windows_closed: 0,
    rows_late_total: 0,
    window_close_delay_s_at_detection: null,
  };
  const fp = new Map<string, DetectionRun['false_positives'][number]>();
  let maxOther = 0;
  let text = '';
  try {
    // live: a window closed (maybe a partial one); the next window starts undrifted, T is in the one after
    const closedBefore = await p.waitForMetric('driftmon_windows_closed_total', (v) => v >= 1, 60_000, { window: DETECT_WINDOW });
    const now = Date.now();
    const nextWindow = (Math.floor((now + 500) / DETECT_WINDOW_MS) + 1) * DETECT_WINDOW_MS;
    driftAt = nextWindow + offsetMs;
    result.drift_at = new Date(driftAt).toISOString();
    result.offset_in_window_s = round3(offsetMs / 1000);
    log(`  grace ${grace} run ${run} (${kind}): ${closedBefore} window(s) closed; drift at ${result.drift_at.slice(11, 23)} (${(offsetMs / 1000).toFixed(2)} s into its window)`);
    let detectedAt: number | undefined;
    let afterDetectionClosed: number | undefined;
    const deadline = driftAt + 4 * DETECT_WINDOW_MS + 10_000;
    for (;;) {
      const tick = sleep(100);
      text = await p.metricsText();
      const t = Date.now();
      const g = driftGauges(text, DETECT_WINDOW);
      const windowEndS = sumMetric(text, 'driftmon_last_window_end_timestamp_seconds', { window: DETECT_WINDOW });
      const closed = sumMetric(text, 'driftmon_windows_closed_total', { window: DETECT_WINDOW });
      for (const [feature, d] of g.drift) {
        const th = g.threshold.get(feature);
        if (th === undefined) continue;
        const windowEndMs = windowEndS * 1000;
        const isDriftFeature = feature === DRIFT_FEATURE;
        // f1 counts as a false positive only for a window that ended before T (nothing drifted in it)
        const counts = !isDriftFeature || windowEndMs <= driftAt;
        if (isDriftFeature && windowEndMs <= driftAt) result.f1_drift_before = round3(d);
        if (counts && !isDriftFeature && th > 0) maxOther = Math.max(maxOther, d / th);
        if (counts && d > th) {
          const k = `${feature}@${windowEndS}`;
          if (!fp.has(k)) fp.set(k, { feature, window_end: windowEndS > 0 ? new Date(windowEndMs).toISOString() : null, drift: round3(d), threshold: th });
        }
      }
      const d1 = g.drift.get(DRIFT_FEATURE);
      const th1 = g.threshold.get(DRIFT_FEATURE);
      if (detectedAt === undefined && t > driftAt && d1 !== undefined && th1 !== undefined && d1 > th1 && windowEndS * 1000 > driftAt) {
        detectedAt = t;
        afterDetectionClosed = closed;
        const windowEndMs = windowEndS * 1000;
        result.detected_at = new Date(t).toISOString();
        result.latency_s = round3((t - driftAt) / 1000);
        result.detected_window = Math.round((windowEndMs - (driftAt - (driftAt % DETECT_WINDOW_MS) + DETECT_WINDOW_MS)) / DETECT_WINDOW_MS);
        result.detected_window_end = new Date(windowEndMs).toISOString();
        result.latency_floor_s = round3((windowEndMs + graceMs - driftAt) / 1000);
        result.overhead_s = round3(result.latency_s - result.latency_floor_s);
        result.f1_drift_at_detection = round3(d1);
        result.f1_threshold = th1;
        result.window_close_delay_s_at_detection = round3(sumMetric(text, 'driftmon_window_close_delay_seconds', { window: DETECT_WINDOW }));
        log(`  grace ${grace} run ${run}: detected after ${result.latency_s.toFixed(2)} s (floor ${result.latency_floor_s.toFixed(2)} s; window ending ${result.detected_window_end.slice(11, 19)}, f1 distance ${result.f1_drift_at_detection} > ${th1})`);
      }
      // after detection, one more window (wholly drifted) is checked for other features
      if (detectedAt !== undefined && afterDetectionClosed !== undefined && closed > afterDetectionClosed) break;
      if (t > deadline) {
        if (detectedAt === undefined) log(`  grace ${grace} run ${run}: NOT detected within ${((deadline - driftAt) / 1000).toFixed(0)} s`);
        break;
      }
      if (producerError !== undefined) throw producerError;
      if (p.child.exitCode !== null) throw new Error(`driftmon exited (${p.child.exitCode}):\n${p.stderr.slice(-3000)}`);
      await tick;
    }
  } finally {
    stopProducing = true;
    await producing;
    await producer.disconnect().catch(() => undefined);
    await stopChild(p.child);
    await deleteTopics([topic]);
  }
  result.false_positives = [...fp.values()];
  result.max_other_drift_ratio = round3(maxOther);
  result.produced = produced;
  result.produce_rate_per_s = Math.round(produced / ((Date.now() - produceStart) / 1000));
  result.windows_closed = sumMetric(text, 'driftmon_windows_closed_total', { window: DETECT_WINDOW });
  result.rows_late_total = sumMetric(text, 'driftmon_rows_late_total');
  return result;
}

interface DetectionResult {
  window: string;
  grace: string;
  /** Largest latency of the random-offset runs, and of all runs including the edge run. */
  max_latency_random_s: number | null;
  rate_per_s: number;
  partitions: number;
  drift: { feature: string; factor: number };
  event_time: string;
  poll_interval_ms: number;
  latencies_s: (number | null)[];
  max_latency_s: number | null;
  target_max_latency_s: number;
  meets_target: boolean;
  false_positives: number;
  runs: DetectionRun[];
}

/**
 * DETECT_RUNS runs at random offsets into the window (stratified: run i in the i-th of DETECT_RUNS
 * equal slices), then one edge run. Why the edge: the window containing T holds a drifted
 * fraction p = (window − offset) / window, and it is flagged only when its distance (about p times
 * the shift's own distance, minus the robust L∞ correction) exceeds the threshold; a drift late in
 * a window is therefore caught by the next window, whose close comes window + grace after that
 * window's start. The worst case is the latest offset the containing window just misses, about
 * 8.8 s into a 10 s window for threshold 0.1 and 20,000-row windows; the edge run drifts there.
 */
async function detection(baselineDir: string, grace: string): Promise<DetectionResult> {
  const edge = EDGE_OFFSET_S === 'none' ? undefined : Number(EDGE_OFFSET_S) * 1000;
  log(
    `detection: ${DETECT_RUNS} random runs${edge === undefined ? '' : ` + 1 edge run (${EDGE_OFFSET_S} s into the window)`}, ${DETECT_WINDOW} windows, grace ${grace}, ${fmt(RATE)} records/s live over ${PARTITIONS} partitions, ${DRIFT_FEATURE} × ${FACTOR} from T on`,
  );
  const runs: DetectionRun[] = [];
  for (let i = 0; i < DETECT_RUNS; i++) {
    const offsetMs = Math.floor(((i + Math.random()) / DETECT_RUNS) * DETECT_WINDOW_MS);
    runs.push(await detectionRun(i + 1, 'random', grace, baselineDir, offsetMs));
  }
  if (edge !== undefined) runs.push(await detectionRun(DETECT_RUNS + 1, 'edge', grace, baselineDir, edge));
  const latencies = runs.map((r) => r.latency_s);
  const ok = latencies.filter((l): l is number => l !== null);
  const randomLatencies = runs.filter((r) => r.kind === 'random').map((r) => r.latency_s);
  const target = (DETECT_WINDOW_MS + 2000) / 1000;
  return {
    window: DETECT_WINDOW,
    grace,
    max_latency_random_s: randomLatencies.every((l) => l !== null) && randomLatencies.length > 0 ? Math.max(...(randomLatencies as number[])) : null,
    rate_per_s: RATE,
    partitions: PARTITIONS,
    drift: { feature: DRIFT_FEATURE, factor: FACTOR },
    event_time: 'production time of each record, millisecond precision',
    poll_interval_ms: 100,
    latencies_s: latencies,
    max_latency_s: ok.length === latencies.length && ok.length > 0 ? Math.max(...ok) : null,
    target_max_latency_s: target,
    meets_target: ok.length === latencies.length && ok.length > 0 && Math.max(...ok) <= target,
    false_positives: runs.reduce((a, r) => a + r.false_positives.length, 0),
    runs,
  };
}

// ------------------------------------------------------------------------------------------------
// Main
// ------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  if (brokers.length === 0) {
    throw new Error('KAFKA_BROKERS is not set: scripts/services/services.sh status (install && up if needed), then eval "$(scripts/services/services.sh env)"');
  }
  const m = machine();
  log(`machine: ${m.cpu_model}, ${m.cores} cores, Node ${process.version}; brokers ${brokers.join(',')}`);
  const baselineDir = tempDir('baseline');
  await buildCaptureBaseline(baselineDir, SEED, 20_000);

  const result: BenchResult = {
    bench: 'kafka',
    date: new Date().toISOString(),
    machine: m,
    brokers: brokers.length,
    features: FEATURES.length,
    ...(MAIN_OVERRIDE ? { driftmon_main: MAIN_OVERRIDE } : {}),
    ...(AB_MAIN ? { ab_main: AB_MAIN } : {}),
  };
  if (!flag('skip-throughput')) {
    result.throughput = [];
    let profiled = false;
    for (const rate of EVENT_RATES) {
      const t = await throughput(baselineDir, rate, !profiled);
      profiled ||= t.profile !== undefined;
      result.throughput.push(t);
    }
  }
  if (!flag('skip-detection')) {
    result.detection = [];
    for (const grace of GRACES) result.detection.push(await detection(baselineDir, grace));
  }

  const dir = join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(dir, 'kafka-latest.json'), text);
  writeFileSync(join(dir, `kafka-${result.date.slice(0, 10)}.json`), text);
  process.stdout.write(summary(result));
}

interface BenchResult {
  bench: 'kafka';
  date: string;
  machine: ReturnType<typeof machine>;
  brokers: number;
  features: number;
  driftmon_main?: string;
  ab_main?: string;
  throughput?: ThroughputResult[];
  detection?: DetectionResult[];
}

function summary(result: BenchResult): string {
  const m = result.machine;
  const lines = ['', `driftmon kafka bench — ${m.cpu_model}, ${m.cores} cores, Node ${m.node} (broker on the same machine)`];
  for (const t of result.throughput ?? []) {
    const pf = t.prefill;
    lines.push(
      `— ${fmt(t.records_per_window)} records per 1m window (${fmt(t.event_rate_per_s)} records per second of event time)`,
      `prefill:   ${fmt(pf.records)} records × ${pf.avg_value_bytes} B, ${pf.partitions} partitions, ${pf.producers} producers: ${pf.seconds.toFixed(1)} s (${fmt(pf.records_per_s)} records/s)`,
      `driftmon:  ${fmt(t.driftmon_events_per_s)} events/s end-to-end (median of ${t.rounds}; ${fmt(t.driftmon_events_per_s_incl_startup)} incl. startup + group join)  target ≥ ${fmt(THROUGHPUT_TARGET)}: ${t.meets_target ? 'met' : 'NOT met'}`,
      `bare kafkajs consumer, same topic: ${fmt(t.bare_events_per_s)} events/s`,
      `ratio driftmon / bare: ${t.ratio_driftmon_to_bare} (per round ${t.ratio_per_round.join(', ')}; by CPU time per record ${t.ratio_cpu_time_per_record})`,
      ...t.parse_references.map(
        (p) =>
          `${p.consumer === 'parse-json' ? 'bare + JSON.parse of each value' : 'bare + JSON.parse + Number of each CSV field'}: ${fmt(p.events_per_s)} events/s (${p.ratio_to_bare} of bare); driftmon / it: ${p.ratio_driftmon_to_it} (per round ${p.ratio_driftmon_to_it_per_round.join(', ')})`,
      ),
      `window closes: ${t.windows_closed_per_run} per run, ${t.window_close_ms_avg ?? '–'} ms each, ${((t.window_close_share_of_steady_time ?? 0) * 100).toFixed(1)} % of the consuming time`,
    );
    if (t.ab) {
      lines.push(
        `A/B: ${t.ab.b_main}: ${fmt(t.ab.b_events_per_s)} events/s; b / driftmon ${t.ab.ratio_b_to_driftmon} (per round ${t.ab.ratio_b_to_driftmon_per_round.join(', ')}; by CPU time per record ${t.ab.ratio_b_to_driftmon_cpu_time})`,
      );
    }
    const prof = t.profile;
    if (prof) {
      lines.push(`profile (steady part only; ${fmt(prof.events_per_s_profiled)} events/s under --cpu-prof; ${prof.file ?? ''}), self time by area:`);
      for (const a of prof.by_area.slice(0, 10)) lines.push(`    ${(a.share * 100).toFixed(1).padStart(5)} %  ${a.area}`);
      lines.push('  top self time:');
      for (const f of prof.top_self.slice(0, 15)) lines.push(`    ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.function}  ${f.where}`);
    }
  }
  for (const d of result.detection ?? []) {
    const runs = d.runs;
    const s = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(2)} s`);
    lines.push(`detection (${d.window} windows, grace ${d.grace}, ${fmt(d.rate_per_s)} records/s over ${d.partitions} partitions, ${DRIFT_FEATURE} × ${FACTOR} from T; latency = first /metrics poll over the threshold − T):`);
    for (const r of runs) {
      lines.push(
        `    ${r.kind.padEnd(6)} T + ${r.offset_in_window_s.toFixed(2).padStart(5)} s into its window: ${r.latency_s === null ? 'NOT detected' : `${s(r.latency_s)} (window ${r.detected_window === 0 ? 'containing T' : 'after T'}; floor ${s(r.latency_floor_s)}, overhead ${s(r.overhead_s)})`}`,
      );
    }
    lines.push(
      `  max ${s(d.max_latency_random_s)} over the random runs, ${s(d.max_latency_s)} with the edge run; target ≤ ${d.target_max_latency_s} s: ${d.meets_target ? 'met' : 'NOT met'}; other features over threshold: ${d.false_positives === 0 ? 'none' : d.false_positives} (largest other feature's distance / threshold ${Math.max(...runs.map((r) => r.max_other_drift_ratio ?? 0)).toFixed(2)})`,
    );
  }
  lines.push('written to bench/results/kafka-latest.json', '');
  return lines.join('\n');
}

try {
  await main();
  await cleanup();
} catch (e) {
  if (!cleaner.interrupted) log(`kafka bench failed: ${(e as Error).stack ?? String(e)}`);
  await cleanup();
  process.exitCode = 1;
}
