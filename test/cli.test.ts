/** The command line as users run it: real processes, real files, exit codes as documented. */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rng } from './support/random.js';
import { runCli } from './support/cli.js';
import { captureLines, DQ, replayDirs, runCliMeasured } from './support/replay-fixture.js';

const SDK = join(import.meta.dirname, 'fixtures', 'sagemaker', 'aws__sagemaker-python-sdk', 'tests', 'data');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-cli-'));

describe('driftmon check', () => {
  it('bad_cases constraints give one data_type_check violation, for _c5 (exit 4 with --fail-on-violation)', async () => {
    const out = join(tmp(), 'constraint_violations.json');
    const r = await runCli([
      'check',
      '--statistics', join(DQ, 'statistics.json'),
      '--constraints', join(DQ, 'bad_cases', 'constraints.json'),
      '--baseline-statistics', join(DQ, 'statistics.json'),
      '--output', out,
      '--fail-on-violation',
    ]);
    expect(r.code).toBe(4);
    const v = JSON.parse(readFileSync(out, 'utf8')) as { violations: { feature_name: string; constraint_check_type: string }[] };
    expect(v.violations.map((x) => [x.feature_name, x.constraint_check_type])).toEqual([['_c5', 'data_type_check']]);
  });

  it('good_cases constraints give no violation', async () => {
    const r = await runCli([
      'check',
      '--statistics', join(DQ, 'statistics.json'),
      '--constraints', join(DQ, 'good_cases', 'constraints.json'),
      '--baseline-statistics', join(DQ, 'statistics.json'),
    ]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { violations: unknown[] }).violations).toEqual([]);
  });

  it('loads the legacy SDK constraints.json (old keys, SDK-style overrides) without error', async () => {
    const r = await runCli(['check', '--statistics', join(SDK, 'monitor', 'statistics.json'), '--constraints', join(SDK, 'monitor', 'constraints.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('violations');
  });

  it('a statistics.json given as --constraints is named as such and exits 3, even without violations to find', async () => {
    const r = await runCli(['check', '--statistics', join(DQ, 'statistics.json'), '--constraints', join(DQ, 'statistics.json'), '--fail-on-violation']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`--constraints ${join(DQ, 'statistics.json')} is a data-quality statistics.json`);
    const swapped = await runCli(['check', '--statistics', join(DQ, 'good_cases', 'constraints.json'), '--constraints', join(DQ, 'good_cases', 'constraints.json')]);
    expect(swapped.code).toBe(3);
    expect(swapped.stderr).toContain('--statistics');
    expect(swapped.stderr).toContain('is a data-quality constraints.json');
  });

  it('a missing file exits 3 and names it', async () => {
    const r = await runCli(['check', '--statistics', '/nonexistent/statistics.json', '--constraints', join(DQ, 'good_cases', 'constraints.json')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('/nonexistent/statistics.json');
  });
});

describe('driftmon baseline data', () => {
  it('writes statistics.json and constraints.json for the golden dataset', async () => {
    const out = tmp();
    const r = await runCli(['baseline', 'data', '--input', join(DQ, 'baseline_dataset.csv'), '--output', out]);
    expect(r.code).toBe(0);
    const stats = JSON.parse(readFileSync(join(out, 'statistics.json'), 'utf8')) as { dataset: { item_count: number }; features: unknown[] };
    expect(stats.dataset.item_count).toBe(100);
    expect(stats.features).toHaveLength(6);
    const constraints = JSON.parse(readFileSync(join(out, 'constraints.json'), 'utf8')) as { monitoring_config: unknown };
    expect(constraints.monitoring_config).toBeDefined();
  });
});

describe('driftmon run --config with a bad config', () => {
  it('lists every problem and exits 2', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'monitors:',
        '  - name: "bad name!"',
        '    source: { type: files, paths: [does-not-exist] }',
        '    baseline: { constraints: nope.json }',
        '    windows: [5 minutes]',
        '    grace: soon',
        '    quantileSketch: ddsketch',
        'htp: { port: 1 }',
      ].join('\n'),
    );
    const r = await runCli(['run', '--config', file]);
    expect(r.code).toBe(2);
    // schema problems are all listed at once
    expect(r.stderr).toContain('/monitors/0/name');
    expect(r.stderr).toContain('/monitors/0/quantileSketch: must be one of "kll", "tdigest"');
    expect(r.stderr).toContain('unknown key "htp"');
  });

  it('lists every semantic problem (durations, files) at once', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      ['monitors:', '  - name: m', '    source: { type: files, paths: [does-not-exist] }', '    baseline: { constraints: nope.json }', '    windows: [5 minutes, 0s]', '    grace: soon'].join('\n'),
    );
    const r = await runCli(['run', '--config', file]);
    expect(r.code).toBe(2);
    for (const expected of ['/monitors/0/windows/0', '/monitors/0/windows/1: window size must be > 0', '/monitors/0/grace', 'does-not-exist does not exist', 'nope.json does not exist']) {
      expect(r.stderr).toContain(expected);
    }
  });
  it('lists every problem of a Kafka monitor at once (unset SASL password variable, dead-letter topic that is an input, bad durations, back-off on files)', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'monitors:',
        '  - name: k',
        '    source: { type: kafka, brokers: [127.0.0.1:9], topics: [inference], deadLetterTopic: inference, partitionIdle: later,',
        '              sasl: { mechanism: plain, username: u, passwordEnv: DRIFTMON_TEST_UNSET_PASSWORD } }',
        '    baseline: { constraints: nope.json }',
        '    windows: [1m]',
        '    checkpointInterval: often',
        '    backoff: { lagTime: whenever }',
        '  - name: f',
        '    source: { type: files, paths: [.] }',
        '    baseline: { constraints: nope.json }',
        '    windows: [1m]',
        '    backoff: { sampleRatio: 0.5 }',
      ].join('\n'),
    );
    const r = await runCli(['run', '--config', file]);
    expect(r.code).toBe(2);
    for (const expected of [
      '/monitors/0/source/sasl/passwordEnv: environment variable DRIFTMON_TEST_UNSET_PASSWORD is not set',
      '/monitors/0/source/deadLetterTopic: "inference" is also an input topic',
      '/monitors/0/source/partitionIdle',
      '/monitors/0/checkpointInterval',
      '/monitors/0/backoff/lagTime',
      '/monitors/1/backoff: back-off applies to kafka sources only',
    ]) {
      expect(r.stderr).toContain(expected);
    }
  });
});

