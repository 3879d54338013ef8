/**
 * Back-off under pressure: when consumer lag or disk usage passes 75 % of its budget, driftmon
 * stops capturing every record and keeps only those whose inference ID hashes below a sampling
 * ratio (src/record/id-hash.ts). The decision depends on the ID alone, so the inference topic and
 * the ground-truth topic — each with its own controller — keep exactly the same IDs and labels
 * still join to predictions. Full capture resumes when pressure falls below 50 % (hysteresis, so
 * a signal hovering around one threshold does not flap).
 *
 * Pure logic: no timers, no I/O. The caller measures the signals (lag from the consumer, disk from
 * src/source/disk-usage.ts), calls update() as often as it likes, exports the returned state as
 * metrics, and asks keep() per record.
 */
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../errors.js';
import { idSamplingKey, samplingKeyBytes } from '../record/id-hash.js';
import type { BackoffMetrics } from '../observability/component-metrics.js';
import type { Source } from '../source/source.js';

export type BackoffSignal = 'lag_records' | 'lag_seconds' | 'disk';

export interface BackoffBudgets {
  /** Consumer lag, in messages, that counts as pressure 1. */
  lagRecords?: number | undefined;
  /** Consumer lag, in seconds behind the broker timestamps, that counts as pressure 1. */
  lagSeconds?: number | undefined;
  /** Used fraction of the state disk that counts as pressure 1 (0.9: pressure 1 at 90 % used). */
  diskUsage?: number | undefined;
}

export interface BackoffOptions {
  /** Start sampling when pressure rises above this (default 0.75). */
  onAbove?: number;
  /** Return to full capture when pressure falls below this (default 0.5); must be below onAbove. */
  offBelow?: number;
  /** Fraction of inference IDs kept while backed off, in (0, 1] (e.g. 0.25). */
  sampleRatio: number;
  /** Budgets; a signal without a budget never causes back-off. No budget at all: never backs off. */
  budgets: BackoffBudgets;
}

export interface BackoffSignals {
  lagRecords?: number | undefined;
  lagSeconds?: number | undefined;
  /** Used fraction of the disk, 0–1 (diskUsage() of src/source/disk-usage.ts). */
  diskUsage?: number | undefined;
}

export interface BackoffState {
  /** Sampling is on. */
  active: boolean;
  /** Fraction of inference IDs kept: 1 when not active, else the sample ratio. */
  ratio: number;
  /** The largest value/budget over the signals given (0 when none applies). */
  pressure: number;
  /** value/budget per signal; 0 for a signal without budget or without a value in this update. */
  bySignal: Record<BackoffSignal, number>;
  /** This update switched sampling on or off. */
  changed: boolean;
}

const DEFAULT_ON_ABOVE = 0.75;
const DEFAULT_OFF_BELOW = 0.5;

function isPositiveFinite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

function validate(options: BackoffOptions): { onAbove: number; offBelow: number } {
  const problems: string[] = [];
  const onAbove = options.onAbove ?? DEFAULT_ON_ABOVE;
  const offBelow = options.offBelow ?? DEFAULT_OFF_BELOW;
  if (!isPositiveFinite(onAbove)) problems.push(`back-off onAbove must be a number > 0 (got ${String(onAbove)})`);
  if (typeof offBelow !== 'number' || !Number.isFinite(offBelow) || offBelow < 0) {
    problems.push(`back-off offBelow must be a number >= 0 (got ${String(offBelow)})`);
  }
  if (Number.isFinite(onAbove) && Number.isFinite(offBelow) && offBelow >= onAbove) {
    problems.push(`back-off offBelow (${offBelow}) must be below onAbove (${onAbove}), or sampling would switch on and off at the same pressure`);
  }
  const r = options.sampleRatio;
  if (typeof r !== 'number' || !(r > 0 && r <= 1)) {
    problems.push(`back-off sampleRatio must be in (0, 1] — the fraction of inference IDs kept while backed off (got ${String(r)})`);
  }
  const b = options.budgets ?? {};
  for (const [name, v] of [
    ['lagRecords', b.lagRecords],
    ['lagSeconds', b.lagSeconds],
  ] as const) {
    if (v !== undefined && !isPositiveFinite(v)) problems.push(`back-off budget ${name} must be a number > 0 (got ${String(v)})`);
  }
  if (b.diskUsage !== undefined && !(isPositiveFinite(b.diskUsage) && b.diskUsage <= 1)) {
    problems.push(`back-off budget diskUsage must be a fraction of the disk in (0, 1], e.g. 0.9 (got ${String(b.diskUsage)})`);
  }
  if (problems.length > 0) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `invalid back-off settings: ${problems.join('; ')}`, { details: problems });
  }
  return { onAbove, offBelow };
}

/** value/budget, or 0 when either is missing or the value is not a number; negative values count as 0. */
function ratioOf(value: number | undefined, budget: number | undefined): number {
  if (budget === undefined || value === undefined || !Number.isFinite(value) || value <= 0) return 0;
  return value / budget;
}

