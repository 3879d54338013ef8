/**
 * What a label monitor evaluates per window — model quality, bias drift — behind one boundary, so
 * the pipeline that joins predictions with labels does not know which metrics it feeds. Each kind
 * owns a mergeable per-window state (counts, no rows) and, when the window is reported, runs the
 * same three stages as the data-quality monitor: evaluate (pure, in evaluate/), report (pure:
 * SageMaker's files and the kind's part of driftmon-report.json) and publish (gauges).
 * Adapters: model-quality-evaluator.ts, bias-evaluator.ts.
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

/** One kind's part of a window's LabelReport. */
export interface LabelReportPart {
  /** SageMaker's files for this kind, formatted. */
  files: ReportObject[];
  itemCount: number;
  violationCount: number;
  /** Goes into driftmon-report.json under the evaluator's kind. */
  summary: Record<string, unknown>;
}

/** S: the per-window state; E: its evaluation. */
export interface LabelEvaluator<S = unknown, E = unknown> {
  readonly kind: LabelReportKind;
  /** Reject a label this evaluator can never use (at ingress, so it is dead-lettered with its message). */
  checkLabel(label: LabelValue): RecordErrorReason | undefined;
  create(): S;
  /** Count one joined example; a reason when it cannot be counted (nothing changed then). */
  add(state: S, example: JoinedExample): RecordErrorReason | undefined;
  /** Add `from`'s counts to `into` (a scaled-out monitor's windows are merged from keyed partitions). */
  merge(into: S, from: S): void;
  serialize(state: S): Uint8Array;
  deserialize(bytes: Uint8Array): S;
  /** Pure: the window's state against the baseline. */
  evaluate(state: S, window: WindowContext): E;
  /** Pure: the evaluation as SageMaker's files and a summary. */
  report(evaluation: E): LabelReportPart;
  /** Publish the evaluation's gauges (the newest reported window of each size and state). */
  publish(evaluation: E, window: WindowContext): void;
}