describe('driftmon replay', () => {
  it('runs the pipeline over capture files, writes reports per window and dead-letters malformed lines', async () => {
    const dir = tmp();
    const baselineDir = join(dir, 'baseline');
    const b = await runCli(['baseline', 'data', '--input', join(DQ, 'baseline_dataset.csv'), '--output', baselineDir]);
    expect(b.code).toBe(0);
    // capture lines carrying the golden rows, one a second, over three minutes, plus two broken lines
    const lines = captureLines(0, 180);
    lines.splice(51, 0, '{"truncated": ', 'plain text');
    mkdirSync(join(dir, 'capture'));
    writeFileSync(join(dir, 'capture', 'c.jsonl'), `${lines.join('\n')}\n`);
    const out = join(dir, 'out');
    const r = await runCli(['replay', '--capture', join(dir, 'capture'), '--baseline', baselineDir, '--window', '1m', '--output', out]);
    // stderr carries structured logs only, none at warn level or above
    const logs = r.stderr.trim().split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(logs.filter((l) => l.level >= 40)).toEqual([]);
    expect(logs.map((l) => l.msg)).toContain('monitor finished');
    expect(r.code).toBe(0);
    const index = readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item_count: number; violations: number });
    expect(index.map((w) => w.item_count)).toEqual([60, 60, 60]);
    expect(index.every((w) => w.violations === 0)).toBe(true);
    const dead = readFileSync(join(out, 'dead-letter', 'replay.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; source: string });
    expect(dead.map((d) => d.reason)).toEqual(['not_json', 'not_json']);
    expect(dead[0]?.source).toMatch(/c\.jsonl:52$/);
    expect(r.stdout).toContain('2 invalid');
  });

  it('a truncated and a fake .gz are skipped and named; every other record is counted in its window; exit 3', async () => {
    const { dir, baselineDir, cap } = await replayDirs();
    writeFileSync(join(cap, '00-a.jsonl'), `${captureLines(0, 60).join('\n')}\n`); // minute 0
    const whole = gzipSync(`${captureLines(60, 60).join('\n')}\n`); // minute 1, cut in the middle
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    writeFileSync(join(cap, '01-b.jsonl.gz'), truncated);
    writeFileSync(join(cap, '02-c.jsonl.gz'), `${captureLines(120, 5).join('\n')}\n`); // plain text named .gz
    writeFileSync(join(cap, '03-d.jsonl'), `${captureLines(180, 120).join('\n')}\n`); // minutes 3 and 4
    // the complete lines the truncated file still holds
    const kept = gunzipSync(truncated, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString().split('\n').length - 1;
    expect(kept).toBeGreaterThan(0);
    const out = join(dir, 'out');
    const r = await runCli(['replay', '--capture', cap, '--baseline', baselineDir, '--window', '1m', '--output', out]);
    expect(r.code).toBe(3);
    const index = readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item_count: number });
    expect(index.map((w) => w.item_count)).toEqual([60, kept, 60, 60]);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; path?: string }).filter((l) => l.level >= 50);
    expect(errors.map((l) => l.path)).toEqual([join(cap, '01-b.jsonl.gz'), join(cap, '02-c.jsonl.gz')]);
    expect(r.stderr).toContain('2 input file(s) could not be read');
    expect(r.stdout).toContain(`${60 + kept + 120} records`);
  });

  it('a BOM, an invalid UTF-8 line and a line over maxLineLength: the BOM is dropped, the bad lines dead-lettered by reason, bounded', async () => {
    const { dir, baselineDir, cap } = await replayDirs();
    writeFileSync(join(cap, 'a.jsonl'), `\uFEFF${captureLines(0, 60).join('\n')}\n`);
    const long = Buffer.alloc(17 * 1024 * 1024, 'x'); // over the default 16 MiB
    const bad = Buffer.from('{"a":"\xff"}', 'latin1');
    // blank lines, empty or whitespace only: skipped and counted, not records
    const blanks = '\n  \n\t\r\n';
    writeFileSync(join(cap, 'b.jsonl'), Buffer.concat([Buffer.from(`${captureLines(60, 30).join('\n')}\n`), bad, Buffer.from('\n'), long, Buffer.from(`\n${blanks}${captureLines(90, 30).join('\n')}\n`)]));
    const out = join(dir, 'out');
    const r = await runCli(['replay', '--capture', cap, '--baseline', baselineDir, '--window', '1m', '--output', out]);
    expect(r.code).toBe(0);
    const index = readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item_count: number });
    expect(index.map((w) => w.item_count)).toEqual([60, 60]);
    const dead = readFileSync(join(out, 'dead-letter', 'replay.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; source: string; record: string; record_bytes?: number });
    expect(dead.map((d) => [d.reason, d.source.split('/').at(-1), d.record.length, d.record_bytes])).toEqual([
      ['invalid_utf8', 'b.jsonl:31', 9, 9],
      ['line_too_long', 'b.jsonl:32', 1024, long.length],
    ]);
    expect(r.stdout).toContain('122 records');
    expect(r.stdout).toContain('blank lines skipped: 3');
  });

  // peak RSS from /proc: Linux only
  it.skipIf(process.platform !== 'linux')('a 300 MB line costs no more than ~300 MB of memory and is dead-lettered as its first KiB', async () => {
    const { dir, baselineDir, cap } = await replayDirs();
    const file = join(cap, 'a.jsonl');
    const fd = openSync(file, 'w');
    const chunk = Buffer.alloc(10 * 1024 * 1024, 'x');
    for (let i = 0; i < 30; i++) writeSync(fd, chunk);
    writeSync(fd, `\n${captureLines(0, 60).join('\n')}\n`);
    closeSync(fd);
    const out = join(dir, 'out');
    try {
      const r = await runCliMeasured(['replay', '--capture', cap, '--baseline', baselineDir, '--window', '1m', '--output', out]);
      expect(r.code).toBe(0);
      expect(r.peakMb).toBeGreaterThan(0);
      expect(r.peakMb).toBeLessThan(300);
    } finally {
      rmSync(file);
    }
    const index = readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item_count: number });
    expect(index.map((w) => w.item_count)).toEqual([60]);
    const dead = readFileSync(join(out, 'dead-letter', 'replay.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; record: string; record_bytes: number });
    expect(dead.map((d) => [d.reason, d.record.length, d.record_bytes])).toEqual([['line_too_long', 1024, 300 * 1024 * 1024]]);
  }, 30_000);

  it('without --config or the needed options, says what is missing and exits 2', async () => {
    const r = await runCli(['replay']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--capture');
    expect(r.stderr).toContain('--baseline');
    expect(r.stderr).toContain('--window');
  });
});

