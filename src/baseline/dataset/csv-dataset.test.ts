import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../../errors.js';
import { FeatureRegistry } from '../../record/feature-registry.js';
import { ValueKind } from '../../record/row.js';
import { readDataset } from './dataset-reader.js';
import { cells, DQ, errorOf, inputFiles } from './test-support/dataset-cells.js';

const { file } = inputFiles();

describe('readDataset: CSV', () => {
  it('headerless golden CSV: _c0… names, Fractional values with their text', async () => {
    const { rows, registry } = await cells(join(DQ, 'baseline_dataset.csv'));
    expect(rows).toHaveLength(100);
    expect(registry.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2', '_c3', '_c4', '_c5']);
    expect(rows[0]?.[0]).toEqual({ name: '_c0', kind: ValueKind.FRACTIONAL, number: 3, text: '3.0' });
  });

  it('header auto/true/false, BOM, CRLF, quotes, empty fields, ragged rows', async () => {
    const p = file('h.csv', '\ufeffid,name,score\r\n1,"a, b",2.5\r\n2,,\r\n\r\n3,"say ""hi""",1e3,extra\r\n4\r\n');
    const auto = await cells(p);
    expect(auto.registry.features.map((f) => f.name)).toEqual(['id', 'name', 'score']);
    expect(auto.rows).toEqual([
      [
        { name: 'id', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
        { name: 'name', kind: ValueKind.STRING, text: 'a, b' },
        { name: 'score', kind: ValueKind.FRACTIONAL, number: 2.5, text: '2.5' },
      ],
      [{ name: 'id', kind: ValueKind.INTEGRAL, number: 2, text: '2' }],
      [
        { name: 'id', kind: ValueKind.INTEGRAL, number: 3, text: '3' },
        { name: 'name', kind: ValueKind.STRING, text: 'say "hi"' },
        { name: 'score', kind: ValueKind.FRACTIONAL, number: 1000, text: '1e3' },
      ],
      [{ name: 'id', kind: ValueKind.INTEGRAL, number: 4, text: '4' }],
    ]);
    const registry = new FeatureRegistry();
    const result = await readDataset(p, () => undefined, { registry });
    expect(result).toMatchObject({ format: 'csv', rows: 4, header: true, raggedRows: 2 });
    expect(result.ragged).toEqual({ longer: { count: 1, firstLine: 5 }, shorter: { count: 1, firstLine: 6 }, columns: 3 });
    expect((await cells(p, { header: true })).rows).toEqual(auto.rows);
    const none = await cells(p, { header: false });
    expect(none.registry.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2']);
    expect(none.rows).toHaveLength(5);
    expect(none.rows[0]?.[0]).toEqual({ name: '_c0', kind: ValueKind.STRING, text: 'id' });
  });

  it('ragged rows are counted by kind with the file line of the first, blank lines and quoted newlines included', async () => {
    const text = 'a,b,c\n1,2,3\n\n"x\ny",2,3\n4,5,6,7,8\n4,5\n\n6,7,8,9\n7\n';
    const p = file('ragged.csv', text);
    const result = await readDataset(p, () => undefined, { registry: new FeatureRegistry() });
    // line 4 holds a quoted newline (lines 4-5), so the first longer row is line 6, the first shorter line 7
    expect(result).toMatchObject({ rows: 6, header: true, raggedRows: 4, ragged: { longer: { count: 2, firstLine: 6 }, shorter: { count: 2, firstLine: 7 }, columns: 3 } });
    const none = await readDataset(file('ragged-none.csv', '1,2\n3,4,5\n'), () => undefined, { registry: new FeatureRegistry(), header: false });
    expect(none.ragged).toEqual({ longer: { count: 1, firstLine: 2 }, shorter: { count: 0, firstLine: 0 }, columns: 2 });
  });

  it('another delimiter; a header-only file has no rows', async () => {
    const tsv = await cells(file('t.tsv', 'a\tb\n1\tx\n'));
    expect(await cells(file('t.txt', 'a\tb\n1\tx\n'), { delimiter: '\t' })).toEqual(tsv);
    expect(tsv.rows).toEqual([[{ name: 'a', kind: ValueKind.INTEGRAL, number: 1, text: '1' }, { name: 'b', kind: ValueKind.STRING, text: 'x' }]]);
    const only = await cells(file('only.csv', 'a,b\n'));
    expect(only.rows).toEqual([]);
    expect(only.registry.features.map((f) => f.name)).toEqual(['a', 'b']);
  });

  it('an error thrown by the row callback ends the read and reaches the caller', async () => {
    const lines = ['a,b', ...Array.from({ length: 500 }, (_v, i) => `${i},x`)];
    let seen = 0;
    const read = readDataset(file('throws.csv', `${lines.join('\n')}\n`), () => {
      if (++seen === 300) throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'stop here');
    }, { registry: new FeatureRegistry(), header: true });
    await expect(read).rejects.toThrow('stop here');
    expect(seen).toBe(300);
  });

  it('a multi-byte character across the 64 KiB papaparse decoded on its own is read whole', async () => {
    let text = 'a,b\n';
    for (let i = 0; Buffer.byteLength(text) < 65_520; i++) text += `${i},x\n`;
    text += '1'.repeat(65_534 - Buffer.byteLength(text));
    text += ',é\n';
    expect(Buffer.from(text).indexOf(Buffer.from('é'))).toBe(65_535);
    const { rows } = await cells(file('split.csv', text));
    expect(rows.at(-1)?.[1]).toEqual({ name: 'b', kind: ValueKind.STRING, text: 'é' });
  });

  it('lists malformed records', async () => {
    const e = await errorOf(cells(file('bad.csv', 'a,b\n"x"y,1\n')));
    expect(e.code).toBe(ErrorCode.INPUT_UNREADABLE);
    expect(e.details[0]).toMatch(/^record 2: /);
  });
});
