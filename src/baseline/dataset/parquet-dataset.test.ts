import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../errors.js';
import { ValueKind } from '../../record/row.js';
import { cells, errorOf, inputFiles } from './test-support/dataset-cells.js';
import { writeParquet } from './test-support/parquet-writer.js';

const { file } = inputFiles();

describe('readDataset: Parquet', () => {
  it('reads typed columns over several row groups (Deequ known types), nulls as missing', async () => {
    const p = file(
      'typed.parquet',
      writeParquet(
        [
          { name: 'd', type: 'DOUBLE', values: [3, 2.5, null] },
          { name: 'i', type: 'INT64', values: [1, null, -7] },
          { name: 'j', type: 'INT32', values: [5, 6, 7] },
          { name: 'b', type: 'BOOLEAN', values: [true, false, null] },
          { name: 's', type: 'UTF8', values: ['x', '42', null] },
        ],
        2,
        'GZIP',
      ),
    );
    const { rows, registry } = await cells(p);
    expect(registry.features.map((f) => f.name)).toEqual(['d', 'i', 'j', 'b', 's']);
    expect(rows).toEqual([
      [
        { name: 'd', kind: ValueKind.FRACTIONAL, number: 3, text: '3' },
        { name: 'i', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
        { name: 'j', kind: ValueKind.INTEGRAL, number: 5, text: '5' },
        { name: 'b', kind: ValueKind.BOOLEAN, text: 'true' },
        { name: 's', kind: ValueKind.STRING, text: 'x' },
      ],
      [
        { name: 'd', kind: ValueKind.FRACTIONAL, number: 2.5, text: '2.5' },
        { name: 'j', kind: ValueKind.INTEGRAL, number: 6, text: '6' },
        { name: 'b', kind: ValueKind.BOOLEAN, text: 'false' },
        { name: 's', kind: ValueKind.INTEGRAL, number: 42, text: '42' },
      ],
      [
        { name: 'i', kind: ValueKind.INTEGRAL, number: -7, text: '-7' },
        { name: 'j', kind: ValueKind.INTEGRAL, number: 7, text: '7' },
      ],
    ]);
  });

  it('rejects a file that is not Parquet', async () => {
    const e = await errorOf(cells(file('not.parquet', 'hello world, definitely not parquet')));
    expect(e.code).toBe(ErrorCode.INPUT_UNREADABLE);
  });
});
