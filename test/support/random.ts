/** Seeded pseudo-random numbers for statistical tests and benchmarks (mulberry32). */
import { seededRandom } from '../../src/evaluate/seeded-random.js';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

export function rng(seed: number): Rng {
  let spare: number | undefined;
  const next = seededRandom(seed);
  return {
    next,
    normal(): number {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n: number): number {
      return Math.floor(next() * n);
    },
  };
}

/** n samples of N(mean, sd). */
export function normalSamples(seed: number, n: number, mean = 0, sd = 1): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * r.normal();
  return out;
}

/** n samples of exp(N(mu, sigma)). */
export function lognormalSamples(seed: number, n: number, mu = 0, sigma = 1): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(mu + sigma * r.normal());
  return out;
}

/** Exact empirical CDF of sorted data at x: fraction of values ≤ x. */
export function exactCdf(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** Exact two-sample KS statistic sup_x |F_a(x) − F_b(x)|. */
export function exactKs(a: Float64Array, b: Float64Array): number {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < sa.length || j < sb.length) {
    const x = Math.min(i < sa.length ? (sa[i] as number) : Infinity, j < sb.length ? (sb[j] as number) : Infinity);
    while (i < sa.length && sa[i] === x) i++;
    while (j < sb.length && sb[j] === x) j++;
    d = Math.max(d, Math.abs(i / sa.length - j / sb.length));
  }
  return d;
}

/** Zipf(s) sampler over the values `${prefix}0` … `${prefix}${domain - 1}` (`${prefix}0` most frequent). */
export function zipf(domain: number, s: number, prefix = 'v'): (r: Rng) => string {
  const cdf = new Float64Array(domain);
  let acc = 0;
  for (let i = 0; i < domain; i++) {
    acc += 1 / Math.pow(i + 1, s);
    cdf[i] = acc;
  }
  for (let i = 0; i < domain; i++) cdf[i] = (cdf[i] as number) / acc;
  return (r) => {
    const u = r.next();
    let lo = 0;
    let hi = domain - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return `${prefix}${lo}`;
  };
}
