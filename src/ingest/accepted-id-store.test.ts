import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_IDS_FILE, AcceptedIdStore } from './accepted-id-store.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'driftmon-ids-'));
const HOUR = 3_600_000;

describe('AcceptedIdStore', () => {
  it('remembers added IDs across a reopen of the same directory, odd IDs included', async () => {
    const dir = tempDir();
    let now = 1_000_000;
    const ids = ['a', 'b c', 'tab\there', 'quote"d', 'back\\slash', 'é😀', 'line\nbreak', '42'];
    const s1 = await AcceptedIdStore.open({ dir, retentionMs: HOUR, clock: () => now });
    expect(s1.has('a')).toBe(false);
    await s1.add(ids);
    expect(ids.every((id) => s1.has(id))).toBe(true);
    await s1.close();
    now += 1000;
    const s2 = await AcceptedIdStore.open({ dir, retentionMs: HOUR, clock: () => now });
    expect(ids.filter((id) => !s2.has(id))).toEqual([]);
    expect(s2.has('zzz')).toBe(false);
    expect(s2.size).toBe(ids.length);
    await s2.close();
  });

  it('forgets IDs past the retention horizon, in memory and at reopen', async () => {
    const dir = tempDir();
    let now = 0;
    const s = await AcceptedIdStore.open({ dir, retentionMs: HOUR, clock: () => now });
    await s.add(['old']);
    now = HOUR / 2;
    await s.add(['newer']);
    now = HOUR + 1;
    expect(s.has('old')).toBe(false);
    expect(s.has('newer')).toBe(true);
    await s.close();
    const s2 = await AcceptedIdStore.open({ dir, retentionMs: HOUR, clock: () => now });
    expect([s2.has('old'), s2.has('newer'), s2.size]).toEqual([false, true, 1]);
    await s2.close();
  });

  it('skips a torn last line (crash mid-append) and appends cleanly after it', async () => {
    const dir = tempDir();
    const s = await AcceptedIdStore.open({ dir, retentionMs: HOUR, clock: () => 5 });
    await s.add(['x1', 'x2']);
    await s.close();
    appendFileSync(join(dir, ACCEPTED_IDS_FILE), '5\t"tor');
    const s2 = await AcceptedIdStore.open({ dir, retentionMs: HOUR, clock: () => 6 });
    expect([s2.has('x1'), s2.has('x2'), s2.has('tor'), s2.size]).toEqual([true, true, false, 2]);
    await s2.add(['x3']);
    await s2.close();
    const s3 = await AcceptedIdStore.open({ dir, retentionMs: HOUR, clock: () => 7 });
    expect([s3.has('x3'), s3.size]).toEqual([true, 3]);
    await s3.close();
  });

  it('keeps the file bounded: expired lines are compacted away', async () => {
    const dir = tempDir();
    let now = 0;
    const s = await AcceptedIdStore.open({ dir, retentionMs: 10, clock: () => now });
    for (let i = 0; i < 100; i++) {
      now = i * 100; // every batch outlives the previous one
      await s.add(Array.from({ length: 50 }, (_v, j) => `id-${i}-${j}`));
    }
    await s.close();
    const lines = readFileSync(join(dir, ACCEPTED_IDS_FILE), 'utf8').split('\n').filter(Boolean);
    // at most 2 × live (50) + 1,024 lines before a compaction, never all 5,000
    expect(lines.length).toBeLessThanOrEqual(2 * 50 + 1024 + 50);
    const s2 = await AcceptedIdStore.open({ dir, retentionMs: 10, clock: () => now });
    expect(s2.size).toBe(50);
    expect(s2.has('id-99-0')).toBe(true);
    await s2.close();
  });

  it('a foreign line in the file is ignored, not fatal', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ACCEPTED_IDS_FILE), 'garbage\n1\t"ok"\n\t"x"\nNaN\t"y"\n1\t42\n');
    const s = await AcceptedIdStore.open({ dir, retentionMs: 1e15, clock: () => 2 });
    expect([s.has('ok'), s.size]).toEqual([true, 1]);
    await s.close();
  });
});
