/** What a data-quality monitor is built from (MonitorDeps) and what a finished run saw (MonitorSummary). */
import type { Logger } from 'pino';
import type { Constraints, DatasetStatistics } from '../../sagemaker/data-quality-model.js';
import type { MonitorSettings } from '../../config/load.js';
import type { RecordErrorReason } from '../../errors.js';
import type { ColumnNaming } from '../../record/column-naming.js';
import type { RecordDecoder } from '../../record/decoder.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import type {
  BackoffMetrics,
  CheckpointMetrics,
  ScaleOutMetrics,
  DataQualityGaugeMetrics,
  DataQualityWindowMetrics,
  HookMetrics,
  RecordMetrics,
} from '../../observability/component-metrics.js';
import type { ReportSink } from '../../sink/report.js';
import type { Source } from '../../source/source.js';
import type { CheckpointStore } from '../../state/checkpoint-store.js';
import type { BackoffController } from '../backoff.js';
import type { MemberCycleOptions } from '../member-cycle.js';
import type { HookCaller, PreprocessCounts } from '../hooks/preprocess-stage.js';

export interface Baseline {
  statistics: DatasetStatistics | undefined;
  constraints: Constraints;
}

export interface MonitorDeps {
  settings: MonitorSettings;
  baseline: Baseline;
  source: Source;
  reports: ReportSink;
  deadLetters: DeadLetterSink;
  /** Its own counters, and those of its stages: checkpoints, back-off, the window gauges. */
  metrics: RecordMetrics & DataQualityWindowMetrics & DataQualityGaugeMetrics & CheckpointMetrics & BackoffMetrics & ScaleOutMetrics & HookMetrics;
  logger: Logger;
  clock?: () => number;
  /** Partitioned sources: where checkpoints go (state + positions, then offsets are committed). */
  checkpoints?: CheckpointStore;
  /** Back-off at 75 %: samples by inference-ID hash while lag or disk pressure is high. */
  backoff?: BackoffController;
  /** The latest used fraction of the state disk (sampled elsewhere; read once per back-off update). */
  diskUsage?: () => number | undefined;
  /** Wraps the record decoder (tests make chosen records throw with it; see record-fault.ts). */
  wrapDecoder?: (decoder: RecordDecoder) => RecordDecoder;
  /** hooks.preprocess: the record pre-processor's thread (monitors/hooks/preprocess-stage.ts). */
  preprocess?: HookCaller;
  /** Scaled out (docs/scale-out.md): this process is a member; windows go to their owners as partials. */
  member?: MemberDeps;
}

/**
 * What a member needs beyond a one-process monitor: where partials go and how they are committed,
 * and, as the owner of some windows, the partials topic's source (group `<group>.partials`) and the
 * input partitions whose progress its watermark waits for.
 */
export interface MemberDeps extends Pick<MemberCycleOptions, 'groupId' | 'transactionalIdPrefix' | 'transactions'> {
  partialsTopic: string;
  partialsPartitions: number;
  partialsSource: Source;
  ownerGroupId: string;
  inputPartitions: () => readonly string[];
}

/** What a finished run saw: used by the CLI's summary and by tests. */
export interface MonitorSummary {
  monitor: string;
  records: number;
  rows: number;
  invalid: Partial<Record<RecordErrorReason, number>>;
  lateRows: Record<string, number>;
  /** Rows skipped by back-off sampling. */
  sampledOut: number;
  /** Blank lines (empty or whitespace only) of line-oriented sources: skipped, not records. */
  blankLines: number;
  windowsClosed: number;
  windowsWithViolations: number;
  /** feature → check type → number of windows that violated it (null-prototype objects: feature names are input). */
  violations: Record<string, Record<string, number>>;
  /** feature → number of windows driftmon's drift verdict raised it in (null-prototype, like violations). */
  drifted: Record<string, number>;
  reportPaths: string[];
  /** hooks.preprocess: its calls by outcome (absent without one). */
  preprocess?: PreprocessCounts;
  /** Headerless columns: named from the baseline's features, or left `_cN` (a count mismatch). */
  columnNaming?: ColumnNaming;
  /** Problems the user should act on, each logged once when met; printed again after the summary. */
  warnings: string[];
  /** The source ended by itself (every input read), rather than being stopped. */
  finished: boolean;
  /** File sources: capture files found (read or unreadable); undefined for other sources. */
  inputFiles: number | undefined;
}
