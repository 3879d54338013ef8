/**
 * Deequ's column type rule (analyzers/DataType.scala, summarized in sagemaker-formats.md §c.1):
 * all null → Unknown; any string value, or booleans mixed with numbers → String; only booleans →
 * Boolean; any fractional → Fractional; otherwise Integral. Non-finite numbers (driftmon's
 * `nonFinite` count) take no part, so one never retypes a column; only non-finite values →
 * Fractional (they are doubles).
 */
import { InferredType, type TypeCounts } from '../sagemaker/data-quality-model.js';

export function inferType(counts: TypeCounts): InferredType {
  const numbers = counts.integral + counts.fractional;
  if (numbers + counts.boolean + counts.string === 0) {
    return (counts.nonFinite ?? 0) > 0 ? InferredType.FRACTIONAL : InferredType.UNKNOWN;
  }
  if (counts.string > 0 || (counts.boolean > 0 && numbers > 0)) return InferredType.STRING;
  if (counts.boolean > 0) return InferredType.BOOLEAN;
  if (counts.fractional > 0) return InferredType.FRACTIONAL;
  return InferredType.INTEGRAL;
}