describe('exit codes of usage and input errors', () => {
  it('usage errors (unknown option, missing required option, bad choice) exit 2 with the usage hint', async () => {
    for (const args of [['check', '--statistics', 'a', '--constraints', 'b', '--bogus'], ['check', '--statistics', 'a'], ['replay', '--format', 'xml']]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).toContain('Usage: driftmon');
    }
    expect((await runCli(['--version'])).code).toBe(0);
  });

  it('replay with a missing capture path and baseline folder exits 3 and names both as flags', async () => {
    const r = await runCli(['replay', '--capture', '/nonexistent/capture', '--baseline', '/nonexistent/baseline', '--window', '1m']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--capture /nonexistent/capture: does not exist');
    expect(r.stderr).toContain('--baseline /nonexistent/baseline: does not exist');
  });

  it('a grace not shorter than the window is run, with a warning on stderr', async () => {
    const dir = tmp();
    const baselineDir = join(dir, 'baseline');
    expect((await runCli(['baseline', 'data', '--input', join(DQ, 'baseline_dataset.csv'), '--output', baselineDir])).code).toBe(0);
    mkdirSync(join(dir, 'capture'));
    const r = await runCli(['replay', '--capture', join(dir, 'capture'), '--baseline', baselineDir, '--window', '1m', '--grace', '5m', '--output', join(dir, 'out')]);
    expect(r.stderr).toContain('driftmon: warning: --grace 5m: not shorter than the smallest window (1m)');
    expect(r.stderr).not.toContain('problem');
  });

  it('replay flag problems are phrased as flags, all at once, exit 2', async () => {
    const r = await runCli(['replay', '--capture', '/nonexistent/capture', '--baseline', '/nonexistent/baseline', '--window', '0s', '--window', 'banana', '--window', '-1m', '--grace', 'x']);
    expect(r.code).toBe(2);
    for (const expected of ['--window 0s: window size must be > 0', '--window banana: not a duration', '--window -1m: not a duration', '--grace x: not a duration', '--capture /nonexistent/capture: does not exist']) {
      expect(r.stderr).toContain(expected);
    }
    expect(r.stderr).not.toContain('/monitors/0');
    expect(r.stderr).not.toContain('twice');
  });
});

