/**
 * ParallelDecodedFileSource's own duties, with real worker threads: every record once, in input
 * order, with its true `path:line`; a truncated gzip reported once (the lines before the cut kept),
 * also when the monitor thread decodes units itself (share); and closing the source (or leaving its
 * loop) ends every worker thread (Linux: /proc/self/task).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BlockDecodeSpec } from '../record/block-decoder.js';
import { ParallelDecodedFileSource } from './parallel-decoded-file-source.js';

const spec: BlockDecodeSpec = { maxLineLength: 4000, maxFutureSkewMs: 1e15, record: {}, maxFeatures: 100, declarations: [], baselineNames: undefined };

const line = (i: number): string =>
  JSON.stringify({
    captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: `${i},2`, encoding: 'CSV' }, endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: '1', encoding: 'CSV' } },
    eventMetadata: { eventId: `e${i}`, inferenceTime: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() },
    eventVersion: '0',
  });

function input(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-pool-'));
  writeFileSync(join(dir, 'a.jsonl'), `${Array.from({ length: 500 }, (_, i) => line(i)).join('\n')}\n`);
  const gz = gzipSync(`${Array.from({ length: 2000 }, (_, i) => line(i)).join('\n')}\n`);
  writeFileSync(join(dir, 'b.jsonl.gz'), gz.subarray(0, gz.length >> 1));
  writeFileSync(join(dir, 'c.jsonl'), `${Array.from({ length: 300 }, (_, i) => line(i)).join('\n')}\n`);
  return dir;
}

const threads = (): number => readdirSync('/proc/self/task').length;

describe('ParallelDecodedFileSource', () => {
  it.each([
    [3, false],
    [1, true],
    [2, true],
  ])('hands every record over once, in order, with its line; a truncated gzip is reported once (%i workers, share: %s)', async (workers, share) => {
    const dir = input();
    const unreadable: string[] = [];
    const decoded: number[] = [];
    const source = new ParallelDecodedFileSource({ ...spec, paths: [dir], workers, rangeBytes: 3000, share }, (u) => unreadable.push(u.path), undefined, (units, here) => decoded.push(units, here));
    const origins: string[] = [];
    for await (const batch of source.batches()) {
      const block = batch.decoded!;
      for (let i = batch.decodedFrom ?? 0; i < block.records; i++) origins.push(batch.origin(i));
    }
    const a = Array.from({ length: 500 }, (_, i) => `${join(dir, 'a.jsonl')}:${i + 1}`);
    const c = Array.from({ length: 300 }, (_, i) => `${join(dir, 'c.jsonl')}:${i + 1}`);
    const b = origins.filter((o) => o.includes('b.jsonl.gz'));
    expect(b.length).toBeGreaterThan(100);
    expect(origins).toEqual([...a, ...b.map((_, i) => `${join(dir, 'b.jsonl.gz')}:${i + 1}`), ...c]);
    expect(unreadable).toEqual([join(dir, 'b.jsonl.gz')]);
    expect(source.unreadable()).toHaveLength(1);
    expect(source.filesFound()).toBe(3);
    // 3,000-byte ranges: ~60 units; with sharing the monitor thread takes the first and more while
    // it would wait for the worker's blocks
    expect(decoded[0]).toBeGreaterThan(50);
    if (share) expect(decoded[1]).toBeGreaterThan(1);
    else expect(decoded[1]).toBe(0);
    expect(source.decodedHere()).toBe(decoded[1]);
  });

  it.runIf(existsSync('/proc/self/task'))('ends its worker threads when the loop is left, and on close()', async () => {
    const dir = input();
    readFileSync(join(dir, 'a.jsonl')); // the libuv pool's threads are up before counting
    await sleep(50);
    const before = threads();
    const settle = async (): Promise<number> => {
      for (let i = 0; i < 100 && threads() > before; i++) await sleep(20);
      return threads();
    };
    const left = new ParallelDecodedFileSource({ ...spec, paths: [dir], workers: 3, rangeBytes: 3000 });
    for await (const _ of left.batches()) break;
    expect(await settle()).toBe(before);
    const closed = new ParallelDecodedFileSource({ ...spec, paths: [dir], workers: 3, rangeBytes: 3000, share: true });
    const it = closed.batches()[Symbol.asyncIterator]();
    await it.next();
    expect(threads()).toBeGreaterThan(before);
    await closed.close();
    expect(await settle()).toBe(before);
  });
});
