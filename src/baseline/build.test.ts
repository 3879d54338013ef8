import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { QuantileSketchKind } from '../sketch/quantile-sketch.js';
import { buildDataBaseline, writeDataBaseline } from './build.js';
import { formatConstraints } from '../sagemaker/constraints-file.js';
import { loadBaselineDir } from './load-files.js';
import type { DatasetStatistics } from '../sagemaker/data-quality-model.js';
import { formatStatistics, parseStatistics } from '../sagemaker/statistics-file.js';

const DQ = join(
  import.meta.dirname,
  '../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/pipeline/quality_check_step/data_quality',
);
const out = mkdtempSync(join(tmpdir(), 'driftmon-baseline-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = join(out, name);
  writeFileSync(p, content);
  return p;
}

function relErr(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

describe('buildDataBaseline — golden: SageMaker SDK pipeline data_quality baseline', () => {
  const goldenText = readFileSync(join(DQ, 'statistics.json'), 'utf8');
  const golden: DatasetStatistics = parseStatistics(JSON.parse(goldenText));

  it('reproduces statistics.json from the headerless baseline_dataset.csv', async () => {
    const built = await buildDataBaseline({ input: join(DQ, 'baseline_dataset.csv'), progress: false });
    expect(built.rows).toBe(100);
    expect(built.header).toBe(false);
    const s = built.statistics;
    expect(s.itemCount).toBe(golden.itemCount);
    expect(s.features.map((f) => f.name)).toEqual(golden.features.map((f) => f.name));
    let worst = 0;
    for (const [i, g] of golden.features.entries()) {
      const f = s.features[i];
      expect(f?.inferredType, g.name).toBe(g.inferredType);
      const a = f?.numerical;
      const b = g.numerical;
      if (a === undefined || b === undefined) throw new Error(`${g.name}: no numerical statistics`);
      expect(a.numPresent).toBe(b.numPresent);
      expect(a.numMissing).toBe(b.numMissing);
      for (const k of ['mean', 'sum', 'stdDev', 'min', 'max'] as const) {
        const e = relErr(a[k], b[k]);
        worst = Math.max(worst, e);
        expect(e, `${g.name}.${k}: ${a[k]} vs ${b[k]}`).toBeLessThanOrEqual(1e-9);
      }
      expect(a.buckets.map((x) => x.count), g.name).toEqual(b.buckets.map((x) => x.count));
      for (const [j, x] of a.buckets.entries()) {
        expect(relErr(x.lowerBound, b.buckets[j]?.lowerBound ?? NaN)).toBeLessThanOrEqual(1e-12);
        expect(relErr(x.upperBound, b.buckets[j]?.upperBound ?? NaN)).toBeLessThanOrEqual(1e-12);
      }
      // 100 rows never compact: the sketch holds the raw values in file order, as SageMaker's does.
      expect(a.sketch.count).toBe(100);
    }
    expect(worst).toBeLessThanOrEqual(1e-9);
  });

  it('the written statistics.json equals the golden file value for value (and the sketch data exactly)', async () => {
    const built = await buildDataBaseline({ input: join(DQ, 'baseline_dataset.csv'), progress: false });
    const ours = JSON.parse(formatStatistics(built.statistics)) as { features: Record<string, unknown>[] };
    const theirs = JSON.parse(goldenText) as { features: Record<string, unknown>[] };
    type Num = { numerical_statistics: { distribution: { kll: { sketch: unknown } } } };
    for (const [i, f] of theirs.features.entries()) {
      expect((ours.features[i] as unknown as Num).numerical_statistics.distribution.kll.sketch).toEqual(
        (f as unknown as Num).numerical_statistics.distribution.kll.sketch,
      );
    }
  });

  it('suggests good_cases/constraints.json byte for byte', async () => {
    const built = await buildDataBaseline({ input: join(DQ, 'baseline_dataset.csv'), progress: false });
    expect(formatConstraints(built.constraints)).toBe(readFileSync(join(DQ, 'good_cases/constraints.json'), 'utf8'));
  });

  it('writeDataBaseline writes both files (creating the folder); they load back', async () => {
    const built = await buildDataBaseline({ input: join(DQ, 'baseline_dataset.csv'), header: false, progress: false });
    const target = join(out, 'nested', 'baseline');
    const files = await writeDataBaseline(target, built);
    expect(files).toEqual({ statistics: join(target, 'statistics.json'), constraints: join(target, 'constraints.json') });
    expect(readFileSync(files.statistics, 'utf8')).toBe(formatStatistics(built.statistics));
    const loaded = await loadBaselineDir(target);
    expect(loaded.statistics.itemCount).toBe(100);
    expect(formatStatistics(loaded.statistics)).toBe(formatStatistics(built.statistics));
    expect(loaded.constraints).toEqual(built.constraints);
  });

  it('lists a column that is empty in every row as Unknown (completeness 0)', async () => {
    const built = await buildDataBaseline({ input: file('empty-col.csv', 'a,u\n1,\n2,\n'), progress: false });
    expect(built.statistics.features.map((f) => [f.name, f.inferredType])).toEqual([
      ['a', 'Integral'],
      ['u', 'Unknown'],
    ]);
    expect(built.constraints.features[1]).toEqual({ name: 'u', inferredType: 'Unknown', completeness: 0 });
  });

  it('a t-digest baseline builds but cannot be written as statistics.json', async () => {
    const built = await buildDataBaseline({
      input: join(DQ, 'baseline_dataset.csv'),
      quantiles: QuantileSketchKind.TDIGEST,
      progress: false,
    });
    expect(built.statistics.features[0]?.numerical?.sketch.kind).toBe(QuantileSketchKind.TDIGEST);
    const target = join(out, 'tdigest');
    const e = await writeDataBaseline(target, built).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DriftmonError);
    expect((e as DriftmonError).code).toBe(ErrorCode.CONFIG_INVALID);
  });
});
