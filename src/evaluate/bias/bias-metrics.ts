/**
 * Clarify's bias metrics computed from confusion counts (smclarify `bias/metrics/*.py` semantics,
 * re-derived from counts so that a window keeps only counts):
 *
 * - a = advantaged facet (rows not in d), d = sensitive facet; label positive/negative from the
 *   observed label (pre-training) and predicted positive/negative (post-training).
 * - division: 0/0 → 0, x/0 → ±Infinity; a difference of two +Infinity rates is 0.
 * - distribution metrics (KL, JS, LP, TVD, KS) use the binarised label and keep only the
 *   categories with non-zero probability in both facets (no smoothing).
 * - a metric that cannot be computed gets `value: null` and Clarify's error text.
 *
 * Metric codes, description strings (including Clarify's "Kullback-Liebler" spelling) and the
 * alphabetical order are Clarify's (sagemaker/clarify-metrics.ts).
 */
import {
  BIAS_METRIC_DESCRIPTIONS,
  type BiasMetricCode,
  type BiasMetricResult,
  type MetricOutcome,
  type PostTrainingCode,
  type PreTrainingCode,
} from '../../sagemaker/clarify-metrics.js';

/** Clarify's error text when no group variable is configured (CDDL, CDDPL). */
export const NO_GROUP_VARIABLE_ERROR = 'Group variable is empty or not provided';

/** Counts of one side of a facet: label (1/0) × predicted (1/0). Pre-training counts have fp = tp = 0. */
export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** One group_variable value's counts: every row of the group, and its rows in facet d. */
export interface GroupCounts {
  readonly all: Confusion;
  readonly d: Confusion;
}

export interface FacetCounts {
  readonly a: Confusion;
  readonly d: Confusion;
  /** Per group value (CDDL, CDDPL), or the error text when they cannot be computed. */
  readonly groups: readonly GroupCounts[] | string;
}

/** Extra inputs for metrics that need more than counts (FT needs feature rows). */
export interface MetricExtras {
  /** Flip test value for this facet; absent: FT is reported as an error. */
  flipTest?: () => number;
}

export const FT_NEEDS_ROWS_ERROR = 'FT needs the feature rows (computed by the baseline job only, not from window counts)';

/** Clarify's divide: 0/0 → 0, x/0 → ±Infinity. */
export function divide(a: number, b: number): number {
  if (b === 0) return a === 0 ? 0 : a < 0 ? -Infinity : Infinity;
  return a / b;
}

/** x − y, except that two +Infinity rates give 0 (Clarify's rule). */
function diff(x: number, y: number): number {
  return x === y && x === Infinity ? 0 : x - y;
}

const total = (c: Confusion): number => c.tp + c.fp + c.fn + c.tn;
const labelPos = (c: Confusion): number => c.tp + c.fn;
const labelNeg = (c: Confusion): number => c.fp + c.tn;
const predPos = (c: Confusion): number => c.tp + c.fp;
const predNeg = (c: Confusion): number => c.fn + c.tn;

/** A metric that cannot be computed: reported as `value: null` with this message as `error`. */
export class BiasMetricError extends Error {}
const fail = (message: string): never => {
  throw new BiasMetricError(message);
};

/** Both facet sets non-empty, with the messages of the metric family (`prefix` e.g. "DCO: "). */
function requireFacets(f: FacetCounts, prefix: string): void {
  if (total(f.d) === 0) fail(`${prefix}Facet set is empty`);
  if (total(f.a) === 0) fail(`${prefix}Negated Facet set is empty`);
}

function dpl(f: FacetCounts, pos: (c: Confusion) => number): number {
  const na = total(f.a);
  const nd = total(f.d);
  if (na === 0) fail('Negative facet set is empty.');
  if (nd === 0) fail('Facet set is empty.');
  return pos(f.a) / na - pos(f.d) / nd;
}

/** The binarised label distributions of a and d, restricted to categories non-zero in both. */
function alignedLabelPdfs(f: FacetCounts): [number[], number[]] {
  const na = total(f.a);
  const nd = total(f.d);
  const pa = na === 0 ? [] : [labelNeg(f.a) / na, labelPos(f.a) / na];
  const pd = nd === 0 ? [] : [labelNeg(f.d) / nd, labelPos(f.d) / nd];
  const a: number[] = [];
  const d: number[] = [];
  for (let k = 0; k < 2; k++) {
    const x = pa[k] ?? 0;
    const y = pd[k] ?? 0;
    if (x !== 0 && y !== 0) {
      a.push(x);
      d.push(y);
    }
  }
  if (a.length === 0) fail('No instance of common facet found, dataset may be too small');
  return [a, d];
}

function klSum(p: readonly number[], q: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] as number) * Math.log((p[i] as number) / (q[i] as number));
  return s;
}

function absDiffs(f: FacetCounts): number[] {
  const [a, d] = alignedLabelPdfs(f);
  return a.map((x, i) => Math.abs(x - (d[i] as number)));
}

/** Conditional demographic disparity over the group values, on labels or predicted labels. */
function cdd(f: FacetCounts, pos: (c: Confusion) => number, neg: (c: Confusion) => number): number {
  if (typeof f.groups === 'string') fail(f.groups);
  const groups = f.groups as readonly GroupCounts[];
  if (pos(f.a) + pos(f.d) === 0) fail('No positive labels in set');
  if (neg(f.a) + neg(f.d) === 0) fail('No negative labels in set');
  let weighted = 0;
  let n = 0;
  for (const g of groups) {
    const ni = total(g.all);
    const pi = pos(g.all);
    const qi = neg(g.all);
    const accepted = pi !== 0 ? pos(g.d) / pi : 0;
    const rejected = qi !== 0 ? neg(g.d) / qi : 0;
    weighted += ni * (rejected - accepted);
    n += ni;
  }
  return divide(weighted, n);
}

