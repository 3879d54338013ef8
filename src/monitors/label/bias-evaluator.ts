/**
 * Bias drift as a label evaluator: per window a BiasAccumulator (counts per facet value × label ×
 * prediction × group, no rows), reported as Clarify's analysis.json plus a constraint_violations.json
 * from bias_drift_check against the baseline analysis.json, and published as
 * driftmon_bias_metric_<CODE> gauges per stage, facet and facet value.
 *
 * Categorical vs continuous label and facets come from the baseline analysis.json (an interval
 * "(t, max]" means continuous), so every window is judged the way its baseline was. Without a
 * baseline there is nothing to decide it from: the label and every facet are taken as categorical
 * (value_or_threshold lists values), and no violations are raised.
 */
import type { LabelSettings } from '../../config/load.js';
import { RecordErrorReason } from '../../errors.js';
import type { AnalysisConfig } from '../../sagemaker/analysis-config.js';
import { formatBiasAnalysis, type BiasAnalysis, type BiasStageAnalysis } from '../../sagemaker/analysis-json.js';
import { BiasAccumulator } from '../../evaluate/bias/bias-accumulator.js';
import { checkBiasDrift, formatBiasViolations } from '../../evaluate/bias/bias-drift-check.js';
import { ColumnKind, PredictionSource, resolveBiasSpec, resolveBiasSpecFromBaseline, type BiasSpec } from '../../evaluate/bias/bias-spec.js';
import type { LabelValue } from '../../record/prediction.js';
import { BIAS_GAUGE_CODES, type BiasGaugeCode, type BiasGaugeMetrics } from '../../observability/component-metrics.js';
import { LabelReportKind } from '../../sink/report.js';
import type { EvaluatedWindow, JoinedExample, LabelEvaluator, WindowContext } from './label-evaluator.js';

const STAGES = [
  ['Pre-training', 'preTraining'],
  ['Post-training', 'postTraining'],
] as const;

export class BiasEvaluator implements LabelEvaluator<BiasAccumulator> {
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
    const facets: Record<string, LabelValue | undefined> = {};
    this.spec.facets.forEach((f, i) => (facets[f.name] = e.prediction.facets[i]));
    return state.add({ label: e.label, predictedLabel: e.prediction.predicted, facets, group: e.prediction.group });
  }

  serialize(state: BiasAccumulator): Uint8Array {
    return state.serialize();
  }

  deserialize(bytes: Uint8Array): BiasAccumulator {
    return BiasAccumulator.deserialize(bytes, this.spec);
  }

  evaluate(state: BiasAccumulator): EvaluatedWindow {
    const analysis = state.toAnalysis();
    const drift = this.baseline === undefined || state.rows === 0 ? undefined : checkBiasDrift(analysis, this.baseline);
    const violations = drift?.violations ?? [];
    return {
      files: [
        { name: 'analysis.json', body: formatBiasAnalysis(analysis) },
        { name: 'constraint_violations.json', body: formatBiasViolations(violations) },
      ],
      itemCount: state.rows,
      violationCount: violations.length,
      summary: {
        rows: state.rows,
        violations: violations.map((v) => ({ facet: v.facet, facet_value: v.facetValue, metric_name: v.metricName })),
        baseline_metrics_checked: drift?.checked ?? 0,
        not_evaluated: drift?.notEvaluated.length ?? 0,
      },
      detail: analysis,
    };
  }

  publish(_state: BiasAccumulator, w: WindowContext, evaluated: EvaluatedWindow): void {
    const analysis = evaluated.detail as BiasAnalysis;
    for (const [stage, key] of STAGES) publishStage(this.metrics, w, stage, analysis[key]);
    this.metrics.biasViolations.labels(w.monitor, w.window, w.state).set(evaluated.violationCount);
  }
}

/** "(0.5, 0.99]" (a continuous facet: the window's own maximum) → "(0.5, max]", one series per facet. */
export function gaugeFacetValue(valueOrThreshold: string): string {
  const m = /^\((.*), .*\]$/.exec(valueOrThreshold);
  return m === null ? valueOrThreshold : `(${m[1]}, max]`;
}

function publishStage(metrics: BiasGaugeMetrics, w: WindowContext, stage: string, s: BiasStageAnalysis | undefined): void {
  if (s === undefined) return;
  for (const facet of s.facets) {
    for (const v of facet.values) {
      for (const m of v.metrics) {
        if (m.value === null || !(BIAS_GAUGE_CODES as readonly string[]).includes(m.name)) continue;
        metrics.bias[m.name as BiasGaugeCode].labels(w.monitor, w.window, w.state, stage, facet.name, gaugeFacetValue(v.valueOrThreshold)).set(m.value);
      }
    }
  }
}
