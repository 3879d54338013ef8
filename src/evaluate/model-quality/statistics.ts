/**
 * computeModelQualityStatistics: a window's (or a baseline's) accumulator → SageMaker's
 * model-quality statistics, every metric under its exact name (model.ts METRIC_NAMES).
 *
 * value: the metric over every row. standard_deviation: with ≥ 200 rows, the sample standard
 * deviation of the metric over the 5 hash-chosen 80 % subsamples (subsample.ts); else NaN, which
 * the file writer prints as SageMaker's string "NaN". Confusion matrix and curves carry no spread.
 * Binary confusion_matrix always has both classes "0" and "1" as rows and columns; multiclass the
 * full square over every label seen (labels.ts order).
 */
import { BinaryCounts } from './binary.js';
import type { ModelQualityAccumulator } from './accumulator.js';
import type { ConfusionMatrix, ModelQualityStatistics, ScalarMetric } from '../../sagemaker/model-quality-model.js';
import { MulticlassCounts } from './multiclass.js';
import { MIN_ROWS_FOR_STANDARD_DEVIATION, sampleStandardDeviation } from './subsample.js';

export interface ComputeOptions {
  /** dataset.evaluation_time (ISO-8601), e.g. the window end. Omitted when absent. */
  evaluationTime?: string;
}

export function computeModelQualityStatistics(
  acc: ModelQualityAccumulator,
  options: ComputeOptions = {},
): ModelQualityStatistics {
  const values = acc.counts.metrics();
  const withSpread = acc.count >= MIN_ROWS_FOR_STANDARD_DEVIATION;
  const subValues = withSpread ? acc.subsamples.map((s) => s.metrics()) : [];
  const metrics: Record<string, ScalarMetric> = {};
  for (const [name, value] of Object.entries(values)) {
    const standardDeviation = withSpread ? sampleStandardDeviation(subValues.map((m) => m[name] ?? NaN)) : NaN;
    metrics[name] = { value, standardDeviation };
  }
  const stats: ModelQualityStatistics = { problemType: acc.problemType, itemCount: acc.count, metrics };
  if (options.evaluationTime !== undefined) stats.evaluationTime = options.evaluationTime;
  const counts = acc.counts;
  if (counts instanceof BinaryCounts) {
    stats.confusionMatrix = binaryMatrix(counts);
    const { roc, pr } = counts.scores.curves();
    stats.receiverOperatingCharacteristicCurve = roc;
    stats.precisionRecallCurve = pr;
  } else if (counts instanceof MulticlassCounts) {
    stats.confusionMatrix = counts.squareMatrix();
  }
  return stats;
}

function binaryMatrix(c: BinaryCounts): ConfusionMatrix {
  return new Map([
    ['0', new Map([['0', c.tn], ['1', c.fp]])],
    ['1', new Map([['0', c.fn], ['1', c.tp]])],
  ]);
}
