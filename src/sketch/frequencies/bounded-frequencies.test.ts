import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../../errors.js';
import { rng, zipf } from '../../../test/support/random.js';
import { describeMergeableContract } from '../mergeable.contract.js';
import { BoundedFrequencies } from './bounded-frequencies.js';

/** Both summarize the same data: same total; exact ⇒ identical; else counts agree within the bounds. */
function equivalent(a: BoundedFrequencies, b: BoundedFrequencies): boolean {
  if (a.total !== b.total || a.isExact !== b.isExact) return false;
  const ea = a.entries();
  const eb = b.entries();
  if (a.isExact) return JSON.stringify(ea) === JSON.stringify(eb);
  const slack = Math.max(a.errorBound(), b.errorBound());
  for (const e of [...ea, ...eb]) {
    if (Math.abs(a.count(e.value) - b.count(e.value)) > slack) return false;
  }
  return true;
}

const sample = zipf(3000, 1.1);

describeMergeableContract('BoundedFrequencies (bounded regime, cap 64)', {
  create: () => new BoundedFrequencies(64),
  fill: (f, r, n) => {
    for (let i = 0; i < n; i++) f.add(sample(r));
  },
  deserialize: (b) => BoundedFrequencies.deserialize(b),
  equivalent,
});

describeMergeableContract('BoundedFrequencies (exact regime, cap 5000)', {
  create: () => new BoundedFrequencies(5000),
  fill: (f, r, n) => {
    for (let i = 0; i < n; i++) f.add(sample(r), 1 + r.int(3));
  },
  deserialize: (b) => BoundedFrequencies.deserialize(b),
  equivalent,
});

function exactCounts(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

function checkAgainstExact(f: BoundedFrequencies, truth: Map<string, number>, n: number): void {
  expect(f.total).toBe(n);
  expect(f.isExact).toBe(false);
  const bound = f.errorBound();
  expect(bound).toBeGreaterThan(0);
  expect(bound).toBeLessThanOrEqual(n / (f.cap + 1));
  // the stronger form statistics.json readers rely on: the bound is at most the unlisted mass / (cap + 1)
  const listed = f.entries().reduce((s, e) => s + e.count, 0);
  expect(bound * (f.cap + 1)).toBeLessThanOrEqual(n - listed + 1e-9 * n);
  expect(f.size).toBeLessThanOrEqual(f.cap);
  const reported = new Set(f.entries().map((e) => e.value));
  for (const [v, t] of truth) {
    const c = f.count(v);
    expect(c).toBeLessThanOrEqual(t);
    expect(t - c).toBeLessThanOrEqual(bound);
    expect(f.countUpperBound(v)).toBeGreaterThanOrEqual(t);
    if (t > n / f.cap) expect(reported.has(v), `heavy hitter ${v} (${t})`).toBe(true);
  }
}

describe('BoundedFrequencies', () => {
  it('is exact under the cap', () => {
    const r = rng(1);
    const f = new BoundedFrequencies(1000);
    const values: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const v = `c${r.int(1000)}`;
      values.push(v);
      f.add(v);
    }
    const truth = exactCounts(values);
    expect(truth.size).toBe(1000);
    expect(f.isExact).toBe(true);
    expect(f.errorBound()).toBe(0);
    expect(f.size).toBe(1000);
    for (const [v, t] of truth) expect(f.count(v)).toBe(t);
    const entries = f.entries();
    expect(entries).toHaveLength(1000);
    for (let i = 1; i < entries.length; i++) {
      const a = entries[i - 1]!;
      const b = entries[i]!;
      expect(a.count > b.count || (a.count === b.count && a.value < b.value)).toBe(true);
    }
  });

  it('switches to bounded mode at cap + 1 distinct values', () => {
    const f = new BoundedFrequencies(3);
    f.add('a', 5);
    f.add('b', 3);
    f.add('c', 2);
    expect(f.isExact).toBe(true);
    f.add('d');
    expect(f.isExact).toBe(false);
    expect(f.errorBound()).toBe(1);
    expect(f.entries()).toEqual([
      { value: 'a', count: 4 },
      { value: 'b', count: 2 },
      { value: 'c', count: 1 },
    ]);
    expect(f.total).toBe(11);
  });

  it('beyond the cap reports every heavy hitter with counts within the bound (Zipf, fixed seed)', () => {
    const r = rng(2);
    const gen = zipf(20_000, 1.05);
    const n = 300_000;
    const values: string[] = new Array(n);
    const f = new BoundedFrequencies(100);
    for (let i = 0; i < n; i++) {
      const v = gen(r);
      values[i] = v;
      f.add(v);
    }
    const truth = exactCounts(values);
    expect(truth.size).toBeGreaterThan(1000);
    checkAgainstExact(f, truth, n);
    // default cap behaves the same on a larger domain
    const g = new BoundedFrequencies();
    for (const v of values) g.add(v);
    checkAgainstExact(g, truth, n);
  });

  it('merged partial summaries keep the guarantee', () => {
    const r = rng(3);
    const gen = zipf(50_000, 1.0);
    const n = 200_000;
    const values: string[] = [];
    const parts = Array.from({ length: 8 }, () => new BoundedFrequencies(200));
    for (let i = 0; i < n; i++) {
      const v = gen(r);
      values.push(v);
      parts[i % 8]!.add(v);
    }
    const merged = new BoundedFrequencies(200);
    for (const p of parts) merged.merge(p);
    checkAgainstExact(merged, exactCounts(values), n);
  });

  it('weighted adds', () => {
    const f = new BoundedFrequencies(2);
    f.add('x', 2.5);
    f.add('y', 0);
    expect(f.size).toBe(1);
    expect(f.total).toBe(2.5);
    expect(() => f.add('z', -1)).toThrow(RangeError);
    expect(() => f.add('z', NaN)).toThrow(RangeError);
  });

  it('round-trips strings with any UTF-16 content', () => {
    const f = new BoundedFrequencies(10);
    for (const s of ['', 'é', '日本', '\ud800', '😀', 'a\u0000b']) f.add(s);
    const g = BoundedFrequencies.deserialize(f.serialize());
    expect(g.entries()).toEqual(f.entries());
  });

  it('rejects merging different caps', () => {
    try {
      new BoundedFrequencies(3).merge(new BoundedFrequencies(4));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DriftmonError);
      expect((e as DriftmonError).code).toBe(ErrorCode.SKETCH_INCOMPATIBLE);
    }
  });

  it('rejects bytes whose entries are inconsistent', () => {
    const f = new BoundedFrequencies(10);
    f.add('a', 3);
    f.add('b', 1);
    const bytes = f.serialize();
    // make the total smaller than the counts: total sits right after magic(4)+version(1)+cap(4)+exact(1)
    const bad = bytes.slice();
    new DataView(bad.buffer).setFloat64(10, 1, true);
    expect(() => BoundedFrequencies.deserialize(bad)).toThrow(DriftmonError);
  });
});
