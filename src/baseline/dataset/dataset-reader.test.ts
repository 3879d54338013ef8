import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../../errors.js';
import { FeatureRegistry } from '../../record/feature-registry.js';
import { ValueKind, type FeatureRow } from '../../record/row.js';
import { rng } from '../../../test/support/random.js';
import { buildDataBaseline } from '../build.js';
import { formatStatistics } from '../../sagemaker/statistics-file.js';
import { looksLikeHeader, safeHeader } from './csv-header.js';
import { DatasetFormat, formatFromPath, readDataset, type ReadDatasetOptions } from './dataset-reader.js';

// ---------------------------------------------------------------------------------------------
// A minimal Parquet writer for the tests (no Parquet writer is installed): one data page (v1,
// PLAIN values, RLE definition levels) per column chunk, OPTIONAL flat columns, uncompressed or
// GZIP. Thrift compact protocol for the page headers and the footer.

type PqType = 'DOUBLE' | 'INT64' | 'INT32' | 'BOOLEAN' | 'UTF8';
interface PqColumn {
  name: string;
  type: PqType;
  values: (number | string | boolean | null)[];
}

class CompactWriter {
  readonly out: number[] = [];
  private readonly last: number[] = [0];

  byte(b: number): void {
    this.out.push(b & 0xff);
  }
  varint(n: bigint): void {
    let v = n;
    while (v > 0x7fn) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }
  zigzag(n: number | bigint): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
  }
  field(id: number, type: number): void {
    const delta = id - (this.last[this.last.length - 1] as number);
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): void {
    this.field(id, 5);
    this.zigzag(v);
  }
  i64(id: number, v: number): void {
    this.field(id, 6);
    this.zigzag(v);
  }
  str(id: number, s: string): void {
    this.field(id, 8);
    const b = Buffer.from(s, 'utf8');
    this.varint(BigInt(b.length));
    for (const x of b) this.byte(x);
  }
  list(id: number, elemType: number, n: number): void {
    this.field(id, 9);
    if (n < 15) this.byte((n << 4) | elemType);
    else {
      this.byte(0xf0 | elemType);
      this.varint(BigInt(n));
    }
  }
  begin(id?: number): void {
    if (id !== undefined) this.field(id, 12);
    this.last.push(0);
  }
  end(): void {
    this.byte(0);
    this.last.pop();
  }
}

const TYPE_CODE: Record<PqType, number> = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, UTF8: 6 };