const PRE: Readonly<Record<PreTrainingCode, (f: FacetCounts) => number>> = {
  CDDL: (f) => cdd(f, labelPos, labelNeg),
  CI: (f) => {
    const na = total(f.a);
    const nd = total(f.d);
    if (na === 0) fail('CI: negated facet set is empty. Check that x[~facet] has non-zero length.');
    if (nd === 0) fail('CI: facet set is empty. Check that x[facet] has non-zero length.');
    return (na - nd) / (na + nd);
  },
  DPL: (f) => dpl(f, labelPos),
  JS: (f) => {
    const [a, d] = alignedLabelPdfs(f);
    const m = a.map((x, i) => 0.5 * (x + (d[i] as number)));
    return 0.5 * (klSum(a, m) + klSum(d, m));
  },
  KL: (f) => {
    const [a, d] = alignedLabelPdfs(f);
    return klSum(a, d);
  },
  KS: (f) => Math.max(...absDiffs(f)),
  LP: (f) => Math.sqrt(absDiffs(f).reduce((s, x) => s + x * x, 0)),
  TVD: (f) => 0.5 * absDiffs(f).reduce((s, x) => s + x, 0),
};

/** Rates per facet side for the DCO / DLR / DLA families. */
function rateDiff(f: FacetCounts, prefix: string, rate: (c: Confusion) => number, dMinusA: boolean): number {
  requireFacets(f, prefix);
  const ra = rate(f.a);
  const rd = rate(f.d);
  return dMinusA ? diff(rd, ra) : diff(ra, rd);
}

const POST: Readonly<Record<Exclude<PostTrainingCode, 'FT' | 'GE'>, (f: FacetCounts) => number>> = {
  AD: (f) => rateDiff(f, '', (c) => divide(c.tp + c.tn, total(c)), false),
  CDDPL: (f) => cdd(f, predPos, predNeg),
  DAR: (f) => rateDiff(f, 'DLR: ', (c) => divide(c.tp, predPos(c)), false),
  DCA: (f) => rateDiff(f, 'DCO: ', (c) => divide(labelPos(c), predPos(c)), false),
  DCR: (f) => rateDiff(f, 'DCO: ', (c) => divide(labelNeg(c), predNeg(c)), true),
  DI: (f) => {
    const na = total(f.a);
    if (na === 0) fail('Negated facet set is empty');
    const nd = total(f.d);
    if (nd === 0) fail('Facet set is empty');
    return divide(predPos(f.d) / nd, predPos(f.a) / na);
  },
  DPPL: (f) => dpl(f, predPos),
  DRR: (f) => rateDiff(f, 'DLR: ', (c) => divide(c.tn, predNeg(c)), true),
  RD: (f) => rateDiff(f, 'DLA: ', (c) => divide(c.tp, labelPos(c)), false),
  SD: (f) => rateDiff(f, 'DLA: ', (c) => divide(c.tn, labelNeg(c)), true),
  TE: (f) => rateDiff(f, '', (c) => divide(c.fn, c.fp), true),
};

/** Generalized entropy (α = 2) of the benefits b = ŷ − y + 1 over every row (a and d). */
function generalizedEntropy(f: FacetCounts): number {
  const tp = f.a.tp + f.d.tp;
  const fp = f.a.fp + f.d.fp;
  const tn = f.a.tn + f.d.tn;
  const n = total(f.a) + total(f.d);
  if (n === 0) fail('dataset must be non-empty');
  const mean = (tp + tn + 2 * fp) / n;
  if (mean === 0) {
    fail('All predicted labels are false negatives. There should be at least one prediction that is not false negative.');
  }
  const squares = (tp + tn) / (mean * mean) + (fp * 4) / (mean * mean);
  return (squares - n) / (n * 2);
}

function outcome(compute: () => number): MetricOutcome {
  try {
    return { value: compute() };
  } catch (e) {
    if (e instanceof BiasMetricError) return { value: null, error: e.message };
    throw e;
  }
}

function result(code: BiasMetricCode, o: MetricOutcome): BiasMetricResult {
  return { name: code, description: BIAS_METRIC_DESCRIPTIONS[code], ...o };
}

/** Pre-training metrics `codes` (in Clarify's alphabetical order) for one facet. */
export function preTrainingMetrics(f: FacetCounts, codes: readonly PreTrainingCode[]): BiasMetricResult[] {
  return sortCodes(codes).map((code) => result(code, outcome(() => PRE[code](f))));
}

/** Post-training metrics `codes` (in Clarify's alphabetical order) for one facet. */
export function postTrainingMetrics(
  f: FacetCounts,
  codes: readonly PostTrainingCode[],
  extras: MetricExtras = {},
): BiasMetricResult[] {
  return sortCodes(codes).map((code) => {
    if (code === 'GE') return result(code, outcome(() => generalizedEntropy(f)));
    if (code === 'FT') {
      const ft = extras.flipTest;
      if (ft === undefined) return result(code, { value: null, error: FT_NEEDS_ROWS_ERROR });
      return result(
        code,
        outcome(() => {
          requireFacets(f, '');
          return ft();
        }),
      );
    }
    return result(code, outcome(() => POST[code](f)));
  });
}

/** Codes sorted as Clarify lists them (by name, code-unit order), without duplicates. */
export function sortCodes<C extends string>(codes: readonly C[]): C[] {
  return [...new Set(codes)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}
