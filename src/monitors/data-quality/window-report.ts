/**
 * Pure: a closed window + its evaluation → the WindowReport the sinks store. driftmon-report.json
 * carries what SageMaker's files have no room for: window bounds, counts, every drift metric.
 */
import type { Constraints, DatasetStatistics } from '../../sagemaker/data-quality-model.js';
import { formatDuration } from '../../config/duration.js';
import type { DataQualityEvaluation } from '../../evaluate/data-quality.js';
import type { FeatureVerdict, TestVerdict } from '../../evaluate/drift-verdict.js';
import type { DataQualityReport } from '../../sink/report.js';

export interface ClosedWindowInfo {
  monitor: string;
  sizeMs: number;
  startMs: number;
  endMs: number;
  rows: number;
  /** Effective capture rate: rows seen / rows they stand for (1 unless back-off sampled). */
  samplingRate: number;
  /** Rows that arrived too late for this window size so far (monitor-wide counter). */
  lateRowsSoFar: number;
  closedAtMs: number;
}

export function buildWindowReport(
  w: ClosedWindowInfo,
  statistics: DatasetStatistics,
  constraints: Constraints,
  evaluation: DataQualityEvaluation,
): DataQualityReport {
  const byCheck: Record<string, number> = {};
  for (const v of evaluation.violations) byCheck[v.constraintCheckType] = (byCheck[v.constraintCheckType] ?? 0) + 1;
  const statsByName = new Map(statistics.features.map((f) => [f.name, f]));
  const summary = {
    version: 1,
    monitor: w.monitor,
    window: {
      size: formatDuration(w.sizeMs),
      start: new Date(w.startMs).toISOString(),
      end: new Date(w.endMs).toISOString(),
      closed_at: new Date(w.closedAtMs).toISOString(),
    },
    status: evaluation.violations.length > 0 ? 'CompletedWithViolations' : 'Completed',
    item_count: statistics.itemCount,
    late_rows_so_far: w.lateRowsSoFar,
    sampling_rate: w.samplingRate,
    rows_sampled: w.rows,
    violations_by_check: byCheck,
    features: evaluation.features.map((f) => ({
      name: f.name,
      expected_type: f.expectedType,
      baseline_type: f.baselineType,
      current_type: f.currentType,
      completeness: f.completeness,
      non_finite_count: statsByName.get(f.name)?.typeCounts?.nonFinite ?? 0,
      type_match: f.typeMatch,
      domain_share: f.domainShare,
      baseline_drift:
        f.drift === null
          ? null
          : {
              method: f.drift.method,
              distance: f.drift.distance,
              threshold: f.drift.threshold,
              breached: f.drift.breached,
              checked: f.drift.checked,
              linf_simple: f.drift.linfSimple,
              baseline_count: f.drift.baselineCount,
              current_count: f.drift.currentCount,
              error_bound: f.drift.errorBound,
            },
      drift: verdictJson(f.verdict),
      psi: f.metrics.psi,
      jensen_shannon: f.metrics.jensenShannon,
      wasserstein_normalized: f.metrics.wassersteinNormalized,
      ks_p_value: f.metrics.ksPValue,
      violations: evaluation.violations.filter((v) => v.featureName === f.name).map((v) => v.constraintCheckType),
    })),
  };
  return {
    monitor: w.monitor,
    windowSizeMs: w.sizeMs,
    windowStartMs: w.startMs,
    windowEndMs: w.endMs,
    statistics,
    constraints,
    violations: evaluation.violations,
    summary,
  };
}

/** driftmon's verdict for driftmon-report.json: the distribution test's figures, the missing-share test beside them. */
function verdictJson(v: FeatureVerdict | null) {
  if (v === null) return null;
  const test = (t: TestVerdict) => ({
    detected: t.detected,
    p_value: t.adjustedPValue,
    p_value_unadjusted: t.pValue,
    effect_size: { name: t.effectName, value: t.effectSize },
    effect_floor: t.effectFloor,
    method: t.test,
  });
  const main = v.distribution ?? v.missing;
  return { ...(main === null ? {} : test(main)), detected: v.detected, missing: v.missing === null ? null : test(v.missing) };
}
