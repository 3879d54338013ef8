import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../errors.js';
import { FeatureRegistry } from '../../record/feature-registry.js';
import { rng } from '../../../test/support/random.js';
import { buildDataBaseline } from '../build.js';
import { formatStatistics } from '../../sagemaker/statistics-file.js';
import { DatasetFormat, formatFromPath, readDataset } from './dataset-reader.js';
import { cells, DQ, errorOf, inputFiles } from './test-support/dataset-cells.js';
import { writeParquet } from './test-support/parquet-writer.js';

const { dir, file } = inputFiles();

/** A seeded mixed dataset: integers, fractions, categories, booleans, missing values. */
function mixedRows(n: number): { age: number | null; income: number; state: string | null; flag: boolean | null }[] {
  const r = rng(20240611);
  const states = ['CA', 'NY', 'TX', 'WA', 'OR'];
  return Array.from({ length: n }, () => ({
    age: r.next() < 0.1 ? null : 18 + r.int(60),
    income: Math.round(r.normal() * 150_000 + 50_000) / 100,
    state: r.next() < 0.05 ? null : (states[r.int(states.length)] as string),
    flag: r.next() < 0.02 ? null : r.next() < 0.3,
  }));
}

/** Text of a double the way a CSV writer like pandas prints it (always with a decimal point). */
function decimalText(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

describe('formatFromPath', () => {
  it('maps extensions', () => {
    expect(formatFromPath('a/b.CSV')).toBe(DatasetFormat.CSV);
    expect(formatFromPath('x.ndjson')).toBe(DatasetFormat.JSONL);
    expect(formatFromPath('x.parquet')).toBe(DatasetFormat.PARQUET);
    expect(formatFromPath('x.bin')).toBeUndefined();
  });
});

describe('readDataset: errors', () => {
  it('missing file → INPUT_NOT_FOUND; unknown extension → INPUT_UNREADABLE', async () => {
    expect((await errorOf(cells(join(dir, 'nope.csv')))).code).toBe(ErrorCode.INPUT_NOT_FOUND);
    expect((await errorOf(cells(dir))).code).toBe(ErrorCode.INPUT_NOT_FOUND);
    expect((await errorOf(cells(file('x.bin', 'a')))).code).toBe(ErrorCode.INPUT_UNREADABLE);
    expect((await cells(file('x.bin2', 'a\n1\n'), { format: DatasetFormat.CSV })).rows).toHaveLength(1);
  });

  it('too many features → INPUT_UNREADABLE', async () => {
    const registry = new FeatureRegistry(2);
    const e = await errorOf(readDataset(file('wide.jsonl', '{"a":1,"b":2,"c":3}\n'), () => undefined, { registry }));
    expect(e.code).toBe(ErrorCode.INPUT_UNREADABLE);
    expect(e.message).toContain('more than 2 features');
  });
});

describe('the same data as CSV, JSON Lines and Parquet gives the same statistics', () => {
  it('golden headerless CSV vs JSON Lines vs Parquet (byte-identical statistics.json)', async () => {
    const csvPath = join(DQ, 'baseline_dataset.csv');
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n').map((l) => l.split(','));
    const jsonl = file('golden.jsonl', lines.map((f) => `{${f.map((v, i) => `"_c${i}":${v}`).join(',')}}`).join('\n'));
    const parquet = file(
      'golden.parquet',
      writeParquet(
        Array.from({ length: 6 }, (_, i) => ({ name: `_c${i}`, type: 'DOUBLE' as const, values: lines.map((f) => Number(f[i])) })),
        37,
        'UNCOMPRESSED',
      ),
    );
    const csv = formatStatistics((await buildDataBaseline({ input: csvPath, progress: false })).statistics);
    expect(formatStatistics((await buildDataBaseline({ input: jsonl, progress: false })).statistics)).toBe(csv);
    expect(formatStatistics((await buildDataBaseline({ input: parquet, progress: false })).statistics)).toBe(csv);
  });

  it('mixed types with missing values (CSV with header vs JSON Lines vs Parquet)', async () => {
    const data = mixedRows(500);
    const csv = file(
      'mixed.csv',
      ['age,income,state,flag', ...data.map((r) => [r.age ?? '', decimalText(r.income), r.state ?? '', r.flag ?? ''].join(','))].join('\n'),
    );
    const jsonl = file(
      'mixed.jsonl',
      data
        .map((r) => {
          const parts = [`"income":${decimalText(r.income)}`];
          if (r.age !== null) parts.unshift(`"age":${r.age}`);
          else parts.unshift('"age":null');
          if (r.state !== null) parts.push(`"state":${JSON.stringify(r.state)}`);
          if (r.flag !== null) parts.push(`"flag":${r.flag}`);
          return `{${parts.join(',')}}`;
        })
        .join('\n'),
    );
    const parquet = file(
      'mixed.parquet',
      writeParquet(
        [
          { name: 'age', type: 'INT64', values: data.map((r) => r.age) },
          { name: 'income', type: 'DOUBLE', values: data.map((r) => r.income) },
          { name: 'state', type: 'UTF8', values: data.map((r) => r.state) },
          { name: 'flag', type: 'BOOLEAN', values: data.map((r) => r.flag) },
        ],
        128,
        'GZIP',
      ),
    );
    const fromCsv = await buildDataBaseline({ input: csv, progress: false });
    expect(fromCsv.header).toBe(true);
    const stats = fromCsv.statistics;
    expect(stats.itemCount).toBe(500);
    expect(stats.features.map((f) => [f.name, f.inferredType])).toEqual([
      ['age', 'Integral'],
      ['income', 'Fractional'],
      ['state', 'String'],
      ['flag', 'Boolean'],
    ]);
    const ages = data.map((r) => r.age).filter((a): a is number => a !== null);
    expect(stats.features[0]?.numerical?.numPresent).toBe(ages.length);
    expect(stats.features[0]?.numerical?.sum).toBe(ages.reduce((a, b) => a + b, 0));
    expect(stats.features[2]?.string?.numMissing).toBe(data.filter((r) => r.state === null).length);
    const text = formatStatistics(stats);
    expect(formatStatistics((await buildDataBaseline({ input: jsonl, progress: false })).statistics)).toBe(text);
    expect(formatStatistics((await buildDataBaseline({ input: parquet, progress: false })).statistics)).toBe(text);
  });

  it('non-finite values (CSV text, JSON Lines numbers and strings, Parquet doubles): same statistics, the column stays numeric', async () => {
    const r = rng(31);
    // every 40th income non-finite; written as each format writes it
    const special = [Infinity, NaN, -Infinity];
    const csvText = ['Infinity', 'NaN', '-inf'];
    const jsonText = ['1e400', '"NaN"', '"-Infinity"'];
    const rows = Array.from({ length: 400 }, (_, i) => ({
      age: 18 + r.int(60),
      income: Math.round(r.normal() * 1e6) / 100,
      nf: i % 40 === 7 ? (i / 40) % 3 | 0 : -1, // index into special, -1 = finite
    }));
    const csv = file('nf.csv', ['age,income', ...rows.map((v) => `${v.age},${v.nf < 0 ? decimalText(v.income) : csvText[v.nf]}`)].join('\n'));
    const jsonl = file('nf.jsonl', rows.map((v) => `{"age":${v.age},"income":${v.nf < 0 ? decimalText(v.income) : jsonText[v.nf]}}`).join('\n'));
    const parquet = file(
      'nf.parquet',
      writeParquet(
        [
          { name: 'age', type: 'INT64', values: rows.map((v) => v.age) },
          { name: 'income', type: 'DOUBLE', values: rows.map((v) => (v.nf < 0 ? v.income : (special[v.nf] as number))) },
        ],
        128,
        'GZIP',
      ),
    );
    const marked = rows.filter((v) => v.nf >= 0).length;
    const finite = rows.filter((v) => v.nf < 0).map((v) => v.income);
    const fromCsv = (await buildDataBaseline({ input: csv, progress: false })).statistics;
    const income = fromCsv.features[1]!;
    expect(income.inferredType).toBe('Fractional');
    expect(income.typeCounts).toEqual({ integral: 0, fractional: finite.length, boolean: 0, string: 0, missing: 0, nonFinite: marked });
    expect(income.numerical!.numPresent).toBe(400);
    expect(income.numerical!.sketch.count).toBe(finite.length);
    expect(income.numerical!.min).toBe(Math.min(...finite));
    expect(income.numerical!.max).toBe(Math.max(...finite));
    expect(Math.abs(income.numerical!.sum - finite.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(1e-6);
    const text = formatStatistics(fromCsv);
    for (const input of [jsonl, parquet]) {
      const other = (await buildDataBaseline({ input, progress: false })).statistics;
      expect(formatStatistics(other), input).toBe(text);
      expect(other.features[1]!.typeCounts, input).toEqual(income.typeCounts);
    }
  });
});
