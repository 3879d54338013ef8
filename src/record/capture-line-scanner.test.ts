import { describe, expect, it } from 'vitest';
import { encodeCaptureLine } from './capture-encoder.js';
import { CaptureLineScanner } from './capture-line-scanner.js';
import { CaptureLineSpans } from './capture-line-spans.js';

const T0 = '2024-01-19T20:06:08Z';
const base = encodeCaptureLine({ inputData: '1,2', outputData: '0.5', eventId: 'ev-1', inferenceId: 'r-1', inferenceTime: T0, outputContentType: 'text/csv; charset=utf-8' });

function scan(line: string): { ok: boolean; spans: CaptureLineSpans } {
  const spans = new CaptureLineSpans(2);
  const ok = new CaptureLineScanner(['endpointInput', 'endpointOutput'], spans).scan(line);
  return { ok, spans };
}
const text = (line: string, s: number, e: number): string | undefined => (s < 0 ? undefined : line.slice(s, e));

describe('CaptureLineScanner', () => {
  it('locates each index’s data, encoding and content type, and the ids and time', () => {
    const { ok, spans } = scan(base);
    expect(ok).toBe(true);
    const at = (k: number): (string | undefined)[] => [
      text(base, spans.dataStart[k]!, spans.dataEnd[k]!),
      text(base, spans.encodingStart[k]!, spans.encodingEnd[k]!),
      text(base, spans.contentTypeStart[k]!, spans.contentTypeEnd[k]!),
    ];
    expect([at(0), at(1)]).toEqual([
      ['1,2', 'CSV', 'text/csv'],
      ['0.5', 'CSV', 'text/csv; charset=utf-8'],
    ]);
    expect([...spans.dataEscaped]).toEqual([0, 0]);
    expect(text(base, spans.eventIdStart, spans.eventIdEnd)).toBe('ev-1');
    expect(text(base, spans.inferenceIdStart, spans.inferenceIdEnd)).toBe('r-1');
    expect(text(base, spans.timeStart, spans.timeEnd)).toBe(T0);
  });

  it('marks a data string holding escapes, and leaves absent fields at -1', () => {
    const l = base.replace('"data":"1,2"', '"data":"1,\\"2\\\\"').replace('"observedContentType":"text/csv",', '').replace('"inferenceId":"r-1",', '');
    const { ok, spans } = scan(l);
    expect(ok).toBe(true);
    expect(text(l, spans.dataStart[0]!, spans.dataEnd[0]!)).toBe('1,\\"2\\\\');
    expect([...spans.dataEscaped]).toEqual([1, 0]);
    expect([spans.contentTypeStart[0], spans.inferenceIdStart]).toEqual([-1, -1]);
  });

  it('skips other members whatever their JSON values, with any whitespace', () => {
    const extra = '"x" : { "a" : [ 1 , -2.5e-3 , 0 , 1E+2 , true , false , null , "s\\"\\u00e9" , { } , [ ] ] } ,\n\t';
    expect(scan(base.replace('"eventMetadata":{', `"eventMetadata":{${extra}`)).ok).toBe(true);
    expect(scan(` ${base.replace('{"captureData"', `{${extra}"captureData"`)}\r\n`).ok).toBe(true);
  });

  it('declines (for the reference path) what it does not handle or what is not JSON', () => {
    const declined = [
      base.replace('"eventId"', '"event\\u0049d"'), // an escape in a key
      base.replace(`"${T0}"`, '1705694768'), // a non-string time
      base.replace('"endpointOutput"', '"endpointOutpuX"'), // a missing index
      base.replace('"data":"1,2"', '"data":null'),
      base.replace('"inferenceTime"', '"inferenceTimeX"'),
      base.replace('"eventVersion":"0"', '"eventVersion":01'), // not a JSON number
      base.replace('"eventVersion":"0"', '"eventVersion":"\\x"'), // an invalid escape in a skipped string
      base.replace('"eventVersion":"0"', `"eventVersion":${'['.repeat(70)}${']'.repeat(70)}`), // nested too deep
      `${base}x`,
      base.slice(0, -1),
      '{}',
    ];
    for (const l of declined) expect(scan(l).ok, l).toBe(false);
  });
});
