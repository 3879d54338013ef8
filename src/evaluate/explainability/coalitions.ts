/**
 * KernelSHAP's coalitions: which features of the explained row are "on" in each synthetic row, and
 * the weight of that coalition in the regression (kernel-shap.ts). Pure and seeded.
 *
 * The scheme is the shap library's KernelExplainer (Lundberg & Lee 2017; shap `_kernel.py`
 * `explain`), which Clarify's SHAP analysis follows; written here from its description:
 *
 * - The Shapley kernel gives a coalition of size s out of m features the weight
 *   (m − 1) / (C(m, s) · s · (m − s)); the empty and the full coalition are not sampled (they are
 *   E[f] and f(x), fixed by the efficiency constraint).
 * - Sizes are visited from the outside in (1 with m − 1, 2 with m − 2, …), a size paired with its
 *   complement size. While the budget left times the size's share of the remaining kernel mass
 *   covers every coalition of that size (and of its complement), the size is enumerated exactly,
 *   each coalition weighted by its kernel weight; so with 2^m − 2 ≤ budget every coalition is
 *   enumerated and the result is the exact Shapley value of the value function.
 * - The budget left is sampled: a size drawn by the remaining kernel mass, a uniform coalition of
 *   that size, and (for a paired size) its complement. A coalition drawn again adds 1 to its count;
 *   the counts are finally scaled to the kernel mass of the sampled sizes.
 */

export interface Coalitions {
  /** Number of features the coalitions range over. */
  readonly m: number;
  /** One mask per coalition: 1 = the feature takes the explained row's value. */
  readonly masks: readonly Uint8Array[];
  /** Regression weight of each coalition (all together sum to 1). */
  readonly weights: Float64Array;
  /** Whether every coalition was enumerated (no sampling): the result is exact. */
  readonly exact: boolean;
}

/** shap's default budget for m features: 2m + 2048. */
export function defaultNumSamples(m: number): number {
  return 2 * m + 2048;
}

/** The Shapley kernel weight of one coalition of size s out of m (0 < s < m). */
export function shapleyKernelWeight(m: number, s: number): number {
  return (m - 1) / (binomial(m, s) * s * (m - s));
}

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const r = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= r; i++) c = (c * (n - r + i)) / i;
  return c > Number.MAX_SAFE_INTEGER ? c : Math.round(c);
}

/** Coalitions over m ≥ 2 features within a budget of numSamples synthetic coalitions. */
export function sampleCoalitions(m: number, numSamples: number, random: () => number): Coalitions {
  if (m < 2) return { m, masks: [], weights: new Float64Array(0), exact: true };
  const maxSamples = m >= 31 ? Infinity : 2 ** m - 2;
  const budget = Math.min(Math.max(1, Math.floor(numSamples)), maxSamples);
  const sizes = Math.ceil((m - 1) / 2);
  const pairedSizes = Math.floor((m - 1) / 2);
  // kernel mass of each size (index s − 1), a paired size counting its complement too
  const mass = new Float64Array(sizes);
  for (let s = 1; s <= sizes; s++) mass[s - 1] = ((m - 1) / (s * (m - s))) * (s <= pairedSizes ? 2 : 1);
  normalize(mass);

  const masks: Uint8Array[] = [];
  const weights: number[] = [];
  let left = budget;
  let full = 0;
  const remaining = Float64Array.from(mass);
  for (let s = 1; s <= sizes; s++) {
    const paired = s <= pairedSizes;
    const count = binomial(m, s) * (paired ? 2 : 1);
    if ((left * remaining[s - 1]!) / count < 1 - 1e-8) break;
    full++;
    left -= count;
    const share = remaining[s - 1]!;
    if (share < 1) for (let i = 0; i < sizes; i++) remaining[i] = remaining[i]! / (1 - share);
    const w = (mass[s - 1]! / binomial(m, s)) * (paired ? 0.5 : 1);
    forEachCombination(m, s, (mask) => {
      masks.push(mask);
      weights.push(w);
      if (paired) {
        masks.push(complement(mask));
        weights.push(w);
      }
    });
  }
  const exact = full === sizes;
  if (!exact && left > 0) sampleRest(m, full, sizes, pairedSizes, mass, left, random, masks, weights);
  return { m, masks, weights: Float64Array.from(weights), exact };
}

/** The sampled part: sizes full+1 … sizes drawn by their kernel mass, counts scaled to that mass. */
function sampleRest(
  m: number,
  full: number,
  sizes: number,
  pairedSizes: number,
  mass: Float64Array,
  budget: number,
  random: () => number,
  masks: Uint8Array[],
  weights: number[],
): void {
  const first = masks.length;
  const p = new Float64Array(sizes - full);
  for (let i = 0; i < p.length; i++) p[i] = mass[full + i]! * (full + i + 1 <= pairedSizes ? 0.5 : 1);
  normalize(p);
  const seen = new Map<string, number>();
  const add = (mask: Uint8Array): void => {
    const key = maskKey(mask);
    const at = seen.get(key);
    if (at !== undefined) {
      weights[at] = weights[at]! + 1;
      return;
    }
    seen.set(key, masks.length);
    masks.push(mask);
    weights.push(1);
    budget--;
  };
  const order = Int32Array.from({ length: m }, (_, i) => i);
  // as shap: at most 4 draws per coalition wanted, so a budget near the number of coalitions ends
  for (let draws = 4 * budget; budget > 0 && draws > 0; draws--) {
    const size = full + 1 + drawIndex(p, random());
    const mask = new Uint8Array(m);
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(random() * (m - i));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
      mask[order[i]!] = 1;
    }
    add(mask);
    if (budget > 0 && size <= pairedSizes) add(complement(mask));
  }
  let left = 0;
  for (let i = full; i < sizes; i++) left += mass[i]!;
  let sum = 0;
  for (let i = first; i < weights.length; i++) sum += weights[i]!;
  for (let i = first; i < weights.length; i++) weights[i] = (weights[i]! * left) / sum;
}

function drawIndex(p: Float64Array, u: number): number {
  let acc = 0;
  for (let i = 0; i < p.length; i++) {
    acc += p[i]!;
    if (u < acc) return i;
  }
  return p.length - 1;
}

function normalize(v: Float64Array): void {
  let sum = 0;
  for (const x of v) sum += x;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / sum;
}

function complement(mask: Uint8Array): Uint8Array {
  return mask.map((b) => 1 - b);
}

function maskKey(mask: Uint8Array): string {
  return String.fromCharCode(...mask.map((b) => 48 + b));
}

/** Every mask of m bits with s ones, in lexicographic order of the chosen indices. */
function forEachCombination(m: number, s: number, f: (mask: Uint8Array) => void): void {
  const idx = Array.from({ length: s }, (_, i) => i);
  for (;;) {
    const mask = new Uint8Array(m);
    for (const i of idx) mask[i] = 1;
    f(mask);
    let k = s - 1;
    while (k >= 0 && idx[k] === m - s + k) k--;
    if (k < 0) return;
    idx[k]!++;
    for (let j = k + 1; j < s; j++) idx[j] = idx[j - 1]! + 1;
  }
}
