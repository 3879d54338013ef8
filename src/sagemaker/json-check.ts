/**
 * Helpers for reading SageMaker JSON files leniently but with every problem reported: each
 * accessor records "<json path>: <what is wrong>" in a Problems list instead of throwing, so a
 * reader can walk the whole document and report all mistakes at once (DriftmonError details).
 *
 * Leniency rules shared by the readers: unknown keys are ignored; numbers may be written as
 * integers or doubles; double-valued fields also accept Jackson's "NaN" / "Infinity" /
 * "-Infinity" strings.
 */
import { DriftmonError, ErrorCode } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }

  get size(): number {
    return this.list.length;
  }

  /** Throw BASELINE_INVALID listing every problem, if there is any. */
  throwIfAny(what: string, source: string | undefined): void {
    if (this.list.length === 0) return;
    const where = source === undefined ? what : `${source} (${what})`;
    const n = this.list.length;
    throw new DriftmonError(
      ErrorCode.BASELINE_INVALID,
      `${where} is not valid: ${n} problem${n === 1 ? '' : 's'} found`,
      { details: this.list },
    );
  }
}

/** "a string", "an array", "null", … — for messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'object':
      return 'an object';
    case 'string':
      return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return `${v}`;
    default:
      return typeof v;
  }
}

export function key(path: string, k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A required (or, with optional, possibly absent) object member that must itself be an object. */
export function objectAt(
  parent: JsonObject,
  k: string,
  path: string,
  p: Problems,
  optional = false,
): JsonObject | undefined {
  const v = parent[k];
  const at = key(path, k);
  if (v === undefined || (optional && v === null)) {
    if (!optional) p.add(at, 'missing (expected an object)');
    return undefined;
  }
  if (!isObject(v)) {
    p.add(at, `expected an object, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

export function arrayAt(
  parent: JsonObject,
  k: string,
  path: string,
  p: Problems,
  optional = false,
): unknown[] | undefined {
  const v = parent[k];
  const at = key(path, k);
  if (v === undefined || (optional && v === null)) {
    if (!optional) p.add(at, 'missing (expected an array)');
    return undefined;
  }
  if (!Array.isArray(v)) {
    p.add(at, `expected an array, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

export function stringAt(
  parent: JsonObject,
  k: string,
  path: string,
  p: Problems,
  optional = false,
): string | undefined {
  const v = parent[k];
  const at = key(path, k);
  if (v === undefined || (optional && v === null)) {
    if (!optional) p.add(at, 'missing (expected a string)');
    return undefined;
  }
  if (typeof v !== 'string') {
    p.add(at, `expected a string, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

export function booleanAt(
  parent: JsonObject,
  k: string,
  path: string,
  p: Problems,
  optional = false,
): boolean | undefined {
  const v = parent[k];
  const at = key(path, k);
  if (v === undefined || (optional && v === null)) {
    if (!optional) p.add(at, 'missing (expected true or false)');
    return undefined;
  }
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  p.add(at, `expected true or false, got ${describe(v)}`);
  return undefined;
}

export interface NumberRule {
  optional?: boolean;
  /** Accept NaN / ±Infinity (as numbers or Jackson's strings). Default false. */
  nonFinite?: boolean;
  min?: number;
  max?: number;
  /** Require an integral value. */
  integer?: boolean;
}

const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** Check a number value found at `at` (used for object members and array items). */
export function checkNumber(v: unknown, at: string, p: Problems, rule: NumberRule = {}): number | undefined {
  let x: number | undefined;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string' && rule.nonFinite === true && v in NON_FINITE) x = NON_FINITE[v];
  if (x === undefined) {
    p.add(at, `expected a number, got ${describe(v)}`);
    return undefined;
  }
  if (!Number.isFinite(x)) {
    if (rule.nonFinite !== true) {
      p.add(at, `expected a finite number, got ${x}`);
      return undefined;
    }
    return x;
  }
  if (rule.integer === true && !Number.isInteger(x)) {
    p.add(at, `expected a whole number, got ${x}`);
    return undefined;
  }
  if (rule.min !== undefined && x < rule.min) {
    p.add(at, `expected a number ≥ ${rule.min}, got ${x}`);
    return undefined;
  }
  if (rule.max !== undefined && x > rule.max) {
    p.add(at, `expected a number ≤ ${rule.max}, got ${x}`);
    return undefined;
  }
  return x;
}

export function numberAt(
  parent: JsonObject,
  k: string,
  path: string,
  p: Problems,
  rule: NumberRule = {},
): number | undefined {
  const v = parent[k];
  const at = key(path, k);
  if (v === undefined || (rule.optional === true && v === null)) {
    if (rule.optional !== true) p.add(at, 'missing (expected a number)');
    return undefined;
  }
  return checkNumber(v, at, p, rule);
}

/**
 * One of a closed set of spellings, matched case-insensitively (plus aliases); the error lists
 * the accepted values.
 */
export function enumAt<T extends string>(
  parent: JsonObject,
  k: string,
  path: string,
  p: Problems,
  values: readonly T[],
  options: { optional?: boolean; aliases?: Readonly<Record<string, T>>; what?: string } = {},
): T | undefined {
  const v = parent[k];
  const at = key(path, k);
  if (v === undefined || (options.optional === true && v === null)) {
    if (options.optional !== true) p.add(at, `missing (expected one of ${values.join(', ')})`);
    return undefined;
  }
  if (typeof v === 'string') {
    const lower = v.trim().toLowerCase();
    for (const value of values) if (value.toLowerCase() === lower) return value;
    const alias = options.aliases?.[lower];
    if (alias !== undefined) return alias;
  }
  p.add(at, `unknown ${options.what ?? 'value'} ${describe(v)}; expected one of ${values.join(', ')}`);
  return undefined;
}

/**
 * The `version` member: absent is tolerated; otherwise it must be 0 (`0`, `0.0` or `"0"`),
 * the only version SageMaker has published.
 */
export function checkVersion(root: JsonObject, p: Problems): void {
  const v = root['version'];
  if (v === undefined) return;
  const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (x !== 0) p.add('$.version', `unsupported version ${describe(v)}; expected 0`);
}

/** The root object of a SageMaker file, its version checked; a non-object root throws at once. */
export function rootObject(json: unknown, file: string, source: string | undefined, p: Problems): JsonObject {
  const root = objectRoot(json, file, source, p);
  checkVersion(root, p);
  return root;
}

/** The root object of a JSON file; a non-object root throws BASELINE_INVALID at once. */
export function objectRoot(json: unknown, file: string, source: string | undefined, p: Problems): JsonObject {
  if (!isObject(json)) {
    p.add('$', `expected an object, got ${describe(json)}`);
    p.throwIfAny(file, source);
  }
  return json as JsonObject;
}

/** `$.features`: each entry parsed by `parse`; non-objects and duplicate names are problems. */
export function featureList<T extends { name: string }>(
  root: JsonObject,
  p: Problems,
  parse: (item: JsonObject, path: string, p: Problems) => T | undefined,
): T[] {
  const features: T[] = [];
  const seen = new Map<string, number>();
  arrayAt(root, 'features', '$', p)?.forEach((item, i) => {
    const path = `$.features[${i}]`;
    if (!isObject(item)) {
      p.add(path, `expected an object, got ${describe(item)}`);
      return;
    }
    const f = parse(item, path, p);
    if (f === undefined) return;
    const first = seen.get(f.name);
    if (first !== undefined) {
      p.add(key(path, 'name'), `duplicate feature name ${JSON.stringify(f.name)} (also $.features[${first}])`);
      return;
    }
    seen.set(f.name, i);
    features.push(f);
  });
  return features;
}
