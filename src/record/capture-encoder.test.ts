import { describe, expect, it } from 'vitest';
import { captureTimeText, encodeCaptureLine, toCsvRecord } from './capture-encoder.js';

describe('encodeCaptureLine', () => {
  it('writes the envelope in SageMaker key order', () => {
    const line = encodeCaptureLine({ inputData: '1,2', outputData: '0.5', eventId: 'e', inferenceId: 'i', inferenceTime: Date.UTC(2024, 0, 19, 20, 6, 8, 999) });
    expect(line).toBe(
      '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1,2","encoding":"CSV"},' +
        '"endpointOutput":{"observedContentType":"text/csv","mode":"OUTPUT","data":"0.5","encoding":"CSV"}},' +
        '"eventMetadata":{"eventId":"e","inferenceId":"i","inferenceTime":"2024-01-19T20:06:08Z"},"eventVersion":"0"}',
    );
  });

  it('BASE64 encodes the payload; per-side encodings and content types', () => {
    const doc = JSON.parse(
      encodeCaptureLine({ inputData: 'a\nb', outputData: '{"p":1}', encoding: 'BASE64', contentType: 'application/jsonlines', outputEncoding: 'JSON', eventId: 'e', inferenceTime: 'T' }),
    );
    expect(doc.captureData.endpointInput).toEqual({ observedContentType: 'application/jsonlines', mode: 'INPUT', data: Buffer.from('a\nb').toString('base64'), encoding: 'BASE64' });
    expect(doc.captureData.endpointOutput).toEqual({ observedContentType: 'application/json', mode: 'OUTPUT', data: '{"p":1}', encoding: 'JSON' });
    expect(doc.eventMetadata).toEqual({ eventId: 'e', inferenceTime: 'T' });
  });

  it('omits a side without data', () => {
    expect(Object.keys(JSON.parse(encodeCaptureLine({ inputData: '1', eventId: 'e', inferenceTime: 'T' })).captureData)).toEqual(['endpointInput']);
  });

  it('toCsvRecord quotes when needed; captureTimeText is second precision', () => {
    expect(toCsvRecord([1, 'a,b', 'say "hi"', undefined, null, true, 'x\ny'])).toBe('1,"a,b","say ""hi""",,,true,"x\ny"');
    expect(captureTimeText(Date.UTC(2024, 0, 19, 20, 6, 8, 500))).toBe('2024-01-19T20:06:08Z');
  });
});
