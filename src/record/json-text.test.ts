import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { JsonNumber } from './classify.js';
import { isJsonObject, parseJsonText, type JsonValue } from './json-text.js';
import { ValueKind } from './row.js';

/** JsonNumbers → plain numbers, for comparison with JSON.parse. */
const plain = (v: JsonValue | undefined): unknown => JSON.parse(JSON.stringify(v) ?? 'null');

describe('parseJsonText', () => {
  it('parses like JSON.parse', () => {
    const docs = [
      '{"a":1,"b":[true,false,null,"x\\n\\u00e9\\"\\\\\\/"],"c":{"d":-0.5e-3}}',
      ' [ 1 , 2 ,\t\r\n3 ] ',
      '"\\ud83d\\ude00 \\uD800"',
      '{"__proto__": {"x": 1}, "a": 1, "a": 2}',
      '0',
      '1E+2',
      '[]',
      '{}',
    ];
    for (const d of docs) expect(plain(parseJsonText(d))).toEqual(JSON.parse(d));
    expect(Object.is(parseJsonText('-0'), -0)).toBe(true);
    const proto = parseJsonText('{"__proto__": {"x": 1}}');
    expect(Object.keys(proto as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it('keeps the Deequ kind of number literals', () => {
    expect(parseJsonText('3')).toBe(3);
    expect(parseJsonText('3.5')).toBe(3.5);
    const x = parseJsonText('3.0');
    expect(x).toBeInstanceOf(JsonNumber);
    expect(x).toMatchObject({ value: 3, kind: ValueKind.FRACTIONAL, text: '3.0' });
    expect(parseJsonText('1e2')).toMatchObject({ value: 100, kind: ValueKind.FRACTIONAL, text: '1e2' });
    expect(parseJsonText('1' + '0'.repeat(400))).toMatchObject({ value: Infinity, kind: ValueKind.INTEGRAL });
  });

  it('rejects what JSON.parse rejects', () => {
    const bad = ['', ' ', '{', '[1,]', '{"a":1,}', '01', '1.', '.5', '1e', '+1', '-', 'tru', 'nul', 'NaN', '"\t"', '"\\x"', '"\\u12"',
      "{'a':1}", '{"a" 1}', '[1 2]', '1 2', '\ufeff1', '{"a":1}x', '"abc'];
    for (const d of bad) {
      expect(() => JSON.parse(d), d).toThrow();
      expect(parseJsonText(d), d).toBeUndefined();
    }
    expect(parseJsonText('['.repeat(300) + ']'.repeat(300))).toBeUndefined();
  });

  it('parses a span', () => {
    expect(parseJsonText('xx[1,2]yy', 2, 7)).toEqual([1, 2]);
  });

  it('matches JSON.parse on random documents (fixed seed)', () => {
    const r = rng(17);
    const gen = (depth: number): unknown => {
      const t = r.int(depth > 3 ? 4 : 6);
      if (t === 0) return r.next() < 0.5 ? r.int(1000) - 500 : (r.next() - 0.5) * 10 ** r.int(12);
      if (t === 1) return String.fromCharCode(...Array.from({ length: r.int(6) }, () => r.int(0x3000)));
      if (t === 2) return r.next() < 0.5;
      if (t === 3) return null;
      if (t === 4) return Array.from({ length: r.int(4) }, () => gen(depth + 1));
      return Object.fromEntries(Array.from({ length: r.int(4) }, (_, i) => [`k${i}${r.int(3)}`, gen(depth + 1)]));
    };
    for (let n = 0; n < 3000; n++) {
      const text = JSON.stringify(gen(0), null, r.next() < 0.3 ? 2 : undefined);
      expect(plain(parseJsonText(text))).toEqual(JSON.parse(text));
    }
  });

  it('isJsonObject', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject(new JsonNumber(1, ValueKind.FRACTIONAL, '1.0'))).toBe(false);
  });
});
