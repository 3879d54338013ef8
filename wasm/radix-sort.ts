/**
 * The KLL compactor's level sort, compiled to WebAssembly (AssemblyScript). The same algorithm as
 * sortFloat64's portable path in src/sketch/kll/sort-float64.ts (read its header for why a radix
 * sort): order-preserving 64-bit keys, an LSD radix sort on the 22 key bits from the highest
 * differing bit down, and an insertion pass for values that tie on those bits. Compiled it runs
 * about twice as fast as the JavaScript (no bounds checks, 64-bit integer keys).
 *
 * Memory (bytes, n = len): [0, 8n) the values, sorted in place; [8n, 16n) scratch values;
 * [16n, 20n) and [20n, 24n) keys; then two 2,048-entry u32 histograms. The caller grows memory to
 * 24n + 16,384 bytes before the call. Built by scripts/gen-wasm.mjs into
 * src/sketch/kll/radix-sort-wasm.ts. No NaN allowed; -0 is ordered before +0.
 *
 * Returns 0 when sorted, 1 when the insertion pass ran out of budget (many values tying on the
 * window): the caller then sorts with the native sort.
 */
const WINDOW: i32 = 22;
const WINDOW_MASK: u32 = (1 << WINDOW) - 1;
const HISTOGRAM_BYTES: usize = 2048 * 4;

export function sortValues(len: i32): i32 {
  const values: usize = 0;
  const scratch: usize = <usize>len << 3;
  const keysA: usize = scratch + (<usize>len << 3);
  const keysB: usize = keysA + (<usize>len << 2);
  const low: usize = keysB + (<usize>len << 2);
  const high: usize = low + HISTOGRAM_BYTES;

  // 1. highest differing bit (the raw bits differ where the order-preserving keys do)
  const first = load<u64>(values);
  let diff: u64 = 0;
  for (let i = 0; i < len; i++) diff |= load<u64>(values + (<usize>i << 3)) ^ first;
  if (diff == 0) return 0;
  const top = 63 - <i32>clz<u64>(diff);
  const shift = top < WINDOW ? 0 : top - (WINDOW - 1);

  // 2. window keys and both digit histograms in one pass
  memory.fill(low, 0, 2 * HISTOGRAM_BYTES);
  for (let i = 0; i < len; i++) {
    const bits = load<u64>(values + (<usize>i << 3));
    const key = <u32>((bits ^ (<u64>(<i64>bits >> 63) | 0x8000000000000000)) >> <u64>shift) & WINDOW_MASK;
    store<u32>(keysA + (<usize>i << 2), key);
    const l = low + (<usize>(key & 2047) << 2);
    store<u32>(l, load<u32>(l) + 1);
    const h = high + (<usize>(key >> 11) << 2);
    store<u32>(h, load<u32>(h) + 1);
  }
  let sumLow: u32 = 0;
  let sumHigh: u32 = 0;
  for (let b = 0; b < 2048; b++) {
    const l = low + (<usize>b << 2);
    const cl = load<u32>(l);
    store<u32>(l, sumLow);
    sumLow += cl;
    const h = high + (<usize>b << 2);
    const ch = load<u32>(h);
    store<u32>(h, sumHigh);
    sumHigh += ch;
  }
  // LSD passes: (keysA, values) → (keysB, scratch) → values
  for (let i = 0; i < len; i++) {
    const key = load<u32>(keysA + (<usize>i << 2));
    const l = low + (<usize>(key & 2047) << 2);
    const at = load<u32>(l);
    store<u32>(l, at + 1);
    store<u32>(keysB + (<usize>at << 2), key);
    store<u64>(scratch + (<usize>at << 3), load<u64>(values + (<usize>i << 3)));
  }
  for (let i = 0; i < len; i++) {
    const key = load<u32>(keysB + (<usize>i << 2));
    const h = high + (<usize>(key >> 11) << 2);
    const at = load<u32>(h);
    store<u32>(h, at + 1);
    store<u64>(values + (<usize>at << 3), load<u64>(scratch + (<usize>i << 3)));
  }

  // 3. values that differ only below the window; bounded work
  if (shift == 0) return 0;
  let budget: i64 = 4 * <i64>len;
  for (let i = 1; i < len; i++) {
    const v = load<f64>(values + (<usize>i << 3));
    if (!(v < load<f64>(values + (<usize>(i - 1) << 3)))) continue;
    let j = i - 1;
    while (j >= 0 && load<f64>(values + (<usize>j << 3)) > v) {
      store<f64>(values + (<usize>(j + 1) << 3), load<f64>(values + (<usize>j << 3)));
      j--;
    }
    store<f64>(values + (<usize>(j + 1) << 3), v);
    budget -= i - j;
    if (budget < 0) return 1;
  }
  return 0;
}

/**
 * Merge the sorted runs of values [0, 8n) in place: run r starts at the u32 index held at byte
 * 16n + 4r (`runs` of them, then n). [8n, 16n) is scratch. For sortLevel (sort-level.ts): levels
 * above 0 are a few sorted runs, merged pairwise in O(n log runs). The caller grows memory to
 * 16n + 4(runs + 1) bytes. The starts are overwritten.
 */
export function mergeRuns(len: i32, runs: i32): void {
  const starts: usize = <usize>len << 4;
  let src: usize = 0;
  let dst: usize = <usize>len << 3;
  while (runs > 1) {
    let out = 0;
    for (let r = 0; r < runs; r += 2) {
      const a0 = load<u32>(starts + (<usize>r << 2));
      if (r + 1 == runs) {
        const end = load<u32>(starts + (<usize>(r + 1) << 2));
        memory.copy(dst + (<usize>a0 << 3), src + (<usize>a0 << 3), <usize>(end - a0) << 3);
        store<u32>(starts + (<usize>out << 2), a0);
        out++;
        break;
      }
      const a1 = load<u32>(starts + (<usize>(r + 1) << 2));
      const b1 = load<u32>(starts + (<usize>(r + 2) << 2));
      let i = a0;
      let j = a1;
      let k = a0;
      while (i < a1 && j < b1) {
        const x = load<f64>(src + (<usize>i << 3));
        const y = load<f64>(src + (<usize>j << 3));
        if (y < x) {
          store<f64>(dst + (<usize>k << 3), y);
          j++;
        } else {
          store<f64>(dst + (<usize>k << 3), x);
          i++;
        }
        k++;
      }
      if (i < a1) memory.copy(dst + (<usize>k << 3), src + (<usize>i << 3), <usize>(a1 - i) << 3);
      else if (j < b1) memory.copy(dst + (<usize>k << 3), src + (<usize>j << 3), <usize>(b1 - j) << 3);
      store<u32>(starts + (<usize>out << 2), a0);
      out++;
    }
    store<u32>(starts + (<usize>out << 2), <u32>len);
    runs = out;
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != 0) memory.copy(0, src, <usize>len << 3);
}
