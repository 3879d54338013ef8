/**
 * A decoded row as a record pre-processor (hooks.preprocess) sees it, and the checks on what the
 * pre-processor gives back. Pure: no I/O; the hook itself runs in a thread of its own
 * (monitors/hooks/hook-worker.ts), which builds the record, calls the hook and checks its answer
 * with `hookVerdict`; the monitor turns a kept record back into a row with `fillHookRow`.
 *
 * What the hook gets: `{ inferenceId, eventId, eventTimeMs, features }` — ids are strings or null,
 * eventTimeMs epoch milliseconds, features a null-prototype object of name → value, where a number
 * is a number (Integral or Fractional after Deequ), a Boolean or String value is its text, and a
 * missing value is absent.
 *
 * What it may return, else the record is dead-lettered as hook_invalid_output with the reason:
 * - null: drop the record (counted, not dead-lettered);
 * - an object (the record changed in place, or a new one) whose only fields are inferenceId,
 *   eventId, eventTimeMs and features; the first three, when present, unchanged (a pre-processor
 *   changes features: moving a record in time or renaming its ID would bypass the window and
 *   future-time checks already made); no symbol keys;
 * - features: an object or a Map of string names (not empty, at most the monitor's maxFeatures)
 *   to a number, a string, a boolean or null (missing).
 * A value the hook passes through keeps its decoded classification ("5.0" stays Fractional): under
 * the same name, or renamed (a new name holding the value of a name the hook removed). Any other
 * value is classified from its type like a JSON value: an integer-valued number is Integral, a
 * string by its text ("3" Integral), a boolean Boolean, null missing.
 */
import { RecordErrorReason } from '../errors.js';
import { classifyJson, createScanResult, type JsonClassification, type ScanResult } from './classify.js';
import type { FeatureRegistry } from './feature-registry.js';
import { ensureRowCapacity, ValueKind, type FeatureRow } from './row.js';

export type HookValue = number | string | boolean | null;

/** Features as two parallel arrays (cheaper to pass between threads than one pair per feature). */
export interface HookFeatures {
  names: string[];
  values: HookValue[];
}

/** A row as it crosses to the hook's thread (structured-clone friendly). */
export interface HookInput extends HookFeatures {
  inferenceId: string | null;
  eventId: string | null;
  eventTimeMs: number;
}

/** The record the hook function is called with. */
export interface HookRecord {
  inferenceId: string | null;
  eventId: string | null;
  eventTimeMs: number;
  features: Record<string, HookValue>;
}

export type HookVerdict = ({ outcome: 'kept' } & HookFeatures) | { outcome: 'dropped' } | { outcome: 'invalid'; error: string };

/** A decoded row kept for its hook: the hook's input, and each feature's decoded kind and text (for values passed through). */
export interface HookedRow {
  input: HookInput;
  kinds: ValueKind[];
  texts: (string | undefined)[];
}

/** A decoded row (reused by its decoder: copied here) as the hook's input. */
export function hookedRowOf(row: FeatureRow, registry: FeatureRegistry): HookedRow {
  const names: string[] = [];
  const values: HookValue[] = [];
  const kinds: ValueKind[] = [];
  const texts: (string | undefined)[] = [];
  for (let i = 0; i < row.width; i++) {
    const kind = row.kinds[i] as ValueKind;
    if (kind === ValueKind.MISSING) continue;
    const text = row.strings[i];
    names.push(registry.at(i).name);
    values.push(kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL ? (row.numbers[i] as number) : (text as string));
    kinds.push(kind);
    texts.push(text);
  }
  return { input: { inferenceId: row.inferenceId ?? null, eventId: row.eventId ?? null, eventTimeMs: row.eventTimeMs, names, values }, kinds, texts };
}

export function hookRecordOf(input: HookInput): HookRecord {
  const features = Object.create(null) as Record<string, HookValue>;
  const { names, values } = input;
  for (let k = 0; k < names.length; k++) features[names[k] as string] = values[k] as HookValue;
  return { inferenceId: input.inferenceId, eventId: input.eventId, eventTimeMs: input.eventTimeMs, features };
}

const FIXED = ['inferenceId', 'eventId', 'eventTimeMs'] as const;
/** Characters of a hook-chosen name quoted in an error (names are hostile input). */
const QUOTE_MAX = 64;
const quote = (s: string): string => JSON.stringify(s.length <= QUOTE_MAX ? s : `${s.slice(0, QUOTE_MAX)}…`);

