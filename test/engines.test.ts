/**
 * `npm ci` on Node 20 installs without an EBADENGINE warning: every locked package's `engines.node`
 * admits Node 20 (the dependencies from 20.0; driftmon itself and the dev toolchain — vite, vitest —
 * from 20.19).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

type Version = [number, number, number];

function parse(v: string): Version {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map((x) => (x === 'x' || x === '*' ? 0 : Number.parseInt(x, 10)));
  return [a, b, c];
}

const cmp = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** One comparator (`>=22`, `^20.19.0`, `~18.1`, `20.x`, `*`) holds for `v`. */
function holds(comparator: string, v: Version): boolean {
  const m = /^(>=|<=|>|<|\^|~|=)?\s*(.*)$/.exec(comparator.trim()) as RegExpExecArray;
  const op = m[1] ?? '';
  const text = m[2] as string;
  if (text === '' || text === '*' || text === 'x') return true;
  const r = parse(text);
  const c = cmp(v, r);
  const parts = text.split('.').filter((p) => p !== 'x' && p !== '*').length;
  switch (op) {
    case '>=': return c >= 0;
    case '>': return c > 0;
    case '<=': return c <= 0;
    case '<': return c < 0;
    case '^': return c >= 0 && v[0] === r[0];
    case '~': return c >= 0 && v[0] === r[0] && (parts < 2 || v[1] === r[1]);
    default: return parts === 3 ? c === 0 : v[0] === r[0] && (parts < 2 || v[1] === r[1]);
  }
}

/** The npm range (`a || b`, each a space-separated conjunction) admits `v`. */
function admits(range: string, v: string): boolean {
  const version = parse(v);
  return range.split('||').some((alt) => alt.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').trim().split(/\s+/).every((c) => holds(c, version)));
}

describe('engines', () => {
  it('the range check itself', () => {
    expect(admits('>=22', '20.0.0')).toBe(false);
    expect(admits('>=18', '20.0.0')).toBe(true);
    expect(admits('^20.19.0 || >=22.12.0', '20.0.0')).toBe(false);
    expect(admits('^20.19.0 || >=22.12.0', '20.19.0')).toBe(true);
    expect(admits('>= 14.16.0', '20.0.0')).toBe(true);
    expect(admits('^18.0.0 || >=20.0.0', '20.0.0')).toBe(true);
    expect(admits('>=12 <21', '20.5.0')).toBe(true);
  });

  it('every locked package admits Node 20 (no EBADENGINE from npm ci)', () => {
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>;
    };
    const refused = Object.entries(lock.packages)
      .filter(([name, p]) => {
        const node = Array.isArray(p.engines) ? undefined : p.engines?.node;
        // ours needs 20.19 too (require(esm): config/load.ts); the other dependencies run from 20.0
        return node !== undefined && !admits(node, p.dev === true || name === '' ? '20.19.0' : '20.0.0');
      })
      .map(([name, p]) => `${name}@${p.version ?? '?'}`);
    expect(refused).toEqual([]);
  });
});
