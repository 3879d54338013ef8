import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../errors.js';
import { FeatureRegistry } from './feature-registry.js';
import { createHookRowScratch, fillHookRow, hookedRowOf, hookRecordOf, hookVerdict, type HookInput } from './hook-record.js';
import { createRow, ValueKind, type FeatureRow } from './row.js';

/** Features as the hook code passes them: names and values from pairs. */
const feats = (pairs: [string, number | string | boolean | null][]): { names: string[]; values: (number | string | boolean | null)[] } => ({ names: pairs.map(([n]) => n), values: pairs.map(([, v]) => v) });

const input: HookInput = { inferenceId: 'i1', eventId: 'e1', eventTimeMs: 1000, ...feats([['a', 1], ['b', 'x']]) };

function invalidReason(out: unknown, maxFeatures = 100): string {
  const v = hookVerdict(input, out, maxFeatures);
  if (v.outcome !== 'invalid') throw new Error(`expected invalid, got ${v.outcome}`);
  return v.error;
}

describe('hookVerdict: what a pre-processor returns', () => {
  it('null drops; the record (changed in place or new, plain, null-prototype or a Map of features) is kept', () => {
    expect(hookVerdict(input, null, 100)).toEqual({ outcome: 'dropped' });
    const r = hookRecordOf(input);
    r.features.c = true;
    delete r.features.a;
    expect(hookVerdict(input, r, 100)).toEqual({ outcome: 'kept', ...feats([['b', 'x'], ['c', true]]) });
    expect(hookVerdict(input, { features: new Map([['z', null]]) }, 100)).toEqual({ outcome: 'kept', ...feats([['z', null]]) });
    expect(hookVerdict(input, { inferenceId: 'i1', eventTimeMs: 1000, features: { a: 2.5 } }, 100)).toEqual({ outcome: 'kept', ...feats([['a', 2.5]]) });
  });

  it('the record the hook gets: features in a null-prototype object (a feature named __proto__ is a feature)', () => {
    const r = hookRecordOf({ ...input, ...feats([['__proto__', 3]]) });
    expect(Object.getPrototypeOf(r.features)).toBe(null);
    expect(Object.keys(r.features)).toEqual(['__proto__']);
    expect(r).toMatchObject({ inferenceId: 'i1', eventId: 'e1', eventTimeMs: 1000 });
  });

  it('anything else is invalid, with the reason', () => {
    expect(invalidReason(undefined)).toContain('returned undefined');
    expect(invalidReason('nope')).toBe('returned a string, not a record');
    expect(invalidReason([1])).toBe('returned an array, not a record');
    expect(invalidReason(new Map())).toBe('returned an object, not a record');
    expect(invalidReason({ features: {}, extra: 1 })).toContain('unknown field "extra"');
    expect(invalidReason({ features: {}, [Symbol('s')]: 1 })).toBe('the record has symbol keys');
    expect(invalidReason({ eventTimeMs: 0, features: {} })).toBe('changed eventTimeMs: a pre-processor changes features only');
    expect(invalidReason({ inferenceId: 'other', features: {} })).toBe('changed inferenceId: a pre-processor changes features only');
    expect(invalidReason({ features: [1, 2] })).toBe('features is an array, not an object or a Map');
    expect(invalidReason({})).toBe('features is undefined, not an object or a Map');
    expect(invalidReason({ features: { [Symbol('s')]: 1 } })).toBe('features has symbol keys');
    expect(invalidReason({ features: new Map([[1, 2]]) })).toBe('a feature name is a number, not a string');
    expect(invalidReason({ features: { '': 1 } })).toBe('a feature name is empty');
    expect(invalidReason({ features: { a: { nested: 1 } } })).toBe('feature "a" is an object: a value is a number, a string, a boolean or null');
    expect(invalidReason({ features: { a: undefined } })).toContain('feature "a" is undefined');
    expect(invalidReason({ features: { a: 10n } })).toContain('feature "a" is a bigint');
    expect(invalidReason({ features: { a: 1, b: 2, c: 3 } }, 2)).toBe('3 features, more than maxFeatures (2)');
    expect(invalidReason({ features: { ['n'.repeat(100)]: {} } })).toContain(`"${'n'.repeat(64)}…"`);
  });

  it('a getter that throws is thrown to the caller (the hook thread counts it as the hook failing)', () => {
    const hostile = Object.defineProperty({}, 'features', { enumerable: true, get: () => { throw new Error('gotcha'); } });
    expect(() => hookVerdict(input, hostile, 100)).toThrow('gotcha');
  });
});