function rleBits(levels: number[]): Buffer {
  const bytes: number[] = [];
  let i = 0;
  while (i < levels.length) {
    let j = i;
    while (j < levels.length && levels[j] === levels[i]) j++;
    let n = (j - i) << 1;
    while (n > 0x7f) {
      bytes.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    bytes.push(n, levels[i] as number);
    i = j;
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(bytes.length);
  return Buffer.concat([len, Buffer.from(bytes)]);
}

function plain(type: PqType, values: (number | string | boolean)[]): Buffer {
  switch (type) {
    case 'DOUBLE': {
      const b = Buffer.alloc(8 * values.length);
      values.forEach((v, i) => b.writeDoubleLE(v as number, 8 * i));
      return b;
    }
    case 'INT64': {
      const b = Buffer.alloc(8 * values.length);
      values.forEach((v, i) => b.writeBigInt64LE(BigInt(v as number), 8 * i));
      return b;
    }
    case 'INT32': {
      const b = Buffer.alloc(4 * values.length);
      values.forEach((v, i) => b.writeInt32LE(v as number, 4 * i));
      return b;
    }
    case 'BOOLEAN': {
      const b = Buffer.alloc(Math.ceil(values.length / 8));
      values.forEach((v, i) => {
        if (v === true) b[i >> 3] = (b[i >> 3] as number) | (1 << (i & 7));
      });
      return b;
    }
    case 'UTF8':
      return Buffer.concat(
        values.map((v) => {
          const s = Buffer.from(v as string, 'utf8');
          const len = Buffer.alloc(4);
          len.writeUInt32LE(s.length);
          return Buffer.concat([len, s]);
        }),
      );
  }
}

function writeParquet(columns: PqColumn[], rowGroupRows: number, codec: 'UNCOMPRESSED' | 'GZIP'): Buffer {
  const rows = columns[0]?.values.length ?? 0;
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const groups: { rows: number; chunks: { col: PqColumn; offset: number; n: number; raw: number; size: number }[] }[] = [];
  for (let start = 0; start < rows; start += rowGroupRows) {
    const end = Math.min(rows, start + rowGroupRows);
    const chunks = [];
    for (const col of columns) {
      const slice = col.values.slice(start, end);
      const present = slice.filter((v): v is number | string | boolean => v !== null);
      const body = Buffer.concat([rleBits(slice.map((v) => (v === null ? 0 : 1))), plain(col.type, present)]);
      const packed = codec === 'GZIP' ? gzipSync(body) : body;
      const h = new CompactWriter();
      h.begin();
      h.i32(1, 0);
      h.i32(2, body.length);
      h.i32(3, packed.length);
      h.begin(5);
      h.i32(1, slice.length);
      h.i32(2, 0);
      h.i32(3, 3);
      h.i32(4, 3);
      h.end();
      h.end();
      const header = Buffer.from(h.out);
      parts.push(header, packed);
      chunks.push({ col, offset, n: slice.length, raw: header.length + body.length, size: header.length + packed.length });
      offset += header.length + packed.length;
    }
    groups.push({ rows: end - start, chunks });
  }
  const m = new CompactWriter();
  m.begin();
  m.i32(1, 1);
  m.list(2, 12, columns.length + 1);
  m.begin();
  m.str(4, 'schema');
  m.i32(5, columns.length);
  m.end();
  for (const col of columns) {
    m.begin();
    m.i32(1, TYPE_CODE[col.type]);
    m.i32(3, 1);
    m.str(4, col.name);
    if (col.type === 'UTF8') m.i32(6, 0);
    m.end();
  }
  m.i64(3, rows);
  m.list(4, 12, groups.length);
  for (const g of groups) {
    m.begin();
    m.list(1, 12, g.chunks.length);
    for (const c of g.chunks) {
      m.begin();
      m.i64(2, c.offset);
      m.begin(3);
      m.i32(1, TYPE_CODE[c.col.type]);
      m.list(2, 5, 2);
      m.zigzag(0);
      m.zigzag(3);
      m.list(3, 8, 1);
      const name = Buffer.from(c.col.name, 'utf8');
      m.varint(BigInt(name.length));
      for (const x of name) m.byte(x);
      m.i32(4, codec === 'GZIP' ? 2 : 0);
      m.i64(5, c.n);
      m.i64(6, c.raw);
      m.i64(7, c.size);
      m.i64(9, c.offset);
      m.end();
      m.end();
    }
    m.i64(2, g.chunks.reduce((s, c) => s + c.raw, 0));
    m.i64(3, g.rows);
    m.end();
  }
  m.end();
  const footer = Buffer.from(m.out);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(footer.length);
  parts.push(footer, len, Buffer.from('PAR1'));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------

const DQ = join(
  import.meta.dirname,
  '../../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/pipeline/quality_check_step/data_quality',
);
const dir = mkdtempSync(join(tmpdir(), 'driftmon-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

interface Cell {
  name: string;
  kind: ValueKind;
  number?: number;
  text?: string;
}

/** Read a file and return each row as its non-missing cells (copied). */
async function cells(path: string, options: Partial<ReadDatasetOptions> = {}): Promise<{ rows: Cell[][]; registry: FeatureRegistry }> {
  const registry = new FeatureRegistry();
  const rows: Cell[][] = [];
  await readDataset(
    path,
    (row: FeatureRow) => {
      const out: Cell[] = [];
      for (let i = 0; i < row.width; i++) {
        const kind = row.kinds[i] as ValueKind;
        if (kind === ValueKind.MISSING) continue;
        const c: Cell = { name: registry.at(i).name, kind };
        if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) c.number = row.numbers[i] as number;
        const t = row.strings[i];
        if (t !== undefined) c.text = t;
        out.push(c);
      }
      rows.push(out);
    },
    { registry, ...options },
  );
  return { rows, registry };
}

async function errorOf(p: Promise<unknown>): Promise<DriftmonError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DriftmonError) return e;
    throw e;
  }
  throw new Error('expected a DriftmonError');
}

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

describe('formatFromPath / safeHeader / looksLikeHeader', () => {
  it('maps extensions', () => {
    expect(formatFromPath('a/b.CSV')).toBe(DatasetFormat.CSV);
    expect(formatFromPath('x.ndjson')).toBe(DatasetFormat.JSONL);
    expect(formatFromPath('x.parquet')).toBe(DatasetFormat.PARQUET);
    expect(formatFromPath('x.bin')).toBeUndefined();
  });

  it("names columns like Spark's makeSafeHeader", () => {
    expect(safeHeader(['a', '', 'B', 'b', 'c'])).toEqual(['a', '_c1', 'B2', 'b3', 'c']);
  });

  it('detects a header from the first row and the rows below it', () => {
    expect(looksLikeHeader(['a', 'b'], [['1', 'x']])).toBe(true);
    expect(looksLikeHeader(['a', 'b'], [['x', 'y']])).toBe(false); // all text: ambiguous → no header
    expect(looksLikeHeader(['a', 'b'], [['', 'y'], ['2.5', '']])).toBe(true);
    expect(looksLikeHeader(['3.0', 'b'], [['1', 'x']])).toBe(false); // a numeric cell
    expect(looksLikeHeader(['a', 'a'], [['1', '2']])).toBe(false); // repeated names
    expect(looksLikeHeader(['a', ''], [['1', '2']])).toBe(false); // an empty name
    expect(looksLikeHeader(['a', 'b'], [])).toBe(true);
    expect(looksLikeHeader(['1', '2'], [])).toBe(false);
  });
});

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
    expect((await cells(p, { header: true })).rows).toEqual(auto.rows);
    const none = await cells(p, { header: false });
    expect(none.registry.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2']);
    expect(none.rows).toHaveLength(5);
    expect(none.rows[0]?.[0]).toEqual({ name: '_c0', kind: ValueKind.STRING, text: 'id' });
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

  it('lists malformed records', async () => {
    const e = await errorOf(cells(file('bad.csv', 'a,b\n"x"y,1\n')));
    expect(e.code).toBe(ErrorCode.INPUT_UNREADABLE);
    expect(e.details[0]).toMatch(/^record 2: /);
  });
});

