/**
 * statistics.json's companion `<stem>.sketch-bounds.json`: the error bounds driftmon tracked while
 * building the sketches in a statistics.json, which SageMaker's format has no place for.
 *
 * Why: a KLL sketch read back from statistics.json carries only its items, so its rank-error bound
 * must be derived from the level sizes (kll-deequ-json.ts), about 4× the bound tracked through the
 * actual compactions (1M rows, k = 2048: 0.045 against 0.012). The drift verdict subtracts that
 * bound from the KS distance, so a loose one hides real shifts (a variance ×1.5 at 1M rows). The
 * same holds for a truncated category list's count error. statistics.json stays byte-compatible;
 * the companion is optional, and a baseline without one (SageMaker's) uses the derived bounds.
 *
 * Each entry names its feature and a fingerprint of exactly the sketch it describes (a SHA-256 of
 * the KLL parameters and items, or of the category list), so a companion left beside a
 * statistics.json it was not written for is reported rather than believed. A bound read here only
 * ever narrows the derived one (the smaller of two valid bounds).
 */
import { createHash } from 'node:crypto';
import { DriftmonError, ErrorCode } from '../errors.js';
import type { CategoryCount, DatasetStatistics, FeatureStatistics } from '../sagemaker/data-quality-model.js';
import { KllSketch } from '../sketch/kll/kll-sketch.js';

export const SKETCH_BOUNDS_FORMAT = 1;

/** `dir/statistics.json` → `dir/statistics.sketch-bounds.json`. */
export function sketchBoundsPath(statisticsPath: string): string {
  return `${statisticsPath.replace(/\.json$/i, '')}.sketch-bounds.json`;
}

interface KllBound {
  /** Absolute rank-error bound (Σ 2^h over the compactions), see kll-sketch.ts. */
  error_weight: number;
  fingerprint: string;
}

interface CategoryBound {
  /** The most any listed count falls below its true count (the heavy-hitter sketch's error). */
  count_error: number;
  fingerprint: string;
}

interface BoundsEntry {
  name: string;
  kll?: KllBound;
  categories?: CategoryBound;
}

function kllFingerprint(sketch: KllSketch): string {
  const { parameters, data } = sketch.toDeequJson();
  const h = createHash('sha256').update(`kll k=${parameters.k} c=${parameters.c} levels=${data.length}\n`);
  for (const level of data) {
    h.update(`${level.length}:`);
    h.update(new Uint8Array(Float64Array.from(level).buffer));
  }
  return `sha256:${h.digest('hex')}`;
}

function categoryFingerprint(categories: readonly CategoryCount[]): string {
  const h = createHash('sha256');
  for (const c of categories) h.update(`${JSON.stringify(c.value)}=${c.count}\n`);
  return `sha256:${h.digest('hex')}`;
}

function entryOf(f: FeatureStatistics): BoundsEntry | undefined {
  const entry: BoundsEntry = { name: f.name };
  const sketch = f.numerical?.sketch;
  if (sketch instanceof KllSketch && sketch.rankErrorWeight > 0) {
    entry.kll = { error_weight: sketch.rankErrorWeight, fingerprint: kllFingerprint(sketch) };
  }
  const s = f.string;
  if (s !== undefined && !s.categoriesComplete && s.categoryCountError !== undefined) {
    entry.categories = { count_error: s.categoryCountError, fingerprint: categoryFingerprint(s.categories) };
  }
  return entry.kll === undefined && entry.categories === undefined ? undefined : entry;
}

/** The companion's text, or undefined when every sketch is exact (nothing to add). */
export function formatSketchBounds(stats: DatasetStatistics): string | undefined {
  const features = stats.features.map(entryOf).filter((e): e is BoundsEntry => e !== undefined);
  if (features.length === 0) return undefined;
  const doc = {
    driftmon_sketch_bounds: SKETCH_BOUNDS_FORMAT,
    about: 'error bounds driftmon tracked while building the sketches of the statistics.json beside this file (see README, "Drift verdict")',
    features,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Narrow the bounds of `stats` (just parsed from `statisticsPath`) with a companion's JSON. Every
 * problem is listed in one BASELINE_INVALID: a malformed entry, or a fingerprint that does not
 * match (the companion belongs to another statistics.json). Entries for features the statistics do
 * not have are ignored (a feature removed by hand).
 */
export function applySketchBounds(stats: DatasetStatistics, json: unknown, source: string): void {
  const problems: string[] = [];
  const doc = json as { driftmon_sketch_bounds?: unknown; features?: unknown } | null;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw invalid(source, ['not a JSON object']);
  }
  if (doc.driftmon_sketch_bounds !== SKETCH_BOUNDS_FORMAT) {
    problems.push(`driftmon_sketch_bounds: expected ${SKETCH_BOUNDS_FORMAT}, got ${JSON.stringify(doc.driftmon_sketch_bounds) ?? 'nothing'}`);
  }
  if (!Array.isArray(doc.features)) throw invalid(source, [...problems, 'features: expected an array']);
  const byName = new Map<string, FeatureStatistics>();
  for (const f of stats.features) byName.set(f.name, f);
  const changes: Array<() => void> = [];
  doc.features.forEach((raw: unknown, i) => {
    const at = `features[${i}]`;
    const e = raw as { name?: unknown; kll?: unknown; categories?: unknown } | null;
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string') {
      problems.push(`${at}: expected an object with a string "name"`);
      return;
    }
    const f = byName.get(e.name);
    const kll = e.kll === undefined ? undefined : boundAt(e.kll, 'error_weight', `${at}.kll`, problems);
    const cat = e.categories === undefined ? undefined : boundAt(e.categories, 'count_error', `${at}.categories`, problems);
    if (f === undefined) return;
    const where = `${at} (feature ${JSON.stringify(e.name)})`;
    if (kll !== undefined) {
      const sketch = f.numerical?.sketch;
      if (!(sketch instanceof KllSketch) || kllFingerprint(sketch) !== kll.fingerprint) {
        problems.push(`${where}: its KLL fingerprint does not match the sketch in the statistics`);
      } else changes.push(() => sketch.narrowRankErrorWeight(kll.value));
    }
    if (cat !== undefined) {
      const s = f.string;
      if (s === undefined || categoryFingerprint(s.categories) !== cat.fingerprint) {
        problems.push(`${where}: its category fingerprint does not match the categories in the statistics`);
      } else changes.push(() => (s.categoryCountError = Math.min(s.categoryCountError ?? Infinity, cat.value)));
    }
  });
  if (problems.length > 0) throw invalid(source, problems);
  for (const change of changes) change();
}

function boundAt(raw: unknown, field: string, at: string, problems: string[]): { value: number; fingerprint: string } | undefined {
  const o = raw as Record<string, unknown> | null;
  const value = typeof o === 'object' && o !== null ? o[field] : undefined;
  const fingerprint = typeof o === 'object' && o !== null ? o['fingerprint'] : undefined;
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value) || typeof fingerprint !== 'string') {
    problems.push(`${at}: expected { "${field}": a finite number ≥ 0, "fingerprint": a string }`);
    return undefined;
  }
  return { value, fingerprint };
}

function invalid(source: string, problems: readonly string[]): DriftmonError {
  return new DriftmonError(
    ErrorCode.BASELINE_INVALID,
    `${source}: ${problems.length} problem(s) — ${problems.join('; ')}. Rebuild the baseline with \`driftmon baseline data\`, ` +
      'or delete this file to use the bounds derived from the statistics.json beside it alone',
  );
}
