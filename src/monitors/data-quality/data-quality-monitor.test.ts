/**
 * MonitorPipeline end to end in memory (real decoder, profiles, sketches, evaluation; memory sinks):
 * a run interrupted by snapshot → restore into a fresh pipeline gives exactly the reports of an
 * uninterrupted run.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { INPUTS, OUTPUTS } from '../../../examples/generate.js';
import { buildDataBaseline } from '../../baseline/build.js';
import { formatStatistics } from '../../sagemaker/statistics-file.js';
import { formatViolations } from '../../sagemaker/violations-file.js';
import type { MonitorSettings } from '../../config/load.js';
import { MemoryDeadLetterSink } from '../../sink/dead-letter.js';
import { MemoryReportSink } from '../../sink/memory-report-sink.js';
import { asDataQualityReport } from '../../sink/report.js';
import { decodeFramed, encodeFramed } from '../../state/framed.js';
import { createMetrics } from '../../observability/metrics.js';
import { FileSource } from '../../source/file-source.js';
import { drain } from '../../source/source.contract.js';
import type { Source } from '../../source/source.js';
import { MonitorPipeline, type Baseline } from './data-quality-monitor.js';

/** Wall-clock now for the monitor: after every event time of the test data (none is in the future). */
const NOW = Date.UTC(2026, 11, 4);

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples', 'credit-model');

const settings: MonitorSettings = {
  name: 'credit-model',
  source: { type: 'stdin' },
  record: { format: 'sagemaker-capture', outputs: [...OUTPUTS], inputs: [...INPUTS] },
  baseline: { statisticsPath: undefined, constraintsPath: '' },
  windowsMs: [300_000, 3_600_000],
  graceMs: 30_000,
  maxFutureSkewMs: 3_600_000,
  quantileSketch: 'kll',
  maxFeatures: 100,
  categoryCap: 1000,
  maxLineLength: 2000,
  checkpointIntervalMs: 5_000,
  partitionIdleMs: 30_000,
  backoff: undefined,
};

function arraySource(lines: string[], batchSize = 500): Source {
  return {
    description: 'array',
    async *batches() {
      for (let i = 0; i < lines.length; i += batchSize) {
        const records = lines.slice(i, i + batchSize);
        yield { records, origin: (k: number) => `array:${i + k + 1}` };
      }
    },
    close: async () => {},
  };
}

function pipeline(baseline: Baseline, source: Source, reports: MemoryReportSink, deadLetters = new MemoryDeadLetterSink()): MonitorPipeline {
  return new MonitorPipeline({
    settings,
    baseline,
    source,
    reports,
    deadLetters,
    metrics: createMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
    clock: () => NOW,
  });
}

const rendered = (sink: MemoryReportSink): string[] =>
  sink.reports.map(asDataQualityReport).map((r) => `${r.windowSizeMs}@${r.windowStartMs}\n${formatStatistics(r.statistics)}\n${formatViolations(r.violations)}`);

