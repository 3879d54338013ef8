import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { baselineDataCommand } from './baseline-command.js';
import type { CliIo } from './io.js';

describe('driftmon baseline data: ragged CSV rows', () => {
  it('warns once per kind with the count and the first line; the baseline is still written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-ragged-'));
    const rows = Array.from({ length: 50 }, (_, i) => (i === 10 || i === 30 ? `${i},x,1,extra` : i === 20 ? `${i}` : `${i},x,1`));
    writeFileSync(join(dir, 'd.csv'), `id,name,score\n${rows.join('\n')}\n`);
    let out = '';
    let err = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t), env: {}, stdin: new PassThrough(), isTTY: false, signal: new AbortController().signal } satisfies CliIo;
    const code = await baselineDataCommand(io, { input: join(dir, 'd.csv'), output: join(dir, 'base'), header: 'auto', nested: 'json' });
    expect(code).toBe(0);
    expect(err).toBe(
      `driftmon: warning: ${join(dir, 'd.csv')}: 2 row(s) have more fields than the 3 columns of the header (first at line 12): their extra fields are dropped\n` +
        `driftmon: warning: ${join(dir, 'd.csv')}: 1 row(s) have fewer fields than the 3 columns of the header (first at line 22): their missing fields count as missing values\n`,
    );
    expect(out).toContain('baseline of 50 rows, 3 features');
  });
});
