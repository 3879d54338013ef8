/** One contract suite per sink interface, run against every implementation. */
import { describe, expect, it } from 'vitest';
import { SUGGESTED_MONITORING_CONFIG, type DatasetStatistics } from '../sagemaker/data-quality-model.js';
import type { DeadLetterSink } from './dead-letter.js';
import type { DataQualityReport, LabelReport, ReportSink } from './report.js';

export function sampleReport(startMs: number, sizeMs = 300_000, violations = 0): DataQualityReport {
  const statistics: DatasetStatistics = { itemCount: 3, features: [] };
  return {
    monitor: 'm1',
    windowSizeMs: sizeMs,
    windowStartMs: startMs,
    windowEndMs: startMs + sizeMs,
    statistics,
    constraints: { features: [], monitoringConfig: SUGGESTED_MONITORING_CONFIG },
    violations: Array.from({ length: violations }, (_v, i) => ({
      featureName: `f${i}`,
      constraintCheckType: 'baseline_drift_check' as const,
      description: 'Numerical distance: 0.5 exceeds numerical threshold: 0.1',
    })),
    summary: { window: startMs },
  };
}

/** A model-quality window's report, its SageMaker files already formatted. */
export function sampleLabelReport(startMs: number, version: number, sizeMs = 3_600_000): LabelReport {
  return {
    kind: 'model-quality',
    monitor: 'm1',
    windowSizeMs: sizeMs,
    windowStartMs: startMs,
    windowEndMs: startMs + sizeMs,
    itemCount: 10 * version,
    violationCount: 1,
    files: [
      { name: 'statistics.json', body: JSON.stringify({ version: 0, dataset: { item_count: 10 * version }, regression_metrics: {} }) },
      { name: 'constraints.json', body: JSON.stringify({ version: 0, regression_constraints: {} }) },
      { name: 'constraint_violations.json', body: JSON.stringify({ violations: [{ metric_name: 'mse' }] }) },
    ],
    summary: { version },
  };
}

/** `read` returns what the sink stored for a report location, as the four files' parsed JSON. */
export function describeReportSinkContract(
  name: string,
  make: () => { sink: ReportSink; read: (location: string) => Promise<Record<string, unknown>> },
): void {
  describe(`ReportSink contract: ${name}`, () => {
    it('has() is false for a window before its report is written, true after, and per window', async () => {
      const { sink } = make();
      const r = sampleReport(Date.UTC(2026, 0, 2, 10, 0));
      expect(await sink.has(r)).toBe(false);
      await sink.write(r);
      await sink.flush();
      expect(await sink.has(sampleReport(Date.UTC(2026, 0, 2, 10, 0)))).toBe(true);
      expect(await sink.has(sampleReport(Date.UTC(2026, 0, 2, 10, 5)))).toBe(false);
      expect(await sink.has(sampleReport(Date.UTC(2026, 0, 2, 10, 0), 3_600_000))).toBe(false);
    });

    it('stores every report, at distinct locations per window, readable back', async () => {
      const { sink, read } = make();
      const a = await sink.write(sampleReport(Date.UTC(2026, 0, 1, 10, 0)));
      const b = await sink.write(sampleReport(Date.UTC(2026, 0, 1, 10, 5), 300_000, 2));
      const c = await sink.write(sampleReport(Date.UTC(2026, 0, 1, 10, 0), 3_600_000));
      await sink.flush();
      expect(new Set([a, b, c]).size).toBe(3);
      const got = await read(b);
      expect((got['constraint_violations.json'] as { violations: unknown[] }).violations).toHaveLength(2);
      expect((got['statistics.json'] as { dataset: { item_count: number } }).dataset.item_count).toBe(3);
      expect(got['driftmon-report.json']).toEqual({ window: Date.UTC(2026, 0, 1, 10, 5) });
      await sink.close();
    });

    it('stores a label report in its kind folder below the window, newest version last', async () => {
      const { sink, read } = make();
      const start = Date.UTC(2026, 0, 1, 10, 0);
      const dq = await sink.write(sampleReport(start, 3_600_000));
      const v1 = await sink.write(sampleLabelReport(start, 1));
      const v2 = await sink.write(sampleLabelReport(start, 2));
      await sink.flush();
      expect(v2).toBe(v1);
      expect(v1).not.toBe(dq);
      expect(v1).toMatch(/model-quality\/?$/);
      const got = await read(v2);
      expect((got['statistics.json'] as { dataset: { item_count: number } }).dataset.item_count).toBe(20);
      expect(got['driftmon-report.json']).toEqual({ version: 2 });
      expect((got['constraint_violations.json'] as { violations: unknown[] }).violations).toEqual([{ metric_name: 'mse' }]);
      await sink.close();
    });

    it('concurrent writes all land', async () => {
      const { sink, read } = make();
      const locations = await Promise.all(Array.from({ length: 20 }, (_v, i) => sink.write(sampleReport(Date.UTC(2026, 0, 1) + i * 60_000, 60_000))));
      await sink.flush();
      expect(new Set(locations).size).toBe(20);
      for (const l of locations) expect(await read(l)).toHaveProperty('statistics.json');
    });
  });
}

export function describeDeadLetterSinkContract(name: string, make: () => { sink: DeadLetterSink; read: () => Promise<unknown[]> }): void {
  describe(`DeadLetterSink contract: ${name}`, () => {
    it('keeps every letter with its reason, origin and original bytes, in order', async () => {
      const { sink, read } = make();
      const records = ['{"broken', 'plain text', '{"emoji":"😀", "nl":"a\\nb"}'];
      records.forEach((record, i) => sink.write({ monitor: 'm1', reason: 'not_json', source: `f.jsonl:${i + 1}`, record }));
      expect(sink.count).toBe(3);
      await sink.close();
      const letters = (await read()) as { reason: string; source: string; record: string }[];
      expect(letters.map((l) => l.record)).toEqual(records);
      expect(letters.map((l) => l.source)).toEqual(['f.jsonl:1', 'f.jsonl:2', 'f.jsonl:3']);
      expect(letters.every((l) => l.reason === 'not_json')).toBe(true);
    });

    it('keeps the error message of a processing_error letter', async () => {
      const { sink, read } = make();
      sink.write({ monitor: 'm1', reason: 'not_json', source: 'f.jsonl:1', record: '{' });
      sink.write({ monitor: 'm1', reason: 'processing_error', source: 'f.jsonl:2', record: '{"a":1}', error: 'TypeError: é boom' });
      await sink.close();
      const letters = (await read()) as { reason: string; error?: string }[];
      expect(letters.map((l) => [l.reason, l.error])).toEqual([
        ['not_json', undefined],
        ['processing_error', 'TypeError: é boom'],
      ]);
    });
  });
}