describe('MonitorPipeline snapshot / restore', () => {
  let lines: string[];
  let baseline: Baseline;

  beforeAll(async () => {
    lines = (await drain(new FileSource({ paths: [join(EXAMPLES, 'capture')] }))).records;
    const b = await buildDataBaseline({ input: join(EXAMPLES, 'baseline.csv'), header: 'auto' });
    baseline = { statistics: b.statistics, constraints: b.constraints };
  });

  it('an interrupted, restored run reports exactly what an uninterrupted run reports', async () => {
    const straight = new MemoryReportSink();
    const whole = await pipeline(baseline, arraySource(lines), straight).run();
    expect(whole.windowsClosed).toBe(26);

    for (const cut of [1, 2_345, 3_601, lines.length - 1]) {
      const sink = new MemoryReportSink();
      const first = pipeline(baseline, arraySource([]), sink);
      for (const batch of [lines.slice(0, cut)]) await first.processBatch({ records: batch, origin: (k) => `a:${k}` });
      const bytes = first.snapshot();
      const second = pipeline(baseline, arraySource(lines.slice(cut)), sink);
      second.restore(bytes);
      await second.run();
      expect(rendered(sink), `cut at ${cut}`).toEqual(rendered(straight));
    }
  });

  it('restores a snapshot written before the outlier-safe clock (no lastEventMs) and reports what an uninterrupted run reports', async () => {
    const straight = new MemoryReportSink();
    await pipeline(baseline, arraySource(lines), straight).run();
    const sink = new MemoryReportSink();
    const first = pipeline(baseline, arraySource([]), sink);
    await first.processBatch({ records: lines.slice(0, 2_345), origin: (k) => `a:${k}` });
    const fail = (why: string): never => {
      throw new Error(why);
    };
    const { header, body } = decodeFramed<Record<string, unknown>>(first.snapshot(), fail);
    expect(header['lastEventMs']).toBeTypeOf('number');
    delete header['lastEventMs'];
    const second = pipeline(baseline, arraySource(lines.slice(2_345)), sink);
    second.restore(encodeFramed(header, body));
    await second.run();
    expect(rendered(sink)).toEqual(rendered(straight));
  });

  it('rejects a snapshot taken with other window sizes, and corrupt bytes', async () => {
    const p = pipeline(baseline, arraySource([]), new MemoryReportSink());
    await p.processBatch({ records: lines.slice(0, 100), origin: (k) => `a:${k}` });
    const bytes = p.snapshot();
    const other = new MonitorPipeline({
      settings: { ...settings, windowsMs: [60_000] },
      baseline,
      source: arraySource([]),
      reports: new MemoryReportSink(),
      deadLetters: new MemoryDeadLetterSink(),
      metrics: createMetrics(new Registry()),
      logger: pino({ level: 'silent' }),
    });
    expect(() => other.restore(bytes)).toThrow(/window sizes/);
    const fresh = pipeline(baseline, arraySource([]), new MemoryReportSink());
    expect(() => fresh.restore(bytes.subarray(0, bytes.length - 5))).toThrow(expect.objectContaining({ code: expect.stringMatching(/SNAPSHOT_INVALID|SKETCH_CORRUPT/) }));
  });

  it('dead-letters records longer than maxLineLength as line_too_long and goes on', async () => {
    const dead = new MemoryDeadLetterSink();
    const sink = new MemoryReportSink();
    const long = `${lines[0]?.slice(0, -1)},"padding":"${'x'.repeat(3000)}"}`;
    const summary = await pipeline(baseline, arraySource([long, ...lines.slice(0, 600)]), sink, dead).run();
    expect(summary.invalid).toEqual({ line_too_long: 1 });
    expect(dead.letters.map((l) => [l.reason, l.source, l.record.length])).toEqual([['line_too_long', 'array:1', long.length]]);
    expect(summary.rows).toBe(600);
  });

  it('a stopped run does not report its open windows as if they were complete', async () => {
    const sink = new MemoryReportSink();
    const controller = new AbortController();
    const source: Source = {
      description: 'stops after two batches',
      async *batches() {
        yield { records: lines.slice(0, 500), origin: (k: number) => `a:${k}` };
        controller.abort();
        yield { records: lines.slice(500, 1000), origin: (k: number) => `a:${k}` };
      },
      close: async () => {},
    };
    const summary = await pipeline(baseline, source, sink).run(controller.signal);
    // 1,000 lines cover minutes 10:00–10:16: the 5-minute windows that stream time passed are
    // closed and reported; the open 5m window and the open 1h window are not
    expect(sink.reports.every((r) => r.windowSizeMs === 300_000 && r.windowEndMs <= Date.UTC(2026, 10, 1, 10, 15))).toBe(true);
    expect(summary.windowsClosed).toBe(sink.reports.length);
    expect(sink.reports.length).toBeGreaterThan(0);
  });
});