/**
 * Decides, from pressure signals, whether to sample, and which records to keep.
 *
 * Records without an inference ID (undefined, '' or an empty key) cannot be joined to ground truth,
 * so there is no cross-topic decision to agree with; but under pressure they must still be
 * thinned, or a source without IDs (SageMaker capture makes `inferenceId` optional) would never
 * back off at all. While active, they are therefore kept by an even systematic sample: of the
 * ID-less records seen since sampling switched on, the n-th is kept when ⌊n·ratio⌋ grows, which keeps
 * exactly ⌊N·ratio⌋ of N, spread evenly, and gives the same decisions when the same stream is
 * replayed. Records with an ID never affect that count.
 */
export class BackoffController {
  private readonly onAbove: number;
  private readonly offBelow: number;
  private readonly sampleRatio: number;
  private readonly budgets: BackoffBudgets;
  private isActive = false;
  /** ID-less records seen since sampling switched on (for the systematic fallback). */
  private withoutId = 0;

  constructor(options: BackoffOptions) {
    const { onAbove, offBelow } = validate(options);
    this.onAbove = onAbove;
    this.offBelow = offBelow;
    this.sampleRatio = options.sampleRatio;
    this.budgets = { ...options.budgets };
  }

  /** Sampling is on. */
  get active(): boolean {
    return this.isActive;
  }

  /** Fraction of inference IDs kept now: 1, or the sample ratio while active. */
  get ratio(): number {
    return this.isActive ? this.sampleRatio : 1;
  }

  /**
   * Takes the current signals and returns the resulting state. Pressure is computed from the signals
   * passed in this call only: pass every signal you measure each time (the latest disk reading
   * too, even if it is measured less often than lag), or a missing one counts as no pressure.
   */
  update(signals: BackoffSignals): BackoffState {
    const bySignal: Record<BackoffSignal, number> = {
      lag_records: ratioOf(signals.lagRecords, this.budgets.lagRecords),
      lag_seconds: ratioOf(signals.lagSeconds, this.budgets.lagSeconds),
      disk: ratioOf(signals.diskUsage, this.budgets.diskUsage),
    };
    const pressure = Math.max(bySignal.lag_records, bySignal.lag_seconds, bySignal.disk);
    const before = this.isActive;
    if (!this.isActive && pressure > this.onAbove) this.isActive = true;
    else if (this.isActive && pressure < this.offBelow) this.isActive = false;
    const changed = before !== this.isActive;
    if (changed) this.withoutId = 0;
    return { active: this.isActive, ratio: this.ratio, pressure, bySignal, changed };
  }

  /** Keep this record? Always while not active; else when samplingKey(id) < ratio (see the class note for no ID). */
  keep(id: string | undefined | null): boolean {
    if (!this.isActive) return true;
    return this.keepSampleKey(idSamplingKey(id));
  }

  /** keep() for a Kafka message key holding the inference ID's UTF-8 bytes: same decision as keep(text). */
  keepBytes(key: Uint8Array | undefined | null): boolean {
    if (!this.isActive) return true;
    return this.keepSampleKey(key === undefined || key === null || key.length === 0 ? Number.NaN : samplingKeyBytes(key));
  }

  /** keep() given samplingKey of the ID, computed elsewhere (a decoding thread); NaN: no ID. */
  keepSampleKey(key: number): boolean {
    if (!this.isActive) return true;
    if (key !== key) return this.keepWithoutId();
    return key < this.sampleRatio;
  }

  private keepWithoutId(): boolean {
    const n = this.withoutId++;
    return Math.floor((n + 1) * this.sampleRatio) > Math.floor(n * this.sampleRatio);
  }
}

/** What a pipeline hands refreshBackoff: where pressure comes from and where it is published. */
export interface BackoffPublisher {
  monitor: string;
  backoff?: BackoffController | undefined;
  source: Source;
  metrics: BackoffMetrics;
  logger: Logger;
  diskUsage?: (() => number | undefined) | undefined;
}

/** Re-evaluate back-off pressure from the source's lag and the state disk, publish it, log changes. */
export function refreshBackoff(p: BackoffPublisher): void {
  const { backoff, metrics, logger, source, monitor } = p;
  if (backoff === undefined) return;
  const lag = source.lag?.();
  const disk = p.diskUsage?.();
  const state = backoff.update({
    ...(lag === undefined ? {} : { lagRecords: lag.records, lagSeconds: lag.seconds }),
    ...(disk === undefined ? {} : { diskUsage: disk }),
  });
  metrics.samplingRatio.labels(monitor).set(state.ratio);
  for (const [signal, value] of Object.entries(state.bySignal)) metrics.backoffPressure.labels(monitor, signal).set(value);
  if (state.changed) {
    metrics.backoffTransitionsTotal.labels(monitor, state.active ? 'on' : 'off').inc();
    logger.warn(
      { monitor, sampling_ratio: state.ratio, pressure: state.pressure, signals: state.bySignal, lag, disk },
      state.active ? 'back-off: pressure above 75 %, sampling by inference ID' : 'back-off: pressure below 50 %, full capture resumed',
    );
  }
}
