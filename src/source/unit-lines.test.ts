/**
 * A file cut into byte ranges of any size (decode-units.ts) and read range by range (unit-lines.ts)
 * gives FileSource's lines: the same texts, rejections, blank-line counts and — once the lines of
 * the file's earlier ranges are added — line numbers, wherever the boundaries fall (inside a line,
 * on a newline, between CR and LF, inside a UTF-8 character or an over-long line).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { planUnits } from './decode-units.js';
import { FileSource } from './file-source.js';
import type { LineBatch } from './line-batcher.js';
import { unitLines } from './unit-lines.js';

interface Seen {
  lines: string[];
  blank: number;
}

/** Every record as `origin:line reason? text`, and the blank lines. */
function collect(batches: LineBatch[], base = 0, seen: Seen = { lines: [], blank: 0 }): Seen {
  for (const b of batches) {
    seen.blank += b.blankLines ?? 0;
    b.records.forEach((text, i) => {
      const rejected = b.rejected?.(i);
      seen.lines.push(`${b.originName}:${b.lineNo(i) + base} ${rejected ? `${rejected.reason}/${rejected.bytes} ` : ''}${text}`);
    });
  }
  return seen;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const MAX = 40;

/** Hostile lines: blank, CRLF, over MAX bytes, invalid UTF-8, multi-byte characters, a BOM-looking start mid-file. */
function hostile(seed: number): Buffer {
  let x = seed;
  const rnd = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const parts: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf])];
  for (let i = 0; i < 120; i++) {
    const kind = rnd(9);
    if (kind === 0) parts.push(Buffer.from('\n'));
    else if (kind === 1) parts.push(Buffer.from('   \r\n'));
    else if (kind === 2) parts.push(Buffer.from(`${'x'.repeat(MAX + rnd(60))}\n`));
    else if (kind === 3) parts.push(Buffer.from([0x61, 0xff, 0x62, 0x0a]));
    else if (kind === 4) parts.push(Buffer.from(`é€${i}\r\n`));
    else if (kind === 5) parts.push(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`bom${i}\n`)]));
    else parts.push(Buffer.from(`{"i":${i},"v":${rnd(1000)}}\n`));
  }
  parts.push(Buffer.from('last line without newline'));
  return Buffer.concat(parts);
}

describe('unitLines over decode units', () => {
  it('gives FileSource lines for every range size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-units-'));
    writeFileSync(join(dir, 'a.jsonl'), hostile(1));
    writeFileSync(join(dir, 'b.jsonl'), hostile(2));
    writeFileSync(join(dir, 'c.jsonl.gz'), gzipSync(hostile(3)));
    writeFileSync(join(dir, 'd.jsonl'), '');
    const want = collect(await all(new FileSource({ paths: [dir], batchSize: 7, maxLineLength: MAX }).batches()));
    expect(want.lines.some((l) => l.includes('line_too_long'))).toBe(true);
    expect(want.lines.some((l) => l.includes('invalid_utf8'))).toBe(true);
    for (const rangeBytes of [1, 2, 3, 5, 17, 41, 100, 333, 1 << 20]) {
      const units = await planUnits([dir], rangeBytes);
      const seen: Seen = { lines: [], blank: 0 };
      let file = '';
      let base = 0;
      for (const unit of units) {
        if (unit.file !== file) [file, base] = [unit.file, 0];
        const progress = { lines: 0 };
        collect(await all(unitLines(unit, { maxLineLength: MAX, batchSize: 7, onError: (e) => expect.fail(String(e)) }, progress)), base, seen);
        base += progress.lines;
      }
      expect(seen, `rangeBytes ${rangeBytes}`).toEqual(want);
    }
  });

  it('resumes a unit after its first lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-units-'));
    writeFileSync(join(dir, 'a.jsonl'), 'a\n\nb\nc\n\nd\n');
    const [unit] = await planUnits([dir]);
    const seen = collect(await all(unitLines(unit!, { maxLineLength: MAX, batchSize: 7, skipLines: 3, onError: () => undefined }, { lines: 0 })));
    expect(seen).toEqual({ lines: [`${join(dir, 'a.jsonl')}:4 c`, `${join(dir, 'a.jsonl')}:6 d`], blank: 1 });
  });
});
