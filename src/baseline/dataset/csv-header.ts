/**
 * CSV column names and header detection, as Spark reads CSV:
 * - `header: true | false | 'auto'` (default 'auto'). Without a header columns are named `_c0`,
 *   `_c1`, … (Spark). Header names follow Spark's makeSafeHeader: an empty name becomes `_c<i>`,
 *   names that occur more than once (case-insensitively) get their column index appended.
 * - 'auto' decides from the first row and up to 100 following rows: the first row is a header
 *   when its fields are all non-empty, distinct and non-numeric, and at least one column whose
 *   header cell is text holds only numbers (or empty fields) below it; with no following rows, a
 *   non-numeric first row is a header. So an all-text dataset without a header is read as having
 *   one — pass `header: false` for those.
 */
import { classifyText, createScanResult, nonFiniteLiteral } from '../../record/classify.js';
import { ValueKind } from '../../record/row.js';

export type HeaderOption = boolean | 'auto';

/** How many following rows the CSV header detection looks at. */
export const HEADER_SNIFF_ROWS = 100;

/** Spark's column names for a header row (CSVUtils.makeSafeHeader, case-insensitive). */
export function safeHeader(fields: readonly string[]): string[] {
  const lower = fields.map((f) => f.toLowerCase());
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const f of lower) {
    if (f === '') continue;
    if (seen.has(f)) dup.add(f);
    seen.add(f);
  }
  return fields.map((f, i) => (f === '' ? `_c${i}` : dup.has(f.toLowerCase()) ? `${f}${i}` : f));
}

/**
 * The 'auto' header rule (file comment): `first` is the first row, `rest` the following rows
 * (up to HEADER_SNIFF_ROWS).
 */
export function looksLikeHeader(first: readonly string[], rest: readonly (readonly string[])[]): boolean {
  const scan = createScanResult();
  const numeric = (s: string): boolean => {
    const k = classifyText(s, 0, s.length, scan);
    // a column named "nan" or "inf" is still a header name
    return (k === ValueKind.INTEGRAL || k === ValueKind.FRACTIONAL) && nonFiniteLiteral(s, 0, s.length) === 0;
  };
  if (first.length === 0 || first.some((f) => f === '' || numeric(f))) return false;
  if (new Set(first).size !== first.length) return false;
  if (rest.length === 0) return true;
  for (let j = 0; j < first.length; j++) {
    let sawNumber = false;
    let allNumeric = true;
    for (const row of rest) {
      const v = row[j];
      if (v === undefined || v === '') continue;
      if (numeric(v)) sawNumber = true;
      else {
        allNumeric = false;
        break;
      }
    }
    if (allNumeric && sawNumber) return true;
  }
  return false;
}
