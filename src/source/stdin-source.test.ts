import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../errors.js';
import { PREFIX_BYTES } from './byte-lines.js';
import type { RawBatch } from './source.js';
import { StreamSource } from './stdin-source.js';

/** Collects batches in the background, as a monitor does. */
function consume(source: StreamSource): { batches: RawBatch[]; done: Promise<void> } {
  const batches: RawBatch[] = [];
  const done = (async () => {
    for await (const b of source.batches()) batches.push(b);
  })();
  return { batches, done };
}

const lines = (batches: RawBatch[]): string[] => batches.flatMap((b) => [...b.records]);

async function until(predicate: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

describe('StreamSource with the input kept open', () => {
  it('flushes a partial batch after the idle time, without waiting for the batch to fill or the input to end', async () => {
    const input = new PassThrough();
    const source = new StreamSource(input, 'stdin', { batchSize: 4096, idleFlushMs: 50 });
    const run = consume(source);
    input.write(Array.from({ length: 901 }, (_v, i) => `{"n":${i}}`).join('\n') + '\n');
    await until(() => lines(run.batches).length === 901, 2_000);
    expect(run.batches[0]?.origin(900)).toBe('stdin:901');
    // more lines later: a new batch, numbering continues
    input.write('{"n":901}\n');
    await until(() => lines(run.batches).length === 902, 2_000);
    expect(run.batches.at(-1)?.origin(0)).toBe('stdin:902');
    source.stop();
    await run.done;
  });

  it('stop() ends the iteration cleanly while the input stays open: the lines read so far come out, no error', async () => {
    const input = new PassThrough();
    const source = new StreamSource(input, 'stdin', { batchSize: 4096, idleFlushMs: 60_000 });
    const run = consume(source);
    input.write('a\nb\nc\nunterminated');
    await new Promise((r) => setTimeout(r, 50));
    expect(lines(run.batches)).toEqual([]); // held: the idle time has not passed
    source.stop();
    await expect(run.done).resolves.toBeUndefined();
    expect(lines(run.batches)).toEqual(['a', 'b', 'c']);
    await source.close();
    expect(input.destroyed).toBe(true);
  });

  it('close() while iterating ends it without ERR_STREAM_PREMATURE_CLOSE', async () => {
    const input = new PassThrough();
    const source = new StreamSource(input, 'stdin', { idleFlushMs: 10 });
    const run = consume(source);
    input.write('x\n');
    await until(() => lines(run.batches).length === 1, 2_000);
    await source.close();
    await expect(run.done).resolves.toBeUndefined();
  });

  it('a stream error still fails the iteration', async () => {
    const input = new PassThrough();
    const source = new StreamSource(input, 'stdin', { idleFlushMs: 10 });
    const run = consume(source);
    input.destroy(new Error('broken pipe'));
    await expect(run.done).rejects.toThrow('broken pipe');
  });
});

describe('StreamSource reads bytes, like files', () => {
  const run = async (chunks: Buffer[], maxLineLength: number): Promise<RawBatch[]> => {
    const out: RawBatch[] = [];
    for await (const b of new StreamSource(Readable.from(chunks), 'stdin', { maxLineLength }).batches()) out.push(b);
    return out;
  };

  it('rejects a line of invalid UTF-8 as invalid_utf8 instead of repairing it with U+FFFD', async () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const batches = await run([Buffer.from('{"a":1}\n'), bad, Buffer.from('{"a":2}\n')], 1024);
    expect(lines(batches)).toHaveLength(3);
    const b = batches[0] as RawBatch;
    expect(b.rejected?.(0)).toBeUndefined();
    expect(b.rejected?.(1)).toMatchObject({ reason: RecordErrorReason.INVALID_UTF8, bytes: bad.length - 1 });
    expect(b.origin(1)).toBe('stdin:2');
    expect(b.records[2]).toBe('{"a":2}');
  });

  it('does not hold more than maxLineLength of a line: the rest is skipped, a 1 KiB prefix kept with the true length', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const chunks = [Buffer.from('\uFEFF{"first":1}\n'), ...Array.from({ length: 32 }, () => chunk), Buffer.from('\n{"after":1}\n')];
    const batches = await run(chunks, 4096);
    const records = lines(batches);
    expect(records[0]).toBe('{"first":1}'); // BOM dropped
    expect(records[1]).toHaveLength(PREFIX_BYTES);
    expect(batches[0]?.rejected?.(1)).toMatchObject({ reason: RecordErrorReason.LINE_TOO_LONG, bytes: 32 * 64 * 1024 });
    expect(records[2]).toBe('{"after":1}');
  });
});
