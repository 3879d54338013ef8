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
  return new StreamSource(Readable.from(chunks), 'stdin', batchSize);
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

  it('reports a missing path as INPUT_NOT_FOUND', async () => {
    await expect(drain(new FileSource({ paths: ['/nonexistent/driftmon'] }))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});
