/**
 * Clarify's Flip Test (FT, smclarify `posttraining.FT`): fit a k-nearest-neighbour classifier on
 * facet a's feature rows with the model's predicted labels, predict facet d's rows with it, and
 * report (#d rows the model predicts positive but their a-neighbours negative − #the reverse) / n_d.
 * k = 5, or 1 when facet a has at most 9 rows; Euclidean distance; majority vote (k is odd and the
 * labels binary, so votes never tie). Equal distances are broken by row order (the earlier a row
 * comes first), where scikit-learn leaves the choice to its tree/brute-force search.
 *
 * Needs every feature row, so it runs in the baseline job only (never from window counts). The
 * search is brute force, O(n_a · n_d · features): above MAX_FLIP_TEST_PAIRS pairs FT is reported
 * as an error rather than taking minutes.
 */
import { BiasMetricError } from './bias-metrics.js';

export const FT_DEFAULT_NEIGHBORS = 5;
export const FT_MIN_NEIGHBORS = 1;
/** Facet a with more rows than this uses FT_DEFAULT_NEIGHBORS. */
export const FT_SAMPLES_COUNT_THRESHOLD = 9;
export const MAX_FLIP_TEST_PAIRS = 2e8;


/**
 * FT over `features[i]` (one numeric row per dataset row), `inD[i]` facet membership and
 * `predicted[i]` the model's positive prediction. Throws BiasMetricError when it cannot be computed.
 */
export function flipTest(features: readonly Float64Array[], inD: readonly boolean[], predicted: readonly boolean[]): number {
  const a: number[] = [];
  const d: number[] = [];
  inD.forEach((x, i) => (x ? d : a).push(i));
  if (d.length === 0) throw new BiasMetricError('Facet set is empty');
  if (a.length === 0) throw new BiasMetricError('Negated Facet set is empty');
  if (a.length * d.length > MAX_FLIP_TEST_PAIRS) {
    throw new BiasMetricError(`FlipTest: ${a.length} × ${d.length} row pairs is more than driftmon's limit of ${MAX_FLIP_TEST_PAIRS}`);
  }
  const k = Math.min(a.length, a.length > FT_SAMPLES_COUNT_THRESHOLD ? FT_DEFAULT_NEIGHBORS : FT_MIN_NEIGHBORS);
  const bestDist = new Float64Array(k);
  const bestIdx = new Int32Array(k);
  let flips = 0;
  for (const j of d) {
    const q = features[j] as Float64Array;
    let n = 0;
    for (const i of a) {
      const x = features[i] as Float64Array;
      let s = 0;
      for (let c = 0; c < q.length; c++) {
        const t = (x[c] as number) - (q[c] as number);
        s += t * t;
      }
      // insert into the k best (strictly smaller distances displace; equal ones keep row order)
      if (n < k || s < (bestDist[n - 1] as number)) {
        let p = n < k ? n++ : k - 1;
        while (p > 0 && (bestDist[p - 1] as number) > s) {
          bestDist[p] = bestDist[p - 1] as number;
          bestIdx[p] = bestIdx[p - 1] as number;
          p--;
        }
        bestDist[p] = s;
        bestIdx[p] = i;
      }
    }
    let votes = 0;
    for (let p = 0; p < n; p++) if (predicted[bestIdx[p] as number]) votes++;
    const neighbours = votes * 2 > n;
    const model = predicted[j] as boolean;
    if (model && !neighbours) flips++;
    else if (!model && neighbours) flips--;
  }
  return flips / d.length;
}
