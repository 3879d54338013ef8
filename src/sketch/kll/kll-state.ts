/**
 * A KLL sketch's complete state, as the writers of its two forms (kll-binary.ts,
 * kll-deequ-json.ts) read it and their readers decode it, and the invariants a decoded state must
 * satisfy before a sketch takes it over.
 */

export interface KllState {
  readonly k: number;
  readonly c: number;
  /**
   * Per level h: the buffer (only its first sizes[h] items are live) and Deequ's compactor state
   * `numOfCompress` (compactions) and `offset`. A decoded state's arrays pass to the sketch.
   */
  readonly levels: Float64Array[];
  readonly sizes: number[];
  readonly compactions: number[];
  readonly offsets: number[];
  /** Count (the items' total weight); min and max (±Infinity when empty). */
  readonly n: number;
  readonly lo: number;
  readonly hi: number;
  /** Absolute rank-error bound: Σ 2^h over the compactions that shaped the sketch. */
  readonly errorWeight: number;
}

/** The items' total weight (Σ over levels of size · 2^h) and extremes (±Infinity when none). */
export function weighItems(
  levels: readonly Float64Array[],
  sizes: readonly number[],
): { total: number; min: number; max: number } {
  let total = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let h = 0; h < levels.length; h++) {
    const m = sizes[h] as number;
    const b = levels[h] as Float64Array;
    total += m * 2 ** h;
    for (let i = 0; i < m; i++) {
      const x = b[i] as number;
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return { total, min, max };
}

/**
 * Check every invariant of a decoded state: finite items within [min, max], count = total
 * weight, no NaN, an error bound that is possible. Throws fail(reason).
 */
export function checkState(state: KllState, fail: (msg: string) => Error): void {
  const { levels, sizes } = state;
  for (let h = 0; h < levels.length; h++) {
    const b = levels[h] as Float64Array;
    for (let i = 0; i < (sizes[h] as number); i++) {
      if (!Number.isFinite(b[i])) throw fail(`level ${h} item ${i} is ${b[i]}`);
    }
  }
  const { total, min: itemMin, max: itemMax } = weighItems(levels, sizes);
  if (total !== state.n) throw fail(`count ${state.n} differs from the items' total weight ${total}`);
  if (state.n === 0) {
    if (state.errorWeight !== 0) throw fail('an empty sketch with a non-zero error bound');
  } else {
    if (!(Number.isFinite(state.lo) && Number.isFinite(state.hi) && state.lo <= itemMin && state.hi >= itemMax)) {
      throw fail(`min/max ${state.lo}/${state.hi} do not enclose the items [${itemMin}, ${itemMax}]`);
    }
  }
}
