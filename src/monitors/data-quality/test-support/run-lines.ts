/** Test support: a baseline from CSV text, and the real data-quality pipeline over an array of lines. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { buildDataBaseline } from '../../../baseline/build.js';
import type { MonitorSettings } from '../../../config/load.js';
import { createMetrics } from '../../../observability/metrics.js';
import type { RecordDecoder } from '../../../record/decoder.js';
import type { BackoffController } from '../../backoff.js';
import { MemoryDeadLetterSink } from '../../../sink/dead-letter.js';
import { MemoryReportSink } from '../../../sink/memory-report-sink.js';
import type { Source } from '../../../source/source.js';
import { MonitorPipeline, type MonitorSummary } from '../data-quality-monitor.js';

/** Wall-clock now for the monitor: after every event time of the test data (none is in the future). */
export const NOW = Date.UTC(2026, 11, 4);

/** Statistics and constraints built (as `driftmon baseline data` does) from a CSV with this header and rows. */
export async function baselineOf(header: string[], rows: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-proto-'));
  const csv = join(dir, 'baseline.csv');
  writeFileSync(csv, `${header.join(',')}\n${rows.join('\n')}\n`);
  const b = await buildDataBaseline({ input: csv, header: 'auto' });
  return { statistics: b.statistics, constraints: b.constraints };
}

/**
 * The data-quality pipeline over `lines` (one 5-minute window size, grace 0, unless `options.settings`
 * say otherwise), prom-client metrics on a fresh Registry; in batches of `batchSize` lines (default:
 * one batch); `blankLines` as the source would have counted them, on the first batch; the decoder
 * wrapped by `wrapDecoder`.
 */
export async function runPipeline(
  record: MonitorSettings['record'],
  baseline: Awaited<ReturnType<typeof baselineOf>>,
  lines: string[],
  options: {
    settings?: Partial<MonitorSettings>;
    clock?: () => number;
    logger?: Logger;
    batchSize?: number;
    blankLines?: number;
    wrapDecoder?: (d: RecordDecoder) => RecordDecoder;
    /** Instead of batches of `lines`. */
    source?: Source;
    backoff?: BackoffController;
  } = {},
) {
  const settings: MonitorSettings = {
    name: 'proto',
    source: { type: 'stdin' },
    record,
    baseline: { statisticsPath: undefined, constraintsPath: '' },
    windowsMs: [300_000],
    graceMs: 0,
    maxFutureSkewMs: 3_600_000,
    quantileSketch: 'kll',
    maxFeatures: 100,
    categoryCap: 1000,
    maxLineLength: 20_000,
    checkpointIntervalMs: 5_000,
    partitionIdleMs: 30_000,
    backoff: undefined,
    ...options.settings,
  };
  const source: Source = options.source ?? {
    description: 'array',
    async *batches() {
      const size = options.batchSize ?? Math.max(1, lines.length);
      const blankLines = options.blankLines ?? 0;
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
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: options.clock ?? (() => NOW),
    ...(options.wrapDecoder ? { wrapDecoder: options.wrapDecoder } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const summary: MonitorSummary = await pipeline.run();
  return { summary, reports, deadLetters, registry };
}
