/**
 * What a label monitor evaluates per window — model quality, bias drift — behind one boundary, so
 * the pipeline that joins predictions with labels does not know which metrics it feeds. Each
 * evaluator owns a mergeable per-window state (counts, no rows), turns it into SageMaker's files
 * when the window is reported, and publishes its gauges. Adapters: model-quality-evaluator.ts,
 * bias-evaluator.ts.
 */
import type { RecordErrorReason } from '../../errors.js';
import type { LabelValue, Prediction } from '../../record/prediction.js';
import type { LabelReportKind, ReportObject } from '../../sink/report.js';

/** A prediction joined with its label. */
export interface JoinedExample {
  /** The join key (inference ID, `#k` for row k > 0 of a multi-row invocation). */
  id: string;
  prediction: Prediction;
  label: LabelValue;
}

/** What the pipeline knows of the window being reported. */
export interface WindowContext {
  monitor: string;
  /** Formatted window size (`1h`), the gauges' `window` label. */
  window: string;
  startMs: number;
  endMs: number;
  /** Wall time of the report (evaluation_time). */
  nowMs: number;
  /** provisional while labels may still come, final at the horizon (the gauges' `state` label). */
  state: 'provisional' | 'final';
}

export interface EvaluatedWindow {
  /** SageMaker's files for this kind, formatted. */
  files: ReportObject[];
  itemCount: number;
  violationCount: number;
  /** Goes into driftmon-report.json under the evaluator's kind. */
  summary: Record<string, unknown>;
  /** What publish() needs from the evaluation (not written anywhere). */
  detail?: unknown;
}

export interface LabelEvaluator<S = unknown> {
  readonly kind: LabelReportKind;
  /** Reject a label this evaluator can never use (at ingress, so it is dead-lettered with its message). */
  checkLabel(label: LabelValue): RecordErrorReason | undefined;
  create(): S;
  /** Count one joined example; a reason when it cannot be counted (nothing changed then). */
  add(state: S, example: JoinedExample): RecordErrorReason | undefined;
  serialize(state: S): Uint8Array;
  deserialize(bytes: Uint8Array): S;
  evaluate(state: S, window: WindowContext): EvaluatedWindow;
  /** Publish the window's gauges (the newest reported window of each size and state). */
  publish(state: S, window: WindowContext, evaluated: EvaluatedWindow): void;
}
