import { describe, expect, it } from 'vitest';
import { LabelReportKind, type LabelReport } from './report.js';
import { violationsBody } from './webhook-action.js';

/** The 05:00 hour's bias report of monitor credit. */
const biasWindow = (summary: { version: number; final: boolean }, violationCount: number): LabelReport => ({
  kind: LabelReportKind.BIAS,
  monitor: 'credit',
  windowSizeMs: 3_600_000,
  windowStartMs: Date.UTC(2026, 0, 1, 5),
  windowEndMs: Date.UTC(2026, 0, 1, 6),
  summary,
  itemCount: 120,
  violationCount,
  files: [],
});

describe('webhook body', () => {
  it('a label window carries its version and finality, and its key names the version', () => {
    const report = biasWindow({ version: 3, final: true }, 2);
    const message = violationsBody(report, 'out/credit/1h/2026/01/01/05/bias');
    if (message === undefined) throw new Error('a violating report has a body');
    const { body, key } = message;
    expect(key).toBe('credit/bias/1h/2026-01-01T05:00:00.000Z/3');
    expect(JSON.parse(body)).toEqual({
      monitor: 'credit',
      kind: 'bias',
      window: '1h',
      window_start: '2026-01-01T05:00:00.000Z',
      window_end: '2026-01-01T06:00:00.000Z',
      path: 'out/credit/1h/2026/01/01/05/bias',
      item_count: 120,
      violations: 2,
      status: 'CompletedWithViolations',
      version: 3,
      final: true,
    });
  });

  it('a clean window has none', () => {
    expect(violationsBody(biasWindow({ version: 1, final: false }, 0), 'out/credit/1h/2026/01/01/05/bias')).toBeUndefined();
  });
});
