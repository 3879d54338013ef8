/**
 * Regression counts of one accumulator (or one subsample) and SageMaker's regression metrics.
 *
 * Sums use Moments (src/sketch/moments.ts): compensated sums for Σ|e| and Σe², Welford/Chan for
 * SST = Σ(y − ȳ)² with y = ground truth, so mae/mse/r2 match an exact computation to ~1e-15
 * relative and merge without loss.
 *
 *   mae = Σ|y − ŷ|/n, mse = Σ(y − ŷ)²/n, rmse = √mse, r2 = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²
 *
 * Empty: every metric NaN. Constant ground truth (SST = 0): r2 is NaN (undefined).
 */
import { Moments } from '../../sketch/moments.js';
import type { ByteReader, ByteWriter } from '../../sketch/mergeable.js';

export class RegressionCounts {
  private truth = new Moments();
  private absError = new Moments();
  private sqError = new Moments();

  get count(): number {
    return this.truth.count;
  }

  add(actual: number, predicted: number): void {
    const e = actual - predicted;
    this.truth.add(actual);
    this.absError.add(Math.abs(e));
    this.sqError.add(e * e);
  }

  merge(other: RegressionCounts): void {
    this.truth.merge(other.truth);
    this.absError.merge(other.absError);
    this.sqError.merge(other.sqError);
  }

  write(w: ByteWriter): void {
    w.blob(this.truth.serialize()).blob(this.absError.serialize()).blob(this.sqError.serialize());
  }

  static read(r: ByteReader): RegressionCounts {
    const c = new RegressionCounts();
    c.truth = Moments.deserialize(r.blob('truth'));
    c.absError = Moments.deserialize(r.blob('absolute errors'));
    c.sqError = Moments.deserialize(r.blob('squared errors'));
    return c;
  }

  /** mae, mse, rmse, r2 (module comment). */
  metrics(): Record<string, number> {
    const n = this.count;
    if (n === 0) return { mae: NaN, mse: NaN, rmse: NaN, r2: NaN };
    const sse = this.sqError.sum;
    const sst = this.truth.variance * n;
    const mse = sse / n;
    return { mae: this.absError.sum / n, mse, rmse: Math.sqrt(mse), r2: sst > 0 ? 1 - sse / sst : NaN };
  }
}
