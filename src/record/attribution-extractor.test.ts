import { describe, expect, it } from 'vitest';
import { RecordErrorReason } from '../errors.js';
import { AttributionExtractor } from './attribution-extractor.js';
import { CaptureEncoding, encodeCaptureLine } from './capture-encoder.js';

const T = '2026-03-01T10:00:05Z';
const line = (output: string, encoding: CaptureEncoding = CaptureEncoding.JSON): string =>
  encodeCaptureLine({ inputData: '1,2,3', outputData: output, encoding: CaptureEncoding.CSV, outputEncoding: encoding, outputContentType: 'application/json', eventId: 'e1', inferenceTime: T });
const rows = (r: ReturnType<AttributionExtractor['extract']>): number[][] => {
  if (typeof r === 'string') throw new Error(r);
  return (r.rows[0] ?? []).map((x) => [...x]);
};

describe('AttributionExtractor', () => {
  const shap = new AttributionExtractor({ paths: ['shap'], features: ['f1', 'f2', 'f3'] });

  it('reads one row as an array in feature order, with the inference time', () => {
    const r = shap.extract(line('{"predictions":[0.7],"shap":[0.5,-0.25,0.125]}'));
    expect(typeof r === 'string' ? r : r.timeMs).toBe(Date.parse(T));
    expect(rows(r)).toEqual([[0.5, -0.25, 0.125]]);
  });

  it('reads rows as arrays or objects keyed by feature (extra keys ignored), nested paths and base64', () => {
    expect(rows(shap.extract(line('{"shap":[[1,2,3],[4,5,6]]}')))).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(rows(shap.extract(line('{"shap":[{"f3":3,"f1":1,"f2":2,"bias":9}]}')))).toEqual([[1, 2, 3]]);
    expect(rows(shap.extract(line('{"shap":{"f3":3,"f1":1,"f2":2}}')))).toEqual([[1, 2, 3]]);
    const nested = new AttributionExtractor({ paths: ['explanations.0.values'], features: ['a', 'b'] });
    expect(rows(nested.extract(line('{"explanations":[{"values":[0.1,0.2]}]}', CaptureEncoding.BASE64)))).toEqual([[0.1, 0.2]]);
    expect(rows(new AttributionExtractor({ paths: [''], features: ['a'] }).extract(line('[[7]]')))).toEqual([[7]]);
  });

  it('reads one path per label, as many rows for each', () => {
    const two = new AttributionExtractor({ paths: ['shap.0', 'shap.1'], features: ['a', 'b'] });
    const r = two.extract(line('{"shap":[[[1,2],[3,4]],[[5,6],[7,8]]]}'));
    expect(typeof r === 'string' ? r : r.rows.map((l) => l.map((x) => [...x]))).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(two.extract(line('{"shap":[[[1,2],[3,4]],[[5,6]]]}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    expect(two.extract(line('{"shap":[[[1,2]]]}'))).toBe(RecordErrorReason.MISSING_ATTRIBUTIONS);
  });

  it('rejects by reason: nothing at the path, wrong length, a string, NaN, a missing feature, no JSON', () => {
    expect(shap.extract(line('{"predictions":[1]}'))).toBe(RecordErrorReason.MISSING_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":null}'))).toBe(RecordErrorReason.MISSING_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":[]}'))).toBe(RecordErrorReason.MISSING_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":[1,2]}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":[[1,2,3],[1,2]]}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":[1,"2",3]}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":"1,2,3"}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":[1,"NaN",3]}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":{"f1":1,"f2":2}}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":{"f1":1,"f2":2,"f3":1e999}}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    expect(shap.extract(line('{"shap":[1,NaN,3]}'))).toBe(RecordErrorReason.BAD_PAYLOAD);
    expect(shap.extract('{"captureData":')).toBe(RecordErrorReason.NOT_JSON);
    expect(shap.extract(line('{"shap":{"__proto__":1,"f1":1,"f2":2}}'))).toBe(RecordErrorReason.BAD_ATTRIBUTIONS);
    const toString = new AttributionExtractor({ paths: ['toString'], features: ['a'] });
    expect(toString.extract(line('{}'))).toBe(RecordErrorReason.MISSING_ATTRIBUTIONS);
  });
});
