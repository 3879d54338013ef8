/**
 * Text the way Clarify's (Python) container writes it: `repr(float)` for numbers and
 * `json.dumps(obj, indent=4)` for analysis.json. Why our own and not JSON.stringify: Python writes
 * `1e-05` / `1e+16` / `1.0` where JavaScript writes `0.00001` / `10000000000000000` / `1`, puts
 * `": "` after keys and escapes non-ASCII text (ensure_ascii). Both languages print the shortest
 * round-tripping digits, so only the layout needs translating.
 */

/** Python's `repr(x)` for a float (`nan`/`inf` as json.dumps writes them: NaN, Infinity). */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const digits = mantissa.replace('.', '');
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  const e = Math.abs(exp);
  return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

/** Python's `str(x)` of a number that came from an integer column when integral, else a float. */
export function pythonNumber(x: number, integral: boolean): string {
  return integral && Number.isSafeInteger(x) ? String(x) : pythonFloat(x);
}

/** A number written by Python as an int (`0`) rather than a float (`0.0`). */
export class PyInt {
  constructor(readonly value: number) {}
}

/** An object whose members keep the given order (a JS object would put "0", "1" … keys first). */
export class PyObject {
  constructor(readonly entries: readonly (readonly [string, PyJson])[]) {}
}

export type PyJson =
  | null
  | boolean
  | string
  | number
  | PyInt
  | PyObject
  | readonly PyJson[]
  | { readonly [key: string]: PyJson | undefined };

/** `json.dumps(node, indent=indent)`: members with an undefined value are skipped. */
export function formatPythonJson(node: PyJson, indent = 4): string {
  const out: string[] = [];
  write(node, 0, indent, out);
  return out.join('');
}

function write(node: PyJson, level: number, indent: number, out: string[]): void {
  if (node === null) out.push('null');
  else if (typeof node === 'boolean') out.push(node ? 'true' : 'false');
  else if (typeof node === 'string') out.push(pythonString(node));
  else if (typeof node === 'number') out.push(pythonFloat(node));
  else if (node instanceof PyInt) out.push(String(node.value));
  else if (node instanceof PyObject) writeEntries(node.entries, level, indent, out);
  else if (Array.isArray(node)) {
    const items = node as readonly PyJson[];
    if (items.length === 0) {
      out.push('[]');
      return;
    }
    const pad = ' '.repeat(indent * (level + 1));
    out.push('[');
    items.forEach((item, i) => {
      out.push(i === 0 ? '\n' : ',\n', pad);
      write(item, level + 1, indent, out);
    });
    out.push('\n', ' '.repeat(indent * level), ']');
  } else {
    const obj = node as { readonly [key: string]: PyJson | undefined };
    const entries: [string, PyJson][] = [];
    for (const k of Object.keys(obj)) if (obj[k] !== undefined) entries.push([k, obj[k] as PyJson]);
    writeEntries(entries, level, indent, out);
  }
}

function writeEntries(entries: readonly (readonly [string, PyJson])[], level: number, indent: number, out: string[]): void {
  if (entries.length === 0) {
    out.push('{}');
    return;
  }
  const pad = ' '.repeat(indent * (level + 1));
  out.push('{');
  entries.forEach(([k, v], i) => {
    out.push(i === 0 ? '\n' : ',\n', pad, pythonString(k), ': ');
    write(v, level + 1, indent, out);
  });
  out.push('\n', ' '.repeat(indent * level), '}');
}

/** A JSON string literal with Python's ensure_ascii escaping (non-ASCII as lower-case \uXXXX). */
export function pythonString(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A Clarify constraint_violations.json: `{"version": "1.0", "violations": [...]}`, each violation's keys in snake case as given. */
export function formatClarifyViolations(violations: readonly Record<string, string>[]): string {
  return formatPythonJson({ version: '1.0', violations: violations.map((v) => ({ ...v })) });
}
