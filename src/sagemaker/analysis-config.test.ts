/** analysis_config.json: the AWS examples parse; every problem of a bad one is listed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { columnName, parseAnalysisConfig, parseAnalysisConfigText } from './analysis-config.js';

const EX = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'sagemaker', 'aws__amazon-sagemaker-examples');

describe('parseAnalysisConfig', () => {
  it('fraud_detection config (minimal, positive label 0, pre-training "all")', () => {
    const file = join(EX, 'end_to_end/fraud_detection/config/analysis_config.json');
    const c = parseAnalysisConfigText(readFileSync(file, 'utf8'), file);
    expect(c).toEqual({
      datasetType: 'text/csv',
      label: 'fraud',
      labelValuesOrThreshold: [0],
      facets: [{ nameOrIndex: 'customer_gender_female', valueOrThreshold: [1] }],
      probabilityThreshold: 0.5,
      preTrainingMethods: 'all',
    });
  });

  it('fairness_and_explainability config (headers, group variable, probability threshold, predictor and report ignored)', () => {
    const c = parseAnalysisConfigText(readFileSync(join(EX, 'sagemaker-clarify/fairness_and_explainability/analysis_config/bias_analysis_config.json'), 'utf8'));
    expect(c.headers).toHaveLength(15);
    expect(c).toMatchObject({
      label: 'Target',
      labelValuesOrThreshold: [1],
      facets: [{ nameOrIndex: 'Sex', valueOrThreshold: [0] }],
      groupVariable: 'Age',
      probabilityThreshold: 0.8,
      preTrainingMethods: 'all',
      postTrainingMethods: 'all',
    });
  });

  it('metric lists, a single-number threshold, one-vs-rest facets and column indexes', () => {
    const c = parseAnalysisConfig({
      headers: ['y', 'a', 'b'],
      label: 0,
      label_values_or_threshold: 0.5,
      facet: [{ name_or_index: 1 }, { name_or_index: 'b', value_or_threshold: ['x', 'z'] }],
      methods: { pre_training_bias: { methods: ['kl', 'CI', 'CI'] }, post_training_bias: { methods: 'DI, DPPL' } },
    });
    expect(c.labelValuesOrThreshold).toEqual([0.5]);
    expect(c.facets).toEqual([{ nameOrIndex: 1 }, { nameOrIndex: 'b', valueOrThreshold: ['x', 'z'] }]);
    expect(c.preTrainingMethods).toEqual(['KL', 'CI']);
    expect(c.postTrainingMethods).toEqual(['DI', 'DPPL']);
    expect(columnName(c.label, c.headers)).toBe('y');
    expect(columnName(2, undefined)).toBe('_c2');
  });

  it('lists every problem in one CONFIG_INVALID error', () => {
    try {
      parseAnalysisConfig({
        headers: ['y', 'a'],
        label: 'nope',
        facet: [{ value_or_threshold: [] }, { name_or_index: 'a', value_or_threshold: [{}] }, { name_or_index: 'a' }],
        group_variable: 3,
        probability_threshold: 'high',
        methods: { pre_training_bias: { methods: ['CI', 'XX'] }, post_training_bias: 7 },
      }, 'cfg.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: ErrorCode.CONFIG_INVALID });
      const d = (e as { details: string[] }).details;
      const expected = [
        '$.label_values_or_threshold: missing',
        '$.facet[0].name_or_index: missing',
        '$.facet[0].value_or_threshold: expected at least one value',
        '$.facet[1].value_or_threshold[0]',
        '$.facet[2].name_or_index: duplicate facet',
        '$.probability_threshold',
        '$.methods.pre_training_bias.methods[1]: unknown metric the string "XX"',
        '$.methods.post_training_bias: expected an object',
        '$.label: "nope" is not one of the headers',
        '$.group_variable: index 3 is past the 2 headers',
      ];
      for (const x of expected) expect(d.some((l) => l.includes(x)), `${x} in\n${d.join('\n')}`).toBe(true);
    }
  });

  it('text that is not JSON is CONFIG_INVALID', () => {
    expect(() => parseAnalysisConfigText('{', 'x.json')).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }));
  });
});
