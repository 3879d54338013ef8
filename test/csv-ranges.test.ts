/**
 * `driftmon baseline data` reading a CSV in N byte ranges on worker threads writes the files of a
 * single sequential read, byte for byte, and the same warnings (ragged rows with their lines):
 * quoted fields with newlines (so some splits fall inside one and the read resynchronises),
 * CRLF, empty lines, ragged rows, a column mixing numbers with text (recounted in a second
 * read), a malformed file's error. Runs the build (npm run build first).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { rng } from './support/random.js';

const dir = mkdtempSync(join(tmpdir(), 'driftmon-ranges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A seeded CSV: `quotedLines` newlines inside a quoted field of every `quotedEvery`-th row. */
function csv(name: string, rows: number, nl: string, quotedEvery: number, quotedLines: number): string {
  const r = rng(rows + quotedEvery);
  const lines = ['id,x,y,label,note,mixed'];
  for (let i = 0; i < rows; i++) {
    const note = i % quotedEvery === 0 ? `"${Array.from({ length: quotedLines + 1 }, (_v, k) => `l${k}, ""q""`).join(nl)}"` : `n${i % 7}`;
    const mixed = i < rows / 2 ? String(r.int(5000)) : i % 3 === 0 ? `s${r.int(40)}` : String(r.int(50));
    const cells = [String(i), (r.normal() * 100).toFixed(3), String(r.int(1000)), ['a', 'b', 'c'][r.int(3)], note, mixed];
    if (i % 997 === 5) cells.pop(); // shorter
    if (i % 1999 === 7) cells.push('extra'); // longer
    lines.push(cells.join(','));
    if (i % 1500 === 3) lines.push('');
  }
  const file = join(dir, name);
  writeFileSync(file, lines.join(nl) + nl);
  return file;
}

/** `ranges` byte ranges read by `workers` worker threads (round-robin: 2 workers on 8 ranges read 4 each). */
async function baseline(input: string, ranges: number, workers = 2): Promise<{ code: number | null; stdout: string; stderr: string; files: Record<string, string> }> {
  const out = join(dir, `${input.split('/').at(-1)}-${ranges}-${workers}`);
  const r = await runCli(['baseline', 'data', '--input', input, '--output', out], { env: { DRIFTMON_CSV_RANGES: String(ranges), DRIFTMON_CSV_WORKERS: String(workers) } });
  const files: Record<string, string> = {};
  if (r.code === 0) for (const f of readdirSync(out)) files[f] = readFileSync(join(out, f), 'utf8');
  return { code: r.code, stdout: r.stdout.replaceAll(out, 'OUT'), stderr: r.stderr, files };
}

describe('baseline data in byte ranges', () => {
  for (const [name, nl, every, lines] of [
    ['lf.csv', '\n', 50, 2],
    ['crlf.csv', '\r\n', 40, 3],
    ['quoted.csv', '\n', 1, 12],
  ] as const) {
    it(`${name}: 1 range and 2, 3, 5, 8 ranges (by 1, 2 and 3 workers) write the same files and warnings`, async () => {
      const input = csv(name, 20_000, nl, every, lines);
      const one = await baseline(input, 1);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stderr).toContain('fewer fields');
      expect(Object.keys(one.files).sort()).toContain('statistics.json');
      for (const [n, workers] of [[2, 1], [3, 2], [5, 2], [8, 2], [8, 3], [5, 1]] as const) expect(await baseline(input, n, workers), `${n} ranges, ${workers} workers`).toEqual(one);
    }, 60_000);
  }

  it('a malformed record is reported as by a sequential read', async () => {
    const lines = ['a,b', ...Array.from({ length: 30_000 }, (_v, i) => (i === 20_000 ? '"x"y,1' : `${i},z`))];
    const input = join(dir, 'bad.csv');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const one = await baseline(input, 1);
    expect(one.code).toBe(3);
    expect(one.stderr).toContain('record 20002: ');
    for (const n of [2, 4]) expect(await baseline(input, n)).toEqual(one);
  }, 60_000);
});
