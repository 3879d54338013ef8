/**
 * Bias drift as a label evaluator: per window a BiasAccumulator (counts per facet value × label ×
 * prediction × group, no rows), evaluated with bias_drift_check against the baseline analysis.json
 * (evaluate/bias/bias-evaluation.ts), reported as Clarify's analysis.json plus a
 * constraint_violations.json (bias-report.ts), and published as driftmon_bias_metric_<CODE> gauges
 * per stage, facet and facet value (bias-gauges.ts).
 *
 * Categorical vs continuous label and facets come from the baseline analysis.json (an interval
 * "(t, max]" means continuous), so every window is judged the way its baseline was. Without a
 * baseline there is nothing to decide it from: the label and every facet are taken as categorical
 * (value_or_threshold lists values), and no violations are raised.
 */
import type { LabelSettings } from '../../config/load.js';
import { RecordErrorReason } from '../../errors.js';
import type { AnalysisConfig } from '../../sagemaker/analysis-config.js';
import type { BiasAnalysis } from '../../sagemaker/analysis-json.js';
import { BiasAccumulator } from '../../evaluate/bias/bias-accumulator.js';
import { evaluateBiasWindow, type BiasEvaluation } from '../../evaluate/bias/bias-evaluation.js';
import { ColumnKind, PredictionSource, resolveBiasSpec, resolveBiasSpecFromBaseline, type BiasSpec } from '../../evaluate/bias/bias-spec.js';
import type { LabelValue } from '../../record/prediction.js';
import type { BiasGaugeMetrics } from '../../observability/component-metrics.js';
import { LabelReportKind } from '../../sink/report.js';
import { publishBiasGauges } from './bias-gauges.js';
import { buildBiasReport } from './bias-report.js';
import type { JoinedExample, LabelEvaluator, LabelReportPart, WindowContext } from './label-evaluator.js';

export class BiasEvaluator implements LabelEvaluator<BiasAccumulator, BiasEvaluation> {
  readonly kind = LabelReportKind.BIAS;
  readonly spec: BiasSpec;

  constructor(
    config: AnalysisConfig,
    private readonly baseline: BiasAnalysis | undefined,
    labels: Pick<LabelSettings, 'inferenceAttribute' | 'probabilityAttribute'>,
    private readonly metrics: BiasGaugeMetrics,
  ) {
    // the monitor's probability threshold decides the predicted label before the join (prediction.ts)
    const predictions = labels.inferenceAttribute !== undefined || labels.probabilityAttribute !== undefined ? PredictionSource.LABEL : PredictionSource.NONE;
    this.spec =
      baseline === undefined
        ? resolveBiasSpec(config, { labelKind: ColumnKind.CATEGORICAL, facetKinds: {}, predictions })
        : resolveBiasSpecFromBaseline(config, baseline, { predictions });
  }

  /** The columns each prediction must carry: facets and the group variable. */
  get predictionFields(): { facets: string[]; groupVariable: string | undefined } {
    return { facets: this.spec.facets.map((f) => f.name), groupVariable: this.spec.groupVariable };
  }

  checkLabel(label: LabelValue): RecordErrorReason | undefined {
    if (this.spec.labelKind === ColumnKind.CONTINUOUS && !(typeof label === 'number' || (label.trim() !== '' && Number.isFinite(Number(label))))) {
      return RecordErrorReason.BAD_LABEL;
    }
    return undefined;
  }

  create(): BiasAccumulator {
    return new BiasAccumulator(this.spec);
  }

  add(state: BiasAccumulator, e: JoinedExample): RecordErrorReason | undefined {
    const facets: Record<string, LabelValue | undefined> = Object.create(null) as Record<string, LabelValue | undefined>;
    this.spec.facets.forEach((f, i) => (facets[f.name] = e.prediction.facets[i]));
    return state.add({ label: e.label, predictedLabel: e.prediction.predicted, facets, group: e.prediction.group });
  }

  merge(into: BiasAccumulator, from: BiasAccumulator): void {
    into.merge(from);
  }

  serialize(state: BiasAccumulator): Uint8Array {
    return state.serialize();
  }

  deserialize(bytes: Uint8Array): BiasAccumulator {
    return BiasAccumulator.deserialize(bytes, this.spec);
  }

  evaluate(state: BiasAccumulator): BiasEvaluation {
    return evaluateBiasWindow(state, this.baseline);
  }

  report(evaluation: BiasEvaluation): LabelReportPart {
    return buildBiasReport(evaluation);
  }

  publish(evaluation: BiasEvaluation, w: WindowContext): void {
    publishBiasGauges(this.metrics, w, evaluation);
  }
}
