/**
 * The metrics each component updates, one small interface per component. Components receive
 * only their interface; metrics.ts builds every metric once on the registry and hands each
 * component its part. Label order in `.labels(...)` follows metrics.ts's labelNames.
 */
import type { CounterMetric, GaugeMetric, HistogramMetric } from './metric-shapes.js';

// ---- sources --------------------------------------------------------------------------------

export interface KafkaSourceMetrics {
  kafkaMessagesConsumedTotal: CounterMetric<'monitor' | 'topic'>;
  kafkaLagRecords: GaugeMetric<'monitor' | 'topic' | 'partition'>;
  kafkaLagSeconds: GaugeMetric<'monitor' | 'topic' | 'partition'>;
}

// ---- sinks ----------------------------------------------------------------------------------

export interface ReportDeliveryMetrics {
  s3UploadsTotal: CounterMetric<never>;
  s3UploadFailuresTotal: CounterMetric<never>;
  reportSpoolDepth: GaugeMetric<never>;
  reportSpoolOldestAge: GaugeMetric<never>;
}

export interface ActionMetrics {
  /** action: webhook (outcome: sent, failed after its retries, dropped: too many waiting) or kafka (sent, retried: a failed attempt, duplicate: already on the topic). */
  actionsTotal: CounterMetric<'action' | 'outcome'>;
}

/** Hooks (monitors/hooks/): outcomes per call, and restarts of a hook's thread. */
export interface HookMetrics {
  hookCallsTotal: CounterMetric<'monitor' | 'hook' | 'outcome'>;
  hookRestartsTotal: CounterMetric<'monitor' | 'hook'>;
}

export interface DeadLetterTopicMetrics {
  deadLetterPublishFailuresTotal: CounterMetric<never>;
}

// ---- state ----------------------------------------------------------------------------------

export interface CheckpointMetrics {
  checkpointsTotal: CounterMetric<'monitor'>;
  checkpointFailuresTotal: CounterMetric<'monitor'>;
  checkpointDuration: HistogramMetric<'monitor'>;
  checkpointBytes: GaugeMetric<'monitor'>;
  lastCheckpoint: GaugeMetric<'monitor'>;
}

/** A scaled-out monitor's transactions (docs/scale-out.md), per stage: committed, failed (retried), fenced (taken over). */
export interface ScaleOutMetrics {
  scaleOutTransactionsTotal: CounterMetric<'monitor' | 'stage' | 'outcome'>;
}

export interface StateDiskMetrics {
  stateDiskUsage: GaugeMetric<never>;
}

// ---- monitors: what every monitor counts ----------------------------------------------------

/** Records read, rejected (by reason), dead-lettered and sampled out; reports that failed to write. */
export interface RecordMetrics {
  recordsTotal: CounterMetric<'monitor'>;
  rowsTotal: CounterMetric<'monitor'>;
  recordsInvalidTotal: CounterMetric<'monitor' | 'reason'>;
  recordsSampledOutTotal: CounterMetric<'monitor'>;
  blankLinesTotal: CounterMetric<'monitor'>;
  deadLettersTotal: CounterMetric<'monitor'>;
  reportWriteFailuresTotal: CounterMetric<'monitor'>;
}

export interface BackoffMetrics {
  samplingRatio: GaugeMetric<'monitor'>;
  backoffPressure: GaugeMetric<'monitor' | 'signal'>;
  backoffTransitionsTotal: CounterMetric<'monitor' | 'state'>;
}

// ---- data-quality monitor -------------------------------------------------------------------

export interface DataQualityWindowMetrics {
  rowsLateTotal: CounterMetric<'monitor' | 'window'>;
  windowsOpen: GaugeMetric<'monitor' | 'window'>;
  windowsClosedTotal: CounterMetric<'monitor' | 'window'>;
  windowCloseDuration: HistogramMetric<'monitor'>;
  windowCloseDelay: GaugeMetric<'monitor' | 'window'>;
  lastWindowEnd: GaugeMetric<'monitor' | 'window'>;
  streamTime: GaugeMetric<'monitor'>;
}

