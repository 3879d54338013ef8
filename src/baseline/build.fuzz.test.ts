/**
 * Fuzz of the baseline readers (fast-check samples, fixed seed): 100k generated rows each for a
 * CSV with a header of prototype member names and for JSON Lines with adversarial keys and
 * values (NaN, ±Infinity, 1e400, −0, huge integers, Unicode, deep nesting). Invariants: every
 * row is counted, every column keeps its name, Object.prototype is untouched; for CSV, each
 * column's non-finite count equals the reference count of its cells (decoder.contract's regex
 * classification) and no non-finite value reaches a sum, mean or bound.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceKind } from '../record/decoder.contract.js';
import { ValueKind } from '../record/row.js';
import { buildDataBaseline } from './build.js';

const SEED = 20_261_204;
const ROWS = 100_000;
const PROTOTYPE_OWN = Object.getOwnPropertyNames(Object.prototype).sort();
const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'é😀', 'k'.repeat(300)];

const cell = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '-0', '123456789012345678901234567890', 'true', '', 'null', '__proto__'),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const jsonValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1e400', '-1e400', '-0', '123456789012345678901234567890', 'true', 'null', '"NaN"', '"Infinity"', '{"__proto__":{"a":1}}') },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((d) => `${'['.repeat(d)}1${']'.repeat(d)}`) },
);
const sample = <T>(a: fc.Arbitrary<T>, n: number): T[] => fc.sample(a, { seed: SEED, numRuns: n });
const csvCell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

describe('baseline reader fuzz (fixed seed)', () => {
  it(`CSV: header of prototype member names, ${ROWS} rows of adversarial cells`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-fuzz-'));
    const cellsOf = sample(fc.array(cell, { minLength: NAMES.length, maxLength: NAMES.length }), ROWS);
    const rows = cellsOf.map((r) => r.map(csvCell).join(','));
    writeFileSync(join(dir, 'b.csv'), `${NAMES.map(csvCell).join(',')}\n${rows.join('\n')}\n`);
    const b = await buildDataBaseline({ input: join(dir, 'b.csv'), header: true });
    expect(b.rows).toBe(ROWS);
    expect(b.statistics.itemCount).toBe(ROWS);
    expect(b.statistics.features.map((f) => f.name)).toEqual(NAMES);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_OWN);
    let total = 0;
    b.statistics.features.forEach((f, j) => {
      const expected = cellsOf.filter((r) => {
        const ref = referenceKind(r[j]);
        return (ref.kind === ValueKind.INTEGRAL || ref.kind === ValueKind.FRACTIONAL) && !Number.isFinite(ref.value);
      }).length;
      expect(f.typeCounts?.nonFinite ?? 0, f.name).toBe(expected);
      total += expected;
      const num = f.numerical;
      if (num !== undefined && num.sketch.count > 0) {
        for (const v of [num.sum, num.mean, num.min, num.max]) expect(Number.isFinite(v), f.name).toBe(true);
      }
    });
    expect(total).toBeGreaterThan(0);
  }, 60_000);

  it(`JSON Lines: ${ROWS} records with adversarial keys and values`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-fuzz-'));
    const record = fc.array(fc.tuple(fc.constantFrom(...NAMES, ''), jsonValue), { maxLength: 5 }).map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
    const lines = sample(record, ROWS);
    writeFileSync(join(dir, 'b.jsonl'), `${lines.join('\n')}\n`);
    const b = await buildDataBaseline({ input: join(dir, 'b.jsonl') });
    expect(b.rows).toBe(ROWS);
    const seen = new Set(lines.flatMap((l) => Object.keys(JSON.parse(l) as object)));
    expect(b.statistics.features.map((f) => f.name).sort()).toEqual([...seen].sort());
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_OWN);
  }, 60_000);
});
