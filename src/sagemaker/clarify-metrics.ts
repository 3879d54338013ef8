/**
 * Clarify's bias metric codes, their description strings (including Clarify's "Kullback-Liebler"
 * spelling) and the shape of one metric in analysis.json. Names only: the metrics are computed in
 * evaluate/bias/bias-metrics.ts.
 */

export const PRE_TRAINING_CODES = ['CDDL', 'CI', 'DPL', 'JS', 'KL', 'KS', 'LP', 'TVD'] as const;
export type PreTrainingCode = (typeof PRE_TRAINING_CODES)[number];
export const POST_TRAINING_CODES = ['AD', 'CDDPL', 'DAR', 'DCA', 'DCR', 'DI', 'DPPL', 'DRR', 'FT', 'GE', 'RD', 'SD', 'TE'] as const;
export type PostTrainingCode = (typeof POST_TRAINING_CODES)[number];
export type BiasMetricCode = PreTrainingCode | PostTrainingCode;

export const BIAS_METRIC_DESCRIPTIONS: Readonly<Record<BiasMetricCode, string>> = {
  CDDL: 'Conditional Demographic Disparity in Labels (CDDL)',
  CI: 'Class Imbalance (CI)',
  DPL: 'Difference in Positive Proportions in Labels (DPL)',
  JS: 'Jensen-Shannon Divergence (JS)',
  KL: 'Kullback-Liebler Divergence (KL)',
  KS: 'Kolmogorov-Smirnov Distance (KS)',
  LP: 'L-p Norm (LP)',
  TVD: 'Total Variation Distance (TVD)',
  AD: 'Accuracy Difference (AD)',
  CDDPL: 'Conditional Demographic Disparity in Predicted Labels (CDDPL)',
  DAR: 'Difference in Acceptance Rates (DAR)',
  DCA: 'Difference in Conditional Acceptance (DCA)',
  DCR: 'Difference in Conditional Rejection (DCR)',
  DI: 'Disparate Impact (DI)',
  DPPL: 'Difference in Positive Proportions in Predicted Labels (DPPL)',
  DRR: 'Difference in Rejection Rates (DRR)',
  FT: 'Flip Test (FT)',
  GE: 'Generalized Entropy (GE)',
  RD: 'Recall Difference (RD)',
  SD: 'Specificity Difference (SD)',
  TE: 'Treatment Equality (TE)',
};

export interface MetricOutcome {
  readonly value: number | null;
  readonly error?: string;
}

export interface BiasMetricResult extends MetricOutcome {
  readonly name: string;
  readonly description: string;
}
