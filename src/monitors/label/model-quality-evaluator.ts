/**
 * Model quality as a label evaluator: per window a ModelQualityAccumulator (counts, score bins,
 * 5 subsamples for standard_deviation), reported as SageMaker's model-quality statistics.json,
 * constraints.json and constraint_violations.json, and published as driftmon_model_metric gauges.
 */
import { formatModelQualityConstraints, formatModelQualityStatistics, formatModelQualityViolations } from '../../sagemaker/model-quality-files.js';
import { RecordErrorReason } from '../../errors.js';
import { ModelQualityAccumulator } from '../../evaluate/model-quality/accumulator.js';
import { evaluateModelQuality } from '../../evaluate/model-quality/constraints.js';
import { binaryLabel, classLabel, regressionValue } from '../../evaluate/model-quality/labels.js';
import type { ModelQualityConstraints } from '../../sagemaker/model-quality-model.js';
import { ProblemType } from '../../sagemaker/problem-type.js';
import { computeModelQualityStatistics } from '../../evaluate/model-quality/statistics.js';
import type { LabelValue } from '../../record/prediction.js';
import type { ModelQualityGaugeMetrics } from '../../observability/component-metrics.js';
import { LabelReportKind } from '../../sink/report.js';
import type { EvaluatedWindow, JoinedExample, LabelEvaluator, WindowContext } from './label-evaluator.js';

export class ModelQualityEvaluator implements LabelEvaluator<ModelQualityAccumulator> {
  readonly kind = LabelReportKind.MODEL_QUALITY;

  constructor(
    private readonly problemType: ProblemType,
    private readonly constraints: ModelQualityConstraints | undefined,
    private readonly metrics: ModelQualityGaugeMetrics,
  ) {}

  /** Publish the constraint thresholds (static: once, at start) for alert rules to compare against. */
  publishThresholds(monitor: string): void {
    for (const [metric, c] of Object.entries(this.constraints?.constraints ?? {})) {
      this.metrics.modelMetricThreshold.labels(monitor, metric, c.comparisonOperator).set(c.threshold);
    }
  }

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

  serialize(state: ModelQualityAccumulator): Uint8Array {
    return state.serialize();
  }

  deserialize(bytes: Uint8Array): ModelQualityAccumulator {
    return ModelQualityAccumulator.deserialize(bytes);
  }

  evaluate(state: ModelQualityAccumulator, w: WindowContext): EvaluatedWindow {
    const stats = computeModelQualityStatistics(state, { evaluationTime: new Date(w.nowMs).toISOString() });
    const violations = this.constraints === undefined || state.count === 0 ? [] : evaluateModelQuality(stats, this.constraints);
    const files = [{ name: 'statistics.json', body: formatModelQualityStatistics(stats) }];
    if (this.constraints !== undefined) files.push({ name: 'constraints.json', body: formatModelQualityConstraints(this.constraints) });
    files.push({ name: 'constraint_violations.json', body: formatModelQualityViolations(violations) });
    const metrics = Object.fromEntries(Object.entries(stats.metrics).map(([k, m]) => [k, Number.isFinite(m.value) ? m.value : String(m.value)]));
    return {
      files,
      itemCount: state.count,
      violationCount: violations.length,
      summary: { problem_type: this.problemType, item_count: state.count, metrics, violations: violations.map((v) => v.metricName) },
    };
  }

  publish(_state: ModelQualityAccumulator, w: WindowContext, evaluated: EvaluatedWindow): void {
    const metrics = evaluated.summary.metrics as Record<string, number | string>;
    for (const [metric, v] of Object.entries(metrics)) this.metrics.modelMetric.labels(w.monitor, w.window, w.state, metric).set(Number(v));
    this.metrics.modelViolations.labels(w.monitor, w.window, w.state).set(evaluated.violationCount);
  }
}