function typeName(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** What the hook returned for `input`, checked (may throw: a hostile getter; the caller counts it as a failure). */
export function hookVerdict(input: HookInput, out: unknown, maxFeatures: number): HookVerdict {
  const invalid = (error: string): HookVerdict => ({ outcome: 'invalid', error });
  if (out === null) return { outcome: 'dropped' };
  if (out === undefined) return invalid('returned undefined: return the record (changed), or null to drop it');
  if (typeof out !== 'object' || Array.isArray(out) || out instanceof Map) return invalid(`returned ${typeName(out)}, not a record`);
  if (Object.getOwnPropertySymbols(out).length > 0) return invalid('the record has symbol keys');
  const record = out as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (key !== 'features' && key !== 'inferenceId' && key !== 'eventId' && key !== 'eventTimeMs') {
      return invalid(`unknown field ${quote(key)}: a record has inferenceId, eventId, eventTimeMs and features`);
    }
  }
  for (const key of FIXED) {
    if (Object.hasOwn(record, key) && !Object.is(record[key], input[key])) return invalid(`changed ${key}: a pre-processor changes features only`);
  }
  const f = record.features;
  const names: string[] = [];
  const values: HookValue[] = [];
  const add = (name: unknown, value: unknown): string | undefined => {
    if (typeof name !== 'string') return `a feature name is ${typeName(name)}, not a string`;
    if (name === '') return 'a feature name is empty';
    if (value !== null && typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') {
      return `feature ${quote(name)} is ${typeName(value)}: a value is a number, a string, a boolean or null`;
    }
    names.push(name);
    values.push(value);
    return undefined;
  };
  if (f instanceof Map) {
    if (f.size > maxFeatures) return invalid(`${f.size} features, more than maxFeatures (${maxFeatures})`);
    for (const [name, value] of f as Map<unknown, unknown>) {
      const why = add(name, value);
      if (why !== undefined) return invalid(why);
    }
  } else if (typeof f === 'object' && f !== null && !Array.isArray(f)) {
    if (Object.getOwnPropertySymbols(f).length > 0) return invalid('features has symbol keys');
    const keys = Object.keys(f);
    if (keys.length > maxFeatures) return invalid(`${keys.length} features, more than maxFeatures (${maxFeatures})`);
    for (const name of keys) {
      const why = add(name, (f as Record<string, unknown>)[name]);
      if (why !== undefined) return invalid(why);
    }
  } else return invalid(`features is ${typeName(f)}, not an object or a Map`);
  return { outcome: 'kept', names, values };
}

/** Scratch for fillHookRow (one per monitor). */
export interface HookRowScratch {
  row: FeatureRow;
  scan: ScanResult;
  json: JsonClassification;
}

export function createHookRowScratch(row: FeatureRow): HookRowScratch {
  return { row, scan: createScanResult(), json: { value: 0, text: undefined } };
}

/**
 * Where each of the hook's features was in its input (-1: a new value): under the same name with
 * the same value, or renamed (a new name holding the value of a name the hook removed).
 */
function originsOf(input: HookInput, out: HookFeatures): Int32Array {
  const origin = new Int32Array(out.names.length).fill(-1);
  const inNames = input.names;
  // the common shapes first: the same names in the same order, some changed or some appended
  let aligned = out.names.length >= inNames.length;
  for (let k = 0; k < out.names.length; k++) {
    if (k < inNames.length && out.names[k] === inNames[k]) {
      if (Object.is(out.values[k], input.values[k])) origin[k] = k;
    } else if (k < inNames.length) aligned = false;
  }
  if (aligned) return origin;
  const at = new Map<string, number>();
  inNames.forEach((name, k) => at.set(name, k));
  const kept = new Set(out.names);
  let moved: Map<HookValue, number> | undefined;
  inNames.forEach((name, k) => {
    if (!kept.has(name) && !(moved ??= new Map()).has(input.values[k] as HookValue)) moved.set(input.values[k] as HookValue, k);
  });
  out.names.forEach((name, k) => {
    const same = at.get(name);
    const value = out.values[k] as HookValue;
    origin[k] = same !== undefined ? (Object.is(input.values[same], value) ? same : -1) : (moved?.get(value) ?? -1);
  });
  return origin;
}

/**
 * The row of a kept record: `out` (the hook's features) over `hooked` (what it was given, for the
 * values passed through). Returns the row (scratch.row, reused), or TOO_MANY_FEATURES when a new
 * name would pass the registry's cap.
 */
export function fillHookRow(hooked: HookedRow, out: HookFeatures, registry: FeatureRegistry, scratch: HookRowScratch): FeatureRow | RecordErrorReason {
  const n = out.names.length;
  const slots = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const slot = registry.indexOf(out.names[k] as string);
    if (slot < 0) return RecordErrorReason.TOO_MANY_FEATURES;
    slots[k] = slot;
  }
  const origin = originsOf(hooked.input, out);
  const row = scratch.row;
  const width = registry.size;
  ensureRowCapacity(row, width);
  row.kinds.fill(ValueKind.MISSING, 0, width);
  row.strings.fill(undefined, 0, width);
  const { json } = scratch;
  for (let k = 0; k < n; k++) {
    const slot = slots[k] as number;
    const value = out.values[k] as HookValue;
    const was = origin[k] as number;
    if (was >= 0) {
      // passed through or renamed: its decoded kind and text ("5.0" stays Fractional, a String-typed feature's "007" its text)
      row.kinds[slot] = hooked.kinds[was] as ValueKind;
      if (typeof value !== 'number') row.strings[slot] = value as string;
      else {
        row.numbers[slot] = value;
        if (registry.at(slot).keepText) row.strings[slot] = hooked.texts[was] ?? String(value);
      }
      continue;
    }
    const kind = classifyJson(value, json, scratch.scan);
    row.kinds[slot] = kind;
    if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
      row.numbers[slot] = json.value;
      if (registry.at(slot).keepText) row.strings[slot] = json.text ?? String(json.value);
    } else if (kind !== ValueKind.MISSING) row.strings[slot] = json.text;
  }
  row.width = width;
  row.eventTimeMs = hooked.input.eventTimeMs;
  row.eventId = hooked.input.eventId ?? undefined;
  row.inferenceId = hooked.input.inferenceId ?? undefined;
  return row;
}
