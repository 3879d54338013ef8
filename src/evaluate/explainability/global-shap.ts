/**
 * From local SHAP values (one per row and feature) to Clarify's global SHAP value per feature,
 * by `agg_method` (SageMaker SDK `SHAPConfig`): mean_abs = mean of |φ|, median = median of φ,
 * mean_sq = mean of φ². And the logit link `use_logit` applies to model outputs.
 */

import { AggMethod } from '../../sagemaker/explainability-config.js';

/** The global value of each feature over the rows' local values (rows × features). */
export function aggregateShap(local: readonly ArrayLike<number>[], features: number, method: AggMethod): Float64Array {
  const out = new Float64Array(features);
  if (local.length === 0) return out.fill(Number.NaN);
  for (let f = 0; f < features; f++) {
    const column = local.map((row) => row[f]!);
    out[f] = method === AggMethod.MEDIAN ? median(column) : mean(column.map((v) => (method === AggMethod.MEAN_ABS ? Math.abs(v) : v * v)));
  }
  return out;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** numpy's median: the middle value, or the mean of the two middle values. */
function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** log(p / (1 − p)): ±Infinity at 1 and 0, NaN outside [0, 1]. */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}
