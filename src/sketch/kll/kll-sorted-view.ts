/**
 * The sorted view (distinct values + cumulative weights) of a KLL sketch's levels, where level h's
 * items weigh 2^h: each level sorted, the levels merged pairwise, equal values collapsed.
 */
import type { SortedView } from '../quantile-sketch.js';
import { sortLevel } from './sort-level.js';

const EMPTY_VIEW: SortedView = Object.freeze({
  values: new Float64Array(0),
  cumWeights: new Float64Array(0),
  total: 0,
});

/**
 * Scratch for building views (grown to the largest view built; one per thread, building is
 * synchronous): a view is built per feature at every window close, and its working arrays were
 * four of the six full-size allocations it made.
 */
let vals = new Float64Array(0);
let wts = new Float64Array(0);
let vTmp = new Float64Array(0);
let wTmp = new Float64Array(0);

/** The view of the items levels[h][0, sizes[h]) for h < numLevels, `total` of them. */
export function levelsSortedView(
  levels: readonly Float64Array[],
  sizes: readonly number[],
  numLevels: number,
  total: number,
): SortedView {
  if (total === 0) return EMPTY_VIEW;
  if (vals.length < total) {
    const n = Math.max(total, 2 * vals.length);
    vals = new Float64Array(n);
    wts = new Float64Array(n);
    vTmp = new Float64Array(n);
    wTmp = new Float64Array(n);
  }
  // Copy each level into its own segment and sort it, then merge segments pairwise
  // (log2 H passes), carrying the weights; finally collapse equal values.
  const bounds: number[] = [0];
  let at = 0;
  for (let h = 0; h < numLevels; h++) {
    const m = sizes[h] as number;
    if (m === 0) continue;
    const seg = vals.subarray(at, at + m);
    seg.set((levels[h] as Float64Array).subarray(0, m));
    sortLevel(seg, m);
    wts.fill(2 ** h, at, at + m);
    at += m;
    bounds.push(at);
  }
  let v = vals;
  let w = wts;
  let vOut = vTmp;
  let wOut = wTmp;
  let segs = bounds;
  while (segs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < segs.length; r += 2) {
      const a0 = segs[r] as number;
      const a1 = segs[r + 1] as number;
      const b1 = r + 2 < segs.length ? (segs[r + 2] as number) : a1;
      let i = a0;
      let j = a1;
      let k = a0;
      while (i < a1 && j < b1) {
        if ((v[j] as number) < (v[i] as number)) {
          vOut[k] = v[j] as number;
          wOut[k++] = w[j++] as number;
        } else {
          vOut[k] = v[i] as number;
          wOut[k++] = w[i++] as number;
        }
      }
      while (i < a1) {
        vOut[k] = v[i] as number;
        wOut[k++] = w[i++] as number;
      }
      while (j < b1) {
        vOut[k] = v[j] as number;
        wOut[k++] = w[j++] as number;
      }
      next.push(b1);
    }
    [v, vOut] = [vOut, v];
    [w, wOut] = [wOut, w];
    segs = next;
  }
  // collapse equal values into the free pair, then copy out exactly the distinct ones
  const values = vOut;
  const cum = wOut;
  let out = -1;
  let acc = 0;
  for (let i = 0; i < total; i++) {
    const x = v[i] as number;
    acc += w[i] as number;
    if (out >= 0 && values[out] === x) {
      cum[out] = acc;
    } else {
      out++;
      values[out] = x;
      cum[out] = acc;
    }
  }
  return Object.freeze({ values: values.slice(0, out + 1), cumWeights: cum.slice(0, out + 1), total: acc });
}