describe('driftmon --help', () => {
  it('documents the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes:');
  });
});

describe('driftmon run with a stdin source', () => {
  it('reads capture lines from standard input until it ends, then reports every window', async () => {
    const dir = tmp();
    const baselineDir = join(dir, 'baseline');
    expect((await runCli(['baseline', 'data', '--input', join(DQ, 'baseline_dataset.csv'), '--output', baselineDir])).code).toBe(0);
    const rows = readFileSync(join(DQ, 'baseline_dataset.csv'), 'utf8').trim().split('\n');
    const lines = rows.map((row, i) => {
      const cols = row.split(',');
      return JSON.stringify({
        captureData: {
          endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: cols.slice(1).join(','), encoding: 'CSV' },
          endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: cols[0], encoding: 'CSV' },
        },
        eventMetadata: { eventId: `e${i}`, inferenceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i * 3)).toISOString().replace('.000Z', 'Z') },
        eventVersion: '0',
      });
    });
    const config = join(dir, 'stdin.yaml');
    writeFileSync(
      config,
      ['monitors:', '  - name: piped', '    source: { type: stdin }', `    baseline: { dir: ${baselineDir} }`, '    windows: [1m]', 'output: { dir: out }', 'http: { port: 0 }', 'log: { level: warn }'].join('\n'),
    );
    const r = await runCli(['run', '--config', config], { input: `${lines.join('\n')}\n` });
    expect(r.stderr).not.toContain('"level":50');
    expect(r.code).toBe(0);
    const index = readFileSync(join(dir, 'out', 'piped', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item_count: number });
    // 100 rows, one every 3 s: 20 per minute over 5 minutes
    expect(index.map((w) => w.item_count)).toEqual([20, 20, 20, 20, 20]);
  });
});

