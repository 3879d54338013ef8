/**
 * A window's bias: its accumulator → Clarify's analysis and, against the baseline analysis.json,
 * bias_drift_check's result. Pure; the label monitor builds its files, driftmon-report.json and
 * gauges from the result.
 */
import type { BiasAnalysis } from '../../sagemaker/analysis-json.js';
import type { BiasAccumulator } from './bias-accumulator.js';
import { checkBiasDrift, type BiasDriftResult } from './bias-drift-check.js';

export interface BiasEvaluation {
  analysis: BiasAnalysis;
  /** Labelled rows counted in the window. */
  rows: number;
  /** Undefined without a baseline, and for a window without rows (nothing to judge). */
  drift: BiasDriftResult | undefined;
}

export function evaluateBiasWindow(acc: BiasAccumulator, baseline: BiasAnalysis | undefined): BiasEvaluation {
  const analysis = acc.toAnalysis();
  const drift = baseline === undefined || acc.rows === 0 ? undefined : checkBiasDrift(analysis, baseline);
  return { analysis, rows: acc.rows, drift };
}
