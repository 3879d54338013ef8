/**
 * The quantile-sketch boundary. Two implementations: KLL (ours, Deequ-compatible, the default on
 * the hot path) and an adapter over the npm `tdigest` package (tail accuracy). One contract test
 * suite (quantile-sketch.contract.ts) runs against both.
 */

export const QuantileSketchKind = {
  KLL: 'kll',
  TDIGEST: 'tdigest',
} as const;
export type QuantileSketchKind = (typeof QuantileSketchKind)[keyof typeof QuantileSketchKind];

/**
 * The sketch's content as a sorted step CDF: `values` strictly increasing, `cumWeights[i]` = total
 * weight of items ≤ values[i]. `total` = cumWeights[last]. Distances between two sketches are
 * computed from two of these by a merge walk. A view never changes once made (a sketch that
 * changes makes a new one), so its arrays may be shared and results computed from it remembered.
 */
export interface SortedView {
  readonly values: Float64Array;
  readonly cumWeights: Float64Array;
  readonly total: number;
}

export interface QuantileSketch {
  readonly kind: QuantileSketchKind;
  /** Number of values offered (the total weight). */
  readonly count: number;
  /** Exact minimum and maximum seen (NaN when empty). */
  readonly min: number;
  readonly max: number;

  /** Add one value. NaN and ±Infinity are ignored by callers; implementations may assume finite. */
  update(x: number): void;
  /** Fold `other` into this sketch (mutates this). Throws SKETCH_INCOMPATIBLE on a kind/parameter mismatch. */
  merge(other: QuantileSketch): void;
  /** A new sketch holding both; neither input changes. */
  toMerged(other: QuantileSketch): QuantileSketch;
  clone(): QuantileSketch;

  /** Estimated fraction of the weight at or below x, in [0, 1]. */
  cdf(x: number): number;
  /** Estimated fraction of the weight strictly below x, in [0, 1]. */
  rankBelow(x: number): number;
  /** Estimated value at normalized rank q in [0, 1]. */
  quantile(q: number): number;
  /**
   * The normalized rank error the sketch guarantees for cdf/rankBelow/quantile (with the
   * implementation's stated probability); 0 while the sketch is exact.
   */
  rankErrorBound(): number;
  /** Sorted step-CDF view (cached until the next update/merge). */
  sortedView(): SortedView;

  /** Compact binary form; `deserialize` of the same kind restores an equal sketch. */
  serialize(): Uint8Array;
}

export interface QuantileSketchFactory {
  readonly kind: QuantileSketchKind;
  create(): QuantileSketch;
  deserialize(bytes: Uint8Array): QuantileSketch;
}
