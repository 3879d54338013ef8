import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
