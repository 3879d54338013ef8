import { describe, expect, it } from 'vitest';
import { decodeWorkerCount } from './file-decoding.js';

describe('decodeWorkerCount', () => {
  it('auto: a worker per core beside the monitor’s, 1 to 4; a number as given', () => {
    expect([1, 2, 3, 5, 16].map((cores) => decodeWorkerCount('auto', cores))).toEqual([1, 1, 2, 4, 4]);
    expect(decodeWorkerCount(3, 2)).toBe(3);
  });
});
