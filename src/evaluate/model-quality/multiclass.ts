/**
 * Multiclass counts of one accumulator (or one subsample): the confusion matrix, and SageMaker's
 * scalar multiclass metrics.
 *
 * With n_c the number of rows whose actual class is c (its support), per-class precision_c =
 * TP_c / (predicted c), recall_c = TP_c / n_c, f_β,c = F_β(precision_c, recall_c), and
 *   accuracy = Σ TP_c / n,  weighted_m = Σ_c (n_c / n)·m_c  over the actual classes
 * (Spark MLlib's weightedRecall/weightedPrecision/weightedFMeasure; a class only ever predicted
 * has support 0 and weight 0). Empty denominators give 0 (rates.ts).
 *
 * Best constant classifier (SageMaker does not document the rule for multiclass): the classifier
 * that always predicts the most frequent actual class m (ties: the first in label order,
 * labels.ts sortLabels). Then accuracy = weighted_recall = n_m / n, precision_m = n_m / n,
 * recall_m = 1 and every other class has precision = recall = 0, so
 *   weighted_precision = (n_m/n)², weighted_f_β = (n_m/n)·F_β(n_m/n, 1).
 */
import type { ByteReader, ByteWriter } from '../../sketch/mergeable.js';
import { sortLabels } from './labels.js';
import type { ConfusionMatrix } from '../../sagemaker/model-quality-model.js';
import { F_BETAS, fBeta, ratio } from './rates.js';

export class MulticlassCounts {
  /** actual → predicted → count. */
  readonly matrix: ConfusionMatrix = new Map();
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(actual: string, predicted: string, weight = 1): void {
    let row = this.matrix.get(actual);
    if (row === undefined) {
      row = new Map();
      this.matrix.set(actual, row);
    }
    row.set(predicted, (row.get(predicted) ?? 0) + weight);
    this.n += weight;
  }

  merge(other: MulticlassCounts): void {
    for (const [a, row] of other.matrix) for (const [p, c] of row) this.add(a, p, c);
  }

  /** Every label seen, actual or predicted, in label order. */
  labels(): string[] {
    const set = new Set<string>();
    for (const [a, row] of this.matrix) {
      set.add(a);
      for (const p of row.keys()) set.add(p);
    }
    return sortLabels(set);
  }

  /** The full square matrix over labels() (zeros included), rows and columns in label order. */
  squareMatrix(): ConfusionMatrix {
    const labels = this.labels();
    const out: ConfusionMatrix = new Map();
    for (const a of labels) {
      const row = this.matrix.get(a);
      out.set(a, new Map(labels.map((p) => [p, row?.get(p) ?? 0])));
    }
    return out;
  }

  write(w: ByteWriter): void {
    w.u32(this.matrix.size);
    for (const [a, row] of this.matrix) {
      w.string(a).u32(row.size);
      for (const [p, c] of row) w.string(p).f64(c);
    }
  }

  static read(r: ByteReader): MulticlassCounts {
    const m = new MulticlassCounts();
    const rows = r.length(8, 'confusion rows');
    for (let i = 0; i < rows; i++) {
      const a = r.string('actual label');
      const k = r.length(12, 'confusion columns');
      for (let j = 0; j < k; j++) {
        const p = r.string('predicted label');
        m.add(a, p, r.count('confusion count'));
      }
    }
    return m;
  }

  /** Every scalar multiclass metric by SageMaker name (module comment); NaN when empty. */
  metrics(): Record<string, number> {
    const n = this.n;
    const labels = this.labels();
    const support = new Map<string, number>();
    const predictedTotal = new Map<string, number>();
    let correct = 0;
    for (const [a, row] of this.matrix) {
      let s = 0;
      for (const [p, c] of row) {
        s += c;
        predictedTotal.set(p, (predictedTotal.get(p) ?? 0) + c);
        if (p === a) correct += c;
      }
      support.set(a, s);
    }
    let wRecall = 0;
    let wPrecision = 0;
    const wF = F_BETAS.map(() => 0);
    let best: string | undefined;
    for (const c of labels) {
      const nc = support.get(c) ?? 0;
      if (nc === 0) continue;
      if (best === undefined || nc > (support.get(best) ?? 0)) best = c;
      const tp = this.matrix.get(c)?.get(c) ?? 0;
      const precision = ratio(tp, predictedTotal.get(c) ?? 0);
      const recall = tp / nc;
      const w = nc / n;
      wRecall += w * recall;
      wPrecision += w * precision;
      F_BETAS.forEach(([, beta], i) => (wF[i]! += w * fBeta(precision, recall, beta)));
    }
    const share = best === undefined ? NaN : (support.get(best) ?? 0) / n;
    const nan = (x: number): number => (n === 0 ? NaN : x);
    const out: Record<string, number> = {
      accuracy: nan(correct / n),
      weighted_recall: nan(wRecall),
      weighted_precision: nan(wPrecision),
    };
    F_BETAS.forEach(([name], i) => (out[`weighted_${name}`] = nan(wF[i]!)));
    out['accuracy_best_constant_classifier'] = share;
    out['weighted_recall_best_constant_classifier'] = share;
    out['weighted_precision_best_constant_classifier'] = share * share;
    for (const [name, beta] of F_BETAS) out[`weighted_${name}_best_constant_classifier`] = share * fBeta(share, 1, beta);
    return out;
  }
}
