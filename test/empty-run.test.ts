/** Runs with nothing to monitor — no input at all, or no valid record — say so and exit 3 (README's exit codes). */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-empty-'));

/** A baseline of x (integers) and c (two categories), built by `driftmon baseline data` from a JSON Lines file. */
async function baseline(dir: string): Promise<string> {
  writeFileSync(join(dir, 'base.jsonl'), `${Array.from({ length: 200 }, (_, i) => JSON.stringify({ x: i % 50, c: 'ab'[i % 2] })).join('\n')}\n`);
  const out = join(dir, 'baseline');
  expect((await runCli(['baseline', 'data', '--input', join(dir, 'base.jsonl'), '--output', out])).code).toBe(0);
  return out;
}

describe('a run with no valid record', () => {
  it('flat JSON records without the default time field inferenceTime: exit 3, what was read, the top reasons and the hint; --time-field fixes it', async () => {
    const dir = tmp();
    const base = await baseline(dir);
    mkdirSync(join(dir, 'cap'));
    // the records carry their time as "time", not the default "inferenceTime"; two are not JSON at all
    const records = Array.from({ length: 300 }, (_, i) => JSON.stringify({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), x: i % 50, c: 'ab'[i % 2] }));
    writeFileSync(join(dir, 'cap', 'a.jsonl'), `${records.slice(0, 150).join('\n')}\nnot json\n`);
    writeFileSync(join(dir, 'cap', 'b.jsonl'), `${records.slice(150).join('\n')}\n{oops\n`);
    const args = ['replay', '--format', 'flat-json', '--capture', join(dir, 'cap'), '--baseline', base, '--window', '5m'];
    const r = await runCli([...args, '--output', join(dir, 'out'), '--fail-on-violation']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `driftmon: monitor replay found no valid record: read 2 file(s) under ${join(dir, 'cap')}, 302 records, 0 valid; rejected: missing_event_time 300, not_json 2\n`,
    );
    expect(r.stderr).toMatch(/flat JSON records need their event time in the top-level field "inferenceTime".*--time-field \(replay\) or record\.timeField \(config\)/);
    expect(r.stdout).toContain('nothing evaluated: no valid row');
    expect(r.stdout).not.toContain('no violations');

    const fixed = await runCli([...args, '--time-field', 'time', '--output', join(dir, 'out2')]);
    expect(fixed.code, fixed.stderr).toBe(0);
    const index = readFileSync(join(dir, 'out2', 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item_count: number });
    expect(index.map((w) => w.item_count)).toEqual([300]);
  });

  it('capture lines without eventMetadata.inferenceTime get the capture hint', async () => {
    const dir = tmp();
    const base = await baseline(dir);
    mkdirSync(join(dir, 'cap'));
    const line = JSON.stringify({ captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: 'a', encoding: 'CSV' }, endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: '1', encoding: 'CSV' } }, eventMetadata: { eventId: 'e' }, eventVersion: '0' });
    writeFileSync(join(dir, 'cap', 'c.jsonl'), `${line}\n${line}\n`);
    const r = await runCli(['replay', '--capture', join(dir, 'cap'), '--baseline', base, '--window', '5m', '--output', join(dir, 'out')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('2 records, 0 valid; rejected: missing_event_time 2\n');
    expect(r.stderr).toContain('capture lines need eventMetadata.inferenceTime');
  });
});

describe('a run with no input at all', () => {
  it('an empty capture folder, and a folder whose files are no capture files: exit 3, said on stderr', async () => {
    const dir = tmp();
    const base = await baseline(dir);
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'notes.txt'), 'not a capture file\n');
    for (const cap of ['empty', 'other']) {
      const r = await runCli(['replay', '--capture', join(dir, cap), '--baseline', base, '--window', '5m', '--output', join(dir, `out-${cap}`)]);
      expect(r.code, cap).toBe(3);
      expect(r.stderr, cap).toContain(`driftmon: monitor replay read no input: 0 file(s) under ${join(dir, cap)} (capture files: *.jsonl, *.json, optionally .gz) held no record\n`);
    }
  });

  it('run --config over an empty folder, and over empty stdin: exit 3', async () => {
    const dir = tmp();
    const base = await baseline(dir);
    mkdirSync(join(dir, 'cap'));
    const config = (source: string): string =>
      `monitors:\n  - name: m\n    source: ${source}\n    record: { format: flat-json }\n    baseline: { dir: ${base} }\n    windows: [5m]\noutput: { dir: ${join(dir, 'out')} }\nhttp: { enabled: false }\n`;
    writeFileSync(join(dir, 'files.yaml'), config(`{ type: files, paths: [${join(dir, 'cap')}] }`));
    writeFileSync(join(dir, 'stdin.yaml'), config('{ type: stdin }'));
    const files = await runCli(['run', '--config', join(dir, 'files.yaml')]);
    expect(files.code).toBe(3);
    expect(files.stderr).toContain('driftmon: monitor m read no input: 0 file(s) under');
    const stdin = await runCli(['run', '--config', join(dir, 'stdin.yaml')], { input: '' });
    expect(stdin.code).toBe(3);
    expect(stdin.stderr).toContain('driftmon: monitor m read no input: stdin held no record\n');
  });
});
