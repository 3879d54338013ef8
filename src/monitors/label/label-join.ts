/**
 * The join step of a label monitor: a decoded prediction row or label (label-ingress.ts makes
 * them) into the join store, and each prediction that meets its label into its inference-time
 * windows — every evaluator's state and the latency sketch. One process feeds it straight from
 * the ingress; a scaled-out monitor feeds it on the keyed partition its ID hashes to
 * (docs/scale-out.md), with windows that hold deltas.
 */
import { RecordErrorReason } from '../../errors.js';
import type { JoinRecord, JoinStore } from '../../join/join-store.js';
import type { LabelJoinMetrics } from '../../observability/component-metrics.js';
import { decodePrediction } from '../../record/prediction.js';
import type { LabelWindows } from '../../window/label-windows.js';
import type { LabelEvaluator } from './label-evaluator.js';
import { decodeLabel } from './label-payload.js';
import type { LabelMonitorSummary } from './label-summary.js';
import type { LabelWindowState } from './label-window-state.js';

/** Where decoded join records go: the join itself, or (scaled out) the keyed topic. */
export interface JoinInput {
  /** Prediction row `id` at inference time `timeMs` (payload: encodePrediction). */
  prediction(id: string, timeMs: number, payload: Uint8Array): void;
  /** Label `id` at label time `timeMs` (UNKNOWN_LABEL_TIME when nothing tells; payload: encodeLabel). */
  label(id: string, timeMs: number, payload: Uint8Array): void;
}

/** A label whose time nothing tells (a replayed file outside SageMaker's layout): no latency for it. */
export const UNKNOWN_LABEL_TIME = Number.MIN_SAFE_INTEGER;

export interface LabelJoinDeps {
  monitor: string;
  evaluators: readonly LabelEvaluator[];
  windows: LabelWindows<LabelWindowState>;
  /** The monitor's summary: the join counts into it. */
  summary: LabelMonitorSummary;
  labelMetrics: Pick<LabelJoinMetrics, 'latency'>;
  /** A joined example an evaluator could not count (not a record of its own: counted only). */
  count(reason: RecordErrorReason): void;
}

export class LabelJoin implements JoinInput {
  /** The store of the batch being joined (set by the caller before each batch). */
  store: JoinStore | undefined;

  constructor(private readonly deps: LabelJoinDeps) {}

  prediction(id: string, timeMs: number, payload: Uint8Array): void {
    const { windows, summary } = this.deps;
    if (!windows.accepts(timeMs)) {
      summary.latePredictions++;
      return;
    }
    const outcome = this.opened().putPrediction({ id, timeMs, payload });
    if (outcome.kind === 'duplicate') {
      summary.duplicatePredictions++;
    } else {
      summary.predictions++;
      windows.prediction(timeMs);
      if (outcome.kind === 'joined') this.joined(outcome.prediction, outcome.label);
    }
  }

  label(id: string, timeMs: number, payload: Uint8Array): void {
    const { summary } = this.deps;
    summary.labels++;
    const outcome = this.opened().putLabel({ id, timeMs, payload });
    if (outcome.kind === 'duplicate') summary.duplicateLabels++;
    else if (outcome.kind === 'joined') this.joined(outcome.prediction, outcome.label);
  }

  private opened(): JoinStore {
    return this.store as JoinStore;
  }

  private joined(prediction: JoinRecord, label: JoinRecord): void {
    const p = decodePrediction(prediction.payload);
    const example = { id: prediction.id, prediction: p, label: decodeLabel(label.payload) };
    const known = label.timeMs !== UNKNOWN_LABEL_TIME;
    const latencyS = Math.max(0, label.timeMs - p.inferenceTimeMs) / 1000;
    const { evaluators, labelMetrics } = this.deps;
    let reason: RecordErrorReason | undefined;
    this.deps.windows.joined(p.inferenceTimeMs, (w) => {
      evaluators.forEach((e, j) => {
        reason = e.add(w.parts[j], example) ?? reason;
      });
      if (known) w.latency.update(latencyS);
    });
    this.deps.summary.joined++;
    if (known) labelMetrics.latency.labels(this.deps.monitor).observe(latencyS);
    if (reason !== undefined) this.deps.count(reason);
  }
}
