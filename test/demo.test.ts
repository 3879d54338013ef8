/**
 * The embedded default (`npm start` = `driftmon demo`): its reports must name exactly the features
 * the example data makes drift (examples/generate.ts: income and region), and no others.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIFTED_FEATURES } from '../examples/generate.js';
import { exampleDir } from '../src/cli/demo-command.js';
import { runCli } from './support/cli.js';

interface IndexLine {
  path: string;
  window: string;
  window_start: string;
  violations: number;
}

describe('driftmon demo (the embedded default)', () => {
  it('builds a baseline, streams the capture, and its reports name exactly the drifted features', async () => {
    const out = mkdtempSync(join(tmpdir(), 'driftmon-demo-'));
    // run twice into the same folder: the second run's reports must stand alone
    expect((await runCli(['demo', '--exit', '--port', '0', '--output', out])).code).toBe(0);
    const r = await runCli(['demo', '--exit', '--port', '0', '--output', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'baseline', 'statistics.json'))).toBe(true);
    expect(existsSync(join(out, 'baseline', 'constraints.json'))).toBe(true);

    const reports = join(out, 'reports', 'credit-model');
    const index = readFileSync(join(reports, 'index.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as IndexLine);
    // 2 hours of capture: 24 five-minute windows and 2 one-hour windows
    expect(index.filter((w) => w.window === '5m')).toHaveLength(24);
    expect(index.filter((w) => w.window === '1h')).toHaveLength(2);

    const violated = new Set<string>();
    const driftHalfStart = Date.UTC(2026, 10, 1, 11, 0, 0);
    for (const w of index) {
      const file = JSON.parse(readFileSync(join(out, 'reports', ...w.path.split('/'), 'constraint_violations.json'), 'utf8')) as {
        violations: { feature_name: string; constraint_check_type: string }[];
      };
      const names = new Set(file.violations.map((v) => v.feature_name));
      for (const n of names) violated.add(n);
      const drifted = Date.parse(w.window_start) >= driftHalfStart;
      // before the drift: no violations at all; after: exactly the drifted features, by baseline_drift_check
      expect([...names].sort(), `${w.window} window at ${w.window_start}`).toEqual(drifted ? [...DRIFTED_FEATURES].sort() : []);
      for (const v of file.violations) expect(v.constraint_check_type).toBe('baseline_drift_check');
    }
    expect([...violated].sort()).toEqual([...DRIFTED_FEATURES].sort());

    // the malformed example lines were dead-lettered with their reasons, and the run went on
    const dead = readFileSync(join(out, 'dead-letter', 'credit-model.jsonl'), 'utf8').trim().split('\n');
    expect(dead).toHaveLength(4);
    expect(r.stdout).toContain(`what drifted: ${[...DRIFTED_FEATURES].sort().join(', ')}`);
    expect(r.stdout).toMatch(/metrics: http:\/\/127\.0\.0\.1:\d+\/metrics/);

    // model quality from the bundled ground truth: each hour of inference is labelled an hour later
    const quality = (hour: number): { labeled: number; predictions: number; auc: number } => {
      const folder = join(out, 'reports', 'credit-model-quality', '1h', '2026', '11', '01', String(hour), 'model-quality');
      const report = JSON.parse(readFileSync(join(folder, 'driftmon-report.json'), 'utf8')) as { final: boolean; join: { labeled: number; predictions: number } };
      expect(report.final).toBe(true);
      const stats = JSON.parse(readFileSync(join(folder, 'statistics.json'), 'utf8')) as { binary_classification_metrics: { auc: { value: number } } };
      return { ...report.join, auc: stats.binary_classification_metrics.auc.value };
    };
    const labelLines = (uploadHour: number): number =>
      readFileSync(join(exampleDir(), 'ground-truth', '2026', '11', '01', String(uploadHour), 'labels.jsonl'), 'utf8').trim().split('\n').length;
    const before = quality(10);
    const after = quality(11);
    expect([before.predictions, before.labeled]).toEqual([3600, labelLines(11)]);
    expect([after.predictions, after.labeled]).toEqual([3600, labelLines(12)]);
    // the example's labels follow the score less closely in the drifted hour
    expect(after.auc).toBeLessThan(before.auc - 0.05);
    expect(r.stdout).toMatch(/model quality \(credit-model-quality\), per hour of inference:\n  2026-11-01T10:00:00\.000Z: labelled 8\d %/);
  });
});