describe('readDataset: JSON Lines', () => {
  it('keeps number literal kinds, flattens objects and arrays with nested: flatten, skips blank lines', async () => {
    const p = file(
      'a.jsonl',
      '{"a":3,"b":3.0,"c":"3","d":true,"e":null,"o":{"x":1,"y":{"z":"q"}},"v":[1,2.5,{"w":0}]}\n\n{"a":1e2,"new":"n"}\n',
    );
    const { rows, registry } = await cells(p, { nested: 'flatten' });
    expect(registry.features.map((f) => f.name)).toEqual(['a', 'b', 'c', 'd', 'e', 'o.x', 'o.y.z', 'v.0', 'v.1', 'v.2.w', 'new']);
    expect(rows).toEqual([
      [
        { name: 'a', kind: ValueKind.INTEGRAL, number: 3, text: '3' },
        { name: 'b', kind: ValueKind.FRACTIONAL, number: 3, text: '3.0' },
        { name: 'c', kind: ValueKind.INTEGRAL, number: 3, text: '3' },
        { name: 'd', kind: ValueKind.BOOLEAN, text: 'true' },
        { name: 'o.x', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
        { name: 'o.y.z', kind: ValueKind.STRING, text: 'q' },
        { name: 'v.0', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
        { name: 'v.1', kind: ValueKind.FRACTIONAL, number: 2.5, text: '2.5' },
        { name: 'v.2.w', kind: ValueKind.INTEGRAL, number: 0, text: '0' },
      ],
      [
        { name: 'a', kind: ValueKind.FRACTIONAL, number: 100, text: '1e2' },
        { name: 'new', kind: ValueKind.STRING, text: 'n' },
      ],
    ]);
  });

  it("nested: 'json' keeps nested values as one String (their JSON text)", async () => {
    const p = file('n.jsonl', '{"o":{"x":1,"y":[true,null]},"v":[1,2.0],"a":1}\n');
    const { rows, registry } = await cells(p, { nested: 'json' });
    expect(registry.features.map((f) => f.name)).toEqual(['o', 'v', 'a']);
    expect(rows).toEqual([
      [
        { name: 'o', kind: ValueKind.STRING, text: '{"x":1,"y":[true,null]}' },
        { name: 'v', kind: ValueKind.STRING, text: '[1,2]' },
        { name: 'a', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
      ],
    ]);
  });

  it('lists the lines that are not JSON objects', async () => {
    const e = await errorOf(cells(file('bad.jsonl', '{"a":1}\n[1]\n{oops\n{"a":2}\n')));
    expect(e.code).toBe(ErrorCode.INPUT_UNREADABLE);
    expect(e.details).toEqual(['line 2: not a JSON object', 'line 3: not valid JSON']);
  });
});

describe('readDataset: Parquet', () => {
  it('reads typed columns over several row groups (Deequ known types), nulls as missing', async () => {
    const p = file(
      'typed.parquet',
      writeParquet(
        [
          { name: 'd', type: 'DOUBLE', values: [3, 2.5, null] },
          { name: 'i', type: 'INT64', values: [1, null, -7] },
          { name: 'j', type: 'INT32', values: [5, 6, 7] },
          { name: 'b', type: 'BOOLEAN', values: [true, false, null] },
          { name: 's', type: 'UTF8', values: ['x', '42', null] },
        ],
        2,
        'GZIP',
      ),
    );
    const { rows, registry } = await cells(p);
    expect(registry.features.map((f) => f.name)).toEqual(['d', 'i', 'j', 'b', 's']);
    expect(rows).toEqual([
      [
        { name: 'd', kind: ValueKind.FRACTIONAL, number: 3, text: '3' },
        { name: 'i', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
        { name: 'j', kind: ValueKind.INTEGRAL, number: 5, text: '5' },
        { name: 'b', kind: ValueKind.BOOLEAN, text: 'true' },
        { name: 's', kind: ValueKind.STRING, text: 'x' },
      ],
      [
        { name: 'd', kind: ValueKind.FRACTIONAL, number: 2.5, text: '2.5' },
        { name: 'j', kind: ValueKind.INTEGRAL, number: 6, text: '6' },
        { name: 'b', kind: ValueKind.BOOLEAN, text: 'false' },
        { name: 's', kind: ValueKind.INTEGRAL, number: 42, text: '42' },
      ],
      [
        { name: 'i', kind: ValueKind.INTEGRAL, number: -7, text: '-7' },
        { name: 'j', kind: ValueKind.INTEGRAL, number: 7, text: '7' },
      ],
    ]);
  });

  it('rejects a file that is not Parquet', async () => {
    const e = await errorOf(cells(file('not.parquet', 'hello world, definitely not parquet')));
    expect(e.code).toBe(ErrorCode.INPUT_UNREADABLE);
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
});
