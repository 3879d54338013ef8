import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diskUsage } from './disk-usage.js';

/** `df --output=pcent,used,avail DIR`: Use% (rounded up, as df does) and used/(used+avail) in 1K blocks. */
function df(dir: string): { pcent: number; fraction: number } {
  const lines = execFileSync('df', ['--output=pcent,used,avail', dir], { encoding: 'utf8' }).trim().split('\n');
  const fields = lines[lines.length - 1]!.trim().split(/\s+/);
  const [pcent, used, avail] = [Number(fields[0]!.replace('%', '')), Number(fields[1]), Number(fields[2])];
  return { pcent, fraction: used + avail > 0 ? used / (used + avail) : 0 };
}

describe('diskUsage', () => {
  const made = mkdtempSync(join(tmpdir(), 'driftmon-disk-'));
  const dirs = [tmpdir(), process.cwd(), made];
  afterAll(() => rmSync(made, { recursive: true, force: true }));

  it.each(dirs)('matches df for %s (within 1 percentage point)', async (dir) => {
    const got = await diskUsage(dir);
    const want = df(dir);
    expect(got).toBeGreaterThanOrEqual(0);
    expect(got).toBeLessThanOrEqual(1);
    expect(Math.abs(got - want.fraction)).toBeLessThanOrEqual(0.01);
    // df's Use% is the same ratio rounded up to a whole percent
    expect(Math.abs(got * 100 - want.pcent)).toBeLessThanOrEqual(1);
  });

  it('measures a file the same as its directory', async () => {
    const f = join(process.cwd(), 'package.json');
    expect(Math.abs((await diskUsage(f)) - (await diskUsage(process.cwd())))).toBeLessThanOrEqual(0.01);
  });

  it('rejects a missing path with a clear error', async () => {
    const missing = join(tmpdir(), 'driftmon-no-such-dir', 'state');
    await expect(diskUsage(missing)).rejects.toMatchObject({
      name: 'DriftmonError',
      code: 'INPUT_NOT_FOUND',
      message: `cannot measure disk usage of ${missing}: no such file or directory`,
    });
  });
});
