/**
 * `bias_drift_check`: a window's bias analysis against the baseline analysis.json (which is the
 * bias monitor's "constraints"). Per (facet, facet value, metric) of the baseline:
 *
 * - violation when the current value is farther from "no bias" than the baseline value:
 *   |current| > |baseline| (AWS's documented rule; every published violation fits it, e.g. TE
 *   Infinity vs 2.9167 is a violation). Infinity is farther than any number; a baseline of
 *   ±Infinity cannot be exceeded.
 * - DI (Disparate Impact) is a ratio whose "no bias" value is 1, not 0, and AWS does not document
 *   how the monitor judges it. We compare |ln DI| (the distance from 1 on the ratio scale, so 0.5
 *   and 2 are equally far from parity, and DI = 0 or Infinity is the farthest). With the raw
 *   |DI| rule a window that moved from 0.8 towards parity (0.9) would be flagged, which cannot
 *   be what a user wants.
 * - a baseline metric that is null (Clarify could not compute it) or NaN sets no requirement;
 *   a current value that is null, NaN or absent is not evaluated (listed in `notEvaluated`,
 *   never a violation).
 * - continuous facets are matched by facet name (their value_or_threshold "(t, max]" carries the
 *   column max, which differs from window to window); categorical facet values by their text.
 */
import type { BiasAnalysis, BiasStageAnalysis, FacetAnalysis, FacetValueAnalysis } from '../../sagemaker/analysis-json.js';
import { isInterval } from './bias-spec.js';
import { BIAS_DRIFT_CHECK, type BiasViolation } from '../../sagemaker/bias-violations-file.js';
import { pythonFloat } from '../../sagemaker/python-json.js';

export interface NotEvaluated {
  readonly facet: string;
  readonly facetValue: string;
  readonly metricName: string;
  readonly reason: string;
}

export interface BiasDriftResult {
  readonly violations: readonly BiasViolation[];
  /** Baseline metrics compared with a current value. */
  readonly checked: number;
  readonly notEvaluated: readonly NotEvaluated[];
}

/** How far a metric value is from "no bias" (see the module comment). */
export function biasSeverity(metric: string, value: number): number {
  return metric === 'DI' ? Math.abs(Math.log(value)) : Math.abs(value);
}

export function checkBiasDrift(current: BiasAnalysis, baseline: BiasAnalysis): BiasDriftResult {
  const violations: BiasViolation[] = [];
  const notEvaluated: NotEvaluated[] = [];
  let checked = 0;
  const stages: [BiasStageAnalysis | undefined, BiasStageAnalysis | undefined][] = [
    [baseline.preTraining, current.preTraining],
    [baseline.postTraining, current.postTraining],
  ];
  for (const [base, cur] of stages) {
    if (base === undefined) continue;
    for (const facet of base.facets) {
      const curFacet = cur?.facets.find((f) => f.name === facet.name);
      for (const value of facet.values) {
        const curValue = curFacet === undefined ? undefined : matchValue(curFacet, value);
        for (const m of value.metrics) {
          if (m.value === null || Number.isNaN(m.value)) continue;
          const where = { facet: facet.name, facetValue: value.valueOrThreshold, metricName: m.name };
          const c = curValue?.metrics.find((x) => x.name === m.name);
          if (c === undefined || c.value === null || Number.isNaN(c.value)) {
            const reason =
              curValue === undefined ? 'facet value absent from the current analysis' : c === undefined ? 'metric absent' : (c.error ?? 'no value');
            notEvaluated.push({ ...where, reason });
            continue;
          }
          checked++;
          if (biasSeverity(m.name, c.value) > biasSeverity(m.name, m.value)) {
            violations.push({
              ...where,
              constraintCheckType: BIAS_DRIFT_CHECK,
              description: `Metric value ${pythonFloat(c.value)} doesn't meet the baseline constraint requirement ${pythonFloat(m.value)}`,
            });
          }
        }
      }
    }
  }
  return { violations, checked, notEvaluated };
}

function matchValue(facet: FacetAnalysis, base: FacetValueAnalysis): FacetValueAnalysis | undefined {
  const exact = facet.values.find((v) => v.valueOrThreshold === base.valueOrThreshold);
  if (exact !== undefined || !isInterval(base.valueOrThreshold)) return exact;
  const intervals = facet.values.filter((v) => isInterval(v.valueOrThreshold));
  return intervals.length === 1 ? intervals[0] : undefined;
}
