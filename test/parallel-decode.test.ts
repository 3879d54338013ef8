/**
 * `driftmon replay` with the capture files decoded by 2 or 3 worker threads (decodeWorkers, byte
 * ranges of a few hundred bytes so that range boundaries fall everywhere), or by 1 or 2 with the
 * monitor thread decoding units too (decodeShare; it does: the log says how many), gives what one
 * worker gives, and what decoding in the monitor thread gives, byte for byte: every window's report,
 * the dead letters (reason, `path:line`, text, bytes), the summary (counts, late rows, column
 * naming) and the exit code (times of writing apart).
 * - hostile capture: a BOM, CRLF, blank lines, a line over maxLineLength, invalid UTF-8, bad JSON, a
 *   BOM-looking line mid-file, future-dated and late records, features first met in later ranges and
 *   files (JSON payload keys, an extra CSV column), a gzip file and a truncated one;
 * - column naming: the first row has fewer columns than the baseline's features, later ones as many
 *   (each worker would decide on its own first row; the input's first decides, and is known before
 *   any later unit is decoded, so the workers are not stopped for it);
 * - flat JSON past maxFeatures: the workers cannot match one decoder, so the monitor thread decodes
 *   from there on (and says so).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './support/cli.js';
import { DQ, outputTree } from './support/replay-fixture.js';

const ROWS = readFileSync(join(DQ, 'baseline_dataset.csv'), 'utf8').trim().split('\n');
const T0 = Date.UTC(2026, 0, 1);

/** A capture line of fixture row i at T0 + `s` seconds: CSV columns (`drop`: fewer inputs, `extra`: one more), or `json` instances. */
function capture(i: number, s: number, opts: { drop?: boolean; extra?: boolean; json?: Record<string, unknown>[] } = {}): string {
  const cols = (ROWS[i % ROWS.length] as string).split(',');
  const inputs = cols.slice(1, opts.drop ? -1 : undefined).concat(opts.extra ? ['9.5'] : []);
  const input = opts.json
    ? { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify({ instances: opts.json }), encoding: 'JSON' }
    : { observedContentType: 'text/csv', mode: 'INPUT', data: inputs.join(','), encoding: 'CSV' };
  const output = opts.json
    ? { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify({ predictions: opts.json.map(() => 0.5) }), encoding: 'JSON' }
    : { observedContentType: 'text/csv', mode: 'OUTPUT', data: cols[0], encoding: 'CSV' };
  return JSON.stringify({ captureData: { endpointInput: input, endpointOutput: output }, eventMetadata: { eventId: `e${i}`, inferenceTime: new Date(T0 + s * 1000).toISOString() }, eventVersion: '0' });
}

/** A baseline whose features have names (a CSV with a header), so headerless capture is named after it. */
async function namedBaseline(dir: string): Promise<string> {
  const csv = join(dir, 'train.csv');
  writeFileSync(csv, ['label,age,score,kind,flag,level', ...ROWS].join('\n') + '\n');
  const out = join(dir, 'baseline');
  expect((await runCli(['baseline', 'data', '--input', csv, '--output', out, '--header', 'true'])).code).toBe(0);
  return out;
}

interface Run extends CliResult {
  out: string;
}

/**
 * Replays `cap` with `workers` decoding workers (0: decoded in the monitor thread), `share`: the
 * monitor thread decoding too; `extra`: more monitor settings (YAML lines).
 */
async function replay(dir: string, cap: string, baseline: string, workers: number, rangeBytes: number, extra: string[] = [], share = false): Promise<Run> {
  const name = `${workers}-${rangeBytes}-${share}`;
  const out = join(dir, `out-${name}`);
  const file = join(dir, `config-${name}.yaml`);
  writeFileSync(
    file,
    [
      'monitors:',
      '  - name: replay',
      `    source: { type: files, paths: ["${cap}"], decodeInWorker: ${workers > 0}, decodeWorkers: ${Math.max(1, workers)}, decodeShare: ${share}, decodeRangeBytes: ${rangeBytes} }`,
      `    baseline: { dir: "${baseline}" }`,
      '    windows: [1m, 5m]',
      '    maxLineLength: 2048',
      ...extra,
      `output: { dir: "${out}", deadLetterDir: "${join(out, 'dead-letter')}" }`,
      // no /metrics server: the default port (9464) may be another test's at the same moment (exit 5)
      'http: { enabled: false }',
      '',
    ].join('\n'),
  );
  return { ...(await runCli(['replay', '--config', file])), out };
}

