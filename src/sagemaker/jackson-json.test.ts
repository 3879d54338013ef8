import { describe, expect, it } from 'vitest';
import { dbl, dbls, formatJackson, quoteJson } from './jackson-json.js';

describe('quoteJson', () => {
  it('escapes like Jackson: short escapes, upper-case \\u00XX, raw non-ASCII', () => {
    expect(quoteJson('a"b\\c\n\t\r\b\f\u0001\u001f/é😀')).toBe('"a\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001F/é😀"');
  });
  it('escapes lone surrogates', () => {
    expect(quoteJson('x\ud800y')).toBe('"x\\uD800y"');
  });
});

describe('formatJackson', () => {
  it('writes an array of doubles (dbls) exactly as the same array of dbl', () => {
    const xs = [0, -0, 1, 1.5, 1e7, 1.0e-4, -2.5e-300, Number.NaN, Infinity, -Infinity, 123456.789];
    for (const items of [xs, [], [3]]) {
      expect(formatJackson({ data: [dbls(Float64Array.from(items)), dbls(items)] })).toBe(formatJackson({ data: [items.map(dbl), items.map(dbl)] }));
    }
  });
  it('lays out objects and arrays like DefaultPrettyPrinter', () => {
    const text = formatJackson({
      version: dbl(0),
      n: 100,
      empty: {},
      none: [],
      skipped: undefined,
      list: [{ a: dbl(1.5), b: [dbl(1), dbl(2)] }, { a: 'x', b: [[dbl(3)], []] }],
      nan: dbl(Number.NaN),
      inf: dbl(-Infinity),
      t: true,
      z: null,
    });
    expect(text).toBe(
      [
        '{',
        '  "version" : 0.0,',
        '  "n" : 100,',
        '  "empty" : { },',
        '  "none" : [ ],',
        '  "list" : [ {',
        '    "a" : 1.5,',
        '    "b" : [ 1.0, 2.0 ]',
        '  }, {',
        '    "a" : "x",',
        '    "b" : [ [ 3.0 ], [ ] ]',
        '  } ],',
        '  "nan" : "NaN",',
        '  "inf" : "-Infinity",',
        '  "t" : true,',
        '  "z" : null',
        '}',
      ].join('\n'),
    );
  });
  it('writes non-integral plain numbers as doubles', () => {
    expect(formatJackson([1, 2.5, 1e7])).toBe('[ 1, 2.5, 10000000 ]');
  });
});
