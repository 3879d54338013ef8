import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

const SCRIPT = join(REPO, 'scripts', 'lint-layout.mjs');

function lint(root: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A throwaway checkout holding just `files` (paths below src/). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'driftmon-layout-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'src', path)), { recursive: true });
    writeFileSync(join(root, 'src', path), text);
  }
  return root;
}

describe('npm run lint:layout', () => {
  it('passes on this repository: no folder cycle, no production file over 600 lines, imports point down', () => {
    const r = lint(REPO);
    expect(r.out).toContain('0 folder cycles, 0 files over 600 lines, 0 upward imports, 0 problems');
    expect(r.code).toBe(0);
  });

  it('passes a tree that keeps the order', () => {
    const r = lint(
      tree({
        'errors.ts': 'export const E = 1;\n',
        'sketch/a.ts': "import { E } from '../errors.js';\nexport const A = E;\n",
        'evaluate/b.ts': "import { A } from '../sketch/a.js';\nexport const B = A;\n",
      }),
    );
    expect(r.code).toBe(0);
  });

  it('fails on a folder cycle and on an upward import, naming the files', () => {
    const r = lint(
      tree({
        'profile/p.ts': "import { Q } from '../baseline/q.js';\nexport const P = Q;\n",
        'baseline/q.ts': "import type { P } from '../profile/p.js';\nexport const Q = 1 as unknown as typeof P;\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('folder cycle: baseline ⇄ profile');
    expect(r.out).toContain('profile imports baseline, which is above it in the folder order: src/profile/p.ts imports src/baseline/q.ts');
  });

  it('fails on a production file over 600 lines, but not on a long test file', () => {
    const long = 'export const x = 1;\n'.repeat(601);
    const r = lint(tree({ 'record/long.ts': long, 'record/long.test.ts': long, 'record/ok.ts': 'export const y = 1;\n'.repeat(600) }));
    expect(r.code).toBe(1);
    expect(r.out).toContain('src/record/long.ts: 601 lines (over 600)');
    expect(r.out).not.toContain('long.test.ts');
    expect(r.out).not.toContain('ok.ts');
  });

  it('fails when sketch/ imports anything of ours but errors.ts', () => {
    const r = lint(tree({ 'sketch/s.ts': "import { O } from '../observability/o.js';\nexport const S = O;\n", 'observability/o.ts': 'export const O = 1;\n' }));
    expect(r.code).toBe(1);
    expect(r.out).toContain('sketch/ may import only errors.ts of ours: src/sketch/s.ts imports src/observability/o.ts');
  });

  it('fails when evaluate/ reaches I/O, also through another of our files', () => {
    const r = lint(
      tree({
        'evaluate/e.ts': "import { R } from '../record/r.js';\nexport const E = R;\n",
        'record/r.ts': "import { readFileSync } from 'node:fs';\nexport const R = readFileSync;\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain("evaluate/ does I/O: src/evaluate/e.ts → src/record/r.ts imports 'node:fs'");
  });

  it('holds tests beside the code to the order too (a test of state/ may not import sink/)', () => {
    const r = lint(tree({ 'state/s.test.ts': "import { K } from '../sink/k.js';\nexport const S = K;\n", 'sink/k.ts': 'export const K = 1;\n' }));
    expect(r.code).toBe(1);
    expect(r.out).toContain('state imports sink, which is above it in the folder order: src/state/s.test.ts imports src/sink/k.ts');
  });

  it('fails on a folder the order does not name', () => {
    const r = lint(tree({ 'misc/m.ts': 'export const M = 1;\n' }));
    expect(r.code).toBe(1);
    expect(r.out).toContain('src/misc: not in the folder order');
  });
});
