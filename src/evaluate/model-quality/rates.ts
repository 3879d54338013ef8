/**
 * Division and F-score rules shared by the classification metrics.
 *
 * 0/0 → 0: SageMaker's analyzer is a Spark program, and Spark MLlib's MulticlassMetrics /
 * BinaryClassificationMetrics return 0 for a precision, recall or rate whose denominator is 0, and
 * 0 for an F-score when precision + recall = 0 (scikit-learn's default `zero_division` gives the
 * same numbers). The only public SageMaker example (docs / SDK model-card fixture) has no empty
 * denominator, so this is the Spark convention, not a verified container output.
 */

/** a / b, or 0 when b = 0. */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** F_β = (1+β²)·P·R / (β²·P + R); 0 when P + R = 0. */
export function fBeta(precision: number, recall: number, beta: number): number {
  const b2 = beta * beta;
  const den = b2 * precision + recall;
  return den === 0 ? 0 : ((1 + b2) * precision * recall) / den;
}

/** The β of SageMaker's f0_5, f1 and f2, with their metric-name suffixes. */
export const F_BETAS = [
  ['f0_5', 0.5],
  ['f1', 1],
  ['f2', 2],
] as const;
