import { describe, expect, it } from 'vitest';
import { rowId, uploadHourMs } from './label-ingress.js';

describe('label ingress', () => {
  it('reads the upload hour of SageMaker ground-truth paths only', () => {
    expect(uploadHourMs('s3/gt/2026/11/02/08/labels.jsonl:17')).toBe(Date.UTC(2026, 10, 2, 8));
    expect(uploadHourMs('gt\\2026\\11\\02\\23\\x.jsonl')).toBe(Date.UTC(2026, 10, 2, 23));
    expect(uploadHourMs('gt/2026/13/02/08/x.jsonl')).toBeUndefined();
    expect(uploadHourMs('gt/labels.jsonl')).toBeUndefined();
  });

  it('keys row k > 0 of a multi-row invocation as id#k', () => {
    expect([rowId('abc', 0), rowId('abc', 2)]).toEqual(['abc', 'abc#2']);
  });
});
