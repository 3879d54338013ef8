import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { resolveConfig } from './load.js';

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-hooks-config-'));
  writeFileSync(join(dir, 'pre.mjs'), 'export function preprocess(r) { return r; }\n');
  writeFileSync(join(dir, 'hook.ts'), 'export function preprocess(r: unknown) { return r; }\n');
  mkdirSync(join(dir, 'folder.js'));
  writeFileSync(join(dir, 'capture.jsonl'), '');
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'b', 'constraints.json'), '{}');
  return dir;
}

function problems(dir: string, monitors: unknown[]): string[] {
  try {
    resolveConfig({ monitors }, { baseDir: dir, checkFiles: true });
  } catch (e) {
    if (e instanceof DriftmonError && e.code === ErrorCode.CONFIG_INVALID) return [...e.details];
    throw e;
  }
  return [];
}

const monitor = (name: string, hooks: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  source: { type: 'files', paths: ['capture.jsonl'] },
  baseline: { dir: 'b' },
  windows: ['1h'],
  hooks,
  ...extra,
});

describe('config: hooks', () => {
  it('resolves module paths against the config folder, with the default timeout or the one given', () => {
    const dir = setup();
    const c = resolveConfig({ monitors: [monitor('m', { preprocess: { module: 'pre.mjs', timeout: '250ms' }, postprocess: { module: 'pre.mjs' } })] }, { baseDir: dir, checkFiles: true });
    expect(c.monitors[0]?.hooks).toEqual({
      preprocess: { kind: 'preprocess', modulePath: join(dir, 'pre.mjs'), timeoutMs: 250 },
      postprocess: { kind: 'postprocess', modulePath: join(dir, 'pre.mjs'), timeoutMs: 5000 },
    });
  });

  it('every problem of every hook is listed at once (exit 2): missing file, TypeScript, not JavaScript, a folder, bad timeouts, unknown keys, the wrong monitor', () => {
    const dir = setup();
    const got = problems(dir, [
      monitor('a', { preprocess: { module: 'nope.js', timeout: 'soon' }, postprocess: { module: 'hook.ts', timeout: '0s' } }),
      monitor('b', { preprocess: { module: 'hook.py' }, postprocess: { module: 'folder.js' }, sideprocess: {} }),
      { name: 'c', source: { type: 'files', paths: ['capture.jsonl'] }, windows: ['1h'], labels: { paths: ['capture.jsonl'], inferenceAttribute: 'y', modelQuality: { problemType: 'Regression' } }, hooks: { preprocess: { module: 'pre.mjs' }, postprocess: { module: 'pre.mjs' } } },
    ]);
    expect(got).toEqual(
      expect.arrayContaining([
        '/monitors/1/hooks: unknown key "sideprocess"',
        `/monitors/0/hooks/preprocess/module: ${join(dir, 'nope.js')} does not exist`,
        '/monitors/0/hooks/preprocess/timeout: "soon" is not a positive duration (use 500ms, 10s, 1m)',
        `/monitors/0/hooks/postprocess/module: ${join(dir, 'hook.ts')} is TypeScript, which Node cannot import without a loader: compile it (tsc) and name the .js file`,
        '/monitors/0/hooks/postprocess/timeout: "0s" is not a positive duration (use 500ms, 10s, 1m)',
        `/monitors/1/hooks/preprocess/module: ${join(dir, 'hook.py')} is not a JavaScript module (.js, .mjs or .cjs)`,
        `/monitors/1/hooks/postprocess/module: ${join(dir, 'folder.js')} is not a file`,
        '/monitors/2/hooks/preprocess: the record pre-processor applies to data-quality monitors only, not to label monitors (model quality, bias); "postprocess" applies to every monitor',
      ]),
    );
    expect(got.filter((p) => p.includes('/hooks'))).toHaveLength(8);
  });

  it('a hook without a module is a schema problem', () => {
    const dir = setup();
    expect(problems(dir, [monitor('m', { preprocess: { timeout: '1s' } })])).toContain('/monitors/0/hooks/preprocess: missing required key "module"');
  });
});
