/**
 * Prototype member names from input, through the built CLI: a baseline from a CSV whose header
 * holds `__proto__` and `constructor`, then a replay of flat JSON records with those keys. The
 * baseline names every column; the replay reports the windows and the console summary lists the
 * violated features by name.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('prototype member names through the CLI', () => {
  it('baseline data from a CSV with header age,__proto__,constructor, then a replay with those keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-proto-cli-'));
    const rows = Array.from({ length: 60 }, (_, i) => `${20 + i},${i % 5},${['a', 'b'][i % 2]}`);
    writeFileSync(join(dir, 'base.csv'), `age,__proto__,constructor\n${rows.join('\n')}\n`);
    const b = await runCli(['baseline', 'data', '--input', join(dir, 'base.csv'), '--output', join(dir, 'base')]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const stats = JSON.parse(readFileSync(join(dir, 'base', 'statistics.json'), 'utf8')) as { features: { name: string; inferred_type: string }[] };
    expect(stats.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ['age', 'Integral'],
      ['__proto__', 'Integral'],
      ['constructor', 'String'],
    ]);
    const constraints = JSON.parse(readFileSync(join(dir, 'base', 'constraints.json'), 'utf8')) as { features: { name: string }[] };
    expect(constraints.features.map((f) => f.name)).toEqual(['age', '__proto__', 'constructor']);

    const t0 = Date.UTC(2026, 0, 1);
    const capture = Array.from({ length: 30 }, (_, i) =>
      `{"inferenceId":"r${i}","inferenceTime":${t0 + i * 1000},"age":${30 + i},"__proto__":{"a":1},"constructor":"z","toString":${i}}`,
    );
    mkdirSync(join(dir, 'cap'));
    writeFileSync(join(dir, 'cap', 'c.jsonl'), `${capture.join('\n')}\n`);
    const out = join(dir, 'out');
    const rep = await runCli(['replay', '--format', 'flat-json', '--capture', join(dir, 'cap'), '--baseline', join(dir, 'base'), '--window', '5m', '--output', out]);
    expect(rep.stderr).not.toMatch(/internal error|labelset/);
    expect(rep.code).toBe(0);
    const index = readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; item_count: number });
    expect(index.map((w) => w.item_count)).toEqual([30]);
    const violations = (JSON.parse(readFileSync(join(out, ...index[0]!.path.split('/'), 'constraint_violations.json'), 'utf8')) as {
      violations: { feature_name: string; constraint_check_type: string }[];
    }).violations.map((v) => `${v.feature_name}:${v.constraint_check_type}`);
    expect(violations).toEqual(expect.arrayContaining(['__proto__:data_type_check', 'constructor:categorical_values_check']));
    expect(rep.stdout).toMatch(/\n {4}__proto__: data_type_check × 1/);
    expect(rep.stdout).toMatch(/\n {4}constructor: .*categorical_values_check × 1/);
  });
});
