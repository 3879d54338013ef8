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

/** The view of the items levels[h][0, sizes[h]) for h < numLevels, `total` of them. */
export function levelsSortedView(
  levels: readonly Float64Array[],
  sizes: readonly number[],
  numLevels: number,
  total: number,
): SortedView {
  if (total === 0) return EMPTY_VIEW;
  // Copy each level into its own segment and sort it, then merge segments pairwise
  // (log2 H passes), carrying the weights; finally collapse equal values.
  let vals = new Float64Array(total);
  let wts = new Float64Array(total);
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
  let vTmp = new Float64Array(total);
  let wTmp = new Float64Array(total);
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
        if ((vals[j] as number) < (vals[i] as number)) {
          vTmp[k] = vals[j] as number;
          wTmp[k++] = wts[j++] as number;
        } else {
          vTmp[k] = vals[i] as number;
          wTmp[k++] = wts[i++] as number;
        }
      }
      while (i < a1) {
        vTmp[k] = vals[i] as number;
        wTmp[k++] = wts[i++] as number;
      }
      while (j < b1) {
        vTmp[k] = vals[j] as number;
        wTmp[k++] = wts[j++] as number;
      }
      next.push(b1);
    }
    [vals, vTmp] = [vTmp, vals];
    [wts, wTmp] = [wTmp, wts];
    segs = next;
  }
  const values = new Float64Array(total);
  const cum = new Float64Array(total);
  let out = -1;
  let acc = 0;
  for (let i = 0; i < total; i++) {
    const x = vals[i] as number;
    acc += wts[i] as number;
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
