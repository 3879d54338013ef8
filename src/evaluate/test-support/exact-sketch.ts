/**
 * TEST DOUBLE — an exact QuantileSketch (keeps every value, optionally weighted) for the evaluate/
 * tests, so distances can be checked against exact computation without depending on the KLL
 * implementation. Not for production use: memory grows with the input.
 */
import type { QuantileSketch, QuantileSketchKind, SortedView } from '../../sketch/quantile-sketch.js';

export class ExactSketch implements QuantileSketch {
  readonly kind: QuantileSketchKind = 'kll';
  private values: number[] = [];
  private weights: number[] = [];
  private view: SortedView | undefined;

  static of(values: ArrayLike<number>, weights?: ArrayLike<number>): ExactSketch {
    const s = new ExactSketch();
    for (let i = 0; i < values.length; i++) s.add(values[i] as number, weights === undefined ? 1 : (weights[i] as number));
    return s;
  }

  /** Add `x` with weight `w` (a KLL item at level h weighs 2^h). */
  add(x: number, w: number): void {
    this.values.push(x);
    this.weights.push(w);
    this.view = undefined;
  }

  get count(): number {
    let s = 0;
    for (const w of this.weights) s += w;
    return s;
  }
  get min(): number {
    const v = this.sortedView().values;
    return v.length === 0 ? NaN : (v[0] as number);
  }
  get max(): number {
    const v = this.sortedView().values;
    return v.length === 0 ? NaN : (v[v.length - 1] as number);
  }

  update(x: number): void {
    this.add(x, 1);
  }
  merge(other: QuantileSketch): void {
    const v = other.sortedView();
    let prev = 0;
    for (let i = 0; i < v.values.length; i++) {
      const c = v.cumWeights[i] as number;
      this.add(v.values[i] as number, c - prev);
      prev = c;
    }
  }
  toMerged(other: QuantileSketch): QuantileSketch {
    const c = this.clone();
    c.merge(other);
    return c;
  }
  clone(): ExactSketch {
    return ExactSketch.of(this.values, this.weights);
  }

  cdf(x: number): number {
    const v = this.sortedView();
    if (v.total === 0) return NaN;
    let w = 0;
    for (let i = 0; i < v.values.length && (v.values[i] as number) <= x; i++) w = v.cumWeights[i] as number;
    return w / v.total;
  }
  rankBelow(x: number): number {
    const v = this.sortedView();
    if (v.total === 0) return NaN;
    let w = 0;
    for (let i = 0; i < v.values.length && (v.values[i] as number) < x; i++) w = v.cumWeights[i] as number;
    return w / v.total;
  }
  quantile(q: number): number {
    const v = this.sortedView();
    if (v.total === 0) return NaN;
    for (let i = 0; i < v.values.length; i++) if ((v.cumWeights[i] as number) >= q * v.total) return v.values[i] as number;
    return v.values[v.values.length - 1] as number;
  }
  rankErrorBound(): number {
    return 0;
  }

  sortedView(): SortedView {
    if (this.view !== undefined) return this.view;
    const n = this.values.length;
    const unweighted = this.weights.every((w) => w === 1);
    const sorted = unweighted ? Float64Array.from(this.values).sort() : undefined;
    const order = unweighted
      ? undefined
      : this.values.map((_, i) => i).sort((a, b) => (this.values[a] as number) - (this.values[b] as number));
    const values: number[] = [];
    const cum: number[] = [];
    let total = 0;
    for (let r = 0; r < n; r++) {
      const i = order === undefined ? r : (order[r] as number);
      const x = sorted === undefined ? (this.values[i] as number) : (sorted[r] as number);
      total += sorted === undefined ? (this.weights[i] as number) : 1;
      if (values.length > 0 && values[values.length - 1] === x) cum[cum.length - 1] = total;
      else {
        values.push(x);
        cum.push(total);
      }
    }
    this.view = { values: Float64Array.from(values), cumWeights: Float64Array.from(cum), total };
    return this.view;
  }

  serialize(): Uint8Array {
    const buf = new Float64Array(this.values.length * 2);
    this.values.forEach((x, i) => {
      buf[2 * i] = x;
      buf[2 * i + 1] = this.weights[i] as number;
    });
    return new Uint8Array(buf.buffer);
  }
}
