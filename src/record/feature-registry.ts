/**
 * Feature names ↔ dense slot indices. Known features (from the schema or the baseline) are
 * registered first, in order; features seen only in traffic (extra CSV columns, unknown JSON keys)
 * are appended as they appear, up to `maxFeatures`, so that extra_column_check can report them.
 */

export interface FeatureSpec {
  readonly name: string;
  readonly index: number;
  /** Whether this feature is a model output (prediction) rather than an input. */
  readonly isOutput: boolean;
  /**
   * Keep the raw text of numeric values too (String-typed baseline features, or baseline building).
   * Switched on only through the registry (declare, keepAllText), which versions the change.
   */
  readonly keepText: boolean;
  /** False for features not in the schema/baseline (discovered in traffic). */
  readonly declared: boolean;
}

export class FeatureRegistry {
  private readonly byName = new Map<string, MutableSpec>();
  private readonly list: MutableSpec[] = [];

  constructor(readonly maxFeatures = 10_000) {}

  get size(): number {
    return this.list.length;
  }

  get features(): readonly FeatureSpec[] {
    return this.list;
  }

  get(name: string): FeatureSpec | undefined {
    return this.byName.get(name);
  }

  at(index: number): FeatureSpec {
    const f = this.list[index];
    if (f === undefined) throw new RangeError(`no feature at index ${index}`);
    return f;
  }

  /** Register a declared feature (idempotent). */
  declare(name: string, options: { isOutput?: boolean; keepText?: boolean } = {}): FeatureSpec {
    const existing = this.byName.get(name);
    if (existing) {
      if (options.keepText && !existing.keepText) {
        existing.keepText = true;
        this.keepTextChanges++;
      }
      return existing;
    }
    return this.add(name, options.isOutput ?? false, options.keepText ?? false, true);
  }

  /**
   * Index of `name`, registering it as an undeclared feature if new. Returns -1 when the registry
   * is full (the caller rejects the record with TOO_MANY_FEATURES).
   */
  indexOf(name: string, isOutput = false): number {
    const existing = this.byName.get(name);
    if (existing) return existing.index;
    if (this.list.length >= this.maxFeatures) return -1;
    return this.add(name, isOutput, false, false).index;
  }

  /** Set keepText on every feature (baseline building wants strings of every value). */
  keepAllText(): void {
    for (const f of this.list) f.keepText = true;
    this.defaultKeepText = true;
    this.keepTextChanges++;
  }

  /**
   * Changes whenever an existing feature's keepText is switched on (declare, keepAllText), so hot
   * loops can cache per-slot keepText flags. (Set keepText through these methods, not directly.)
   */
  get keepTextVersion(): number {
    return this.keepTextChanges;
  }

  private keepTextChanges = 0;

  private defaultKeepText = false;

  private add(name: string, isOutput: boolean, keepText: boolean, declared: boolean): FeatureSpec {
    const spec: MutableSpec = {
      name,
      index: this.list.length,
      isOutput,
      keepText: keepText || this.defaultKeepText,
      declared,
    };
    this.list.push(spec);
    this.byName.set(name, spec);
    return spec;
  }
}

type MutableSpec = { -readonly [K in keyof FeatureSpec]: FeatureSpec[K] };
