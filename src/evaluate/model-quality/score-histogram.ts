/**
 * AUC, ROC and precision–recall curves of a binary classifier from a bounded, mergeable summary of
 * its scores: counts of positive and negative rows in fixed bins.
 *
 * Why fixed bins (and not two quantile sketches): merging is exact (bin counts add), so a window
 * merged from 10 partitions gives bit-for-bit the AUC of one accumulator that saw every row, and a
 * checkpoint round trip is exact; memory is a constant 2·1,200 counts whatever the row count;
 * and the only error is the ordering of pairs that share a bin, which is bounded and reported
 * (aucErrorBound). Two KLL sketches would add rank error from both classes and merge
 * approximately.
 *
 * Bins: 1,000 equal bins over [0, 1] (probabilities; bin i = [i/1000, (i+1)/1000), the last one
 * closed), plus 100 bins below 0 and 100 above 1 for scores that are not probabilities (margins,
 * log-odds): s < 0 goes to bin ⌊100 / (1 − s)⌋ and s > 1 to bin 1,100 + ⌊100·(1 − 1/s)⌋. The map is
 * monotone on all of ℝ (±Infinity included), so ordering between bins is always right. NaN scores
 * are not counted.
 *
 * AUC = Σ_b pos_b·(neg below b + ½·neg_b) / (P·N): Mann–Whitney with pairs inside one bin counted
 * as ties (½). Its distance to the exact Mann–Whitney AUC (ties ½) is at most
 * Σ_b pos_b·neg_b / (2·P·N), which aucErrorBound() returns; for smooth score densities the
 * realised error is far below the bound (bins are 0.001 wide). AUC is NaN when one class is
 * absent (undefined ranking; a NaN never fires a constraint) — Spark would give 0 or 1 there.
 *
 * Curves: thresholds run over the bin edges from high to low (a row is predicted positive when its
 * bin is at or above the threshold bin). SageMaker's curve length is not documented; to stay
 * bounded a point is kept only when TPR or FPR (recall) moved by ≥ 1/100 since the last kept point,
 * plus the final point, so a curve has at most 2·100 + 2 points whatever the data. The ROC curve
 * starts at (0, 0); the PR curve starts at recall 0 with precision 1 (scikit-learn's convention,
 * also the first point in SageMaker's docs example). Rates with an empty denominator are 0
 * (rates.ts).
 */
import { ByteReader, ByteWriter, corrupt } from '../../sketch/mergeable.js';
import type { PrecisionRecallCurve, RocCurve } from '../../sagemaker/model-quality-model.js';
import { ratio } from './rates.js';

/** Equal-width bins over [0, 1]. */
export const PROBABILITY_BINS = 1000;
/** Bins for scores below 0, and again for scores above 1. */
export const OUTSIDE_BINS = 100;
export const TOTAL_BINS = PROBABILITY_BINS + 2 * OUTSIDE_BINS;
/** Curve points: a point is kept when a rate moved by ≥ 1 / CURVE_RESOLUTION. */
export const CURVE_RESOLUTION = 100;

/** The bin of a (non-NaN) score. */
export function scoreBin(s: number): number {
  if (s >= 0 && s <= 1) return OUTSIDE_BINS + Math.min(PROBABILITY_BINS - 1, Math.floor(s * PROBABILITY_BINS));
  if (s < 0) return Math.min(OUTSIDE_BINS - 1, Math.floor(OUTSIDE_BINS / (1 - s)));
  return OUTSIDE_BINS + PROBABILITY_BINS + Math.min(OUTSIDE_BINS - 1, Math.floor(OUTSIDE_BINS * (1 - 1 / s)));
}

export class ScoreHistogram {
  private pos = new Float64Array(TOTAL_BINS);
  private neg = new Float64Array(TOTAL_BINS);
  private nPos = 0;
  private nNeg = 0;

  get positives(): number {
    return this.nPos;
  }

  get negatives(): number {
    return this.nNeg;
  }

