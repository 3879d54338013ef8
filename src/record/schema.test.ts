import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { FeatureRegistry } from './feature-registry.js';
import { Side, resolveSchema, type DatasetSchema } from './schema.js';

describe('resolveSchema', () => {
  it('defaults', () => {
    const r = resolveSchema({}, new FeatureRegistry());
    expect(r).toMatchObject({
      format: 'sagemaker-capture',
      outputsFirst: true,
      captureIndexNames: ['endpointInput', 'endpointOutput'],
      captureSides: [Side.INPUT, Side.OUTPUT],
      inputPath: undefined,
      outputPath: undefined,
      idField: 'inferenceId',
      timeField: 'inferenceTime',
      timeUnit: 'ms',
      featuresField: undefined,
    });
  });

  it('declares outputs then inputs (SageMaker order), or inputs first with outputsPosition end', () => {
    const reg = new FeatureRegistry();
    const r = resolveSchema({ inputs: ['a', 'b'], outputs: ['p'] }, reg);
    expect(reg.features.map((f) => [f.name, f.isOutput, f.declared])).toEqual([['p', true, true], ['a', false, true], ['b', false, true]]);
    expect([...r.outputSlots, ...r.inputSlots]).toEqual([0, 1, 2]);
    const reg2 = new FeatureRegistry();
    resolveSchema({ inputs: ['a', 'b'], outputs: ['p'], outputsPosition: 'end' }, reg2);
    expect(reg2.features.map((f) => f.name)).toEqual(['a', 'b', 'p']);
  });

  it('splits paths and featurePaths by side; undeclared path names become inputs', () => {
    const reg = new FeatureRegistry();
    const r = resolveSchema({ outputs: ['score'], inputPath: 'body.rows', featurePaths: { score: 'out.s', city: 'address.city' } }, reg);
    expect(r.inputPath).toEqual(['body', 'rows']);
    expect(r.outputFeaturePaths).toEqual([{ name: 'score', slot: 0, segments: ['out', 's'] }]);
    expect(r.inputFeaturePaths).toEqual([{ name: 'city', slot: 1, segments: ['address', 'city'] }]);
    expect([...r.inputPathRoots]).toEqual(['address']);
    expect(r.inputSlots).toHaveLength(0);
  });

  const bad: [string, DatasetSchema][] = [
    ['unknown format', { format: 'csv' as never }],
    ['a name listed twice', { inputs: ['a'], outputs: ['a'] }],
    ['unknown capture index', { captureIndexNames: ['batchTransformOutput' as never] }],
    ['no capture index', { captureIndexNames: [] }],
    ['empty feature path', { featurePaths: { a: '' } }],
  ];
  for (const [what, schema] of bad) {
    it(`throws CONFIG_INVALID for ${what}`, () => {
      expect(() => resolveSchema(schema, new FeatureRegistry())).toThrowError(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }));
    });
  }
});
