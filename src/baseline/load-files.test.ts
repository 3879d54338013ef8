import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { loadBaseline, loadConstraintsFile, loadStatisticsFile, parseJsonLenient } from './load-files.js';

const SDK = join(import.meta.dirname, '../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data');
const dir = mkdtempSync(join(tmpdir(), 'driftmon-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DriftmonError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('load-files', () => {
  it('loads a baseline (statistics optional)', async () => {
    const b = await loadBaseline({
      statisticsPath: join(SDK, 'monitor/statistics.json'),
      constraintsPath: join(SDK, 'monitor/constraints.json'),
    });
    expect(b.statistics?.itemCount).toBe(418);
    expect(b.constraints.features).toHaveLength(2);
    const c = await loadBaseline({ statisticsPath: undefined, constraintsPath: join(SDK, 'monitor/constraints.json') });
    expect(c.statistics).toBeUndefined();
  });

  it('maps file problems to INPUT_NOT_FOUND / INPUT_UNREADABLE / BASELINE_INVALID', async () => {
    expect(await codeOf(loadStatisticsFile(join(dir, 'missing.json')))).toBe(ErrorCode.INPUT_NOT_FOUND);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 0.0, ');
    expect(await codeOf(loadConstraintsFile(bad))).toBe(ErrorCode.INPUT_UNREADABLE);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, '{"features": 1}');
    expect(await codeOf(loadConstraintsFile(wrong))).toBe(ErrorCode.BASELINE_INVALID);
    expect(await codeOf(loadStatisticsFile(dir))).toBe(ErrorCode.INPUT_UNREADABLE);
  });

  it('a file of another kind than expected is BASELINE_INVALID, named for what it is (a statistics.json as constraints is not read leniently)', async () => {
    const dq = join(SDK, 'pipeline/quality_check_step/data_quality');
    const mq = join(SDK, 'pipeline/quality_check_step/model_quality');
    const messageOf = async (p: Promise<unknown>): Promise<string> => {
      try {
        await p;
      } catch (e) {
        if (e instanceof DriftmonError && e.code === ErrorCode.BASELINE_INVALID) return e.message;
        throw e;
      }
      return 'no error';
    };
    expect(await messageOf(loadConstraintsFile(join(dq, 'statistics.json'), '--constraints'))).toBe(
      `--constraints ${join(dq, 'statistics.json')} is a data-quality statistics.json (it has features with "numerical_statistics"), not a data-quality constraints.json`,
    );
    expect(await messageOf(loadBaseline({ statisticsPath: undefined, constraintsPath: join(dq, 'statistics.json') }))).toContain('is a data-quality statistics.json');
    expect(await messageOf(loadStatisticsFile(join(dq, 'good_cases/constraints.json')))).toContain('is a data-quality constraints.json (it has features with "completeness")');
    expect(await messageOf(loadStatisticsFile(join(mq, 'statistics.json')))).toContain('is a model-quality statistics.json (it has "regression_metrics")');
    expect(await messageOf(loadConstraintsFile(join(mq, 'good_cases/constraints.json')))).toContain('is a model-quality constraints.json (it has "regression_constraints")');
    const analysis = join(dir, 'analysis.json');
    writeFileSync(analysis, '{"version": "1.0", "pre_training_bias_metrics": {"facets": {}}}');
    expect(await messageOf(loadConstraintsFile(analysis))).toContain('is a Clarify analysis.json');
  });

  it('accepts a BOM and bare NaN / Infinity tokens', () => {
    expect(parseJsonLenient('\ufeff{"a" : NaN, "b" : [ -Infinity, 1.0 ], "c" : "NaN, x"}', 's')).toEqual({
      a: 'NaN',
      b: ['-Infinity', 1],
      c: 'NaN, x',
    });
  });
});