describe('flat JSON end to end', () => {
  it('baseline from JSON Lines, replay of flat JSON records: only the shifted feature drifts', async () => {
    const dir = tmp();
    const r = rng(5);
    const city = (): string => ['a', 'b', 'c'][r.int(3)] as string;
    const base = Array.from({ length: 2000 }, () => JSON.stringify({ age: 18 + r.int(63), score: Number(r.next().toFixed(4)), city: city() }));
    writeFileSync(join(dir, 'base.jsonl'), `${base.join('\n')}\n`);
    const capture = Array.from({ length: 600 }, (_v, i) =>
      JSON.stringify({
        inferenceId: `r${i}`,
        inferenceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        age: 18 + r.int(63),
        score: Number(Math.min(1, r.next() + (i >= 300 ? 0.5 : 0)).toFixed(4)),
        city: city(),
      }),
    );
    capture.push('{"inferenceId":"no-time","age":3}');
    mkdirSync(join(dir, 'cap'));
    writeFileSync(join(dir, 'cap', 'c.jsonl'), `${capture.join('\n')}\n`);
    expect((await runCli(['baseline', 'data', '--input', join(dir, 'base.jsonl'), '--output', join(dir, 'base')])).code).toBe(0);
    const out = join(dir, 'out');
    const rep = await runCli(['replay', '--format', 'flat-json', '--capture', join(dir, 'cap'), '--baseline', join(dir, 'base'), '--window', '5m', '--output', out]);
    expect(rep.code).toBe(0);
    const index = readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; item_count: number });
    expect(index.map((w) => w.item_count)).toEqual([300, 300]);
    const violated = index.map((w) =>
      (JSON.parse(readFileSync(join(out, ...w.path.split('/'), 'constraint_violations.json'), 'utf8')) as { violations: { feature_name: string; constraint_check_type: string }[] }).violations.map(
        (v) => `${v.feature_name}:${v.constraint_check_type}`,
      ),
    );
    expect(violated).toEqual([[], ['score:baseline_drift_check']]);
    const dead = readFileSync(join(out, 'dead-letter', 'replay.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string });
    expect(dead.map((d) => d.reason)).toEqual(['missing_event_time']);
  });
});
