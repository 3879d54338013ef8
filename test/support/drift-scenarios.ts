/**
 * Seeded feature samples for calibrating driftmon's drift verdict (src/evaluate/drift-verdict.ts):
 * the distributions the issue names and the shifts a verdict must find or ignore, each drawn into
 * what the monitor would hold — a KLL sketch for numeric features, exact category counts for
 * categorical ones. Shared by the fast calibration test and bench/drift-calibration.bench.ts.
 */
import type { FeatureSample } from '../../src/evaluate/drift-verdict.js';
import { KllSketch } from '../../src/sketch/kll/kll-sketch.js';
import type { Rng } from './random.js';

export const DISTRIBUTIONS = ['normal', 'lognormal', 'uniform', 'poisson', 'binary', 'bimodal', 'narrow', 'zipf5', 'zipf300'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

/** A change to the current window's generator; `factor`/`delta` as the kind says. */
export type Shift =
  | { kind: 'mean'; sd: number } // + sd × the distribution's standard deviation
  | { kind: 'spread'; factor: number } // deviations from the mean × factor
  | { kind: 'rate'; factor: number } // Poisson λ × factor
  | { kind: 'scale'; factor: number } // every value × factor (lognormal scale)
  | { kind: 'share'; delta: number } // delta of the first category's share moves to the second (binary: P(1) + delta)
  | { kind: 'new'; share: number } // a category never seen takes `share`, the rest scale down
  | { kind: 'zipf'; exponent: number }; // the long tail's exponent (baseline 1.1)

const SD: Record<string, number> = { normal: 1, lognormal: Math.sqrt((Math.E - 1) * Math.E), uniform: Math.sqrt(1 / 12), poisson: 2, binary: Math.sqrt(0.3 * 0.7), bimodal: Math.sqrt(5), narrow: 0.01 };
const MEAN: Record<string, number> = { normal: 0, lognormal: Math.exp(0.5), uniform: 0.5, poisson: 4, binary: 0.3, bimodal: 0, narrow: 1000 };

/**
 * How a baseline's sketch reaches the verdict: as built in memory; read back from statistics.json
 * with driftmon's companion file (the bound tracked while building, baseline/sketch-bounds-file.ts);
 * or from statistics.json alone, as for a SageMaker-built baseline (the bound derived from the
 * level sizes). The items are the same in all three; only the rank-error bound differs.
 */
export type SketchForm = 'memory' | 'file+companion' | 'file';

/** `rows` draws of `dist` (with `shift` applied) as the verdict's FeatureSample; `missingShare` of the rows missing. */
export function drawFeature(dist: Distribution, rows: number, r: Rng, shift?: Shift, missingShare = 0, form: SketchForm = 'memory'): FeatureSample {
  const missing = Math.round(rows * missingShare);
  const n = rows - missing;
  if (dist === 'zipf5' || dist === 'zipf300') return { rows, missing, categorical: { counts: drawCategories(dist, n, r, shift), countError: 0 } };
  return numericSample(n, numericDraw(dist, r, shift), missing, form);
}

/** The sketch as the verdict would see it in `form` (see SketchForm): its JSON text round-tripped. */
function inForm(s: KllSketch, form: SketchForm): KllSketch {
  if (form === 'memory') return s;
  const back = KllSketch.fromDeequJson(JSON.parse(JSON.stringify(s.toDeequJson())));
  if (form === 'file+companion') back.narrowRankErrorWeight(s.rankErrorWeight);
  return back;
}

/** `n` values of `draw` in a KLL sketch (with their exact standard deviation), plus `missing` missing rows. */
export function numericSample(n: number, draw: () => number, missing = 0, form: SketchForm = 'memory'): FeatureSample {
  const built = new KllSketch();
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    built.update(x);
    sum += x;
    sumSq += x * x;
  }
  const s = inForm(built, form);
  const mean = sum / n;
  return { rows: n + missing, missing, numeric: { view: s.sortedView(), rankError: s.rankErrorBound(), stdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) } };
}

