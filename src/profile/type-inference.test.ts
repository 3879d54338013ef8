import { describe, expect, it } from 'vitest';
import { InferredType, type TypeCounts } from '../sagemaker/data-quality-model.js';
import { inferType } from './type-inference.js';

const counts = (c: Partial<TypeCounts>): TypeCounts => ({ integral: 0, fractional: 0, boolean: 0, string: 0, missing: 0, ...c });

describe('inferType (Deequ rules)', () => {
  const cases: Array<[Partial<TypeCounts>, InferredType]> = [
    [{}, InferredType.UNKNOWN],
    [{ missing: 10 }, InferredType.UNKNOWN],
    [{ integral: 5 }, InferredType.INTEGRAL],
    [{ integral: 5, missing: 3 }, InferredType.INTEGRAL],
    [{ integral: 5, fractional: 1 }, InferredType.FRACTIONAL],
    [{ fractional: 1 }, InferredType.FRACTIONAL],
    [{ boolean: 4 }, InferredType.BOOLEAN],
    [{ boolean: 4, missing: 4 }, InferredType.BOOLEAN],
    [{ boolean: 4, integral: 1 }, InferredType.STRING],
    [{ boolean: 4, fractional: 1 }, InferredType.STRING],
    [{ string: 1 }, InferredType.STRING],
    [{ string: 1, integral: 100, fractional: 100 }, InferredType.STRING],
    [{ string: 1, boolean: 100 }, InferredType.STRING],
  ];
  for (const [c, expected] of cases) {
    it(`${JSON.stringify(c)} → ${expected}`, () => {
      expect(inferType(counts(c))).toBe(expected);
    });
  }
});
