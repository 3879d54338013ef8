/**
 * TEST SUPPORT — a minimal Parquet writer for the dataset tests (no Parquet writer is installed):
 * one data page (v1, PLAIN values, RLE definition levels) per column chunk, OPTIONAL flat columns,
 * uncompressed or GZIP. Thrift compact protocol for the page headers and the footer.
 */
import { gzipSync } from 'node:zlib';

type PqType = 'DOUBLE' | 'INT64' | 'INT32' | 'BOOLEAN' | 'UTF8';
export interface PqColumn {
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

export function writeParquet(columns: PqColumn[], rowGroupRows: number, codec: 'UNCOMPRESSED' | 'GZIP'): Buffer {
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
