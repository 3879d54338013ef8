/**
 * A KLL sketch in Deequ's JSON form, as SageMaker Model Monitor writes it into statistics.json
 * (`distribution.kll.sketch = { parameters: { c, k }, data: [[level 0 items], [level 1 items], …] }`),
 * and read back into a sketch's state.
 *
 * The JSON carries the items only, so the compaction history is unknown and the rank-error bound
 * (kll-sketch.ts) is bounded from the level sizes: if I_h is the number of items that ever
 * reached level h (I_top = |top|, I_h = |level h| + 2·I_{h+1}), every compaction of level h
 * consumed ≥ capacity(h) items and they consumed 2·I_{h+1} in total, so level h ran at most
 * 2·I_{h+1} / capacity(h) compactions (rounded up, so that any upper-level item counts).
 */
import { DriftmonError, ErrorCode } from '../../errors.js';
import { capacitiesFor, checkParams, MAX_LEVELS } from './kll-capacities.js';
import { checkState, weighItems, type KllState } from './kll-state.js';

/** The `kll.sketch` object of a SageMaker/Deequ statistics.json. */
export interface DeequKllJson {
  parameters: { c: number; k: number };
  data: number[][];
}

/** Exact values from the statistics that accompany a Deequ sketch (they are not in the sketch). */
export interface DeequKllOverrides {
  /** Exact minimum (numerical_statistics.min); must be ≤ every sketch item. */
  readonly min?: number;
  /** Exact maximum (numerical_statistics.max); must be ≥ every sketch item. */
  readonly max?: number;
  /** Expected count (e.g. common.num_present); checked against the sketch's total weight. */
  readonly count?: number;
}

/** DeequKllJson with each level a view of the sketch's own array (to write out at once, not to keep). */
export interface DeequKllLevels {
  parameters: { c: number; k: number };
  data: Float64Array[];
}

/** The `kll.sketch` object of a sketch's state, levels as views (level h's live items as data[h]). */
export function deequLevelsOf(s: KllState): DeequKllLevels {
  const data: Float64Array[] = [];
  for (let h = 0; h < s.levels.length; h++) data.push((s.levels[h] as Float64Array).subarray(0, s.sizes[h] as number));
  return { parameters: { c: s.c, k: s.k }, data };
}

/** The `kll.sketch` object of a sketch's state (level h's live items as data[h]). */
export function deequJsonOf(s: KllState): DeequKllJson {
  const { parameters, data } = deequLevelsOf(s);
  return { parameters, data: data.map((level) => Array.from(level)) };
}

/**
 * The checked state in a `kll.sketch` object of a SageMaker/Deequ statistics.json. The JSON has no
 * count, min, max or compaction state: count is the items' total weight, min/max are the items'
 * extremes unless `overrides` gives the statistics' exact values, compaction counters start at 0
 * (Deequ deserializes fresh compactors the same way) and the error bound is derived from the level
 * sizes. Throws SKETCH_CORRUPT (naming the offending path) on a malformed object.
 */
export function readDeequJson(obj: unknown, overrides: DeequKllOverrides): KllState {
  const fail = (msg: string): DriftmonError =>
    new DriftmonError(ErrorCode.SKETCH_CORRUPT, `KLL sketch JSON (kll.sketch): ${msg}`);
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw fail('not an object');
  const { parameters, data } = obj as { parameters?: unknown; data?: unknown };
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw fail('"parameters" must be an object with numbers "c" and "k"');
  }
  const { c, k } = parameters as { c?: unknown; k?: unknown };
  if (typeof c !== 'number' || typeof k !== 'number') throw fail('"parameters.c" and "parameters.k" must be numbers');
  checkParams(k, c, (msg) => fail(`parameters: ${msg}`));
  if (!Array.isArray(data)) throw fail('"data" must be an array of arrays of numbers');
  if (data.length > MAX_LEVELS) throw fail(`"data" has ${data.length} levels (at most ${MAX_LEVELS})`);
  const levels: Float64Array[] = [];
  const sizes: number[] = [];
  for (let h = 0; h < Math.max(1, data.length); h++) {
    const row: unknown = h < data.length ? data[h] : [];
    if (!Array.isArray(row)) throw fail(`data[${h}] is not an array`);
    const b = new Float64Array(Math.max(row.length, 8));
    for (let i = 0; i < row.length; i++) {
      const x: unknown = row[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw fail(`data[${h}][${i}] is not a finite number`);
      b[i] = x + 0;
    }
    sizes.push(row.length);
    levels.push(b);
  }
  const { total, min: itemMin, max: itemMax } = weighItems(levels, sizes);
  if (overrides.count !== undefined && overrides.count !== total) {
    throw fail(`the items' total weight ${total} differs from the expected count ${overrides.count}`);
  }
  if (total > 0) {
    if (overrides.min !== undefined && !(overrides.min <= itemMin)) {
      throw fail(`min ${overrides.min} is above the smallest sketch item ${itemMin}`);
    }
    if (overrides.max !== undefined && !(overrides.max >= itemMax)) {
      throw fail(`max ${overrides.max} is below the largest sketch item ${itemMax}`);
    }
  }
  // Structural bound on the compactions that produced the upper levels (see the file comment).
  const caps = capacitiesFor(k, c);
  let errorWeight = 0;
  let reached = 0; // I_{h+1}
  for (let h = levels.length - 1; h >= 0; h--) {
    if (h < levels.length - 1) errorWeight += 2 ** h * Math.ceil((2 * reached) / (caps[h] as number));
    reached = (sizes[h] as number) + 2 * reached;
  }
  const state: KllState = {
    k,
    c,
    levels,
    sizes,
    compactions: sizes.map(() => 0),
    offsets: sizes.map(() => 0),
    n: total,
    lo: total === 0 ? Infinity : (overrides.min ?? itemMin),
    hi: total === 0 ? -Infinity : (overrides.max ?? itemMax),
    errorWeight,
  };
  checkState(state, fail);
  return state;
}
