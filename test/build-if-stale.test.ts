/** `npm start` builds only when dist/ is missing or older than its sources (scripts/build-if-stale.mjs). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

const SCRIPT = join(REPO, 'scripts', 'build-if-stale.mjs');

function build(root: string): string {
  const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  expect(r.status, r.stderr + r.stdout).toBe(0);
  return r.stderr;
}

describe('build-if-stale', () => {
  it('is what `npm start` builds with', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['prestart']).toBe('node scripts/build-if-stale.mjs');
  });

  it('builds a missing dist/, skips an up-to-date one, rebuilds after a source is modified, added or removed', () => {
    const root = mkdtempSync(join(tmpdir(), 'driftmon-build-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: '.', module: 'NodeNext', target: 'ES2022', types: [] }, include: ['src/**/*.ts'] }));
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    const out = join(root, 'dist', 'src', 'a.js');

    expect(build(root)).toContain('rebuilt');
    expect(existsSync(out)).toBe(true);
    const first = statSync(out).mtimeMs;
    expect(build(root)).toContain('up to date');
    expect(statSync(out).mtimeMs).toBe(first);

    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 2;\n');
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'src', 'a.ts'), later, later);
    expect(build(root)).toContain('rebuilt');
    expect(build(root)).toContain('up to date');

    writeFileSync(join(root, 'src', 'b.ts'), 'export const b = 1;\n');
    utimesSync(join(root, 'src', 'b.ts'), new Date(0), new Date(0)); // older than the stamp: still a new input
    expect(build(root)).toContain('rebuilt');
    expect(existsSync(join(root, 'dist', 'src', 'b.js'))).toBe(true);

    rmSync(join(root, 'src', 'b.ts'));
    expect(build(root)).toContain('rebuilt');

    rmSync(join(root, 'dist'), { recursive: true });
    expect(build(root)).toContain('rebuilt');
    expect(existsSync(out)).toBe(true);
  }, 60_000);
});
