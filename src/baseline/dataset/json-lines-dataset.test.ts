import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../errors.js';
import { ValueKind } from '../../record/row.js';
import { cells, errorOf, inputFiles } from './test-support/dataset-cells.js';

const { file } = inputFiles();

describe('readDataset: JSON Lines', () => {
  it('keeps number literal kinds, flattens objects and arrays with nested: flatten, skips blank lines', async () => {
    const p = file(
      'a.jsonl',
      '{"a":3,"b":3.0,"c":"3","d":true,"e":null,"o":{"x":1,"y":{"z":"q"}},"v":[1,2.5,{"w":0}]}\n\n{"a":1e2,"new":"n"}\n',
    );
    const { rows, registry } = await cells(p, { nested: 'flatten' });
    expect(registry.features.map((f) => f.name)).toEqual(['a', 'b', 'c', 'd', 'e', 'o.x', 'o.y.z', 'v.0', 'v.1', 'v.2.w', 'new']);
    expect(rows).toEqual([
      [
        { name: 'a', kind: ValueKind.INTEGRAL, number: 3, text: '3' },
        { name: 'b', kind: ValueKind.FRACTIONAL, number: 3, text: '3.0' },
        { name: 'c', kind: ValueKind.INTEGRAL, number: 3, text: '3' },
        { name: 'd', kind: ValueKind.BOOLEAN, text: 'true' },
        { name: 'o.x', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
        { name: 'o.y.z', kind: ValueKind.STRING, text: 'q' },
        { name: 'v.0', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
        { name: 'v.1', kind: ValueKind.FRACTIONAL, number: 2.5, text: '2.5' },
        { name: 'v.2.w', kind: ValueKind.INTEGRAL, number: 0, text: '0' },
      ],
      [
        { name: 'a', kind: ValueKind.FRACTIONAL, number: 100, text: '1e2' },
        { name: 'new', kind: ValueKind.STRING, text: 'n' },
      ],
    ]);
  });

  it("nested: 'json' keeps nested values as one String (their JSON text)", async () => {
    const p = file('n.jsonl', '{"o":{"x":1,"y":[true,null]},"v":[1,2.0],"a":1}\n');
    const { rows, registry } = await cells(p, { nested: 'json' });
    expect(registry.features.map((f) => f.name)).toEqual(['o', 'v', 'a']);
    expect(rows).toEqual([
      [
        { name: 'o', kind: ValueKind.STRING, text: '{"x":1,"y":[true,null]}' },
        { name: 'v', kind: ValueKind.STRING, text: '[1,2]' },
        { name: 'a', kind: ValueKind.INTEGRAL, number: 1, text: '1' },
      ],
    ]);
  });

  it('lists the lines that are not JSON objects', async () => {
    const e = await errorOf(cells(file('bad.jsonl', '{"a":1}\n[1]\n{oops\n{"a":2}\n')));
    expect(e.code).toBe(ErrorCode.INPUT_UNREADABLE);
    expect(e.details).toEqual(['line 2: not a JSON object', 'line 3: not valid JSON']);
  });
});
