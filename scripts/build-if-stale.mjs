#!/usr/bin/env node
/**
 * `npm start`'s build: runs `tsc -p tsconfig.build.json` (and gen-config-check.mjs) only when dist/ is missing or older than
 * its sources. After a build, dist/.build-stamp.json records the list of inputs and the newest
 * input time seen before tsc started; the next run rebuilds if a file was added, removed or
 * modified since (an edit during the build is caught too). Usage: build-if-stale.mjs [ROOT]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(process.argv[2] ?? join(here, '..'));
const STAMP = join(root, 'dist', '.build-stamp.json');
const SOURCE_DIRS = ['src', 'bench', 'examples', 'test/support'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Every input file (relative path) with its modification time. */
function inputs() {
  const found = new Map();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) found.set(relative(root, p), statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(root, d))) walk(join(root, d));
  for (const f of CONFIG_FILES) if (existsSync(join(root, f))) found.set(f, statSync(join(root, f)).mtimeMs);
  return found;
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

const now = inputs();
const newest = Math.max(0, ...now.values());
const files = [...now.keys()].sort();
const stamp = readStamp();
const upToDate =
  stamp !== undefined &&
  stamp.newestInputMs >= newest &&
  Array.isArray(stamp.files) &&
  stamp.files.length === files.length &&
  stamp.files.every((f, i) => f === files[i]);

if (upToDate) {
  process.stderr.write('build: dist/ is up to date\n');
} else {
  const tsc = join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // the config validator compiled ahead of time, as `npm run build` makes it (driftmon's tree only)
  if (existsSync(join(root, 'src', 'config', 'schema.ts'))) {
    const gen = spawnSync(process.execPath, [join(here, 'gen-config-check.mjs'), root], { cwd: root, stdio: 'inherit' });
    if (gen.status !== 0) process.exit(gen.status ?? 1);
  }
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${JSON.stringify({ newestInputMs: newest, files })}\n`);
  process.stderr.write('build: dist/ rebuilt\n');
}
