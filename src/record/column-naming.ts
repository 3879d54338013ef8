/**
 * Names of unnamed (headerless) columns. Spark/SageMaker name them `_c0`, `_c1`, … across the
 * analysed row; but SageMaker's monitoring job names a headerless capture's columns after the
 * baseline's features, in order, when the row has as many columns as the baseline has features
 * (a baseline built from a CSV with a header, then headerless capture). driftmon does the same.
 *
 * The choice is made once, on the first row that has unnamed columns (a capture's rows all have
 * one shape), before any of them is registered: feature names in the registry are permanent.
 */

/** What was decided, for the monitor's log line and summary. */
export interface ColumnNaming {
  /** True: unnamed columns took the baseline's feature names; false: they keep `_cN`. */
  readonly fromBaseline: boolean;
  /** Columns of the analysed row (outputs and inputs) that decided it. */
  readonly columns: number;
  readonly baselineFeatures: number;
}

export class PositionalNames {
  private decided: ColumnNaming | undefined;
  private names: readonly string[] | undefined;

  /** `baselineNames`: the baseline's features in order, or undefined for `_cN` names only. */
  constructor(private readonly baselineNames: readonly string[] | undefined) {}

  /** The row's column count must be given to decide() before a first name is asked for. */
  get pending(): boolean {
    return this.baselineNames !== undefined && this.decided === undefined;
  }

  /** Decide from the analysed row's column count (outputs + inputs). */
  decide(columns: number): void {
    const baseline = this.baselineNames;
    if (baseline === undefined || this.decided !== undefined) return;
    const fromBaseline = columns === baseline.length;
    this.decided = { fromBaseline, columns, baselineFeatures: baseline.length };
    if (fromBaseline) this.names = baseline;
  }

  /** Name of the analysed row's column k. */
  name(k: number): string {
    const names = this.names;
    return names !== undefined && k < names.length ? (names[k] as string) : `_c${k}`;
  }

  /** undefined until decided (or when there is no baseline to name from). */
  get outcome(): ColumnNaming | undefined {
    return this.decided;
  }
}