  /** Count a score of a positive (actual 1) or negative row. NaN is ignored. */
  add(score: number, positive: boolean): void {
    if (Number.isNaN(score)) return;
    const b = scoreBin(score);
    if (positive) {
      this.pos[b]!++;
      this.nPos++;
    } else {
      this.neg[b]!++;
      this.nNeg++;
    }
  }

  merge(other: ScoreHistogram): void {
    for (let b = 0; b < TOTAL_BINS; b++) {
      this.pos[b]! += other.pos[b]!;
      this.neg[b]! += other.neg[b]!;
    }
    this.nPos += other.nPos;
    this.nNeg += other.nNeg;
  }

  /** Area under the ROC curve (module comment); NaN when either class is absent. */
  auc(): number {
    if (this.nPos === 0 || this.nNeg === 0) return NaN;
    let below = 0;
    let sum = 0;
    for (let b = 0; b < TOTAL_BINS; b++) {
      const p = this.pos[b]!;
      const n = this.neg[b]!;
      if (p !== 0) sum += p * (below + 0.5 * n);
      below += n;
    }
    return sum / this.nPos / this.nNeg;
  }

  /** Upper bound on |auc() − exact Mann–Whitney AUC|: Σ pos_b·neg_b / (2·P·N). NaN when auc() is. */
  aucErrorBound(): number {
    if (this.nPos === 0 || this.nNeg === 0) return NaN;
    let s = 0;
    for (let b = 0; b < TOTAL_BINS; b++) s += this.pos[b]! * this.neg[b]!;
    return s / 2 / this.nPos / this.nNeg;
  }

  /** ROC and PR curves over the bin edges, thinned to ≥ 1/CURVE_RESOLUTION steps (module comment). */
  curves(): { roc: RocCurve; pr: PrecisionRecallCurve } {
    const fpr = [0];
    const tpr = [0];
    const precisions = [1];
    const recalls = [0];
    let tp = 0;
    let fp = 0;
    let lastT = 0;
    let lastF = 0;
    let last = -1;
    for (let b = TOTAL_BINS - 1; b >= 0; b--) if (this.pos[b]! + this.neg[b]! > 0) last = b;
    for (let b = TOTAL_BINS - 1; b >= 0 && last >= 0; b--) {
      const p = this.pos[b]!;
      const n = this.neg[b]!;
      if (p + n === 0) continue;
      tp += p;
      fp += n;
      const t = ratio(tp, this.nPos);
      const f = ratio(fp, this.nNeg);
      if (b === last || t - lastT >= 1 / CURVE_RESOLUTION || f - lastF >= 1 / CURVE_RESOLUTION) {
        tpr.push(t);
        fpr.push(f);
        recalls.push(t);
        precisions.push(ratio(tp, tp + fp));
        lastT = t;
        lastF = f;
      }
    }
    return { roc: { falsePositiveRates: fpr, truePositiveRates: tpr }, pr: { precisions, recalls } };
  }

  /** Sparse form: u32 non-empty bins, then (u32 bin, f64 positives, f64 negatives) each. */
  write(w: ByteWriter): void {
    let k = 0;
    for (let b = 0; b < TOTAL_BINS; b++) if (this.pos[b]! + this.neg[b]! > 0) k++;
    w.u32(k);
    for (let b = 0; b < TOTAL_BINS; b++) {
      if (this.pos[b]! + this.neg[b]! > 0) w.u32(b).f64(this.pos[b]!).f64(this.neg[b]!);
    }
  }

  static read(r: ByteReader): ScoreHistogram {
    const h = new ScoreHistogram();
    const k = r.length(20, 'score bins');
    let prev = -1;
    for (let i = 0; i < k; i++) {
      const b = r.u32();
      if (b <= prev || b >= TOTAL_BINS) throw corrupt(r.what, `score bin ${b} out of order or range`);
      prev = b;
      const p = r.count('positives');
      const n = r.count('negatives');
      h.pos[b] = p;
      h.neg[b] = n;
      h.nPos += p;
      h.nNeg += n;
    }
    return h;
  }
}