function numericDraw(dist: Distribution, r: Rng, shift: Shift | undefined): () => number {
  const mean = MEAN[dist] as number;
  const offset = shift?.kind === 'mean' ? shift.sd * (SD[dist] as number) : 0;
  const spread = shift?.kind === 'spread' ? shift.factor : 1;
  const scale = shift?.kind === 'scale' ? shift.factor : 1;
  const lambda = 4 * (shift?.kind === 'rate' ? shift.factor : 1);
  const p = 0.3 + (shift?.kind === 'share' ? shift.delta : 0);
  const base = ((): (() => number) => {
    switch (dist) {
      case 'normal':
        return () => r.normal();
      case 'lognormal':
        return () => Math.exp(r.normal());
      case 'uniform':
        return () => r.next();
      case 'poisson':
        return () => poisson(lambda, r);
      case 'binary':
        return () => (r.next() < p ? 1 : 0);
      case 'bimodal':
        return () => r.normal() + (r.next() < 0.5 ? -2 : 2);
      default:
        return () => 1000 + 0.01 * r.normal();
    }
  })();
  return () => (mean + (base() - mean) * spread) * scale + offset;
}

/** Knuth's multiplication method: fine for the small λ used here. */
function poisson(lambda: number, r: Rng): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = r.next();
  while (p > limit) {
    k++;
    p *= r.next();
  }
  return k;
}

function drawCategories(dist: 'zipf5' | 'zipf300', n: number, r: Rng, shift: Shift | undefined): Map<string, number> {
  const levels = dist === 'zipf5' ? 5 : 300;
  const exponent = shift?.kind === 'zipf' ? shift.exponent : 1.1;
  const shares = Array.from({ length: levels }, (_, i) => 1 / Math.pow(i + 1, exponent));
  const total = shares.reduce((a, b) => a + b, 0);
  for (let i = 0; i < levels; i++) shares[i] = (shares[i] as number) / total;
  if (shift?.kind === 'share') {
    shares[0] = (shares[0] as number) - shift.delta;
    shares[1] = (shares[1] as number) + shift.delta;
  }
  const names = shares.map((_, i) => `v${i}`);
  if (shift?.kind === 'new') {
    for (let i = 0; i < levels; i++) shares[i] = (shares[i] as number) * (1 - shift.share);
    shares.push(shift.share);
    names.push('new');
  }
  const cum = new Float64Array(shares.length);
  let acc = 0;
  shares.forEach((s, i) => (cum[i] = acc += s));
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const u = r.next() * acc;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < (cum[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    const name = names[lo] as string;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The practical shifts the verdict must find at ≥ 10,000 rows, each on the distribution it applies to. */
export const PRACTICAL_SHIFTS: ReadonlyArray<{ name: string; dist: Distribution; shift?: Shift; missing?: [number, number] }> = [
  { name: 'mean +0.2 sd (normal)', dist: 'normal', shift: { kind: 'mean', sd: 0.2 } },
  { name: 'mean +0.2 sd (narrow N(1000, 0.01))', dist: 'narrow', shift: { kind: 'mean', sd: 0.2 } },
  { name: 'mean +0.2 sd (bimodal)', dist: 'bimodal', shift: { kind: 'mean', sd: 0.2 } },
  { name: 'spread ×1.25 (normal)', dist: 'normal', shift: { kind: 'spread', factor: 1.25 } },
  { name: 'spread ×1.25 (uniform)', dist: 'uniform', shift: { kind: 'spread', factor: 1.25 } },
  { name: 'Poisson rate +20 %', dist: 'poisson', shift: { kind: 'rate', factor: 1.2 } },
  { name: 'lognormal scale ×1.25', dist: 'lognormal', shift: { kind: 'scale', factor: 1.25 } },
  { name: 'binary share 0.3 → 0.4', dist: 'binary', shift: { kind: 'share', delta: 0.1 } },
  { name: 'category share −0.1 (5-level Zipf)', dist: 'zipf5', shift: { kind: 'share', delta: 0.1 } },
  { name: 'new category at 5 % (5-level Zipf)', dist: 'zipf5', shift: { kind: 'new', share: 0.05 } },
  { name: 'long tail reshaped (300-level Zipf, exponent 1.1 → 1.4)', dist: 'zipf300', shift: { kind: 'zipf', exponent: 1.4 } },
  { name: 'missing 1 % → 10 %', dist: 'normal', missing: [0.01, 0.1] },
];
