/**
 * A window's feature attributions (SHAP values, one per feature and label for each explained row),
 * kept so that the global attribution Clarify reports can be read for any `agg_method` and windows
 * (or members' partial windows) can be merged: per label and feature, the compensated sums behind
 * mean |φ| and mean φ² (Moments), and a quantile sketch of φ for the median.
 *
 * Clarify's aggregations (SageMaker Developer Guide, "SHAP baselines for explainability",
 * `agg_method`): mean_abs = mean of |φ| over rows, median = median of φ, mean_sq = mean of φ². The
 * means are exact up to floating-point summation; the median comes from the quantile sketch, so it is
 * within the sketch's rank error of the exact median (KLL: about 1 % of the rows at Deequ's size).
 */
import { AggMethod } from '../sagemaker/explainability-config.js';
import { ExplainSample } from './explain-sample.js';
import { ByteReader, ByteWriter, incompatible, type MergeableSketch } from '../sketch/mergeable.js';
import { Moments } from '../sketch/moments.js';
import type { QuantileSketch, QuantileSketchFactory } from '../sketch/quantile-sketch.js';


const MAGIC = 'DMAT';
const VERSION = 1;
/** Version 2: version 1 followed by the window's explain sample (monitors that explain against the endpoint). */
const VERSION_WITH_SAMPLE = 2;

class FeatureAttribution {
  readonly abs = new Moments();
  readonly sq = new Moments();
  constructor(readonly values: QuantileSketch) {}

  add(phi: number): void {
    this.abs.add(Math.abs(phi));
    this.sq.add(phi * phi);
    this.values.update(phi);
  }

  merge(other: FeatureAttribution): void {
    this.abs.merge(other.abs);
    this.sq.merge(other.sq);
    this.values.merge(other.values);
  }

  global(method: AggMethod): number {
    if (method === AggMethod.MEAN_ABS) return this.abs.mean;
    if (method === AggMethod.MEAN_SQ) return this.sq.mean;
    return this.values.quantile(0.5);
  }
}

export class AttributionProfile implements MergeableSketch<AttributionProfile> {
  /** label → feature → its attributions (Maps: labels and features come from input). */
  private readonly labels = new Map<string, Map<string, FeatureAttribution>>();
  private rows = 0;
  /** The records to explain against the model (live explanations), when the monitor explains. */
  sample: ExplainSample | undefined;

  constructor(private readonly quantiles: QuantileSketchFactory) {}

  /** Explained rows added (one row may carry several labels). */
  get rowCount(): number {
    return this.rows;
  }

  /**
   * One explained row: `values[i]` is the attribution of `features[i]` for `label`. Non-finite
   * attributions are the caller's to reject (a record with one is malformed).
   */
  add(label: string, features: readonly string[], values: ArrayLike<number>, newRow = true): void {
    let byFeature = this.labels.get(label);
    if (byFeature === undefined) this.labels.set(label, (byFeature = new Map()));
    for (let i = 0; i < features.length; i++) {
      const name = features[i] as string;
      let f = byFeature.get(name);
      if (f === undefined) byFeature.set(name, (f = new FeatureAttribution(this.quantiles.create())));
      f.add(values[i] as number);
    }
    if (newRow) this.rows++;
  }

  merge(other: AttributionProfile): void {
    if (other.quantiles.kind !== this.quantiles.kind) throw incompatible('AttributionProfile', `quantile sketch ${other.quantiles.kind} vs ${this.quantiles.kind}`);
    for (const [label, theirs] of other.labels) {
      let mine = this.labels.get(label);
      if (mine === undefined) this.labels.set(label, (mine = new Map()));
      for (const [name, f] of theirs) {
        let m = mine.get(name);
        if (m === undefined) mine.set(name, (m = new FeatureAttribution(this.quantiles.create())));
        m.merge(f);
      }
    }
    this.rows += other.rows;
    if (other.sample !== undefined) (this.sample ??= new ExplainSample(other.sample.capacity)).merge(other.sample);
  }

  /** label → feature → global attribution by `method` (features in the order first seen). */
  global(method: AggMethod): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>();
    for (const [label, byFeature] of this.labels) out.set(label, new Map([...byFeature].map(([name, f]) => [name, f.global(method)])));
    return out;
  }

  /** magic "DMAT", version, rows, labels; per label its name and features; per feature its name and three sketches. */
  serialize(): Uint8Array {
    const w = new ByteWriter(256).header(MAGIC, this.sample === undefined ? VERSION : VERSION_WITH_SAMPLE).f64(this.rows).u32(this.labels.size);
    for (const [label, byFeature] of this.labels) {
      w.string(label).u32(byFeature.size);
      for (const [name, f] of byFeature) w.string(name).blob(f.abs.serialize()).blob(f.sq.serialize()).blob(f.values.serialize());
    }
    if (this.sample !== undefined) w.blob(this.sample.serialize());
    return w.finish();
  }

  static deserialize(bytes: Uint8Array, quantiles: QuantileSketchFactory): AttributionProfile {
    const r = new ByteReader(bytes, 'AttributionProfile');
    const version = r.header(MAGIC, bytes[4] === VERSION_WITH_SAMPLE ? VERSION_WITH_SAMPLE : VERSION);
    const p = new AttributionProfile(quantiles);
    p.rows = r.count('rows');
    const labels = r.length(8, 'labels');
    for (let l = 0; l < labels; l++) {
      const byFeature = new Map<string, FeatureAttribution>();
      p.labels.set(r.string('label'), byFeature);
      const features = r.length(8, 'features');
      for (let i = 0; i < features; i++) {
        const name = r.string('feature');
        const abs = Moments.deserialize(r.blob('mean |φ|'));
        const sq = Moments.deserialize(r.blob('mean φ²'));
        const f = new FeatureAttribution(quantiles.deserialize(r.blob('φ quantiles')));
        f.abs.merge(abs);
        f.sq.merge(sq);
        byFeature.set(name, f);
      }
    }
    if (version === VERSION_WITH_SAMPLE) p.sample = ExplainSample.deserialize(r.blob('explain sample'));
    r.end();
    return p;
  }
}