/** A closed window's evaluation as gauges (SageMaker's CloudWatch metrics, by feature). */
export interface DataQualityGaugeMetrics {
  violations: GaugeMetric<'monitor' | 'window' | 'check'>;
  featureViolation: GaugeMetric<'monitor' | 'window' | 'feature' | 'check'>;
  featureBaselineDrift: GaugeMetric<'monitor' | 'window' | 'feature'>;
  featureBaselineDriftThreshold: GaugeMetric<'monitor' | 'feature'>;
  featureNonNull: GaugeMetric<'monitor' | 'window' | 'feature'>;
  featureData: GaugeMetric<'monitor' | 'window' | 'feature' | 'statistic'>;
  featureDriftScore: GaugeMetric<'monitor' | 'window' | 'feature' | 'metric'>;
  featureDriftDetected: GaugeMetric<'monitor' | 'window' | 'feature'>;
  featureDriftEffect: GaugeMetric<'monitor' | 'window' | 'feature' | 'effect'>;
}

// ---- label monitor --------------------------------------------------------------------------

export interface LabelJoinMetrics {
  predictionsTotal: CounterMetric<'monitor'>;
  labelsTotal: CounterMetric<'monitor'>;
  joinedTotal: CounterMetric<'monitor'>;
  duplicatesTotal: CounterMetric<'monitor' | 'side'>;
  expiredTotal: CounterMetric<'monitor'>;
  orphanTotal: CounterMetric<'monitor'>;
  latePredictionsTotal: CounterMetric<'monitor'>;
  pendingPredictions: GaugeMetric<'monitor'>;
  pendingLabels: GaugeMetric<'monitor'>;
  storeBytes: GaugeMetric<'monitor'>;
  latency: HistogramMetric<'monitor'>;
}

export interface LabelWindowMetrics {
  coverage: GaugeMetric<'monitor' | 'window' | 'state'>;
  labelWindowsReportedTotal: CounterMetric<'monitor' | 'window' | 'state'>;
  labelWindowsOpen: GaugeMetric<'monitor' | 'window'>;
}

export interface ModelQualityGaugeMetrics {
  modelMetric: GaugeMetric<'monitor' | 'window' | 'state' | 'metric'>;
  modelMetricThreshold: GaugeMetric<'monitor' | 'metric' | 'operator'>;
  modelViolations: GaugeMetric<'monitor' | 'window' | 'state'>;
}

/** Feature attribution monitors: the newest closed window's global attributions and nDCG, per window size. */
export interface AttributionGaugeMetrics {
  featureAttribution: GaugeMetric<'monitor' | 'label' | 'feature' | 'window'>;
  attributionNdcg: GaugeMetric<'monitor' | 'label' | 'window'>;
  attributionNdcgThreshold: GaugeMetric<'monitor'>;
  attributionViolations: GaugeMetric<'monitor' | 'window'>;
}

/** Attribution monitors that explain a sample of each window against the model endpoint. */
export interface AttributionExplainMetrics {
  /** outcome: explained, failed (after retries), skipped (queue full), unfinished (deadline or stop). */
  explainSamplesTotal: CounterMetric<'monitor' | 'outcome'>;
  explainQueueDepth: GaugeMetric<'monitor'>;
}

/** Every bias metric code Clarify can report (pre- and post-training): one gauge each. */
export const BIAS_GAUGE_CODES = ['AD', 'CDDL', 'CDDPL', 'CI', 'DAR', 'DCA', 'DCR', 'DI', 'DPL', 'DPPL', 'DRR', 'FT', 'GE', 'JS', 'KL', 'KS', 'LP', 'RD', 'SD', 'TE', 'TVD'] as const;
export type BiasGaugeCode = (typeof BIAS_GAUGE_CODES)[number];

export interface BiasGaugeMetrics {
  bias: Record<BiasGaugeCode, GaugeMetric<'monitor' | 'window' | 'state' | 'stage' | 'facet' | 'facet_value'>>;
  biasViolations: GaugeMetric<'monitor' | 'window' | 'state'>;
}

// ---- ground-truth ingestion -----------------------------------------------------------------

export interface LabelIngestorMetrics {
  labelsAcceptedTotal: CounterMetric<never>;
  labelsDuplicateTotal: CounterMetric<never>;
}

export interface GroundTruthRouteMetrics {
  labelsRejectedTotal: CounterMetric<'reason'>;
  requestsTotal: CounterMetric<'status'>;
}
