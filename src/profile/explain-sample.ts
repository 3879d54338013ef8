/**
 * The records of a window chosen to be explained against the model: the `capacity` with the
 * smallest inference-ID hashes (idHash32; ties by ID). A bottom-k sample by a hash of the ID alone,
 * so the same inferences are chosen whatever order the records came in — on a replay, after a
 * restart, and across members whose partial samples are merged. Each kept entry holds the
 * record's feature values (what the model is asked about).
 */
import type { FeatureValue } from '../sagemaker/explainability-config.js';
import { ByteReader, ByteWriter, type MergeableSketch } from '../sketch/mergeable.js';

const MAGIC = 'DMXS';
const VERSION = 1;

export interface ExplainCandidate {
  readonly id: string;
  readonly hash: number;
  readonly values: readonly FeatureValue[];
}

const before = (a: ExplainCandidate, b: ExplainCandidate): boolean => a.hash < b.hash || (a.hash === b.hash && a.id < b.id);

export class ExplainSample implements MergeableSketch<ExplainSample> {
  /** Kept entries, sorted by (hash, id); at most `capacity`. */
  private kept: ExplainCandidate[] = [];
  /** Records offered (chosen or not). */
  private seen = 0;

  constructor(readonly capacity: number) {}

  get offered(): number {
    return this.seen;
  }

  /** The chosen records, smallest hash first. */
  get entries(): readonly ExplainCandidate[] {
    return this.kept;
  }

  /** Would a record of this hash and ID be kept? (Checked before its values are copied.) */
  wants(hash: number, id: string): boolean {
    const last = this.kept[this.kept.length - 1];
    return this.kept.length < this.capacity || last === undefined || before({ hash, id, values: [] }, last);
  }

  offer(c: ExplainCandidate): void {
    this.seen++;
    if (!this.wants(c.hash, c.id)) return;
    if (this.kept.some((k) => k.id === c.id && k.hash === c.hash)) return;
    let i = this.kept.length;
    while (i > 0 && before(c, this.kept[i - 1] as ExplainCandidate)) i--;
    this.kept.splice(i, 0, c);
    if (this.kept.length > this.capacity) this.kept.pop();
  }

  merge(other: ExplainSample): void {
    const seen = this.seen + other.seen;
    for (const c of other.kept) this.offer(c);
    this.seen = seen;
  }

  /** magic "DMXS", version, capacity, offered, entries; per entry its ID, hash and values (JSON). */
  serialize(): Uint8Array {
    const w = new ByteWriter(128).header(MAGIC, VERSION).u32(this.capacity).f64(this.seen).u32(this.kept.length);
    for (const c of this.kept) w.string(c.id).f64(c.hash).string(JSON.stringify(c.values));
    return w.finish();
  }

  static deserialize(bytes: Uint8Array): ExplainSample {
    const r = new ByteReader(bytes, 'ExplainSample');
    r.header(MAGIC, VERSION);
    const s = new ExplainSample(r.u32());
    s.seen = r.count('offered');
    const n = r.length(8, 'entries');
    for (let i = 0; i < n; i++) {
      const id = r.string('id');
      const hash = r.f64();
      const values = JSON.parse(r.string('values')) as FeatureValue[];
      s.kept.push({ id, hash, values });
    }
    r.end();
    return s;
  }
}