describe('decoded row → hook → row', () => {
  function decoded(registry: FeatureRegistry): FeatureRow {
    const row = createRow(8);
    const set = (name: string, kind: ValueKind, value: number | string, text?: string): void => {
      const i = registry.indexOf(name);
      row.kinds[i] = kind;
      if (typeof value === 'number') row.numbers[i] = value;
      row.strings[i] = typeof value === 'string' ? value : text;
    };
    set('f', ValueKind.FRACTIONAL, 5, undefined); // "5.0" in the record: Fractional
    set('n', ValueKind.INTEGRAL, 7, '007'); // a String-typed baseline feature keeps its text
    set('s', ValueKind.STRING, 'red');
    set('gone', ValueKind.MISSING, 0);
    row.width = registry.size;
    row.eventTimeMs = 42;
    row.inferenceId = 'id';
    row.eventId = undefined;
    return row;
  }

  it('the hook sees numbers as numbers, texts as texts, no missing values', () => {
    const registry = new FeatureRegistry();
    registry.declare('n', { keepText: true });
    const h = hookedRowOf(decoded(registry), registry);
    expect(h.input).toEqual({ inferenceId: 'id', eventId: null, eventTimeMs: 42, ...feats([['n', 7], ['f', 5], ['s', 'red']]) });
  });

  it('passed-through values keep their decoded kind and text; new and renamed ones are classified from their type', () => {
    const registry = new FeatureRegistry();
    registry.declare('n', { keepText: true });
    const h = hookedRowOf(decoded(registry), registry);
    const scratch = createHookRowScratch(createRow(2));
    const row = fillHookRow(h, feats([['n', 7], ['f', 5], ['renamed_f', 5], ['s2', '3'], ['flag', false], ['nothing', null], ['half', 0.5]]), registry, scratch) as FeatureRow;
    const at = (name: string): [ValueKind, number | undefined, string | undefined] => {
      const i = registry.get(name)?.index as number;
      const kind = row.kinds[i] as ValueKind;
      return [kind, kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL ? row.numbers[i] : undefined, row.strings[i]];
    };
    expect(at('f')).toEqual([ValueKind.FRACTIONAL, 5, undefined]);
    expect(at('n')).toEqual([ValueKind.INTEGRAL, 7, '007']);
    expect(at('renamed_f')).toEqual([ValueKind.INTEGRAL, 5, undefined]); // "f" is still there: a copy, a new value
    expect(at('s2')).toEqual([ValueKind.INTEGRAL, 3, undefined]);
    expect(at('flag')).toEqual([ValueKind.BOOLEAN, undefined, 'false']);
    expect(at('nothing')).toEqual([ValueKind.MISSING, undefined, undefined]);
    expect(at('half')).toEqual([ValueKind.FRACTIONAL, 0.5, undefined]);
    expect(at('s')).toEqual([ValueKind.MISSING, undefined, undefined]); // removed by the hook
    expect(row.width).toBe(registry.size);
    expect([row.eventTimeMs, row.inferenceId, row.eventId]).toEqual([42, 'id', undefined]);
  });

  it('a renamed value (its old name removed) keeps its kind and text', () => {
    const registry = new FeatureRegistry();
    registry.declare('n', { keepText: true });
    const h = hookedRowOf(decoded(registry), registry);
    registry.declare('m', { keepText: true });
    const row = fillHookRow(h, feats([['g', 5], ['m', 7], ['s', 'red']]), registry, createHookRowScratch(createRow(2))) as FeatureRow;
    const g = registry.get('g')?.index as number;
    const m = registry.get('m')?.index as number;
    expect([row.kinds[g], row.numbers[g], row.strings[g]]).toEqual([ValueKind.FRACTIONAL, 5, undefined]);
    expect([row.kinds[m], row.numbers[m], row.strings[m]]).toEqual([ValueKind.INTEGRAL, 7, '007']);
    expect(row.kinds[registry.get('f')?.index as number]).toBe(ValueKind.MISSING);
  });

  it('a changed value under the same name is classified anew; a new name past the cap is too_many_features', () => {
    const registry = new FeatureRegistry(4);
    const h = hookedRowOf(decoded(registry), registry);
    const scratch = createHookRowScratch(createRow(2));
    const row = fillHookRow(h, feats([['f', 6]]), registry, scratch) as FeatureRow;
    expect(row.kinds[registry.get('f')?.index as number]).toBe(ValueKind.INTEGRAL);
    expect(fillHookRow(h, feats([['one_too_many', 1]]), registry, scratch)).toBe(RecordErrorReason.TOO_MANY_FEATURES);
  });
});
