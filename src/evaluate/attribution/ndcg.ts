/**
 * Feature attribution drift (SageMaker Clarify's ModelExplainabilityMonitor): how far the ranking of
 * features by a window's global attribution (e.g. mean |SHAP|) has moved from the baseline's.
 *
 * SageMaker's definition (Developer Guide, "Feature attribution drift": clarify-model-monitor-
 * feature-attribution-drift.md): with F the features sorted by baseline attribution (descending),
 * F′ sorted by live attribution, a(f) the BASELINE attribution of f and m features,
 *   DCG = Σᵢ a(F′ᵢ) / log₂(i + 1),  iDCG = Σᵢ a(Fᵢ) / log₂(i + 1),  nDCG = DCG / iDCG ∈ [0, 1],
 * and a window violates feature_attribution_drift_check when nDCG < 0.9. The guide calls it
 * equivalent to scikit-learn's ndcg_score(y_true = baseline, y_score = live), which averages the
 * gain over features tied in live attribution (the expected DCG under a random order of the ties);
 * so does this, so a tie never depends on feature order.
 *
 * Features: those of the baseline. A baseline feature missing from the window counts as attribution
 * 0 there (ranked last); window features the baseline lacks carry no gain (a(f) is the baseline's)
 * and are left out. Attributions are compared as given (callers pass mean |SHAP| or whichever
 * aggregate the baseline used); a negative gain is the caller's error.
 */

/** nDCG of the live ranking against the baseline's; NaN when no baseline feature has a positive attribution. */
export function attributionNdcg(baseline: ReadonlyMap<string, number>, live: ReadonlyMap<string, number>): number {
  const features = [...baseline.keys()];
  const gain = (f: string): number => baseline.get(f) as number;
  for (const f of features) {
    const a = gain(f);
    if (!(a >= 0)) throw new RangeError(`attribution nDCG: baseline attribution of ${f} is ${a}, not a number ≥ 0`);
  }
  const discount = (i: number): number => 1 / Math.log2(i + 2); // position i counted from 0
  const ideal = features.map(gain).sort((x, y) => y - x);
  let idcg = 0;
  ideal.forEach((a, i) => (idcg += a * discount(i)));
  if (!(idcg > 0)) return Number.NaN;
  const score = (f: string): number => {
    const v = live.get(f);
    return v === undefined || Number.isNaN(v) ? 0 : v;
  };
  const order = features.slice().sort((x, y) => score(y) - score(x));
  let dcg = 0;
  for (let i = 0; i < order.length; ) {
    // a group of features tied in live attribution shares its positions' discounts equally
    let j = i + 1;
    while (j < order.length && score(order[j] as string) === score(order[i] as string)) j++;
    let gains = 0;
    let discounts = 0;
    for (let k = i; k < j; k++) {
      gains += gain(order[k] as string);
      discounts += discount(k);
    }
    dcg += (gains / (j - i)) * discounts;
    i = j;
  }
  return dcg / idcg;
}

/** SageMaker's fixed threshold; driftmon lets a monitor set its own. */
export const ATTRIBUTION_NDCG_THRESHOLD = 0.9;
