/**
 * Binary-classification counts of one accumulator (or one subsample) and SageMaker's scalar
 * binary metrics. Class 1 is the positive class.
 *
 * With TP, FP, TN, FN the confusion counts (actual × predicted) and P = TP + FN, N = TN + FP:
 *   recall = TPR = TP/P, precision = TP/(TP+FP), accuracy = (TP+TN)/n, TNR = TN/N,
 *   FPR = FP/N, FNR = FN/P, f_β = F_β(precision, recall), auc from the score histogram.
 * Best constant classifier: the classifier that always predicts 1 — SageMaker's docs example
 * (precision = prevalence 0.25, recall 1, accuracy 0.25, f1 0.4, f2 0.625, f0_5 0.294) matches it
 * exactly, not the majority class (which there is 0): precision = accuracy = P/n, recall = 1 when
 * P > 0. Empty denominators give 0 (rates.ts); on an empty accumulator every metric is NaN.
 */
import type { ByteReader, ByteWriter } from '../../sketch/mergeable.js';
import { F_BETAS, fBeta, ratio } from './rates.js';
import { ScoreHistogram } from './score-histogram.js';

export class BinaryCounts {
  tp = 0;
  fp = 0;
  tn = 0;
  fn = 0;
  scores = new ScoreHistogram();

  get count(): number {
    return this.tp + this.fp + this.tn + this.fn;
  }

  /** One row; `score` (the probability of class 1) feeds AUC and the curves when it is a number. */
  add(actual: 0 | 1, predicted: 0 | 1, score: number | undefined): void {
    if (actual === 1) {
      if (predicted === 1) this.tp++;
      else this.fn++;
    } else if (predicted === 1) this.fp++;
    else this.tn++;
    if (score !== undefined) this.scores.add(score, actual === 1);
  }

  merge(other: BinaryCounts): void {
    this.tp += other.tp;
    this.fp += other.fp;
    this.tn += other.tn;
    this.fn += other.fn;
    this.scores.merge(other.scores);
  }

  write(w: ByteWriter): void {
    w.f64(this.tp).f64(this.fp).f64(this.tn).f64(this.fn);
    this.scores.write(w);
  }

  static read(r: ByteReader): BinaryCounts {
    const c = new BinaryCounts();
    c.tp = r.count('tp');
    c.fp = r.count('fp');
    c.tn = r.count('tn');
    c.fn = r.count('fn');
    c.scores = ScoreHistogram.read(r);
    return c;
  }

  /** Every scalar binary metric by SageMaker name (module comment). */
  metrics(): Record<string, number> {
    const n = this.count;
    const P = this.tp + this.fn;
    const N = this.tn + this.fp;
    const empty = n === 0;
    const nan = (x: number): number => (empty ? NaN : x);
    const recall = nan(ratio(this.tp, P));
    const precision = nan(ratio(this.tp, this.tp + this.fp));
    const prevalence = nan(ratio(P, n));
    const recallBest = nan(P > 0 ? 1 : 0);
    const out: Record<string, number> = {
      recall,
      precision,
      accuracy: nan(ratio(this.tp + this.tn, n)),
      recall_best_constant_classifier: recallBest,
      precision_best_constant_classifier: prevalence,
      accuracy_best_constant_classifier: prevalence,
      true_positive_rate: recall,
      true_negative_rate: nan(ratio(this.tn, N)),
      false_positive_rate: nan(ratio(this.fp, N)),
      false_negative_rate: nan(ratio(this.fn, P)),
      auc: this.scores.auc(),
    };
    for (const [name, beta] of F_BETAS) out[name] = nan(fBeta(precision, recall, beta));
    for (const [name, beta] of F_BETAS) out[`${name}_best_constant_classifier`] = nan(fBeta(prevalence, recallBest, beta));
    return out;
  }
}
