/**
 * The config check compiled at build time (scripts/gen-config-check.mjs → dist/src/config/config-check.js)
 * decides exactly as TypeBox's Value.Check over the schema: on the shipped example configs, and on
 * seeded mutations of them (keys dropped, added, renamed; values replaced by other types, empty
 * strings, negative and fractional numbers, empty arrays).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema } from '../src/config/schema.js';
import { REPO } from './support/cli.js';
import { rng, type Rng } from './support/random.js';

const EXAMPLES = ['examples/credit-model/driftmon.yaml', 'deploy/compose/driftmon.yaml'];
const REPLACEMENTS: unknown[] = ['', 'x', '5m', -1, 0, 1.5, 3, true, null, [], {}, ['a'], { type: 'files' }];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One seeded change somewhere in a copy of `v`. */
function mutate(v: Json, r: Rng): Json {
  const copy = structuredClone(v);
  const containers: (Json[] | { [k: string]: Json })[] = [];
  const walk = (x: Json): void => {
    if (x !== null && typeof x === 'object') {
      containers.push(x);
      for (const y of Array.isArray(x) ? x : Object.values(x)) walk(y);
    }
  };
  walk(copy);
  const c = containers[r.int(containers.length)] as Json[] | { [k: string]: Json };
  const keys = Array.isArray(c) ? c.map((_x, i) => String(i)) : Object.keys(c);
  const key = keys.length > 0 ? (keys[r.int(keys.length)] as string) : 'k';
  const what = r.int(4);
  const rec = c as Record<string, unknown>;
  if (what === 0 && !Array.isArray(c)) delete rec[key];
  else if (what === 1 && !Array.isArray(c)) rec[`${key}X`] = 1;
  else rec[key] = REPLACEMENTS[r.int(REPLACEMENTS.length)];
  return copy;
}

describe('the config check compiled at build time', () => {
  it('agrees with TypeBox Value.Check on the example configs and 3,000 seeded mutations of them', async () => {
    const { Check } = (await import(pathToFileURL(join(REPO, 'dist', 'src', 'config', 'config-check.js')).href)) as { Check: (v: unknown) => boolean };
    const r = rng(13);
    let valid = 0;
    let invalid = 0;
    for (const file of EXAMPLES) {
      const base = parse(readFileSync(join(REPO, file), 'utf8')) as Json;
      expect(Check(base)).toBe(true);
      expect(Value.Check(ConfigSchema, base)).toBe(true);
      for (let i = 0; i < 1_500; i++) {
        let m = mutate(base, r);
        if (r.next() < 0.5) m = mutate(m, r);
        const expected = Value.Check(ConfigSchema, m);
        expect(Check(m), JSON.stringify(m)).toBe(expected);
        if (expected) valid++;
        else invalid++;
      }
    }
    // both outcomes are well represented, so agreement means something
    expect(valid).toBeGreaterThan(300);
    expect(invalid).toBeGreaterThan(1_000);
  });

  it('loads none of TypeBox (its guard and system parts cost ~70 modules at start)', () => {
    const text = readFileSync(join(REPO, 'dist', 'src', 'config', 'config-check.js'), 'utf8');
    expect(text).not.toMatch(/from\s+["']typebox/);
  });
});
