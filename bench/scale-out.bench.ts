/**
 * npm run bench:scale-out — what scale-out (docs/scale-out.md) costs and gives, against a real
 * broker (KAFKA_BROKERS from `eval "$(scripts/services/services.sh env)"`; the script builds dist/
 * first when it is stale). Results: bench/results/scale-out-latest.json (+ a dated copy). Stops by
 * itself; on any exit (also Ctrl-C) it stops its child processes and deletes its topics.
 *
 * A fresh topic (PARTITIONS partitions) is prefilled once with RECORDS 20-feature capture lines
 * (CaptureLineGenerator, EVENT_RATE records per second of event time: ~60,000 rows per 1-minute
 * window; record k to partition k % PARTITIONS; bench/support/prefill.ts). Then, ROUNDS times, three
 * configurations read the whole topic from the beginning, in an order rotated from round to round,
 * each in a fresh consumer group (and, scaled out, a fresh partials topic), after the machine has gone quiet (waitQuiet: the broker shares the 2 cores):
 *   a. one `driftmon run`, scale-out off (the default path; default checkpoint interval);
 *   b. one `driftmon run`, `source.scaleOut` on, checkpointInterval 1s: a 1-member group, so the
 *      per-partition transactions, the partial exchange through the partials topic and the owner's
 *      merge all run in the one process;
 *   c. two `driftmon run` processes with b's config: 2 members of one group (started together).
 * 1-minute windows, grace 5s, back-off sampling off (every record decoded and windowed). Every
 * process's GET /metrics is read every 250 ms. Events/s = records (driftmon_records_total, summed
 * over the processes) between the first sample that saw any and the first that saw all, over the
 * time between the two (start-up and group join left out; for c the second member's join and the
 * rebalance are inside it, as they would be in production). CPU seconds = the growth of
 * driftmon_process_process_cpu_seconds_total (prom-client's, read at scrape time), summed over the
 * processes, between the same two samples; CPU µs/record divides it by the records in between.
 * Peak RSS = VmHWM of /proc/<pid>/status at the end. The cost of the partial exchange per record is
 * µs/record of b minus that of a. After all records are consumed the bench waits until every window
 * that can close (end + grace ≤ the smallest partition's last event time) is in the report index
 * and checks each is there once with its exact row count, and that no other window is reported;
 * a run that fails this fails the bench (a bench of a wrong run is worthless). Bytes written to the
 * partials topic = keys + values of all its records (read back uncommitted after the run, outside
 * the timed part), per input record. Ratios are per round, then the median over rounds: this
 * machine is noisy, and on 2 cores shared with the broker two members cannot scale linearly.
 *
 *   npm run bench:scale-out [-- --records N --partitions N --rounds N --event-rate N --keep]
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import { sumMetric } from '../test/support/driftmon-process.js';
import { kafkaClient, uniqueTopic } from '../test/support/kafka.js';
import { buildCaptureBaseline, writeKafkaConfig } from '../test/support/kafka-monitor.js';
import { REPO } from '../test/support/cli.js';
import { BenchCleanup, benchArgs, busyShare, cpuTicks, fmt, log, machine, median, round3, stopChild, waitQuiet, type Sample } from './support/bench-kit.js';
import { DriftmonChild } from './support/driftmon-child.js';
import { prefill, type PrefillResult } from './support/prefill.js';

const { flag, num } = benchArgs(process.argv.slice(2));
const RECORDS = num('records', 1_000_000);
const PARTITIONS = num('partitions', 4);
const ROUNDS = num('rounds', 3);
const EVENT_RATE = num('event-rate', 1000);
const KEEP = flag('keep');
const PRODUCERS = 2;
const WINDOW = '1m';
const WINDOW_MS = 60_000;
const GRACE = '5s';
const GRACE_MS = 5_000;
const CHECKPOINT = '1s';
const SEED = 11; // buildCaptureBaseline's default seed: the stream matches the baseline
const EVENT_START = Date.UTC(2026, 0, 2);
/** How long a run waits for the machine to go quiet before measuring anyway (the lead's tests share it). */
const QUIET_WAIT_MS = 45_000;

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
const cleaner = new BenchCleanup(brokers, KEEP, 'scale-out-bench');

