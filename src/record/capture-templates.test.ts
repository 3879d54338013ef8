import { describe, expect, it } from 'vitest';
import { encodeCaptureLine } from './capture-encoder.js';
import { CaptureLineScanner } from './capture-line-scanner.js';
import { CaptureLineSpans } from './capture-line-spans.js';
import { CaptureTemplates } from './capture-templates.js';
import { Encoding } from './payload.js';

const T0 = '2024-01-19T20:06:08Z';
const line = (over: Partial<Parameters<typeof encodeCaptureLine>[0]>): string =>
  encodeCaptureLine({ inputData: '1,2', outputData: '0.5', eventId: 'ev-1', inferenceTime: T0, ...over });

/** Templates learned from `lines` (each scanned first, as the decoder does). */
function learned(...lines: string[]): { templates: CaptureTemplates; spans: CaptureLineSpans } {
  const spans = new CaptureLineSpans(2);
  const scanner = new CaptureLineScanner(['endpointInput', 'endpointOutput'], spans);
  const templates = new CaptureTemplates(spans);
  for (const l of lines) {
    expect(scanner.scan(l)).toBe(true);
    templates.scanned(l, [Encoding.CSV, Encoding.CSV], ['text/csv', 'text/csv']);
  }
  return { templates, spans };
}
const text = (l: string, s: number, e: number): string | undefined => (s < 0 ? undefined : l.slice(s, e));
const variables = (l: string, spans: CaptureLineSpans): (string | undefined)[] => [
  text(l, spans.dataStart[0]!, spans.dataEnd[0]!),
  text(l, spans.dataStart[1]!, spans.dataEnd[1]!),
  text(l, spans.eventIdStart, spans.eventIdEnd),
  text(l, spans.inferenceIdStart, spans.inferenceIdEnd),
  text(l, spans.timeStart, spans.timeEnd),
];

describe('CaptureTemplates', () => {
  it('a learned shape matches later lines of that shape and locates their variables', () => {
    const { templates, spans } = learned(line({}));
    const l = line({ inputData: '7,a b', outputData: '', eventId: 'e-2', inferenceTime: '2024-01-19T20:06:09.5+01:00' });
    const t = templates.match(l);
    expect(t).toMatchObject({ noEscapes: true, csvInPlace: true, encodings: [Encoding.CSV, Encoding.CSV] });
    expect(variables(l, spans)).toEqual(['7,a b', '', 'e-2', undefined, '2024-01-19T20:06:09.5+01:00']);
  });

  it('lines of another shape or not valid JSON do not match', () => {
    const { templates } = learned(line({}));
    for (const l of [
      line({ inferenceId: 'r' }),
      line({}).replace('"mode":"INPUT"', '"mode":"INPUX"'),
      line({ inputData: '1\u00012' }).replace('\\u0001', '\u0001'), // a raw control character
      line({ eventId: 'a"b' }), // an escape where the template admits none
      `${line({})} x`,
    ]) {
      expect(templates.match(l), l).toBeUndefined();
    }
  });

  it('the most recently matched shape is tried first; ids a shape lacks are absent', () => {
    const a = line({ inferenceId: 'r-1' });
    const b = line({});
    const { templates, spans } = learned(a, b);
    const ta = templates.match(a);
    expect(variables(a, spans)[3]).toBe('r-1');
    const tb = templates.match(b);
    expect(tb).not.toBe(ta);
    expect(variables(b, spans)[3]).toBeUndefined();
    expect(templates.match(line({ eventId: 'x' }))).toBe(tb);
  });

  it('a data string learned with escapes admits valid escapes and marks lines that hold one', () => {
    const { templates, spans } = learned(line({ inputData: 'say "hi",2' }));
    const plain = line({ inputData: '3,4' });
    const t = templates.match(plain);
    expect(t).toMatchObject({ noEscapes: false, csvInPlace: false });
    expect([...spans.dataEscaped]).toEqual([0, 0]);
    const escaped = line({ inputData: '3,\t4' });
    expect(templates.match(escaped)).toBe(t);
    expect(variables(escaped, spans)[0]).toBe('3,\\t4');
    expect([...spans.dataEscaped]).toEqual([1, 0]);
    expect(templates.match(plain.replace('"data":"3,4"', '"data":"3,\\x4"'))).toBeUndefined();
  });
});
