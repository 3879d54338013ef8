import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { parseExplainabilityConfig } from './explainability-config.js';
import { decodeOutputs, encodeRows } from './predictor-payload.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'sagemaker', 'aws__amazon-sagemaker-examples', 'sagemaker-clarify', 'fairness_and_explainability', 'analysis_config', 'explainability_analysis_config.json');
const fixture = (): Record<string, unknown> => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;

function problems(json: unknown): readonly string[] {
  try {
    parseExplainabilityConfig(json, 'c.json');
  } catch (e) {
    expect((e as DriftmonError).code).toBe(ErrorCode.CONFIG_INVALID);
    return (e as DriftmonError).details;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('explainability analysis_config.json', () => {
  it("Clarify's SHAP example config: refused without an endpoint_url (naming the key), read with one", () => {
    const json = fixture();
    expect(problems(json)).toEqual([expect.stringMatching(/^\$\.predictor\.endpoint_url: missing \(driftmon calls the model at this http\(s\) URL/)]);
    (json['predictor'] as Record<string, unknown>)['endpoint_url'] = 'http://127.0.0.1:8080/invocations';
    const c = parseExplainabilityConfig(json);
    expect(c.label).toBe('Target');
    expect(c.headers).toHaveLength(15);
    expect(c.shap).toEqual({ baseline: { rows: [[38, 2, 189794, 10, 10, 3, 6, 1, 4, 1, 1092, 88, 41, 36]] }, numSamples: 15, aggMethod: 'mean_abs', useLogit: false, saveLocalShapValues: true, seed: 0 });
    expect(c.predictor).toEqual({ endpointUrl: 'http://127.0.0.1:8080/invocations', contentType: 'text/csv', acceptType: 'text/csv', contentTemplate: '{"features":$features}' });
  });

  it('a local baseline file (plain or file://); S3 and other URIs refused', () => {
    const with_ = (baseline: unknown): unknown => ({ ...fixture(), methods: { shap: { baseline } }, predictor: { endpoint_url: 'https://m.example/x' } });
    expect(parseExplainabilityConfig(with_('base/b.csv')).shap.baseline).toEqual({ file: 'base/b.csv' });
    expect(parseExplainabilityConfig(with_('file:///data/b%20x.csv')).shap.baseline).toEqual({ file: '/data/b x.csv' });
    expect(problems(with_('s3://bucket/b.csv'))).toEqual(['$.methods.shap.baseline: "s3://bucket/b.csv": only local files are read (download s3 objects first)']);
  });

  it('excluded_columns are not features: the baseline rows are checked against what is left', () => {
    const json = { ...fixture(), excluded_columns: ['Sex', 2], predictor: { endpoint_url: 'http://m/x' } };
    expect(problems(json)).toEqual(['$.methods.shap.baseline[0]: has 14 values, expected 12 (the headers without the label and excluded columns)']);
    const ok = { ...json, methods: { shap: { baseline: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]] } } };
    expect(parseExplainabilityConfig(ok).excludedColumns).toEqual(['Sex', 2]);
    expect(problems({ ...ok, excluded_columns: ['Nope', -1] })).toEqual([
      '$.excluded_columns[1]: expected a column name or a 0-based index, got the number -1',
      '$.excluded_columns[0]: "Nope" is not one of the headers',
    ]);
  });

  it('every problem listed at once', () => {
    const list = problems({
      headers: ['y', 'a', 'b'],
      label: 'z',
      methods: { shap: { baseline: [[1, 2], [1, 2, 3], [1, { x: 1 }]], num_samples: 0, agg_method: 'max', use_logit: 'yes', seed: 1.5 } },
      predictor: { endpoint_url: 'ftp://x', content_type: 'application/json', accept_type: 'text/csv', probability: 'score', content_template: '{}' },
    });
    expect(list).toEqual([
      '$.label: "z" is not one of the headers',
      '$.methods.shap.baseline[1]: has 3 values, row 0 has 2',
      '$.methods.shap.baseline[2][1]: expected a number, a string or null, got an object',
      '$.methods.shap.num_samples: expected a number ≥ 1, got 0',
      '$.methods.shap.agg_method: unknown agg_method the string "max"; expected one of mean_abs, median, mean_sq',
      '$.methods.shap.use_logit: expected true or false, got the string "yes"',
      '$.methods.shap.seed: expected a whole number, got 1.5',
      '$.predictor.endpoint_url: expected an http:// or https:// URL, got the string "ftp://x"',
      '$.predictor.content_type: unknown content type the string "application/json"; expected one of text/csv, application/jsonlines',
      '$.predictor.probability: with accept_type text/csv, expected a 0-based column index, got the string "score"',
    ]);
    expect(problems({})).toEqual(['$.methods: missing (expected an object)', '$.predictor: missing (expected an object)']);
  });
});

describe('predictor payloads', () => {
  it('CSV requests quote text and leave missing values empty; JSON Lines fills the template', () => {
    expect(encodeRows([[1.5, 'a,b', null], [2, 'say "x"', 0]], { contentType: 'text/csv', contentTemplate: '' })).toBe('1.5,"a,b",\n2,"say ""x""",0\n');
    expect(encodeRows([[1, 'a']], { contentType: 'application/jsonlines', contentTemplate: '{"instances":[$features]}' })).toBe('{"instances":[[1,"a"]]}\n');
  });

  it('reads scores by column index or JSON key (dotted, or array position); several outputs per row', () => {
    const csv = { acceptType: 'text/csv' as const };
    expect(decodeOutputs('1,0.25\n0,0.75\n', 2, { ...csv, probability: 1 }, 'm').map((v) => Array.from(v))).toEqual([[0.25], [0.75]]);
    expect(decodeOutputs('0.1,0.9\r\n0.6,0.4', 2, csv, 'm').map((v) => Array.from(v))).toEqual([[0.1, 0.9], [0.6, 0.4]]);
    const jl = { acceptType: 'application/jsonlines' as const };
    expect(decodeOutputs('{"p":{"s":0.5}}\n', 1, { ...jl, probability: 'p.s' }, 'm').map((v) => Array.from(v))).toEqual([[0.5]]);
    expect(decodeOutputs('[3,4]\n', 1, { ...jl, label: 1 }, 'm').map((v) => Array.from(v))).toEqual([[4]]);
    expect(decodeOutputs('{"s":[0.2,0.8]}\n', 1, { ...jl, probability: 's' }, 'm').map((v) => Array.from(v))).toEqual([[0.2, 0.8]]);
  });

  it('malformed answers name the line and the problem', () => {
    const bad = (body: string, count: number, p: Parameters<typeof decodeOutputs>[2]): string => {
      try {
        decodeOutputs(body, count, p, 'the model');
      } catch (e) {
        expect((e as DriftmonError).code).toBe(ErrorCode.MODEL_OUTPUT_INVALID);
        return (e as Error).message;
      }
      throw new Error('expected MODEL_OUTPUT_INVALID');
    };
    expect(bad('1\n', 2, { acceptType: 'text/csv' })).toBe('the model: expected 2 output line(s), one per row sent, got 1: "1"');
    expect(bad('1,2\n3\n', 2, { acceptType: 'text/csv' })).toBe('the model: line 2 has 1 output(s), line 1 has 2');
    expect(bad('0.5\n1\n', 2, { acceptType: 'text/csv', probability: 1 })).toBe('the model: line 1: no column 1 (the line has 1): "0.5"');
    expect(bad('{"s":1}\n', 1, { acceptType: 'application/jsonlines' })).toBe('the model: line 1: an object: set predictor.probability (or label) to the key of the score: "{\\"s\\":1}"');
    expect(bad('{"s":"x"}\n', 1, { acceptType: 'application/jsonlines', probability: 's' })).toBe('the model: line 1: expected a number or a list of numbers: "{\\"s\\":\\"x\\"}"');
    expect(bad('{oops\n', 1, { acceptType: 'application/jsonlines', probability: 's' })).toBe('the model: line 1: not JSON: "{oops"');
  });
});
