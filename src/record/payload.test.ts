import { describe, expect, it } from 'vitest';
import { Encoding, PayloadFormat, contentFormat, decodeBase64Text, encodingCode, splitCsvRecords, type CsvSpans } from './payload.js';

describe('payload helpers', () => {
  it('encodingCode', () => {
    expect([encodingCode('CSV'), encodingCode('json'), encodingCode('Base64'), encodingCode(undefined), encodingCode(null), encodingCode('XML'), encodingCode(3)]).toEqual([
      Encoding.CSV, Encoding.JSON, Encoding.BASE64, Encoding.NONE, Encoding.NONE, Encoding.OTHER, Encoding.OTHER,
    ]);
  });

  it('contentFormat ignores parameters and case', () => {
    expect(contentFormat('text/csv; charset=utf-8')).toBe(PayloadFormat.CSV);
    expect(contentFormat('Application/JSON')).toBe(PayloadFormat.JSON);
    expect(contentFormat('application/vnd.api+json')).toBe(PayloadFormat.JSON);
    expect(contentFormat('application/jsonlines')).toBe(PayloadFormat.JSON_LINES);
    expect(contentFormat('application/x-ndjson')).toBe(PayloadFormat.JSON_LINES);
    expect(contentFormat('image/png')).toBe(PayloadFormat.UNKNOWN);
    expect(contentFormat(undefined)).toBe(PayloadFormat.UNKNOWN);
  });

  it('decodeBase64Text validates the alphabet and padding', () => {
    expect(decodeBase64Text(Buffer.from('1,2\né').toString('base64'))).toBe('1,2\né');
    expect(decodeBase64Text('MSwy')).toBe('1,2');
    expect(decodeBase64Text('MSw')).toBe('1,');
    expect(decodeBase64Text('MQ==')).toBe('1');
    expect(decodeBase64Text('MQ==\n')).toBe('1');
    expect(decodeBase64Text(Buffer.from('\ufeffa').toString('base64'))).toBe('a');
    for (const bad of ['M!wy', 'M', 'MQ=', 'MQ===', 'M=Q=', 'MQ==MQ==']) expect(decodeBase64Text(bad), bad).toBeUndefined();
  });

  it('splitCsvRecords: newlines inside quotes, CRLF, blank records', () => {
    const spans: CsvSpans = { starts: new Int32Array(1), ends: new Int32Array(1), count: 0 };
    const text = 'a,"x\ny",b\r\n\n"""q""",2\n\r\nlast';
    splitCsvRecords(text, 0, text.length, spans);
    const recs = Array.from({ length: spans.count }, (_, i) => text.slice(spans.starts[i], spans.ends[i]));
    expect(recs).toEqual(['a,"x\ny",b', '"""q""",2', 'last']);
  });
});
