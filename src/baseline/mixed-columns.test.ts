/**
 * The baseline read without numbers' text (mixed columns recounted in a second read) gives the
 * statistics.json of one read that keeps every value's text, byte for byte: numbers then strings
 * past the frequency cap (order-dependent), booleans with numbers, non-finite numbers with
 * booleans, strings first, missing values; CSV and JSON Lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetProfile } from '../profile/dataset-profile.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { formatStatistics } from '../sagemaker/statistics-file.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import { QuantileSketchKind } from '../sketch/quantile-sketch.js';
import { rng } from '../../test/support/random.js';
import { buildDataBaseline } from './build.js';
import { readDataset } from './dataset/dataset-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'driftmon-mixed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** statistics.json of one read that keeps every value's text (what the baseline job did before). */
async function keepingAllText(input: string): Promise<string> {
  const registry = new FeatureRegistry();
  const profile = new DatasetProfile(registry, { quantiles: quantileSketchFactory(QuantileSketchKind.KLL) });
  await readDataset(input, (row) => profile.updateRow(row), { registry, progress: false });
  return formatStatistics(profile.toStatistics());
}

const COLUMNS = ['numbers', 'then_strings', 'bool_num', 'nonfinite_bool', 'strings_first', 'sparse'];

/** Row r's cells (undefined = missing). */
function cells(r: number, next: () => number): (string | number | boolean | undefined)[] {
  const x = Math.floor(next() * 5000);
  return [
    next() < 0.5 ? x : (x / 7).toFixed(3),
    r < 3000 ? x : r % 3 === 0 ? `s${x % 50}` : x % 40,
    r % 5 === 0 ? r % 10 === 0 : x,
    r % 4 === 0 ? 'NaN' : r % 4 === 1 ? 'Infinity' : r % 2 === 0,
    r < 10 ? 'first' : next() < 0.5 ? `w${x % 3000}` : x,
    next() < 0.9 ? undefined : r % 2 === 0 ? 'abc' : x,
  ];
}

describe('baseline without numbers’ text, mixed columns recounted', () => {
  const ROWS = 8000;
  const next = rng(1313).next;
  const rows = Array.from({ length: ROWS }, (_v, r) => cells(r, next));

  it('CSV: statistics.json as one read keeping all text', async () => {
    const csv = join(dir, 'mixed.csv');
    const text = (v: unknown): string => (v === undefined ? '' : String(v));
    writeFileSync(csv, `${COLUMNS.join(',')}\n${rows.map((r) => r.map(text).join(',')).join('\n')}\n`);
    const built = await buildDataBaseline({ input: csv, progress: false });
    const stats = formatStatistics(built.statistics);
    expect(stats).toBe(await keepingAllText(csv));
    // the columns really are mixed, and the cap really is passed in the order-dependent one
    const types = built.statistics.features.map((f) => f.inferredType);
    expect(types).toEqual(['Fractional', 'String', 'String', 'Boolean', 'String', 'String']);
    expect(built.statistics.features[1]?.string?.categoriesComplete).toBe(false);
  });

  it('JSON Lines: statistics.json as one read keeping all text', async () => {
    const jsonl = join(dir, 'mixed.jsonl');
    // non-finite numbers as JSON number literals out of range
    const json = (v: unknown): string | undefined =>
      v === undefined ? undefined : v === 'NaN' ? '1e400' : v === 'Infinity' ? '-1e400' : JSON.stringify(v);
    const lines = rows.map((r) => `{${r.flatMap((v, j) => (json(v) === undefined ? [] : [`"${COLUMNS[j]}":${json(v)}`])).join(',')}}`);
    writeFileSync(jsonl, `${lines.join('\n')}\n`);
    const built = await buildDataBaseline({ input: jsonl, progress: false });
    expect(formatStatistics(built.statistics)).toBe(await keepingAllText(jsonl));
  });
});
