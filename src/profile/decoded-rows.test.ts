import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { DecodedBlockBuilder, DecodedBlockReader, type DecodedBlock } from '../record/decoded-block.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { ValueKind, createRow, ensureRowCapacity } from '../record/row.js';
import { quantileSketchFactory } from '../sketch/quantile-factory.js';
import { DatasetProfile, type DatasetProfileOptions } from './dataset-profile.js';
import { DecodedRows } from './decoded-rows.js';
import { FeatureTracker } from './feature-tracker.js';

// a small cap, so that reductions (which drop frequency slots) happen in the middle of blocks
const options: DatasetProfileOptions = { quantiles: quantileSketchFactory('kll', { k: 16 }), frequencyCap: 4, hllPrecision: 8 };
const KINDS = [ValueKind.MISSING, ValueKind.INTEGRAL, ValueKind.FRACTIONAL, ValueKind.BOOLEAN, ValueKind.STRING];

/** Seeded blocks of mixed rows: every kind, non-finite numbers, texts kept for numbers, missing texts, features met on the way. */
function blocks(seed: number, registry: FeatureRegistry): DecodedBlock[] {
  const r = rng(seed);
  const builder = new DecodedBlockBuilder(registry, 64);
  const row = createRow(4);
  const out: DecodedBlock[] = [];
  for (let b = 0; b < 30; b++) {
    const records = 1 + r.int(120);
    for (let rec = 0; rec < records; rec++) {
      builder.beginRecord(rec + 1);
      for (let k = r.int(3); k > 0; k--) {
        if (r.next() < 0.01) registry.indexOf(`f${registry.size}`, false);
        ensureRowCapacity(row, registry.size);
        row.width = registry.size;
        row.eventTimeMs = b * 1000 + rec;
        for (let i = 0; i < row.width; i++) {
          // slot 0 numeric, slot 1 categorical (skewed over 12 values: past the cap), others anything
          const kind = i === 0 ? ValueKind.FRACTIONAL : i === 1 ? ValueKind.STRING : (KINDS[r.int(KINDS.length)] as ValueKind);
          row.kinds[i] = kind;
          const x = r.normal();
          row.numbers[i] = r.next() < 0.02 ? Number.POSITIVE_INFINITY : kind === ValueKind.INTEGRAL ? Math.round(x * 10) : x;
          const text = kind === ValueKind.BOOLEAN ? (x < 0 ? 'false' : 'true') : `v${Math.floor(12 * r.next() ** 2)}`;
          row.strings[i] = kind === ValueKind.STRING && r.next() < 0.02 ? undefined : text;
        }
        builder.onRow(row);
      }
      builder.endRecord('');
    }
    out.push(builder.take('test', 0, undefined));
  }
  return out;
}

/**
 * Applies every block's rows twice, each time to the same profiles: row by row through
 * DecodedBlockReader + updateRow (the plain path) and in place through DecodedRows +
 * updateDecoded. `route(row)` says which of the two profiles of a side a row goes to (0, 1, both
 * or none, as windows of two sizes, or a late row), the same for both sides.
 */
function applyBoth(seed: number, route: (r: number) => readonly number[]): [DatasetProfile[], DatasetProfile[]] {
  const registry = new FeatureRegistry();
  registry.declare('num');
  registry.declare('cat');
  registry.declare('kept', { keepText: true });
  const plain = [new DatasetProfile(registry, options), new DatasetProfile(registry, options)];
  const fast = [new DatasetProfile(registry, options), new DatasetProfile(registry, options)];
  let n = 0;
  for (const block of blocks(seed, registry)) {
    const reader = new DecodedBlockReader(block, registry);
    const rows = new DecodedRows(block, new DecodedBlockReader(block, registry).arrays, registry.features);
    for (let k = 0; k < block.rows; k++, n++) {
      const row = reader.next();
      rows.advance(k);
      for (const p of route(n)) {
        (plain[p] as DatasetProfile).updateRow(row);
        (fast[p] as DatasetProfile).updateDecoded(rows);
      }
    }
  }
  return [plain, fast];
}

function expectSame(plain: DatasetProfile[], fast: DatasetProfile[]): void {
  for (let i = 0; i < plain.length; i++) {
    const a = plain[i] as DatasetProfile;
    const b = fast[i] as DatasetProfile;
    expect(b.itemCount).toBe(a.itemCount);
    expect(JSON.stringify(b.toStatistics())).toBe(JSON.stringify(a.toStatistics()));
    expect(Buffer.from(b.serialize()).equals(Buffer.from(a.serialize()))).toBe(true);
  }
}

describe('DatasetProfile.updateDecoded: rows read in place from a decoded block', () => {
  it('counts, sketches and categories (reductions mid-block included) equal updateRow on the same rows (seeded)', () => {
    const [plain, fast] = applyBoth(11, () => [0]);
    const t = plain[0]?.tracker(1);
    expect(t?.frequencies?.isExact).toBe(false); // the cap was passed: slots were dropped on the way
    expect(t?.string).toBeGreaterThan(1000);
    expect(plain[0]?.tracker(2)?.frequencies?.size).toBeGreaterThan(0); // texts kept for numbers
    expectSame(plain, fast);
  });

  it('rows split between two profiles, given to both, or to none (late) read the same texts (seeded)', () => {
    const [plain, fast] = applyBoth(12, (r) => [[0], [1], [0, 1], []][Math.floor(r / 7) % 4] as number[]);
    expect(plain[1]?.itemCount).toBeGreaterThan(0);
    expectSame(plain, fast);
  });

  it('a tracker counting by id sees reductions made between its calls (plain adds, merges) and frequencies replaced', () => {
    const config = { quantiles: options.quantiles, frequencyCap: 2, hllPrecision: 8 };
    const byId = new FeatureTracker(config);
    const plain = new FeatureTracker(config);
    const dictionary = ['a', 'b', 'c', 'd'];
    const ops: [number | string, ...FeatureTracker[]][] = [
      [0], [0], [1], ['c'], ['d'], [0], [1], [1], // reductions by plain adds between id adds
      ['merge', new FeatureTracker(config)], [0], [2], [3], [2], // and by a merge
    ];
    const other = new FeatureTracker(config);
    for (const t of ['b', 'b', 'c', 'x', 'x', 'x']) other.addCategory(t);
    for (const [op] of ops) {
      if (typeof op === 'number') {
        byId.addCategoryId(op, dictionary);
        plain.addCategory(dictionary[op] as string);
      } else if (op === 'merge') {
        byId.merge(other);
        plain.merge(other);
      } else {
        byId.addCategory(op);
        plain.addCategory(op);
      }
      expect(byId.frequencies?.entries()).toEqual(plain.frequencies?.entries());
      expect(byId.frequencies?.total).toBe(plain.frequencies?.total);
    }
    // other frequencies in place (replaceCategories): the ids' slots belonged to the old ones
    const fresh = new FeatureTracker(config);
    fresh.addCategory('a');
    byId.replaceCategories(fresh);
    byId.addCategoryId(0, dictionary);
    expect(fresh.frequencies?.entries()).toEqual([{ value: 'a', count: 2 }]);
  });
});
