#!/usr/bin/env node
/**
 * Checks that src/ keeps the layout README's "Code map" describes (npm run lint:layout; CI runs it):
 *
 * 1. Imports point down the folder order below: a top-level folder (or root file) of src/ may
 *    import those after it, never those before it — tests beside the code included. So there is
 *    no cycle between folders either; cycles are still reported on their own, since they are what
 *    makes a layout unreadable.
 * 2. No production file (src/**, not a test, contract suite or test support) over 600 lines.
 * 3. sketch/ imports nothing of ours but errors.ts.
 * 4. evaluate/ does no I/O: nothing it imports, directly or through our other files, is a Node or
 *    package module that reaches disk, network, processes, metrics or logs, nor one of our folders
 *    that do I/O.
 *
 * Plain Node with no dependencies, so it runs before anything is built. Imports are read with a
 * regular expression (static `from '…'`, `import '…'`, `import('…')`), which is all our code uses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Top to bottom: a unit may import only units below it. Root files are named with `.ts`. */
export const ORDER = [
  'main.ts',
  'cli',
  'app.ts',
  'app',
  'monitors',
  'http',
  'ingest',
  'source',
  'sink',
  'join',
  'window',
  'state',
  'baseline',
  'profile',
  'evaluate',
  'config',
  'sagemaker',
  'record',
  'sketch',
  'observability',
  'retry.ts',
  'errors.ts',
];
export const MAX_LINES = 600;
/** Our folders that talk to Kafka, S3, disk or HTTP. */
const IO_UNITS = new Set(['source', 'sink', 'state', 'ingest', 'http', 'baseline', 'monitors', 'app.ts', 'app', 'cli', 'main.ts']);
/** Modules (Node built-ins and packages) that reach disk, network, processes, metrics or logs. */
const IO_MODULE = /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|dns|tls|child_process|cluster|worker_threads|readline)$|^(kafkajs|@aws-sdk\/|fastify|prom-client|pino|cli-progress|hyparquet)/;

const isProduction = (path) => !/\.(test|contract)\.ts$/.test(path) && !path.includes('/test-support/') && !path.endsWith('.d.ts');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(text) {
  const specs = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm)) specs.push(m[1]);
  return specs;
}

/** Every problem with src/ at `root` (a repository checkout), as lines of text; and counts. */
export function lintLayout(root) {
  const src = resolve(root, 'src');
  const unitOf = (path) => {
    const parts = relative(src, path).split('/');
    return parts.length === 1 ? parts[0].replace(/\.(test|contract)\.ts$/, '.ts') : parts[0];
  };
  const all = walk(src).filter((path) => !path.endsWith('.d.ts'));
  const files = all.filter(isProduction);
  const problems = [];
  const unitEdges = new Map(); // "a -> b" → first example
  const fileImports = new Map(); // file → { ours: [file], modules: [spec] }

  for (const file of all) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const rel = relative(root, file);
    if (isProduction(file) && lines > MAX_LINES) problems.push(`${rel}: ${lines} lines (over ${MAX_LINES}): a file this long holds two things; split it by mechanism`);
    const ours = [];
    const modules = [];
    for (const spec of importsOf(text)) {
      if (!spec.startsWith('.')) {
        modules.push(spec);
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!target.startsWith(src + '/')) continue;
      ours.push(target);
      const a = unitOf(file);
      const b = unitOf(target);
      if (a === b) continue;
      const key = `${a} -> ${b}`;
      if (!unitEdges.has(key)) unitEdges.set(key, `${rel} imports ${relative(root, target)}`);
    }
    fileImports.set(file, { ours, modules });
  }

  // 1. order
  const rank = new Map(ORDER.map((u, i) => [u, i]));
  const units = new Set(all.map(unitOf));
  for (const u of units) if (!rank.has(u)) problems.push(`src/${u}: not in the folder order (scripts/lint-layout.mjs ORDER, README "Code map")`);
  let upward = 0;
  for (const [key, example] of unitEdges) {
    const [a, b] = key.split(' -> ');
    if (rank.has(a) && rank.has(b) && rank.get(a) < rank.get(b)) continue;
    if (rank.has(a) && rank.has(b)) {
      upward += 1;
      problems.push(`${a} imports ${b}, which is above it in the folder order: ${example}`);
    }
  }

  // cycles between units (Tarjan's strongly connected components)
  const adj = new Map([...units].map((u) => [u, []]));
  for (const key of unitEdges.keys()) {
    const [a, b] = key.split(' -> ');
    adj.get(a).push(b);
  }
  const cycles = stronglyConnected(adj).filter((c) => c.length > 1);
  for (const c of cycles) problems.push(`folder cycle: ${c.sort().join(' ⇄ ')}`);

  // 3. sketch/ imports nothing of ours but errors.ts
  for (const [key, example] of unitEdges) {
    const [a, b] = key.split(' -> ');
    if (a === 'sketch' && b !== 'errors.ts') problems.push(`sketch/ may import only errors.ts of ours: ${example}`);
  }

  // 4. evaluate/ does no I/O, directly or through what it imports
  const evaluateFiles = files.filter((f) => unitOf(f) === 'evaluate');
  for (const start of evaluateFiles) {
    const seen = new Set([start]);
    const path = new Map([[start, [start]]]);
    const queue = [start];
    while (queue.length > 0) {
      const f = queue.shift();
      const imports = fileImports.get(f);
      if (imports === undefined) continue;
      const chain = path.get(f).map((p) => relative(root, p)).join(' → ');
      for (const m of imports.modules) if (IO_MODULE.test(m)) problems.push(`evaluate/ does I/O: ${chain} imports '${m}'`);
      for (const t of imports.ours) {
        if (IO_UNITS.has(unitOf(t))) problems.push(`evaluate/ does I/O: ${chain} imports ${relative(root, t)}`);
        if (seen.has(t)) continue;
        seen.add(t);
        path.set(t, [...path.get(f), t]);
        queue.push(t);
      }
    }
  }

  const overLong = problems.filter((p) => p.includes(`(over ${MAX_LINES})`)).length;
  return { problems: [...new Set(problems)], files: files.length, cycles: cycles.length, overLong, upward };
}

function stronglyConnected(adj) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const c = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        c.push(w);
      } while (w !== v);
      out.push(c);
    }
  };
  for (const v of adj.keys()) if (!idx.has(v)) visit(v);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const r = lintLayout(root);
  for (const p of r.problems) console.error(`lint:layout: ${p}`);
  console.log(
    `lint:layout: ${r.files} production files; ${r.cycles} folder cycles, ${r.overLong} files over ${MAX_LINES} lines, ` +
      `${r.upward} upward imports, ${r.problems.length} problems`,
  );
  process.exit(r.problems.length === 0 ? 0 : 1);
}
