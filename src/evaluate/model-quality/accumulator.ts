/**
 * ModelQualityAccumulator: everything SageMaker's model-quality metrics need for one event-time
 * window, in memory bounded independently of the row count — confusion counts, compensated sums,
 * a fixed-size score histogram (score-histogram.ts) and, for standard_deviation, five more
 * accumulators of the same kind holding the hash-chosen 80 % subsamples (subsample.ts).
 * Multiclass memory grows with the number of distinct labels, capped at MAX_CLASSES.
 *
 * Mergeable (partitions, sub-windows) and serializable (crash-safe checkpoints: deserialize of
 * serialize is the same state, bit for bit). Rejected rows change nothing and return the reason.
 */
import { RecordErrorReason } from '../../errors.js';
import { ByteReader, ByteWriter, corrupt, incompatible } from '../../sketch/mergeable.js';
import { BinaryCounts } from './binary.js';
import { binaryLabel, classLabel, regressionValue, type LabelValue } from './labels.js';
import { MulticlassCounts } from './multiclass.js';
import { PROBLEM_TYPES, ProblemType } from '../../sagemaker/problem-type.js';
import { RegressionCounts } from './regression.js';
import { SUBSAMPLE_COUNT, subsampleMask } from './subsample.js';

/** One prediction joined with its label. */
export interface ModelQualityExample {
  /** The inference ID (decides subsample membership; give every row a distinct key). */
  sampleKey: string;
  /** Predicted label (binary: 0/1 after the probability threshold; regression: the value). */
  predicted: LabelValue;
  /** Binary: the probability of class 1 (feeds auc and the curves). */
  score?: number;
  /** Ground truth. */
  actual: LabelValue;
}

/** Most distinct class labels (actual or predicted) a multiclass accumulator keeps. */
export const MAX_CLASSES = 1000;

export type ModelQualityCounts = RegressionCounts | BinaryCounts | MulticlassCounts;

const MAGIC = 'DMMQ';
const VERSION = 1;
const WHAT = 'ModelQualityAccumulator';

function newCounts(problemType: ProblemType): ModelQualityCounts {
  switch (problemType) {
    case ProblemType.REGRESSION:
      return new RegressionCounts();
    case ProblemType.BINARY_CLASSIFICATION:
      return new BinaryCounts();
    default:
      return new MulticlassCounts();
  }
}

export class ModelQualityAccumulator {
  private full: ModelQualityCounts;
  private subs: ModelQualityCounts[];
  /** Multiclass: every label seen (for the MAX_CLASSES cap). */
  private readonly classes = new Set<string>();

  constructor(readonly problemType: ProblemType) {
    this.full = newCounts(problemType);
    this.subs = Array.from({ length: SUBSAMPLE_COUNT }, () => newCounts(problemType));
  }

  /** Rows counted. */
  get count(): number {
    return this.full.count;
  }

  /** The counts over every row. */
  get counts(): ModelQualityCounts {
    return this.full;
  }

  /** The counts of the SUBSAMPLE_COUNT subsamples (subsample.ts). */
  get subsamples(): readonly ModelQualityCounts[] {
    return this.subs;
  }

  /**
   * Count one row. Returns undefined when counted, else why it was rejected (nothing changed):
   * BAD_LABEL for ground truth the problem type cannot read, MISSING_PREDICTION for a missing or
   * unreadable prediction, BAD_LABEL also for a new class beyond MAX_CLASSES.
   */
  add(example: ModelQualityExample): RecordErrorReason | undefined {
    switch (this.problemType) {
      case ProblemType.REGRESSION: {
        const y = regressionValue(example.actual);
        if (y === undefined) return RecordErrorReason.BAD_LABEL;
        const yHat = regressionValue(example.predicted);
        if (yHat === undefined) return RecordErrorReason.MISSING_PREDICTION;
        this.each(example.sampleKey, (c) => (c as RegressionCounts).add(y, yHat));
        return undefined;
      }
      case ProblemType.BINARY_CLASSIFICATION: {
        const y = binaryLabel(example.actual);
        if (y === undefined) return RecordErrorReason.BAD_LABEL;
        const yHat = binaryLabel(example.predicted);
        if (yHat === undefined) return RecordErrorReason.MISSING_PREDICTION;
        const s = typeof example.score === 'number' && !Number.isNaN(example.score) ? example.score : undefined;
        this.each(example.sampleKey, (c) => (c as BinaryCounts).add(y, yHat, s));
        return undefined;
      }
      default: {
        const y = classLabel(example.actual);
        if (y === undefined) return RecordErrorReason.BAD_LABEL;
        const yHat = classLabel(example.predicted);
        if (yHat === undefined) return RecordErrorReason.MISSING_PREDICTION;
        const fresh = (this.classes.has(y) ? 0 : 1) + (this.classes.has(yHat) || yHat === y ? 0 : 1);
        if (this.classes.size + fresh > MAX_CLASSES) return RecordErrorReason.BAD_LABEL;
        this.classes.add(y).add(yHat);
        this.each(example.sampleKey, (c) => (c as MulticlassCounts).add(y, yHat));
        return undefined;
      }
    }
  }

  private each(key: string, f: (c: ModelQualityCounts) => void): void {
    f(this.full);
    const mask = subsampleMask(key);
    for (let j = 0; j < SUBSAMPLE_COUNT; j++) if ((mask & (1 << j)) !== 0) f(this.subs[j]!);
  }

  /** Fold `other` (same problem type) into this accumulator. */
  merge(other: ModelQualityAccumulator): void {
    if (other.problemType !== this.problemType) {
      throw incompatible(WHAT, `${this.problemType} with ${other.problemType}`);
    }
    if (this.problemType === ProblemType.MULTICLASS_CLASSIFICATION) {
      for (const c of other.classes) this.classes.add(c);
    }
    mergeCounts(this.full, other.full);
    for (let j = 0; j < SUBSAMPLE_COUNT; j++) mergeCounts(this.subs[j]!, other.subs[j]!);
  }

  /** magic "DMMQ", version, problem type index (u8), then the full counts and each subsample's. */
  serialize(): Uint8Array {
    const w = new ByteWriter(256).header(MAGIC, VERSION).u8(PROBLEM_TYPES.indexOf(this.problemType));
    for (const c of [this.full, ...this.subs]) c.write(w);
    return w.finish();
  }

  static deserialize(bytes: Uint8Array): ModelQualityAccumulator {
    const r = new ByteReader(bytes, WHAT);
    r.header(MAGIC, VERSION);
    const problemType = PROBLEM_TYPES[r.u8()];
    if (problemType === undefined) throw corrupt(WHAT, 'unknown problem type');
    const acc = new ModelQualityAccumulator(problemType);
    const read = (): ModelQualityCounts =>
      problemType === ProblemType.REGRESSION
        ? RegressionCounts.read(r)
        : problemType === ProblemType.BINARY_CLASSIFICATION
          ? BinaryCounts.read(r)
          : MulticlassCounts.read(r);
    acc.full = read();
    acc.subs = Array.from({ length: SUBSAMPLE_COUNT }, read);
    r.end();
    if (acc.full instanceof MulticlassCounts) {
      for (const l of acc.full.labels()) acc.classes.add(l);
      if (acc.classes.size > MAX_CLASSES) throw corrupt(WHAT, `more than ${MAX_CLASSES} classes`);
    }
    return acc;
  }
}

function mergeCounts(into: ModelQualityCounts, from: ModelQualityCounts): void {
  (into as { merge(o: ModelQualityCounts): void }).merge(from);
}