type Config = 'a' | 'b' | 'c';
const CONFIGS: Record<Config, { label: string; processes: number; scaleOut: boolean }> = {
  a: { label: '1 process, scale-out off', processes: 1, scaleOut: false },
  b: { label: '1 process, scale-out on', processes: 1, scaleOut: true },
  c: { label: '2 processes, scale-out on', processes: 2, scaleOut: true },
};

// ------------------------------------------------------------------------------------------------
// The windows a correct run reports
// ------------------------------------------------------------------------------------------------
/** Window start (ms) → exact row count, for every window that closes: end + grace ≤ the watermark. */
function expectedWindows(): Map<number, number> {
  const timeOf = (k: number): number => EVENT_START + Math.floor(k / EVENT_RATE) * 1000;
  // each partition's last record; the watermark is the smallest of their times
  const lastTimes = Array.from({ length: Math.min(PARTITIONS, RECORDS) }, (_v, p) => timeOf(p + Math.floor((RECORDS - 1 - p) / PARTITIONS) * PARTITIONS));
  const watermark = Math.min(...lastTimes);
  const out = new Map<number, number>();
  for (let start = EVENT_START; start + WINDOW_MS + GRACE_MS <= watermark; start += WINDOW_MS) out.set(start, windowRows(start));
  return out;
}

/** Rows of the prefill whose event time falls in the window starting at `start`. */
function windowRows(start: number): number {
  const first = Math.max(0, ((start - EVENT_START) / 1000) * EVENT_RATE);
  const end = Math.min(RECORDS, ((start + WINDOW_MS - EVENT_START) / 1000) * EVENT_RATE);
  return Math.max(0, end - first);
}

interface IndexLine {
  window_start: string;
  item_count: number;
  path: string;
}

function readIndex(outDir: string): IndexLine[] {
  const file = join(outDir, 'model', 'index.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as IndexLine);
}

/** What is wrong with the reported windows (empty: every closable window once, exact; nothing else). */
function wrongWindows(expected: Map<number, number>, index: IndexLine[]): string[] {
  const problems: string[] = [];
  const seen = new Map<number, number>();
  for (const l of index) {
    const start = Date.parse(l.window_start);
    seen.set(start, (seen.get(start) ?? 0) + 1);
    const want = expected.get(start);
    if (want === undefined) problems.push(`${l.window_start}: reported (${l.item_count} rows) but cannot close yet`);
    else if (l.item_count !== want) problems.push(`${l.window_start}: ${l.item_count} rows, expected ${want}`);
  }
  for (const [start, n] of seen) if (n > 1) problems.push(`${new Date(start).toISOString()}: reported ${n} times`);
  for (const start of expected.keys()) if (!seen.has(start)) problems.push(`${new Date(start).toISOString()}: never reported`);
  return problems;
}

// ------------------------------------------------------------------------------------------------
// One run of one configuration
// ------------------------------------------------------------------------------------------------
interface ProcessStats {
  records_total: number;
  kafka_messages_consumed_total: number;
  windows_closed_total: number;
  rows_late_total: number;
  records_invalid_total: number;
  checkpoints_total: number;
  cpu_s_total: number;
  cpu_s_steady: number;
  peak_rss_mb: number;
  /** pino lines at warn or above (level ≥ 40), and the first few of them. */
  warn_or_error_lines: number;
  first_warnings: string[];
}

interface Run {
  config: Config;
  round: number;
  processes: number;
  events_per_s: number;
  events_per_s_incl_startup: number;
  seconds_startup: number;
  seconds_steady: number;
  /** Start of the processes to the first sample that saw all records. */
  seconds_to_all_consumed: number;
  /** From the sample that saw all records to the moment every closable window was in the index. */
  seconds_all_consumed_to_reported: number;
  cpu_s_steady: number;
  cpu_us_per_record: number;
  peak_rss_mb_max: number;
  peak_rss_mb_sum: number;
  records_total_sum: number;
  windows_reported: number;
  partials?: { topic: string; records: number; bytes: number; bytes_per_input_record: number; end_offsets_sum: number };
  machine_busy_before: number;
  machine_busy_share_steady: number;
  per_process: ProcessStats[];
}

/** Peak resident set (VmHWM) of a live process, MiB. */
function peakRssMb(pid: number | undefined): number {
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

/** Count driftmon's warn/error log lines (pino JSON on stderr) as they come. */
function watchLog(p: DriftmonChild): { count: number; first: string[] } {
  const seen = { count: 0, first: [] as string[] };
  let buf = '';
  p.child.stderr?.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!/"level":(4|5|6)0\b/.test(line)) continue;
      seen.count++;
      if (seen.first.length < 5) seen.first.push(line.slice(0, 600));
    }
  });
  return seen;
}

