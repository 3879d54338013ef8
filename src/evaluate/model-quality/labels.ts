/**
 * Reading labels (ground truth and predictions) as each problem type needs them.
 *
 * - Regression: a finite number, or text that parses as one ("3.5").
 * - Binary classification: 1 / 0, also as text ("1", "1.0", "0", "0.0") or booleans / "true" /
 *   "false"; 1 is the positive class. Anything else is not a binary label.
 * - Multiclass: any non-empty value as a class name; numbers and numeric text are written in
 *   their shortest form (1, 1.0 and "1.0" are all class "1"), so CSV text and JSON numbers of the
 *   same class agree. Other text is kept as is.
 */

/** A label as it arrives: a JSON/CSV scalar (missing = undefined/null/""). */
export type LabelValue = number | string | boolean | null | undefined;

function numberFromText(s: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const x = Number(t);
  return Number.isFinite(x) ? x : undefined;
}

export function regressionValue(v: LabelValue): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') return numberFromText(v);
  return undefined;
}

export function binaryLabel(v: LabelValue): 0 | 1 | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  let x: number | undefined;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return 1;
    if (t === 'false') return 0;
    x = numberFromText(t);
  }
  return x === 1 ? 1 : x === 0 ? 0 : undefined;
}

export function classLabel(v: LabelValue): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const x = numberFromText(v);
  return x === undefined ? v : String(x);
}

/** Class labels in a stable order: numerically when all are numbers, else by code unit. */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...labels];
  const numeric = list.every((l) => Number.isFinite(Number(l)) && l.trim() !== '');
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}
