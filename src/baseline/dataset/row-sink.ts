/**
 * The reusable FeatureRow a dataset reader fills, one row at a time: columns are looked up (or
 * registered) in the FeatureRegistry, and every value is classified the way SageMaker's analyzer
 * (Spark + Deequ) would — from its text, from its JSON literal, or from a known column type.
 */
import { DriftmonError, ErrorCode } from '../../errors.js';
import { classifyJson, classifyText, createJsonClassification, createScanResult } from '../../record/classify.js';
import type { FeatureRegistry } from '../../record/feature-registry.js';
import type { JsonValue } from '../../record/json-text.js';
import { createRow, ensureRowCapacity, ValueKind, type FeatureRow, type RowCallback } from '../../record/row.js';

/** Fills the reusable row: slot lookup, classification, keepText. */
export class RowSink {
  readonly row: FeatureRow = createRow(16);
  rows = 0;
  private readonly scan = createScanResult();
  private readonly json = createJsonClassification();

  constructor(
    readonly registry: FeatureRegistry,
    private readonly onRow: RowCallback,
    private readonly input: string,
    /** Register new columns with keepText (numbers' text handed on). */
    readonly keepNumberText = true,
  ) {}

  /**
   * Slot of `name`. A dataset's columns are its schema, so new names are registered as declared
   * features (a column that is null in every row is still listed, as Unknown). Throws when the
   * registry is full.
   */
  slot(name: string): number {
    const known = this.registry.get(name);
    if (known !== undefined) return known.index;
    if (this.registry.size >= this.registry.maxFeatures) {
      throw new DriftmonError(
        ErrorCode.INPUT_UNREADABLE,
        `${this.input} has more than ${this.registry.maxFeatures} features (at ${JSON.stringify(name)})`,
      );
    }
    return this.registry.declare(name, { keepText: this.keepNumberText }).index;
  }

  /** Start a row whose slots are all missing. */
  begin(): void {
    const r = this.row;
    const w = this.registry.size;
    ensureRowCapacity(r, w);
    // a loop, not fill(): two fill calls on a row of a few dozen slots were 10 % of a CSV baseline
    const kinds = r.kinds;
    const strings = r.strings;
    for (let i = 0; i < w; i++) {
      kinds[i] = ValueKind.MISSING;
      strings[i] = undefined;
    }
    r.width = w;
  }

  /** Make sure slot i exists in the current row (a feature registered mid-row). */
  private widen(i: number): void {
    const r = this.row;
    if (i < r.width) return;
    ensureRowCapacity(r, i + 1);
    r.kinds.fill(ValueKind.MISSING, r.width, i + 1);
    r.strings.fill(undefined, r.width, i + 1);
    r.width = i + 1;
  }

  setMissing(i: number): void {
    this.widen(i);
    this.row.kinds[i] = ValueKind.MISSING;
    this.row.strings[i] = undefined;
  }

  /** A value given as text (CSV cell, text column). */
  setText(i: number, text: string): void {
    const kind = classifyText(text, 0, text.length, this.scan);
    this.setClassified(i, kind, this.scan.value, kind === ValueKind.MISSING ? undefined : text);
  }

  /** A number the caller parsed, in a feature whose text is not kept (the caller checked keepText). */
  setNumber(i: number, kind: ValueKind, value: number): void {
    this.widen(i);
    const r = this.row;
    r.kinds[i] = kind;
    r.numbers[i] = value;
    r.strings[i] = undefined;
  }

  /** A cell classified as setText does (also by csv-block.ts); `text` for text kinds and numbers whose text is kept. */
  setClassified(i: number, kind: ValueKind, value: number, text: string | undefined): void {
    this.widen(i);
    const r = this.row;
    r.kinds[i] = kind;
    if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
      r.numbers[i] = value;
      r.strings[i] = this.registry.at(i).keepText ? text : undefined;
    } else {
      r.strings[i] = kind === ValueKind.MISSING ? undefined : text;
    }
  }

  /** A JSON leaf (json-text.ts value that is not an object or array). */
  setJson(i: number, v: JsonValue): void {
    this.widen(i);
    const r = this.row;
    const kind = classifyJson(v, this.json, this.scan);
    r.kinds[i] = kind;
    if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
      r.numbers[i] = this.json.value;
      r.strings[i] = this.registry.at(i).keepText ? (this.json.text ?? String(this.json.value)) : undefined;
    } else {
      r.strings[i] = kind === ValueKind.MISSING ? undefined : this.json.text;
    }
  }

  /** A typed value whose kind is known (Parquet numeric and boolean columns; never MISSING). */
  setTyped(i: number, kind: ValueKind, value: number, text: string): void {
    this.setClassified(i, kind, value, text);
  }

  emit(): void {
    this.rows++;
    this.onRow(this.row);
  }
}
