/** Test support: a baseline from CSV text, and the real data-quality pipeline over an array of lines. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildDataBaseline } from '../../../baseline/build.js';
import type { MonitorSettings } from '../../../config/load.js';
import { createMetrics } from '../../../observability/metrics.js';
import type { RecordDecoder } from '../../../record/decoder.js';
import { MemoryDeadLetterSink } from '../../../sink/dead-letter.js';
import { MemoryReportSink } from '../../../sink/memory-report-sink.js';
import type { Source } from '../../../source/source.js';
import { MonitorPipeline, type MonitorSummary } from '../data-quality-monitor.js';

/** Statistics and constraints built (as `driftmon baseline data` does) from a CSV with this header and rows. */
export async function baselineOf(header: string[], rows: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-proto-'));
  const csv = join(dir, 'baseline.csv');
  writeFileSync(csv, `${header.join(',')}\n${rows.join('\n')}\n`);
  const b = await buildDataBaseline({ input: csv, header: 'auto' });
  return { statistics: b.statistics, constraints: b.constraints };
}

/**
 * The data-quality pipeline over `lines` (one 5-minute window size, grace 0), prom-client metrics
 * on a fresh Registry; `blankLines` as the source would have counted them; in batches of
 * `batchSize` (default: one batch), the decoder wrapped by `wrapDecoder`.
 */
export async function runPipeline(
  record: MonitorSettings['record'],
  baseline: Awaited<ReturnType<typeof baselineOf>>,
  lines: string[],
  blankLines = 0,
  options: { batchSize?: number; wrapDecoder?: (d: RecordDecoder) => RecordDecoder } = {},
) {
  const settings: MonitorSettings = {
    name: 'proto',
    source: { type: 'stdin' },
    record,
    baseline: { statisticsPath: undefined, constraintsPath: '' },
    windowsMs: [300_000],
    graceMs: 0,
    quantileSketch: 'kll',
    maxFeatures: 100,
    categoryCap: 1000,
    maxLineLength: 20_000,
    checkpointIntervalMs: 5_000,
    partitionIdleMs: 30_000,
    backoff: undefined,
  };
  const source: Source = {
    description: 'array',
    async *batches() {
      const size = options.batchSize ?? Math.max(1, lines.length);
      for (let i = 0; i < lines.length; i += size) {
        yield { records: lines.slice(i, i + size), origin: (k: number) => `array:${i + k + 1}`, ...(i === 0 && blankLines > 0 ? { blankLines } : {}) };
      }
    },
    close: async () => {},
  };
  const reports = new MemoryReportSink();
  const deadLetters = new MemoryDeadLetterSink();
  const registry = new Registry();
  const pipeline = new MonitorPipeline({
    settings,
    baseline,
    source,
    reports,
    deadLetters,
    metrics: createMetrics(registry),
    logger: pino({ level: 'silent' }),
    clock: () => 0,
    ...(options.wrapDecoder ? { wrapDecoder: options.wrapDecoder } : {}),
  });
  const summary: MonitorSummary = await pipeline.run();
  return { summary, reports, deadLetters, registry };
}
