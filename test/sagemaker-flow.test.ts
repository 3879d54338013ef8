/**
 * README's SageMaker flow as a user runs it: `baseline data` from a CSV with a header, then `replay`
 * of SageMaker's headerless CSV capture with no naming flags.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from './support/cli.js';

const EXAMPLE = join(REPO, 'examples', 'credit-model');
const FEATURES = ['risk_score', 'age', 'income', 'loan_amount', 'credit_score', 'num_accounts', 'tenure_months', 'region', 'channel'];

interface ReportedFeature {
  name: string;
  numerical_statistics?: { common: { num_present: number; num_missing: number } };
  string_statistics?: { common: { num_present: number; num_missing: number } };
}

function windows(out: string): { path: string; item_count: number }[] {
  return readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; item_count: number });
}
const readJson = <T>(out: string, path: string, file: string): T => JSON.parse(readFileSync(join(out, ...path.split('/'), file), 'utf8')) as T;

describe('SageMaker flow: baseline from a CSV with a header, replay of headerless capture, no flags', () => {
  it('capture columns take the baseline names: the injected drift (income, region) is found, no extra columns, every feature 100 % complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-flow-'));
    expect(readFileSync(join(EXAMPLE, 'baseline.csv'), 'utf8').split('\n')[0]).toBe(FEATURES.join(','));
    const b = await runCli(['baseline', 'data', '--input', join(EXAMPLE, 'baseline.csv'), '--output', join(dir, 'baseline')]);
    expect(b.code).toBe(0);
    const out = join(dir, 'out');
    const r = await runCli(['replay', '--capture', join(EXAMPLE, 'capture'), '--baseline', join(dir, 'baseline'), '--window', '1h', '--output', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("headerless columns named after the baseline's 9 features, in order");
    expect(r.stdout).not.toContain('warning');
    const ws = windows(out);
    expect(ws.map((w) => w.item_count)).toEqual([3600, 3600]);
    const violations = ws.map((w) =>
      readJson<{ violations: { feature_name: string; constraint_check_type: string }[] }>(out, w.path, 'constraint_violations.json')
        .violations.map((v) => `${v.feature_name}:${v.constraint_check_type}`)
        .sort(),
    );
    // the example drifts income and region at the halfway point, and nothing else
    expect(violations).toEqual([[], ['income:baseline_drift_check', 'region:baseline_drift_check']]);
    // driftmon's verdict agrees; the prediction, computed from a shifted input, may be raised too
    const raised = ws.map((w) =>
      readJson<{ features: { name: string; drift: { detected: boolean } | null }[] }>(out, w.path, 'driftmon-report.json')
        .features.filter((f) => f.drift?.detected === true)
        .map((f) => f.name)
        .sort(),
    );
    expect(raised[0]).toEqual([]);
    expect(raised[1]).toEqual(expect.arrayContaining(['income', 'region']));
    expect(raised[1]?.filter((n) => !['income', 'region', 'risk_score'].includes(n))).toEqual([]);
    expect(r.stdout).toMatch(/drifted \(driftmon's verdict, feature × windows\): .*income × 1.*region × 1/);
    for (const w of ws) {
      const features = readJson<{ features: ReportedFeature[] }>(out, w.path, 'statistics.json').features;
      expect(features.map((f) => f.name)).toEqual(FEATURES);
      for (const f of features) {
        const common = (f.numerical_statistics ?? f.string_statistics)?.common;
        expect([f.name, common?.num_missing, common?.num_present]).toEqual([f.name, 0, w.item_count]);
      }
    }
  });

  it('a capture with one column more than the baseline: _cN names as before, one warning naming both counts and the flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-flow-'));
    writeFileSync(join(dir, 'base.csv'), `score,age,city\n${Array.from({ length: 100 }, (_, i) => `0.${i % 9},${20 + (i % 30)},${'ab'[i % 2]}`).join('\n')}\n`);
    expect((await runCli(['baseline', 'data', '--input', join(dir, 'base.csv'), '--output', join(dir, 'baseline')])).code).toBe(0);
    mkdirSync(join(dir, 'cap'));
    const line = (i: number): string =>
      JSON.stringify({
        captureData: {
          endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: `${20 + (i % 30)},${'ab'[i % 2]},7`, encoding: 'CSV' },
          endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: `0.${i % 9}`, encoding: 'CSV' },
        },
        eventMetadata: { eventId: `e${i}`, inferenceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() },
        eventVersion: '0',
      });
    writeFileSync(join(dir, 'cap', 'c.jsonl'), `${Array.from({ length: 120 }, (_, i) => line(i)).join('\n')}\n`);
    const r = await runCli(['replay', '--capture', join(dir, 'cap'), '--baseline', join(dir, 'baseline'), '--window', '1h', '--output', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    const warning = /warning: monitor replay: capture rows have 4 unnamed columns but the baseline has 3 features.*--outputs and --inputs/;
    expect(r.stdout).toMatch(warning);
    const warned = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
    expect(warned.map((l) => l.msg)).toHaveLength(1);
    expect(warned[0]?.msg).toMatch(/capture rows have 4 unnamed columns but the baseline has 3 features/);
  });
});
