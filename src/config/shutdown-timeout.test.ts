import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { loadConfig, resolveConfig } from './load.js';

const monitor = { name: 'm', source: { type: 'stdin' }, baseline: { dir: 'b' }, windows: ['1m'] };

function problems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DriftmonError && e.code === ErrorCode.CONFIG_INVALID) return e.details;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('shutdownTimeout', () => {
  it('defaults to 30 s and takes a duration', () => {
    expect(resolveConfig({ monitors: [monitor] }, { baseDir: '/cfg', checkFiles: false }).shutdownTimeoutMs).toBe(30_000);
    expect(resolveConfig({ monitors: [monitor], shutdownTimeout: '5s' }, { baseDir: '/cfg', checkFiles: false }).shutdownTimeoutMs).toBe(5_000);
    expect(resolveConfig({ monitors: [monitor], shutdownTimeout: 'PT1M' }, { baseDir: '/cfg', checkFiles: false }).shutdownTimeoutMs).toBe(60_000);
  });

  it('rejects a value that is not a positive duration, with the other problems', () => {
    expect(problems(() => resolveConfig({ monitors: [{ ...monitor, windows: ['soon'] }], shutdownTimeout: 'banana' }, { baseDir: '/cfg', checkFiles: false }))).toEqual([
      '/monitors/0/windows/0: "soon" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
      '/shutdownTimeout: "banana" is not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)',
    ]);
    expect(problems(() => resolveConfig({ monitors: [monitor], shutdownTimeout: '0s' }, { baseDir: '/cfg', checkFiles: false }))).toEqual(['/shutdownTimeout: "0s" must be > 0']);
  });

  it('--shutdown-timeout replaces the file setting, and its problems are named by the flag', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-shutdown-cfg-'));
    const file = join(dir, 'driftmon.yaml');
    writeFileSync(file, `monitors:\n  - { name: m, source: { type: stdin }, baseline: { dir: ${dir} }, windows: [1m] }\nshutdownTimeout: 1m\n`);
    writeFileSync(join(dir, 'statistics.json'), '{}');
    writeFileSync(join(dir, 'constraints.json'), '{}');
    expect(loadConfig(file).shutdownTimeoutMs).toBe(60_000);
    expect(loadConfig(file, {}, { shutdownTimeout: '7s' }).shutdownTimeoutMs).toBe(7_000);
    expect(problems(() => loadConfig(file, {}, { shutdownTimeout: 'banana' }))).toEqual(['--shutdown-timeout banana: not a duration (use 10s, 5m, 1h, 1d or ISO-8601 like PT1H)']);
  });
});
