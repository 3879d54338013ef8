/**
 * npm run bench — records/s of the whole pass (decode + sketch + window, with window closes and
 * evaluation) on 20-feature CSV capture lines, side by side with a JSON.parse-only pass over the
 * very same lines in the same process (the ratio is what we track: this machine is noisy), and
 * RSS from 1M to 10M records. Results: bench/results/pipeline-latest.json (+ a dated copy).
 *
 * Phase 1 (memory) streams TOTAL records through one pipeline, generated batch by batch outside
 * the timed sections, reading RSS every million. Phase 2 (speed) holds RATIO_RECORDS flat lines in
 * memory and times a JSON.parse-only pass and the whole pass over all of them in turn (which goes
 * first alternates), a forced GC (untimed) before each pass, ROUNDS rounds; the ratio reported is
 * the median of the per-round ratios (by wall clock, and by process CPU time).
 *
 *   npm run bench [-- --records N --ratio-records N --rounds N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Constraints, DatasetStatistics } from '../src/sagemaker/data-quality-model.js';
import { suggestConstraints } from '../src/baseline/suggest.js';
import type { MonitorSettings } from '../src/config/load.js';
import { DatasetProfile } from '../src/profile/dataset-profile.js';
import { MonitorPipeline } from '../src/monitors/data-quality/data-quality-monitor.js';
import { createDecoder } from '../src/record/create-decoder.js';
import { FeatureRegistry } from '../src/record/feature-registry.js';
import { quantileSketchFactory } from '../src/sketch/quantile-factory.js';
import { MemoryDeadLetterSink } from '../src/sink/dead-letter.js';
import { createMetrics } from '../src/observability/metrics.js';
import { asDataQualityReport, type ReportSink } from '../src/sink/report.js';
import type { RawBatch, Source } from '../src/source/source.js';
import { CaptureLineGenerator, FEATURES } from './support/capture-lines.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const TOTAL = arg('records', 10_000_000);
const RATIO_RECORDS = arg('ratio-records', 500_000);
const ROUNDS = arg('rounds', 7);
const CHUNK = 4096;

const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = (): number => {
  gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};

/** Reports are counted, not stored: the bench measures the pipeline, not a sink. */
class CountingSink implements ReportSink {
  windows = 0;
  violations = 0;
  async write(r: Parameters<ReportSink['write']>[0]): Promise<string> {
    this.windows++;
    this.violations += asDataQualityReport(r).violations.length;
    return 'counted';
  }
  async has(): Promise<boolean> {
    return false;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const noSource: Source = {
  description: 'bench',
  batches: async function* () {},
  close: async () => {},
};

function baselineFrom(gen: CaptureLineGenerator, rows: number): { statistics: DatasetStatistics; constraints: Constraints } {
  const registry = new FeatureRegistry();
  const decoder = createDecoder({ format: 'sagemaker-capture', outputs: [FEATURES[0] as string], inputs: FEATURES.slice(1) }, registry);
  const profile = new DatasetProfile(registry, { quantiles: quantileSketchFactory('kll') });
  for (const line of gen.lines(rows)) decoder.decode(line, (row) => profile.updateRow(row));
  const statistics = profile.toStatistics();
  return { statistics, constraints: suggestConstraints(statistics) };
}

function newPipeline(baseline: { statistics: DatasetStatistics; constraints: Constraints }, sink: CountingSink): MonitorPipeline {
  const settings: MonitorSettings = {
    name: 'bench',
    source: { type: 'stdin' },
    record: { format: 'sagemaker-capture', outputs: [FEATURES[0] as string], inputs: FEATURES.slice(1) },
    baseline: { statisticsPath: undefined, constraintsPath: '' },
    windowsMs: [60_000],
    graceMs: 5_000,
    maxFutureSkewMs: 3_600_000,
    quantileSketch: 'kll',
    maxFeatures: 1000,
    categoryCap: 1000,
    maxLineLength: 1 << 24,
    checkpointIntervalMs: 5_000,
    partitionIdleMs: 30_000,
    backoff: undefined,
  };
  return new MonitorPipeline({
    settings,
    baseline,
    source: noSource,
    reports: sink,
    deadLetters: new MemoryDeadLetterSink(),
    metrics: createMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const START = Date.UTC(2026, 0, 2);

async function main(): Promise<void> {
  // 1,000 records per second of event time: a 1-minute window holds 60,000 rows.
  const baseline = baselineFrom(new CaptureLineGenerator(7, Date.UTC(2026, 0, 1), 1000), 100_000);

  // Phase 1 — memory: one pipeline over TOTAL records, generated batch by batch (as a source
  // would hand them over), RSS read every million. Runs first, so nothing else inflates RSS.
  const sink = new CountingSink();
  const pipeline = newPipeline(baseline, sink);
  const gen = new CaptureLineGenerator(11, START, 1000);
  for (let w = 0; w < 50; w++) await pipeline.processBatch(batchOf(gen.chunk(CHUNK))); // JIT warm-up
  const rss: { records: number; rss_mb: number; heap_mb: number; array_buffers_mb: number }[] = [];
  let done = 0;
  let nextRss = 1_000_000;
  let streamNs = 0n;
  while (done < TOTAL) {
    const lines = gen.chunk(Math.min(CHUNK, TOTAL - done));
    const t = process.hrtime.bigint();
    await pipeline.processBatch(batchOf(lines));
    streamNs += process.hrtime.bigint() - t;
    done += lines.length;
    if (done >= nextRss || done === TOTAL) {
      nextRss += 1_000_000;
      const m = process.memoryUsage();
      const r = { records: done, rss_mb: Math.round(rssMb()), heap_mb: Math.round(m.heapUsed / 2 ** 20), array_buffers_mb: Math.round(m.arrayBuffers / 2 ** 20) };
      rss.push(r);
      process.stderr.write(`  ${done.toLocaleString('en-US')} records: RSS ${r.rss_mb} MB, heap ${r.heap_mb} MB\n`);
    }
  }
  const sustained = done / (Number(streamNs) / 1e9);

  // Phase 2 — speed against JSON.parse: the same RATIO_RECORDS flat lines held in memory, each
  // pass over all of them in turn, a forced (untimed) GC before each pass so neither pays for the
  // other's garbage, a fresh pipeline per round; medians over ROUNDS rounds.
  const lines = new CaptureLineGenerator(13, START, 1000).chunk(RATIO_RECORDS);
  let bytes = 0;
  for (const l of lines) bytes += l.length;
  let checksum = 0;
  const parseOnly = (): void => {
    for (let i = 0; i < lines.length; i++) {
      const o = JSON.parse(lines[i] as string) as { eventMetadata: { inferenceTime: string } };
      checksum += o.eventMetadata.inferenceTime.length;
    }
  };
  const wholePass = async (): Promise<void> => {
    const p = newPipeline(baseline, new CountingSink());
    for (let i = 0; i < lines.length; i += CHUNK) await p.processBatch(batchOf(lines.slice(i, i + CHUNK)));
  };
  /** Records/s of one pass by wall clock and by this process's CPU time (user + system). */
  const timed = async (f: () => void | Promise<void>): Promise<{ wall: number; cpu: number }> => {
    gc?.();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await f();
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    return { wall: lines.length / wallS, cpu: lines.length / ((c.user + c.system) / 1e6) };
  };
  const rounds: { parse: { wall: number; cpu: number }; whole: { wall: number; cpu: number } }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // alternate which pass goes first, so drift in machine speed hits both alike
    let parse: { wall: number; cpu: number };
    let whole: { wall: number; cpu: number };
    if (round % 2 === 0) {
      parse = await timed(parseOnly);
      whole = await timed(wholePass);
    } else {
      whole = await timed(wholePass);
      parse = await timed(parseOnly);
    }
    rounds.push({ parse, whole });
    process.stderr.write(
      `  round ${round + 1}: JSON.parse ${Math.round(parse.wall)} lines/s, whole pass ${Math.round(whole.wall)} records/s, ratio ${(whole.wall / parse.wall).toFixed(3)} (CPU time ${(whole.cpu / parse.cpu).toFixed(3)})\n`,
    );
  }
  const ratioPerRound = rounds.map((r) => r.whole.wall / r.parse.wall);
  const cpuRatioPerRound = rounds.map((r) => r.whole.cpu / r.parse.cpu);
  const parsePerS = median(rounds.map((r) => r.parse.wall));
  const wholePerS = median(rounds.map((r) => r.whole.wall));

  const rss1m = rss[0]?.rss_mb;
  const rssEnd = rss[rss.length - 1]?.rss_mb;
  const result = {
    bench: 'pipeline',
    date: new Date().toISOString(),
    node: process.version,
    machine: { platform: process.platform, arch: process.arch, cpus: cpus().length, cpu_model: cpus()[0]?.model },
    features: FEATURES.length,
    avg_line_bytes: Math.round(bytes / lines.length),
    ratio_records: lines.length,
    rounds: ROUNDS,
    whole_pass_records_per_s: Math.round(wholePerS),
    json_parse_only_lines_per_s: Math.round(parsePerS),
    ratio_whole_to_json_parse: Number(median(ratioPerRound).toFixed(3)),
    ratio_per_round: ratioPerRound.map((r) => Number(r.toFixed(3))),
    ratio_cpu_time: Number(median(cpuRatioPerRound).toFixed(3)),
    ratio_target: 1.0,
    sustained_records_per_s: Math.round(sustained),
    records_total: done,
    windows_closed: sink.windows,
    rss_mb: rss,
    rss_growth_1m_to_end: rss1m && rssEnd ? Number((rssEnd / rss1m - 1).toFixed(3)) : null,
    rss_growth_target: 0.1,
    checksum: checksum % 1000,
  };
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = join(here, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(dir, 'pipeline-latest.json'), text);
  writeFileSync(join(dir, `pipeline-${result.date.slice(0, 10)}.json`), text);
  const fmt = (n: number): string => n.toLocaleString('en-US');
  process.stdout.write(
    [
      `whole pass (decode + sketch + window):  ${fmt(result.whole_pass_records_per_s)} records/s  (median of ${ROUNDS} passes over ${fmt(lines.length)} lines)`,
      `JSON.parse only, same lines:            ${fmt(result.json_parse_only_lines_per_s)} lines/s`,
      `ratio whole / JSON.parse:               ${result.ratio_whole_to_json_parse} (median of per-round ratios; target ≥ 1.0; by CPU time ${result.ratio_cpu_time})`,
      `sustained over ${fmt(done)} records:   ${fmt(result.sustained_records_per_s)} records/s, ${sink.windows} windows closed`,
      `RSS: ${rss.map((r) => `${(r.records / 1e6).toFixed(1)}M → ${r.rss_mb} MB`).join(', ')}`,
      `RSS growth 1M → ${done / 1e6}M: ${((result.rss_growth_1m_to_end ?? 0) * 100).toFixed(1)} % (target ≤ 10 %)`,
      'written to bench/results/pipeline-latest.json',
      '',
    ].join('\n'),
  );
}

function batchOf(records: string[]): RawBatch {
  return { records, origin: (k) => `bench:${k}` };
}

await main();
