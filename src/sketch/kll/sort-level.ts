/**
 * Sort of a KLL level buffer's prefix that takes advantage of its sorted runs: levels ≥ 1 are a
 * few sorted runs (each compaction of the level below appends one), so they are merged in
 * O(len · log runs); anything with many runs (level 0 in general) goes to sortFloat64.
 */
import { sortFloat64 } from './sort-float64.js';
import { wasmSorts, type WasmSorts } from './wasm-sorts.js';

/** Natural runs beyond this many: sort from scratch instead of merging runs. */
const MAX_RUNS = 32;
const runStarts = new Int32Array(MAX_RUNS + 1);
/** Shared merge scratch (JS is single-threaded and sortLevel is not re-entrant). */
let scratch = new Float64Array(4096);

/**
 * Sort buf[0, len) ascending: merge its natural runs, or sortFloat64 (radix-based, ~3× faster than
 * the native sort at this size) past MAX_RUNS. Items are never -0 or NaN (the sketch's update and
 * readers normalize), so every correct sort gives the same result.
 */
export function sortLevel(buf: Float64Array, len: number): void {
  sortRuns(buf, len, wasmSorts());
}

/** sortLevel in JavaScript only: where WebAssembly is not available, and the wasm path's reference. */
export function sortLevelPortable(buf: Float64Array, len: number): void {
  sortRuns(buf, len, null);
}

function sortRuns(buf: Float64Array, len: number, m: WasmSorts | null): void {
  let runs = 1;
  runStarts[0] = 0;
  let prev = buf[0] as number;
  for (let i = 1; i < len; i++) {
    const x = buf[i] as number;
    if (x < prev) {
      if (runs === MAX_RUNS) {
        sortFloat64(buf, len);
        return;
      }
      runStarts[runs++] = i;
    }
    prev = x;
  }
  if (runs === 1) return;
  runStarts[runs] = len;
  if (m !== null) {
    // values, scratch, run starts (wasm/radix-sort.ts mergeRuns)
    const { values, words } = m.reserve(16 * len + 4 * (runs + 1));
    values.set(len === buf.length ? buf : buf.subarray(0, len));
    words.set(runStarts.subarray(0, runs + 1), 4 * len);
    m.mergeRuns(len, runs);
    buf.set(values.subarray(0, len));
    return;
  }
  if (scratch.length < len) scratch = new Float64Array(Math.max(len, 2 * scratch.length));
  let src: Float64Array = buf;
  let dst: Float64Array = scratch;
  while (runs > 1) {
    let out = 0;
    for (let r = 0; r < runs; r += 2) {
      const a0 = runStarts[r] as number;
      if (r + 1 === runs) {
        dst.set(src.subarray(a0, len), a0);
        runStarts[out++] = a0;
        break;
      }
      const a1 = runStarts[r + 1] as number;
      const b1 = runStarts[r + 2] as number;
      let i = a0;
      let j = a1;
      let k = a0;
      while (i < a1 && j < b1) {
        const x = src[i] as number;
        const y = src[j] as number;
        if (y < x) {
          dst[k++] = y;
          j++;
        } else {
          dst[k++] = x;
          i++;
        }
      }
      while (i < a1) dst[k++] = src[i++] as number;
      while (j < b1) dst[k++] = src[j++] as number;
      runStarts[out++] = a0;
    }
    runStarts[out] = len;
    runs = out;
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== buf) buf.set(src.subarray(0, len));
}
