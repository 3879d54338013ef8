import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FileSource } from './file-source.js';
import { describeSourceContract, drain } from './source.contract.js';
import { StreamSource } from './stdin-source.js';
import type { RawBatch } from './source.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-src-'));

describeSourceContract('FileSource', async (text, batchSize) => {
  const dir = tmp();
  writeFileSync(join(dir, 'a.jsonl'), text);
  return new FileSource({ paths: [dir], batchSize });
});

describeSourceContract('FileSource (gzip)', async (text, batchSize) => {
  const dir = tmp();
  writeFileSync(join(dir, 'a.jsonl.gz'), gzipSync(text));
  return new FileSource({ paths: [dir], batchSize });
});

describeSourceContract('StreamSource', async (text, batchSize) => {
  const buf = Buffer.from(text);
  // deliver in small chunks to exercise splitting (including inside multi-byte characters)
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 7) chunks.push(buf.subarray(i, i + 7));
  return new StreamSource(Readable.from(chunks), 'stdin', { batchSize });
});

describe('FileSource', () => {
  it('reads directories recursively in path order and ignores other files', async () => {
    const dir = tmp();
    mkdirSync(join(dir, '2024/01/01/01'), { recursive: true });
    mkdirSync(join(dir, '2024/01/01/00'), { recursive: true });
    writeFileSync(join(dir, '2024/01/01/01/00-00-000-b.jsonl'), 'late\n');
    writeFileSync(join(dir, '2024/01/01/00/59-00-000-a.jsonl'), 'early\n');
    writeFileSync(join(dir, '2024/01/01/00/notes.txt'), 'not a capture file\n');
    expect((await drain(new FileSource({ paths: [dir] }))).records).toEqual(['early', 'late']);
  });

  it('follows files as they grow and picks up new files until closed', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.jsonl'), 'one\ntw');
    const source = new FileSource({ paths: [dir], follow: true, pollIntervalMs: 20 });
    const seen: string[] = [];
    const it = source.batches()[Symbol.asyncIterator]();
    const next = async (): Promise<RawBatch> => (await it.next()).value as RawBatch;
    seen.push(...(await next()).records);
    appendFileSync(join(dir, 'a.jsonl'), 'o\nthree\n');
    seen.push(...(await next()).records);
    writeFileSync(join(dir, 'b.jsonl'), 'four\n');
    seen.push(...(await next()).records);
    await source.close();
    expect(seen).toEqual(['one', 'two', 'three', 'four']);
  });

  it('skips a truncated and a fake .gz: reports each once, keeps their complete lines, reads the files after them', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.jsonl'), 'a1\na2\n');
    const whole = gzipSync(Array.from({ length: 20_000 }, (_, i) => `b${i}`).join('\n') + '\n');
    writeFileSync(join(dir, 'b.jsonl.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(join(dir, 'c.jsonl.gz'), 'plain text, not gzip\n');
    writeFileSync(join(dir, 'd.jsonl'), 'd1\n');
    const reported: string[] = [];
    const source = new FileSource({ paths: [dir], onUnreadable: (u) => reported.push(u.path) });
    const { records } = await drain(source);
    expect(reported).toEqual([join(dir, 'b.jsonl.gz'), join(dir, 'c.jsonl.gz')]);
    expect(source.unreadable().map((u) => u.path)).toEqual(reported);
    expect(source.unreadable()[1]?.reason).toMatch(/header/);
    expect(records.slice(0, 2)).toEqual(['a1', 'a2']);
    expect(records.at(-1)).toBe('d1');
    // the truncated file's complete lines, in order; its cut last line is dropped
    const b = records.slice(2, -1);
    expect(b.length).toBeGreaterThan(1000);
    expect(b).toEqual(Array.from({ length: b.length }, (_, i) => `b${i}`));
  });

  // root reads everything: the test needs an ordinary user
  it.skipIf(process.getuid?.() === 0)('skips a file it may not read (permissions) and reads the others', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.jsonl.gz'), gzipSync('a1\n'), { mode: 0o000 });
    writeFileSync(join(dir, 'b.jsonl'), 'b1\n', { mode: 0o000 });
    writeFileSync(join(dir, 'c.jsonl'), 'c1\n');
    const source = new FileSource({ paths: [dir] });
    expect((await drain(source)).records).toEqual(['c1']);
    expect(source.unreadable().map((u) => [u.path, u.reason.split(':')[0]])).toEqual([
      [join(dir, 'a.jsonl.gz'), 'EACCES'],
      [join(dir, 'b.jsonl'), 'EACCES'],
    ]);
  });

  it('skips blank lines (empty or whitespace only) and counts them in the batches', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.jsonl'), '\na\n  \n\t\r\n b\n\n');
    const batches: RawBatch[] = [];
    for await (const b of new FileSource({ paths: [dir], batchSize: 1 }).batches()) batches.push(b);
    expect(batches.flatMap((b) => b.records)).toEqual(['a', ' b']);
    expect(batches.reduce((n, b) => n + (b.blankLines ?? 0), 0)).toBe(4);
  });

  it('reports a missing path as INPUT_NOT_FOUND', async () => {
    await expect(drain(new FileSource({ paths: ['/nonexistent/driftmon'] }))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});