/** The runs of 2 and 3 workers equal the run of one. */
function expectSame(one: Run, many: Run): void {
  expect(many.code, many.stderr.slice(-3000)).toBe(one.code);
  expect(many.stdout.replaceAll(many.out, 'OUT')).toBe(one.stdout.replaceAll(one.out, 'OUT'));
  const a = outputTree(one.out);
  const b = outputTree(many.out);
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [path, text] of a) expect(b.get(path), `${many.out}: ${path}`).toBe(text);
}

const dead = (r: Run): string => readFileSync(join(r.out, 'dead-letter', 'replay.jsonl'), 'utf8');

/** Units the monitor thread decoded, as logged (sharing); undefined when not logged. */
const decodedHere = (r: Run): number | undefined => {
  const n = /"decodedHere":(\d+)/.exec(r.stderr)?.[1];
  return n === undefined ? undefined : Number(n);
};

describe('replay decoded by several worker threads', () => {
  it('gives one worker’s reports, dead letters and summary on hostile capture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-par-decode-'));
    const baseline = await namedBaseline(dir);
    const cap = join(dir, 'capture');
    mkdirSync(cap);
    const lines: (string | Buffer)[] = [];
    for (let i = 0; i < 400; i++) {
      lines.push(capture(i, i));
      if (i % 37 === 3) lines.push('', '   ');
      if (i === 20) lines.push(`{"x":"${'y'.repeat(3000)}"}`);
      if (i === 40) lines.push(Buffer.concat([Buffer.from('{"captureData":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
      if (i === 60) lines.push('{"captureData":');
      if (i === 80) lines.push(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(capture(i, i))]));
      if (i === 100) lines.push(capture(i, i).replace('2026-01-01', '2099-01-01'));
      if (i % 50 === 30) lines.push(capture(i, i - 1800)); // late: half an hour back
      if (i >= 250 && i % 10 === 0) lines.push(capture(i, i, { json: [{ age: 1, [`k${i % 3}`]: i, cat: i % 20 === 0 ? 'red' : 'blue' }] }));
    }
    const crlf = lines.map((l, i) => Buffer.concat([typeof l === 'string' ? Buffer.from(l) : l, Buffer.from(i % 3 === 0 ? '\r\n' : '\n')]));
    writeFileSync(join(cap, '00-hostile.jsonl'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ...crlf]));
    writeFileSync(join(cap, '01-extra-column.jsonl'), `${Array.from({ length: 300 }, (_, i) => capture(i, 400 + i, { extra: i > 150 })).join('\n')}\n`);
    writeFileSync(join(cap, '02-whole.jsonl.gz'), gzipSync(`${Array.from({ length: 200 }, (_, i) => capture(i, 700 + i, { json: i === 150 ? [{ zz: 1 }] : undefined })).join('\n')}\n`));
    const gz = gzipSync(`${Array.from({ length: 200 }, (_, i) => capture(i, 900 + i)).join('\n')}\n`);
    writeFileSync(join(cap, '03-cut.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.5)));
    writeFileSync(join(cap, '04-big.jsonl'), `${Array.from({ length: 2500 }, (_, i) => capture(i, 1100 + i, i % 400 === 399 ? { json: [{ [`n${i}`]: i }, { age: 2 }] } : {})).join('\n')}`);

    const one = await replay(dir, cap, baseline, 1, 1 << 20);
    expect(one.code).toBe(3); // the truncated .gz
    for (const reason of ['not_json', 'event_time_in_future', 'line_too_long', 'invalid_utf8']) expect(dead(one)).toContain(`"reason":"${reason}"`);
    expect(dead(one)).toContain('00-hostile.jsonl:');
    expect(one.stdout).toContain('blank lines skipped: 22');
    expect(one.stdout).toMatch(/late/);
    for (const [workers, rangeBytes] of [
      [2, 300],
      [3, 700],
      [2, 5000],
    ] as const) {
      const many = await replay(dir, cap, baseline, workers, rangeBytes);
      expect(many.stderr).toContain(`decoded in up to ${workers} worker threads`);
      expect(many.stderr).not.toContain('decoding the rest in the monitor thread');
      expect(decodedHere(many)).toBe(0);
      expectSame(one, many);
    }
    expectSame(one, await replay(dir, cap, baseline, 0, 1 << 20));
    // sharing: the monitor thread takes the first unit, then more while the worker is busy (units
    // of a few hundred bytes are many more than the worker gets through while one is applied)
    for (const [workers, rangeBytes] of [
      [1, 300],
      [2, 700],
    ] as const) {
      const shared = await replay(dir, cap, baseline, workers, rangeBytes, [], true);
      expect(shared.stderr).toContain(`decoded in up to ${workers} worker threads and the monitor thread`);
      expect(decodedHere(shared)).toBeGreaterThan(1);
      expectSame(one, shared);
    }
  }, 240_000);

  it('names headerless columns as the input’s first row decides', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-par-decode-'));
    const baseline = await namedBaseline(dir);
    const cap = join(dir, 'capture');
    mkdirSync(cap);
    // the first row has one column fewer than the baseline has features: `_cN` names for all
    writeFileSync(join(cap, '00.jsonl'), `${Array.from({ length: 600 }, (_, i) => capture(i, i, { drop: i === 0 })).join('\n')}\n`);
    writeFileSync(join(cap, '01.jsonl'), `${Array.from({ length: 600 }, (_, i) => capture(i, 600 + i)).join('\n')}\n`);
    const one = await replay(dir, cap, baseline, 1, 1 << 20);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toContain("named after the baseline's");
    expect([...outputTree(one.out).values()].join('\n')).toContain('"name": "_c1"');
    // no unit after the first goes out before its decoder has decided: no decoder decides otherwise,
    // so the workers are never stopped for it
    for (const [workers, share] of [
      [2, false],
      [3, false],
      [1, true],
      [2, true],
    ] as const) {
      const many = await replay(dir, cap, baseline, workers, 2000, [], share);
      expect(many.stderr).not.toContain('decoding the rest in the monitor thread');
      expectSame(one, many);
    }
  }, 120_000);

  it('decodes in the monitor thread from where the workers pass maxFeatures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-par-decode-'));
    const baseline = await namedBaseline(dir);
    const cap = join(dir, 'capture');
    mkdirSync(cap);
    // flat JSON: a new key every 20 lines, more than maxFeatures allows
    const flat = (i: number): string => JSON.stringify({ inferenceTime: new Date(T0 + i * 1000).toISOString(), age: i % 7, score: i % 3, [`g${Math.floor(i / 20)}`]: 1, [`h${i % 4}`]: 2 });
    writeFileSync(join(cap, '00.jsonl'), `${Array.from({ length: 800 }, (_, i) => flat(i)).join('\n')}\n`);
    const extra = ['    record: { format: flat-json }', '    maxFeatures: 16'];
    const one = await replay(dir, cap, baseline, 1, 1 << 20, extra);
    expect(dead(one)).toContain('"reason":"too_many_features"');
    for (const [workers, share] of [
      [2, false],
      [3, false],
      [1, true],
    ] as const) {
      const many = await replay(dir, cap, baseline, workers, 900, extra, share);
      expect(many.stderr).toContain('decoding the rest in the monitor thread');
      expectSame(one, many);
    }
  }, 120_000);

  it('refuses a --decode-workers that is not auto or 1–64', async () => {
    const r = await runCli(['replay', '--capture', '.', '--baseline', '.', '--window', '1h', '--decode-workers', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--decode-workers "0": must be auto or a whole number from 1 to 64');
  });
});