async function runConfig(config: Config, round: number, topic: string, baselineDir: string, expected: Map<number, number>): Promise<Run> {
  const spec = CONFIGS[config];
  const dir = cleaner.tempDir(`${config}-${round}`);
  cpSync(join(baselineDir, 'baseline'), join(dir, 'baseline'), { recursive: true });
  const partialsTopic = spec.scaleOut ? uniqueTopic('bench-scale-out-partials') : undefined;
  const scaleOut = partialsTopic === undefined ? {} : { scaleOut: { partialsTopic } };
  if (partialsTopic !== undefined) cleaner.topics.add(partialsTopic);
  const configFile = writeKafkaConfig({
    dir,
    brokers,
    topic,
    windows: [WINDOW],
    grace: GRACE,
    source: { fromBeginning: true, groupId: uniqueTopic(`bench-scale-out-${config}`), ...scaleOut },
    monitorExtra: { backoff: { enabled: false }, ...(spec.scaleOut ? { checkpointInterval: CHECKPOINT } : {}) },
  });
  const before = await waitQuiet(0.25, QUIET_WAIT_MS);
  const t0 = Date.now();
  const procs = await Promise.all(Array.from({ length: spec.processes }, () => DriftmonChild.start(configFile)));
  for (const p of procs) cleaner.track(p.child);
  const logs = procs.map(watchLog);
  const samples: Sample[] = [];
  let texts: string[] = [];
  let cpuFirst: number[] | undefined;
  let cFirst: ReturnType<typeof cpuTicks> | undefined;
  let cpuLast: number[] = [];
  let cLast: ReturnType<typeof cpuTicks> | undefined;
  const deadline = Date.now() + 20 * 60_000;
  const stopAll = async (): Promise<void> => void (await Promise.all(procs.map((p) => stopChild(p.child))));
  try {
    for (;;) {
      const tick = sleep(250);
      texts = await Promise.all(procs.map((p) => p.metricsText()));
      const t = Date.now();
      const n = texts.reduce((a, x) => a + sumMetric(x, 'driftmon_records_total'), 0);
      samples.push({ t, n });
      const cpu = texts.map((x) => sumMetric(x, 'driftmon_process_process_cpu_seconds_total'));
      if (n > 0 && cpuFirst === undefined) {
        cpuFirst = cpu;
        cFirst = cpuTicks();
      }
      if (n >= RECORDS) {
        cpuLast = cpu;
        cLast = cpuTicks();
        break;
      }
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`driftmon exited (${p.child.exitCode}):\n${p.stderr.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`${spec.label}: the topic was not consumed within 20 minutes (${n} records)`);
      await tick;
    }
    // correctness: every window that can close is reported once, exactly
    const consumedAt = Date.now();
    let problems = wrongWindows(expected, readIndex(join(dir, 'out')));
    while (problems.length > 0 && Date.now() - consumedAt < 120_000) {
      await sleep(250);
      problems = wrongWindows(expected, readIndex(join(dir, 'out')));
      // a window reported wrongly, or twice, will not get right by waiting
      if (problems.some((x) => !x.endsWith('never reported'))) break;
    }
    const reportedAt = Date.now();
    await sleep(2_000); // nothing may be reported twice afterwards either
    problems = wrongWindows(expected, readIndex(join(dir, 'out')));
    texts = await Promise.all(procs.map((p) => p.metricsText()));
    const perProcess: ProcessStats[] = procs.map((p, i) => {
      const x = texts[i] as string;
      return {
        records_total: sumMetric(x, 'driftmon_records_total'),
        kafka_messages_consumed_total: sumMetric(x, 'driftmon_kafka_messages_consumed_total', { topic }),
        windows_closed_total: sumMetric(x, 'driftmon_windows_closed_total'),
        rows_late_total: sumMetric(x, 'driftmon_rows_late_total'),
        records_invalid_total: sumMetric(x, 'driftmon_records_invalid_total'),
        checkpoints_total: sumMetric(x, 'driftmon_checkpoints_total'),
        cpu_s_total: round3(sumMetric(x, 'driftmon_process_process_cpu_seconds_total')),
        cpu_s_steady: round3((cpuLast[i] ?? 0) - (cpuFirst?.[i] ?? 0)),
        peak_rss_mb: peakRssMb(p.child.pid),
        warn_or_error_lines: logs[i]?.count ?? 0,
        first_warnings: logs[i]?.first ?? [],
      };
    });
    const recordsSum = perProcess.reduce((a, s) => a + s.records_total, 0);
    const closedSum = perProcess.reduce((a, s) => a + s.windows_closed_total, 0);
    const reported = readIndex(join(dir, 'out')).length;
    if (closedSum !== reported) problems.push(`driftmon_windows_closed_total sums to ${closedSum}, the index has ${reported} reports`);
    // more than the topic is not wrong in itself (a partition taken over mid-interval is read again
    // from its committed offset); the reports above are what must be exact
    if (recordsSum < RECORDS) problems.push(`driftmon_records_total sums to ${recordsSum}, the topic has ${RECORDS}`);
    if (recordsSum > RECORDS) log(`  note: driftmon_records_total sums to ${fmt(recordsSum)}: ${fmt(recordsSum - RECORDS)} records were read twice`);
    await stopAll();
    if (problems.length > 0) throw new Error(`${spec.label}, round ${round}: the run is wrong (logs in ${dir}):\n  ${problems.join('\n  ')}\n${procs.map((p) => p.stderr.slice(-2000)).join('\n----\n')}`);

    const first = samples.find((s) => s.n > 0) as Sample;
    const last = samples[samples.length - 1] as Sample;
    const steadyS = (last.t - first.t) / 1000;
    const cpuSteady = perProcess.reduce((a, s) => a + s.cpu_s_steady, 0);
    const run: Run = {
      config,
      round,
      processes: spec.processes,
      events_per_s: Math.round((RECORDS - first.n) / steadyS),
      events_per_s_incl_startup: Math.round(RECORDS / ((last.t - t0) / 1000)),
      seconds_startup: round3((first.t - t0) / 1000),
      seconds_steady: round3(steadyS),
      seconds_to_all_consumed: round3((last.t - t0) / 1000),
      seconds_all_consumed_to_reported: round3((reportedAt - last.t) / 1000),
      cpu_s_steady: round3(cpuSteady),
      cpu_us_per_record: round3((cpuSteady / (RECORDS - first.n)) * 1e6),
      peak_rss_mb_max: Math.max(...perProcess.map((s) => s.peak_rss_mb)),
      peak_rss_mb_sum: perProcess.reduce((a, s) => a + s.peak_rss_mb, 0),
      records_total_sum: recordsSum,
      windows_reported: reported,
      machine_busy_before: before,
      machine_busy_share_steady: cFirst && cLast ? round3(busyShare(cFirst, cLast)) : Number.NaN,
      per_process: perProcess,
    };
    if (partialsTopic !== undefined) run.partials = await partialsSize(partialsTopic);
    await cleaner.deleteTopics(partialsTopic === undefined ? [] : [partialsTopic]);
    return run;
  } finally {
    await stopAll();
  }
}

/**
 * Keys + values of every record in the partials topic (committed or aborted: read uncommitted), by
 * a throwaway consumer after the run. Stops when it has read up to every partition's end offset
 * (the last offsets may be transaction markers, which are never delivered) or 3 s passed without a
 * batch.
 */
async function partialsSize(topic: string): Promise<NonNullable<Run['partials']>> {
  const kafka = kafkaClient(brokers, 'scale-out-bench-partials');
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  await admin.disconnect();
  const endSum = [...ends.values()].reduce((a, b) => a + b, 0);
  const consumer = kafka.consumer({ groupId: uniqueTopic('bench-partials-size'), readUncommitted: true, maxBytesPerPartition: 64 * 2 ** 20, maxBytes: 128 * 2 ** 20, maxWaitTimeInMs: 200 });
  let records = 0;
  let bytes = 0;
  const next = new Map<number, number>();
  let lastBatch = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        lastBatch = Date.now();
        for (const m of batch.messages) {
          records++;
          bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
          next.set(batch.partition, Number(m.offset) + 1);
        }
      },
    });
    const deadline = Date.now() + 60_000;
    const caughtUp = (): boolean => [...ends].every(([p, end]) => end === 0 || (next.get(p) ?? 0) >= end - 1);
    // before the first batch the wait is the group join's, not idleness
    while (!caughtUp() && (records === 0 || Date.now() - lastBatch < 3_000) && Date.now() < deadline) await sleep(100);
  } finally {
    await consumer.disconnect();
  }
  return { topic, records, bytes, bytes_per_input_record: round3(bytes / RECORDS), end_offsets_sum: endSum };
}

// ------------------------------------------------------------------------------------------------
// Main
// ------------------------------------------------------------------------------------------------
interface Result {
  bench: 'scale-out';
  date: string;
  commit: string;
  machine: ReturnType<typeof machine> & { note: string; load_average_at_start: number[] };
  prefill: PrefillResult;
  event_rate_per_s: number;
  window: string;
  grace: string;
  checkpoint_interval_scaled_out: string;
  configurations: Record<Config, string>;
  rounds: number;
  windows_per_run: number;
  events_per_s: Record<Config, number>;
  cpu_us_per_record: Record<Config, number>;
  /** Largest process's peak RSS, and the sum over the processes (c has two). */
  peak_rss_mb: Record<Config, number>;
  peak_rss_mb_sum: Record<Config, number>;
  /** Process start to the first sample that saw every record (start-up and group join included). */
  seconds_to_all_consumed: Record<Config, number>;
  /** driftmon_records_total summed over the processes − RECORDS: rows read again after a rebalance. */
  records_read_twice: Record<Config, number[]>;
  ratio_b_to_a: number;
  ratio_c_to_b: number;
  ratio_c_to_a: number;
  ratios_per_round: { round: number; b_to_a: number; c_to_b: number; c_to_a: number; partial_exchange_us_per_record: number }[];
  /** µs/record of b − of a: the CPU the partial exchange, transactions and owner merge add. */
  partial_exchange_cpu_us_per_record: number;
  partials_bytes_per_input_record: Record<'b' | 'c', number | null>;
  seconds_all_consumed_to_reported: Record<Config, number>;
  warn_or_error_log_lines: Record<Config, number>;
  runs: Run[];
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  if (brokers.length === 0) {
    throw new Error('KAFKA_BROKERS is not set: scripts/services/services.sh status (install && up if needed), then eval "$(scripts/services/services.sh env)"');
  }
  const m = machine();
  const load = loadavg().map((x) => Number(x.toFixed(2)));
  const note = `${m.cores} cores; the Kafka broker runs on this machine and shares them; load average at start ${load.join(', ')}`;
  log(`machine: ${m.cpu_model}, ${note}; Node ${process.version}; brokers ${brokers.join(',')}`);
  const baselineDir = cleaner.tempDir('baseline');
  await buildCaptureBaseline(baselineDir, SEED, 20_000);
  const expected = expectedWindows();

  const topic = uniqueTopic('bench-scale-out');
  log(`prefill: ${fmt(RECORDS)} records into ${topic} (${PARTITIONS} partitions; ${fmt(EVENT_RATE)} records per second of event time, ${fmt(EVENT_RATE * 60)} per 1m window; ${expected.size} windows can close)`);
  const pf = await prefill({ brokers, topic, partitions: PARTITIONS, records: RECORDS, producers: PRODUCERS, eventRate: EVENT_RATE, seed: SEED, startMs: EVENT_START }, cleaner);
  log(`  ${fmt(pf.records)} records (${(pf.bytes / 2 ** 20).toFixed(0)} MiB) in ${pf.seconds.toFixed(1)} s`);

  const runs: Run[] = [];
  const perRound: Result['ratios_per_round'] = [];
  const order: Config[] = ['a', 'b', 'c'];
  for (let round = 1; round <= ROUNDS; round++) {
    // rotate the order from round to round, so drift in machine speed hits every configuration alike
    const got: Partial<Record<Config, Run>> = {};
    for (let i = 0; i < order.length; i++) {
      const config = order[(i + round - 1) % order.length] as Config;
      const r = await runConfig(config, round, topic, baselineDir, expected);
      got[config] = r;
      runs.push(r);
      log(
        `  round ${round} ${config} (${CONFIGS[config].label.padEnd(25)}) ${fmt(r.events_per_s).padStart(8)} events/s steady (${r.seconds_steady.toFixed(1)} s; startup ${r.seconds_startup.toFixed(1)} s), ${r.cpu_us_per_record.toFixed(2)} µs CPU/record, peak RSS ${r.peak_rss_mb_max} MiB, reported ${r.seconds_all_consumed_to_reported.toFixed(1)} s after the last record${r.partials ? `, partials ${r.partials.bytes_per_input_record} B/record` : ''}${r.processes > 1 ? `, records by process ${r.per_process.map((p) => fmt(p.records_total)).join(' / ')}` : ''}, busy ${(r.machine_busy_share_steady * 100).toFixed(0)} %`,
      );
    }
    const [a, b, c] = [got.a, got.b, got.c] as [Run, Run, Run];
    perRound.push({
      round,
      b_to_a: round3(b.events_per_s / a.events_per_s),
      c_to_b: round3(c.events_per_s / b.events_per_s),
      c_to_a: round3(c.events_per_s / a.events_per_s),
      partial_exchange_us_per_record: round3(b.cpu_us_per_record - a.cpu_us_per_record),
    });
  }
  await cleaner.deleteTopics([topic]);

  const of = (c: Config): Run[] => runs.filter((r) => r.config === c);
  const med = (c: Config, f: (r: Run) => number): number => round3(median(of(c).map(f)));
  const perConfig = <T>(f: (c: Config) => T): Record<Config, T> => ({ a: f('a'), b: f('b'), c: f('c') });
  const bytesPerRecord = (c: Config): number | null => (of(c).every((r) => r.partials) ? round3(median(of(c).map((r) => r.partials?.bytes_per_input_record ?? 0))) : null);
  const result: Result = {
    bench: 'scale-out',
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: { ...m, note, load_average_at_start: load },
    prefill: pf,
    event_rate_per_s: EVENT_RATE,
    window: WINDOW,
    grace: GRACE,
    checkpoint_interval_scaled_out: CHECKPOINT,
    configurations: perConfig((c) => CONFIGS[c].label),
    rounds: ROUNDS,
    windows_per_run: expected.size,
    events_per_s: perConfig((c) => Math.round(median(of(c).map((r) => r.events_per_s)))),
    cpu_us_per_record: perConfig((c) => med(c, (r) => r.cpu_us_per_record)),
    peak_rss_mb: perConfig((c) => med(c, (r) => r.peak_rss_mb_max)),
    peak_rss_mb_sum: perConfig((c) => med(c, (r) => r.peak_rss_mb_sum)),
    seconds_to_all_consumed: perConfig((c) => med(c, (r) => r.seconds_to_all_consumed)),
    records_read_twice: perConfig((c) => of(c).map((r) => r.records_total_sum - RECORDS)),
    ratio_b_to_a: round3(median(perRound.map((r) => r.b_to_a))),
    ratio_c_to_b: round3(median(perRound.map((r) => r.c_to_b))),
    ratio_c_to_a: round3(median(perRound.map((r) => r.c_to_a))),
    ratios_per_round: perRound,
    partial_exchange_cpu_us_per_record: round3(median(perRound.map((r) => r.partial_exchange_us_per_record))),
    partials_bytes_per_input_record: { b: bytesPerRecord('b'), c: bytesPerRecord('c') },
    seconds_all_consumed_to_reported: perConfig((c) => med(c, (r) => r.seconds_all_consumed_to_reported)),
    warn_or_error_log_lines: perConfig((c) => of(c).reduce((a, r) => a + r.per_process.reduce((x, p) => x + p.warn_or_error_lines, 0), 0)),
    runs,
  };
  const dir = join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(dir, 'scale-out-latest.json'), text);
  writeFileSync(join(dir, `scale-out-${result.date.slice(0, 10)}.json`), text);
  process.stdout.write(summary(result));
}

function summary(r: Result): string {
  const m = r.machine;
  const row = (c: Config): string =>
    `  ${c}. ${CONFIGS[c].label.padEnd(26)} ${fmt(r.events_per_s[c]).padStart(8)} events/s  ${r.cpu_us_per_record[c].toFixed(2).padStart(6)} µs CPU/record  all consumed after ${r.seconds_to_all_consumed[c].toFixed(1)} s  peak RSS ${r.peak_rss_mb[c]} MiB${CONFIGS[c].processes > 1 ? ` (largest process; ${r.peak_rss_mb_sum[c]} both)` : ''}  windows reported ${r.seconds_all_consumed_to_reported[c].toFixed(1)} s after the last record`;
  return [
    '',
    `driftmon scale-out bench — ${m.cpu_model}, ${m.note}; Node ${m.node}; commit ${r.commit}`,
    `${fmt(r.prefill.records)} records, ${r.prefill.partitions} partitions, ${fmt(r.event_rate_per_s)} records/s of event time, ${r.window} windows (${r.windows_per_run} reported per run, every one checked exact), ${r.rounds} rounds (medians):`,
    row('a'),
    row('b'),
    row('c'),
    `ratio b/a ${r.ratio_b_to_a} (the scale-out path in one process), c/b ${r.ratio_c_to_b}, c/a ${r.ratio_c_to_a} (a second member on 2 cores shared with the broker); per round: ${r.ratios_per_round.map((x) => `${x.b_to_a}/${x.c_to_b}/${x.c_to_a}`).join(', ')}`,
    `partial exchange CPU: ${r.partial_exchange_cpu_us_per_record} µs per record (b − a); partials topic: ${r.partials_bytes_per_input_record.b ?? '–'} B per input record (b), ${r.partials_bytes_per_input_record.c ?? '–'} (c)`,
    `records read twice (driftmon_records_total over the topic's count; the reports stay exact): c ${r.records_read_twice.c.map(fmt).join(', ')}`,
    `driftmon warn/error log lines: a ${r.warn_or_error_log_lines.a}, b ${r.warn_or_error_log_lines.b}, c ${r.warn_or_error_log_lines.c}`,
    'written to bench/results/scale-out-latest.json',
    '',
  ].join('\n');
}

try {
  await main();
  await cleaner.cleanup();
} catch (e) {
  if (!cleaner.interrupted) log(`scale-out bench failed: ${(e as Error).stack ?? String(e)}`);
  await cleaner.cleanup();
  process.exitCode = 1;
}
