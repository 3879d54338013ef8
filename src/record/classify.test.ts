import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { JsonNumber, classifyJson, classifyText, createJsonClassification, createScanResult, scanNumber } from './classify.js';
import { referenceKind } from './decoder.contract.js';
import { ValueKind } from './row.js';

const scan = createScanResult();
const classify = (t: string): { kind: ValueKind; value?: number } => {
  const kind = classifyText(t, 0, t.length, scan);
  return kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL ? { kind, value: scan.value } : { kind };
};
const { MISSING, INTEGRAL, FRACTIONAL, BOOLEAN, STRING } = ValueKind;

describe('classifyText (Deequ patterns)', () => {
  const table: [string, ValueKind, number?][] = [
    ['', MISSING],
    ['0', INTEGRAL, 0],
    ['42', INTEGRAL, 42],
    ['-7', INTEGRAL, -7],
    ['+5', INTEGRAL, 5],
    ['007', INTEGRAL, 7],
    [' 5', INTEGRAL, 5],
    ['- 5', INTEGRAL, -5],
    ['+ 5', INTEGRAL, 5],
    ['-0', INTEGRAL, -0],
    ['3.0', FRACTIONAL, 3],
    ['0.302709460258', FRACTIONAL, 0.302709460258],
    ['1e5', FRACTIONAL, 1e5],
    ['1E+5', FRACTIONAL, 1e5],
    ['-1.5e-3', FRACTIONAL, -1.5e-3],
    ['2.5E3', FRACTIONAL, 2500],
    ['1e400', FRACTIONAL, Infinity],
    ['123456789012345678901', INTEGRAL, 123456789012345678901],
    ['0.1234567890123456789', FRACTIONAL, 0.1234567890123456789],
    ['true', BOOLEAN],
    ['false', BOOLEAN],
    ['TRUE', STRING],
    ['True', STRING],
    ['1.', STRING],
    ['.5', STRING],
    ['1.e5', STRING],
    ['1e', STRING],
    ['1e+', STRING],
    // Deequ types these String; driftmon reads them as Spark's cast to double does (non-finite)
    ['nan', FRACTIONAL, NaN],
    ['NaN', FRACTIONAL, NaN],
    ['inf', FRACTIONAL, Infinity],
    ['Infinity', FRACTIONAL, Infinity],
    ['-Infinity', FRACTIONAL, -Infinity],
    ['+INF', FRACTIONAL, Infinity],
    ['-inf', FRACTIONAL, -Infinity],
    ['+infinity', FRACTIONAL, Infinity],
    ['-nan', STRING],
    ['infinit', STRING],
    ['infinityy', STRING],
    ['nana', STRING],
    ['- inf', STRING],
    ['Inf ', STRING],
    ['1 ', STRING],
    ['  5', STRING],
    ['--1', STRING],
    ['+-1', STRING],
    ['0x10', STRING],
    ['1,5', STRING],
    ['٣', STRING],
    [' ', STRING],
    ['-', STRING],
    ['abc', STRING],
  ];
  for (const [text, kind, value] of table) {
    it(`${JSON.stringify(text)} → ${kind}${value === undefined ? '' : ` (${value})`}`, () => {
      const got = classify(text);
      expect(got.kind).toBe(kind);
      if (value !== undefined) expect(Object.is(got.value, value)).toBe(true);
      expect(got).toEqual(referenceKind(text));
    });
  }

  it('agrees with the regular expressions and Number() on random texts (fixed seed)', () => {
    const r = rng(99);
    const alphabet = '0123456789012345678901234.eE+- tfrueals';
    for (let n = 0; n < 50_000; n++) {
      let t = '';
      const len = r.int(12);
      for (let i = 0; i < len; i++) t += alphabet[r.int(alphabet.length)];
      const got = classify(t);
      const ref = referenceKind(t);
      expect(got.kind, t).toBe(ref.kind);
      if (ref.value !== undefined) expect(Object.is(got.value, ref.value), t).toBe(true);
    }
  });

  it('reads the non-finite literals exactly as the reference does on random texts (fixed seed)', () => {
    const r = rng(404);
    const alphabet = '+-infatyINFATYx ';
    for (let n = 0; n < 50_000; n++) {
      let t = '';
      const len = 2 + r.int(9);
      for (let i = 0; i < len; i++) t += alphabet[r.int(alphabet.length)];
      const got = classify(t);
      const ref = referenceKind(t);
      expect(got.kind, t).toBe(ref.kind);
      if (ref.value !== undefined) expect(Object.is(got.value, ref.value), t).toBe(true);
    }
  });

  it('parses numbers exactly like Number() (random doubles in several formats)', () => {
    const r = rng(5);
    for (let n = 0; n < 20_000; n++) {
      const x = (r.next() - 0.5) * 10 ** (r.int(30) - 15);
      for (const t of [String(x), x.toFixed(r.int(10)), x.toExponential(r.int(12)), x.toPrecision(1 + r.int(17))]) {
        expect(Object.is(classify(t).value, Number(t)), t).toBe(true);
      }
    }
  });

  it('classifies a span of a longer text without copying', () => {
    const text = 'xx,12.5,yy';
    expect(classifyText(text, 3, 7, scan)).toBe(FRACTIONAL);
    expect(scan.value).toBe(12.5);
    expect(classifyText(text, 0, 2, scan)).toBe(STRING);
  });

  it('scanNumber stops at the first character outside the numeric shape', () => {
    expect(scanNumber('12.5,3', 0, 6, scan)).toBe(FRACTIONAL);
    expect(scan.pos).toBe(4);
    expect(scanNumber('7.x', 0, 3, scan)).toBe(INTEGRAL);
    expect(scan.pos).toBe(1);
    expect(scanNumber('x', 0, 1, scan)).toBe(STRING);
  });
});

