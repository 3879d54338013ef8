/**
 * npm run bench — records/s of the whole pass (decode + sketch + window, with window closes and
 * evaluation) on 20-feature CSV capture lines, side by side with a JSON.parse-only pass over the
 * very same lines in the same process (the ratio is what we track: this machine is noisy), and
 * RSS from 1M to 10M records. Results: bench/results/pipeline-latest.json (+ a dated copy).
 *
 * Lines are generated in chunks outside the timed sections; the two passes alternate order per
 * chunk so drift in machine speed hits both alike.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Constraints, DatasetStatistics } from '../src/baseline/model.js';
import { suggestConstraints } from '../src/baseline/suggest.js';
import type { MonitorSettings } from '../src/config/load.js';
import { DatasetProfile } from '../src/profile/dataset-profile.js';
import { MonitorPipeline } from '../src/pipeline/monitor-pipeline.js';
import { createDecoder } from '../src/record/decoder.js';
import { FeatureRegistry } from '../src/record/feature-registry.js';
import { quantileSketchFactory } from '../src/sketch/quantile-factory.js';
import { MemoryDeadLetterSink } from '../src/sink/dead-letter.js';
import { createMetrics } from '../src/sink/metrics.js';
import type { ReportSink } from '../src/sink/report.js';
import type { RawBatch, Source } from '../src/source/source.js';
import { CaptureLineGenerator, FEATURES } from './support/capture-lines.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const TOTAL = arg('records', 10_000_000);
const RATIO_RECORDS = Math.min(TOTAL, arg('ratio-records', 1_000_000));
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
    this.violations += r.violations.length;
    return 'counted';
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

async function main(): Promise<void> {
  const settings: MonitorSettings = {
    name: 'bench',
    source: { type: 'stdin' },
    record: { format: 'sagemaker-capture', outputs: [FEATURES[0] as string], inputs: FEATURES.slice(1) },
    baseline: { statisticsPath: undefined, constraintsPath: '' },
    windowsMs: [60_000],
    graceMs: 5_000,
    quantileSketch: 'kll',
    maxFeatures: 1000,
    categoryCap: 1000,
  };
  // 1,000 records per second of event time: a 1-minute window holds 60,000 rows.
  const baselineGen = new CaptureLineGenerator(7, Date.UTC(2026, 0, 1), 1000);
  const baseline = baselineFrom(baselineGen, 100_000);
  const sink = new CountingSink();
  const pipeline = new MonitorPipeline({
    settings,
    baseline,
    source: noSource,
    reports: sink,
    deadLetters: new MemoryDeadLetterSink(),
    metrics: createMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
  });

  const gen = new CaptureLineGenerator(11, Date.UTC(2026, 0, 2), 1000);
  let sinkSum = 0;
  const parseOnly = (lines: string[]): void => {
    for (let i = 0; i < lines.length; i++) {
      const o = JSON.parse(lines[i] as string) as { eventMetadata: { inferenceTime: string } };
      sinkSum += o.eventMetadata.inferenceTime.length;
    }
  };
  const whole = async (records: string[]): Promise<void> => {
    const batch: RawBatch = { records, origin: (k) => `bench:${k}` };
    await pipeline.processBatch(batch);
  };

  // warm-up chunk (not timed) for both passes
  const warm = gen.chunk(CHUNK);
  for (let w = 0; w < 50; w++) await whole(gen.chunk(CHUNK)); // JIT warm-up of the whole pass
  parseOnly(warm);
  await whole(warm);
  let done = CHUNK;

  let parseNs = 0n;
  let wholeNs = 0n;
  let ratioRecords = 0;
  let wholeRecordsTimed = 0;
  let bytes = 0;
  const rss: { records: number; rss_mb: number }[] = [];
  let k = 0;
  let nextRss = 1_000_000;
  while (done < TOTAL) {
    const n = Math.min(CHUNK, TOTAL - done);
    const lines = gen.chunk(n);
    if (ratioRecords < RATIO_RECORDS) {
      for (const l of lines) bytes += l.length;
      const first = k++ % 2 === 0;
      const timeParse = (): void => {
        const t = process.hrtime.bigint();
        parseOnly(lines);
        parseNs += process.hrtime.bigint() - t;
      };
      if (first) timeParse();
      const t = process.hrtime.bigint();
      await whole(lines);
      wholeNs += process.hrtime.bigint() - t;
      if (!first) timeParse();
      ratioRecords += n;
      wholeRecordsTimed += n;
    } else {
      const t = process.hrtime.bigint();
      await whole(lines);
      wholeNs += process.hrtime.bigint() - t;
      wholeRecordsTimed += n;
    }
    done += n;
    if (done >= nextRss || done === TOTAL) {
      nextRss += TOTAL >= 5_000_000 ? 1_000_000 : 500_000;
      const r = { records: done, rss_mb: Math.round(rssMb()), heap_mb: Math.round(process.memoryUsage().heapUsed / 2 ** 20), external_mb: Math.round(process.memoryUsage().arrayBuffers / 2 ** 20) };
      rss.push(r);
      process.stderr.write(`  ${done.toLocaleString('en-US')} records, RSS ${r.rss_mb} MB, heap ${r.heap_mb} MB, array buffers ${r.external_mb} MB\n`);
    }
  }

  const parsePerS = ratioRecords / (Number(parseNs) / 1e9);
  const wholePerS = wholeRecordsTimed / (Number(wholeNs) / 1e9);
  const rss1m = rss.find((r) => r.records >= 1_000_000)?.rss_mb;
  const rssEnd = rss[rss.length - 1]?.rss_mb;
  const result = {
    bench: 'pipeline',
    date: new Date().toISOString(),
    node: process.version,
    machine: { platform: process.platform, arch: process.arch, cpus: (await import('node:os')).cpus().length },
    features: FEATURES.length,
    avg_line_bytes: Math.round(bytes / Math.max(1, ratioRecords)),
    records_total: done,
    windows_closed: sink.windows,
    whole_pass_records_per_s: Math.round(wholePerS),
    json_parse_only_lines_per_s: Math.round(parsePerS),
    ratio_whole_to_json_parse: Number((wholePerS / parsePerS).toFixed(3)),
    ratio_target: 1.0,
    rss_mb: rss,
    rss_growth_1m_to_end: rss1m && rssEnd ? Number((rssEnd / rss1m - 1).toFixed(3)) : null,
    rss_growth_target: 0.1,
    checksum: sinkSum % 1000,
  };
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = join(here, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(dir, 'pipeline-latest.json'), text);
  writeFileSync(join(dir, `pipeline-${result.date.slice(0, 10)}.json`), text);
  process.stdout.write(
    [
      `whole pass (decode + sketch + window):  ${result.whole_pass_records_per_s.toLocaleString('en-US')} records/s`,
      `JSON.parse only, same lines:            ${result.json_parse_only_lines_per_s.toLocaleString('en-US')} lines/s`,
      `ratio whole / JSON.parse:               ${result.ratio_whole_to_json_parse} (target ≥ 1.0)`,
      `RSS: ${rss.map((r) => `${(r.records / 1e6).toFixed(0)}M → ${r.rss_mb} MB`).join(', ')}`,
      `RSS growth 1M → ${(done / 1e6).toFixed(0)}M: ${((result.rss_growth_1m_to_end ?? 0) * 100).toFixed(1)} % (target ≤ 10 %)`,
      `written to bench/results/pipeline-latest.json`,
      '',
    ].join('\n'),
  );
}

await main();
