import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { loadConfig, resolveConfig, type ResolveOptions } from './load.js';

function failure(raw: unknown, options: Partial<ResolveOptions> = {}): DriftmonError {
  try {
    resolveConfig(raw, { baseDir: '/cfg', checkFiles: false, ...options });
  } catch (e) {
    if (e instanceof DriftmonError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

const files = { type: 'files', paths: ['capture'] };

describe('config problems, all in one pass', () => {
  it('lists schema problems and problems of meaning together', () => {
    const e = failure({
      monitors: [{ name: 'bad name!', source: files, baseline: { dir: 'b' }, windows: ['banana', '1h'], grace: 'soon', quantileSketch: 'ddsketch' }],
      htp: 1,
    });
    expect(e.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(e.details).toEqual([
      '/: unknown key "htp"',
      '/monitors/0/name: must match pattern "^[A-Za-z0-9][A-Za-z0-9_.-]*$"',
      '/monitors/0/quantileSketch: must be one of "kll", "tdigest"',
      '/monitors/0/windows/0: "banana" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
      '/monitors/0/grace: "soon" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
    ]);
  });

  it('checks the monitors that are well-formed when another one is not', () => {
    const e = failure({
      monitors: [
        { name: 'a', source: { type: 'files' }, baseline: { dir: 'b' }, windows: ['1h'] },
        { name: 'b', source: files, baseline: { dir: 'b' }, windows: ['1x'] },
      ],
    });
    expect(e.details).toContain('/monitors/0/source: missing required key "paths"');
    expect(e.details).toContain('/monitors/1/windows/0: "1x" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)');
  });

  it('window sizes: 0s must be > 0, -1m and banana are not durations, no false duplicate; a real duplicate is named', () => {
    const e = failure({ monitors: [{ name: 'm', source: files, baseline: { dir: 'b' }, windows: ['0s', '-1m', 'banana', '5m', 'PT5M'] }] });
    expect(e.details).toEqual([
      '/monitors/0/windows/0: window size must be > 0',
      '/monitors/0/windows/1: "-1m" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
      '/monitors/0/windows/2: "banana" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
      '/monitors/0/windows: the window size 5m is listed twice',
    ]);
    const invalidOnly = failure({ monitors: [{ name: 'm', source: files, baseline: { dir: 'b' }, windows: ['0s', 'banana'] }] });
    expect(invalidOnly.details.join('\n')).not.toContain('twice');
  });

  it('a grace not shorter than the smallest window is a warning, not an error', () => {
    const c = resolveConfig({ monitors: [{ name: 'm', source: files, baseline: { dir: 'b' }, windows: ['1h', '1m'], grace: '2m' }] }, { baseDir: '/cfg', checkFiles: false });
    expect(c.warnings).toEqual([
      '/monitors/0/grace: "2m" is not shorter than the smallest window (1m): each window is reported only after waiting longer than its own length for late records',
    ]);
    const ok = resolveConfig({ monitors: [{ name: 'm', source: files, baseline: { dir: 'b' }, windows: ['1h', '1m'], grace: '59s' }] }, { baseDir: '/cfg', checkFiles: false });
    expect(ok.warnings).toBeUndefined();
  });

  it('problems of a config built from flags are phrased as flags', () => {
    const flagFor = (p: string): string | undefined => (p.startsWith('/monitors/0/windows') ? '--window' : p === '/monitors/0/grace' ? '--grace' : undefined);
    const e = failure({ monitors: [{ name: 'm', source: files, baseline: { dir: 'b' }, windows: ['banana', '0s'], grace: 'x' }] }, { flagFor });
    expect(e.details).toEqual([
      '--window banana: not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
      '--window 0s: window size must be > 0',
      '--grace x: not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
    ]);
  });

  it('a config whose only problems are missing inputs is an input error (exit 3); mixed with others it is invalid (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-config-'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', 'constraints.json'), '{}');
    const missing = failure({ monitors: [{ name: 'm', source: files, baseline: { dir: 'nope' }, windows: ['1h'] }] }, { baseDir: dir, checkFiles: true });
    expect(missing.code).toBe(ErrorCode.INPUT_NOT_FOUND);
    expect(missing.details).toEqual([`/monitors/0/source/paths/0: ${join(dir, 'capture')} does not exist`, `/monitors/0/baseline/dir: ${join(dir, 'nope')} does not exist`]);
    const mixed = failure({ monitors: [{ name: 'm', source: files, baseline: { dir: 'b' }, windows: ['1x'] }] }, { baseDir: dir, checkFiles: true });
    expect(mixed.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(mixed.details).toHaveLength(2);
  });
});

describe('loadConfig', () => {
  it('a config path that cannot be read (a folder) is an input error, not invalid YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-config-'));
    let error: unknown;
    try {
      loadConfig(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DriftmonError);
    expect((error as DriftmonError).code).toBe(ErrorCode.INPUT_UNREADABLE);
    expect((error as DriftmonError).message).toBe(`cannot read config ${dir}: EISDIR: illegal operation on a directory, read`);
  });
});

describe('maxFutureSkew', () => {
  it('defaults to 1h, takes a duration, and a bad one is listed with the other problems', () => {
    const monitors = [
      { name: 'm', source: files, baseline: { dir: 'b' }, windows: ['5m'] },
      { name: 'n', source: files, baseline: { dir: 'b' }, windows: ['5m'], maxFutureSkew: 'P2D' },
    ];
    const ok = resolveConfig({ monitors }, { baseDir: '/cfg', checkFiles: false });
    expect(ok.monitors.map((m) => m.maxFutureSkewMs)).toEqual([3_600_000, 2 * 86_400_000]);
    const e = failure({ monitors: [{ name: 'm', source: files, baseline: { dir: 'b' }, windows: ['5m'], grace: 'soon', maxFutureSkew: 'later' }] });
    expect(e.details).toEqual([
      '/monitors/0/grace: "soon" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
      '/monitors/0/maxFutureSkew: "later" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
    ]);
  });

  it("a kafka source's session timeout: a duration the broker accepts (6s–30m), listed otherwise", () => {
    const kafka = (sessionTimeout: string) => ({ monitors: [{ name: 'm', source: { type: 'kafka', brokers: ['b:9092'], topics: ['t'], sessionTimeout }, baseline: { dir: 'b' }, windows: ['1h'] }] });
    const ok = resolveConfig(kafka('45s'), { baseDir: '/cfg', checkFiles: false }).monitors[0]?.source;
    expect(ok?.type === 'kafka' ? ok.sessionTimeoutMs : undefined).toBe(45_000);
    expect(failure(kafka('5s')).details).toEqual(['/monitors/0/source/sessionTimeout: 5s is outside 6s–30m, what a broker accepts by default (group.min.session.timeout.ms, group.max.session.timeout.ms)']);
    expect(failure(kafka('soon')).details).toEqual(['/monitors/0/source/sessionTimeout: "soon" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)']);
  });
});