describe('classifyJson', () => {
  const out = createJsonClassification();
  const k = (v: unknown): [ValueKind, number | string | undefined] => {
    const kind = classifyJson(v, out, scan);
    return [kind, kind === INTEGRAL || kind === FRACTIONAL ? out.value : out.text];
  };
  it('numbers: INTEGRAL iff Number.isInteger (JSON.parse values), JsonNumber keeps the literal kind', () => {
    expect(k(3)).toEqual([INTEGRAL, 3]);
    expect(k(3.5)).toEqual([FRACTIONAL, 3.5]);
    expect(k(new JsonNumber(3, FRACTIONAL, '3.0'))).toEqual([FRACTIONAL, 3]);
    expect(out.text).toBe('3.0');
  });

  it('non-finite: a JSON number beyond double range (1e400) and the strings "NaN"/"-Infinity" are FRACTIONAL with their value', () => {
    expect(k(JSON.parse('1e400'))).toEqual([FRACTIONAL, Infinity]);
    expect(k(JSON.parse('-1e400'))).toEqual([FRACTIONAL, -Infinity]);
    expect(k('-Infinity')).toEqual([FRACTIONAL, -Infinity]);
    const [kind, v] = k('NaN');
    expect(kind).toBe(FRACTIONAL);
    expect(Number.isNaN(v)).toBe(true);
    expect(out.text).toBe('NaN');
  });
  it('strings by their text, booleans, null, nested values as JSON text', () => {
    expect(k('3')).toEqual([INTEGRAL, 3]);
    expect(k('3.0')).toEqual([FRACTIONAL, 3]);
    expect(k('')).toEqual([MISSING, '']);
    expect(k('x')).toEqual([STRING, 'x']);
    expect(k(true)).toEqual([BOOLEAN, 'true']);
    expect(k(null)[0]).toBe(MISSING);
    expect(k(undefined)[0]).toBe(MISSING);
    expect(k({ a: [1, new JsonNumber(2, FRACTIONAL, '2.0')] })).toEqual([STRING, '{"a":[1,2]}']);
  });
});
