/**
 * The outlier-safe clock through the real data-quality pipeline: event times beyond wall-clock now
 * + maxFutureSkew are dead-lettered as event_time_in_future, and one record far ahead (but within
 * the skew) does not move stream time, so the records after it are not late and every window
 * counts exactly its rows.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/support/random.js';
import { asDataQualityReport } from '../../sink/report.js';
import { baselineOf, NOW, runPipeline } from './test-support/run-lines.js';

const MIN = 60_000;
const DAY = 86_400_000;
const FLAT = { format: 'flat-json' } as const;

const line = (t: number, x: number): string => `{"inferenceTime":${t},"x":${x}}`;

/** Rows per window start (5-minute windows), from the event times of the valid records. */
function exactCounts(times: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of times) out.set(t - (t % (5 * MIN)), (out.get(t - (t % (5 * MIN))) ?? 0) + 1);
  return out;
}

async function invalidByReason(registry: import('prom-client').Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('driftmon_records_invalid_total')?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels['reason']), v.value]));
}

describe('event times in the future and outliers', () => {
  const baseline = baselineOf(['x'], Array.from({ length: 50 }, (_v, i) => String(i)));

  it('dead-letters event times beyond now + maxFutureSkew as event_time_in_future and counts them by reason', async () => {
    const t0 = NOW - 30 * DAY; // a replay of last month's capture: "now" is still wall-clock now
    const times = Array.from({ length: 1_200 }, (_v, i) => t0 + i * 1_000);
    const lines = times.map((t, i) => line(t, i % 50));
    lines.splice(10, 0, line(Date.UTC(2099, 0, 1), 1)); // one record dated 2099, early on
    lines.splice(500, 0, line(NOW + 2 * 3_600_000, 1)); // beyond the default skew of 1 h
    lines.splice(800, 0, line(NOW + 59 * MIN, 1)); // within it: accepted (30 days ahead of the stream, so an outlier)
    const { summary, reports, deadLetters, registry } = await runPipeline(FLAT, await baseline, lines);

    expect(summary.invalid).toEqual({ event_time_in_future: 2 });
    expect(deadLetters.letters.map((l) => [l.reason, l.source])).toEqual([
      ['event_time_in_future', 'array:11'],
      ['event_time_in_future', 'array:501'],
    ]);
    expect(await invalidByReason(registry)).toEqual({ event_time_in_future: 2 });
    expect(summary.lateRows).toEqual({ '5m': 0 });
    const got = new Map(reports.reports.map(asDataQualityReport).map((r) => [r.windowStartMs, r.statistics.itemCount]));
    expect(got).toEqual(exactCounts([...times, NOW + 59 * MIN]));
  });

  it('takes "now" from the injected clock', async () => {
    const lines = [line(NOW, 1), line(NOW + 2 * 3_600_000, 2)];
    const early = await runPipeline(FLAT, await baseline, lines);
    expect(early.summary.invalid).toEqual({ event_time_in_future: 1 });
    const later = await runPipeline(FLAT, await baseline, lines, { clock: () => NOW + 2 * 3_600_000 - 3_600_000 });
    expect(later.summary.invalid).toEqual({});
    expect(later.summary.rows).toBe(2);
    const strict = await runPipeline(FLAT, await baseline, lines, { settings: { maxFutureSkewMs: 0 }, clock: () => NOW });
    expect(strict.summary.invalid).toEqual({ event_time_in_future: 1 });
  });

  it('one record +10 days ahead of a replay inside the skew makes no later record late; windows count exactly (seeded disorder)', async () => {
    const r = rng(10);
    const t0 = Date.UTC(2026, 0, 5);
    // four hours, 2 records/s, up to 20 s out of order, grace 30 s
    const times = Array.from({ length: 28_800 }, (_v, i) => t0 + i * 500 + Math.floor(r.next() * 20_000));
    const outlier = t0 + 10 * DAY;
    const all = [...times.slice(0, 300), outlier, ...times.slice(300)];
    const lines = all.map((t, i) => line(t, i % 50));
    const { summary, reports } = await runPipeline(FLAT, await baseline, lines, { settings: { graceMs: 30_000, maxFutureSkewMs: 3_650 * DAY } });
    expect(summary.invalid).toEqual({});
    expect(summary.lateRows).toEqual({ '5m': 0 });
    const got = new Map(reports.reports.map(asDataQualityReport).map((r2) => [r2.windowStartMs, r2.statistics.itemCount]));
    expect(got).toEqual(exactCounts(all));
    // the stream's windows were reported while it was read (in order), the outlier's window last
    expect(reports.reports.map(asDataQualityReport).at(-1)?.windowStartMs).toBe(outlier - (outlier % (5 * MIN)));
  });
});
