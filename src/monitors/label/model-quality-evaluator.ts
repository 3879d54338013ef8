/**
 * Model quality as a label evaluator: per window a ModelQualityAccumulator (counts, score bins,
 * 5 subsamples for standard_deviation), evaluated against constraints.json
 * (evaluate/model-quality/evaluation.ts), reported as SageMaker's model-quality files
 * (model-quality-report.ts) and published as driftmon_model_metric gauges (model-quality-gauges.ts).
 */
import { RecordErrorReason } from '../../errors.js';
import { ModelQualityAccumulator } from '../../evaluate/model-quality/accumulator.js';
import { evaluateModelQualityWindow, type ModelQualityEvaluation } from '../../evaluate/model-quality/evaluation.js';
import { binaryLabel, classLabel, regressionValue } from '../../evaluate/model-quality/labels.js';
import type { ModelQualityConstraints } from '../../sagemaker/model-quality-model.js';
import { ProblemType } from '../../sagemaker/problem-type.js';
import type { LabelValue } from '../../record/prediction.js';
import type { ModelQualityGaugeMetrics } from '../../observability/component-metrics.js';
import { LabelReportKind } from '../../sink/report.js';
import type { JoinedExample, LabelEvaluator, LabelReportPart, WindowContext } from './label-evaluator.js';
import { publishModelQualityGauges } from './model-quality-gauges.js';
import { buildModelQualityReport } from './model-quality-report.js';

export class ModelQualityEvaluator implements LabelEvaluator<ModelQualityAccumulator, ModelQualityEvaluation> {
  readonly kind = LabelReportKind.MODEL_QUALITY;

  constructor(
    private readonly problemType: ProblemType,
    private readonly constraints: ModelQualityConstraints | undefined,
    private readonly metrics: ModelQualityGaugeMetrics,
  ) {}

  checkLabel(label: LabelValue): RecordErrorReason | undefined {
    const ok =
      this.problemType === ProblemType.REGRESSION
        ? regressionValue(label) !== undefined
        : this.problemType === ProblemType.BINARY_CLASSIFICATION
          ? binaryLabel(label) !== undefined
          : classLabel(label) !== undefined;
    return ok ? undefined : RecordErrorReason.BAD_LABEL;
  }

  create(): ModelQualityAccumulator {
    return new ModelQualityAccumulator(this.problemType);
  }

  add(state: ModelQualityAccumulator, e: JoinedExample): RecordErrorReason | undefined {
    return state.add({
      sampleKey: e.id,
      predicted: e.prediction.predicted,
      ...(e.prediction.score === undefined ? {} : { score: e.prediction.score }),
      actual: e.label,
    });
  }

  merge(into: ModelQualityAccumulator, from: ModelQualityAccumulator): void {
    into.merge(from);
  }

  serialize(state: ModelQualityAccumulator): Uint8Array {
    return state.serialize();
  }

  deserialize(bytes: Uint8Array): ModelQualityAccumulator {
    return ModelQualityAccumulator.deserialize(bytes);
  }

  evaluate(state: ModelQualityAccumulator, w: WindowContext): ModelQualityEvaluation {
    return evaluateModelQualityWindow(state, this.constraints, new Date(w.nowMs).toISOString());
  }

  report(evaluation: ModelQualityEvaluation): LabelReportPart {
    return buildModelQualityReport(this.problemType, this.constraints, evaluation);
  }

  publish(evaluation: ModelQualityEvaluation, w: WindowContext): void {
    publishModelQualityGauges(this.metrics, w, evaluation);
  }
}
