import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftmonError } from '../errors.js';
import {
  formatModelQualityConstraints,
  formatModelQualityStatistics,
  formatModelQualityViolations,
  parseModelQualityConstraints,
  parseModelQualityStatistics,
  parseModelQualityViolations,
} from './model-quality-files.js';

const SDK = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'sagemaker', 'aws__sagemaker-python-sdk', 'tests', 'data');
const MQ = join(SDK, 'pipeline', 'quality_check_step', 'model_quality');
const CARD = join(SDK, 'model_card', 'evaluation_metrics');
const text = (p: string): string => readFileSync(p, 'utf8');

/** Every leaf of a JSON tree as path → value ("NaN" strings and NaN numbers compare equal). */
function leaves(x: unknown, path = '$', out = new Map<string, unknown>()): Map<string, unknown> {
  if (x !== null && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) leaves(v, `${path}.${k}`, out);
  } else out.set(path, x === 'NaN' ? 'NaN' : typeof x === 'number' && Number.isNaN(x) ? 'NaN' : x);
  return out;
}

describe('model-quality statistics.json', () => {
  it('the SDK golden statistics.json parses and formats back byte for byte', () => {
    const raw = text(join(MQ, 'statistics.json'));
    const stats = parseModelQualityStatistics(JSON.parse(raw));
    expect(stats.problemType).toBe('Regression');
    expect(stats.itemCount).toBe(100);
    expect(stats.metrics['mse']).toEqual({ value: 0.33364933609800973, standardDeviation: NaN });
    expect(formatModelQualityStatistics(stats)).toBe(raw);
  });

  it('the model-card regression example (evaluation_time, numeric std devs) round-trips byte for byte', () => {
    const raw = text(join(CARD, 'model_monitor_model_quality_regression.json'));
    const stats = parseModelQualityStatistics(JSON.parse(raw));
    expect(stats.evaluationTime).toBe('2023-03-30T21:08:34.729Z');
    expect(formatModelQualityStatistics(stats)).toBe(raw);
  });

  it('the hand-made model-card binary example (no version/dataset, integer auc, alphabetical) keeps every metric', () => {
    // Not byte-exact: the file is 4-space indented, alphabetically ordered and writes auc as the
    // integer 1; we write Jackson layout, SageMaker's order and doubles. Compared leaf by leaf.
    const json = JSON.parse(text(join(CARD, 'model_monitor_model_quality_binary_classification.json'))) as Record<string, unknown>;
    const stats = parseModelQualityStatistics(json);
    expect(stats.problemType).toBe('BinaryClassification');
    expect(stats.metrics['auc']).toEqual({ value: 1, standardDeviation: 0.1 });
    const back = JSON.parse(formatModelQualityStatistics(stats)) as Record<string, unknown>;
    expect(back['version']).toBe(0);
    expect(leaves(back['binary_classification_metrics'])).toEqual(leaves(json['binary_classification_metrics']));
    expect(stats.confusionMatrix).toEqual(new Map([['0', new Map([['0', 1], ['1', 2]])], ['1', new Map([['0', 0], ['1', 1]])]]));
    expect(stats.receiverOperatingCharacteristicCurve?.falsePositiveRates).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('lists every problem with its JSON path', () => {
    const bad = {
      version: 1,
      dataset: { item_count: -1 },
      binary_classification_metrics: {
        recall: { value: 'x', standard_deviation: 'NaN' },
        confusion_matrix: { '0': { '0': -2 } },
        precision_recall_curve: { precisions: [1, 0.5], recalls: [0] },
        f1: 3,
      },
    };
    let err: DriftmonError | undefined;
    try {
      parseModelQualityStatistics(bad, 'stats.json');
    } catch (e) {
      err = e as DriftmonError;
    }
    expect(err?.code).toBe('BASELINE_INVALID');
    expect(err?.details).toEqual([
      '$.version: unsupported version the number 1; expected 0',
      '$.dataset.item_count: expected a number ≥ 0, got -1',
      '$.binary_classification_metrics.recall.value: expected a number, got the string "x"',
      '$.binary_classification_metrics.confusion_matrix["0"]["0"]: expected a number ≥ 0, got -2',
      '$.binary_classification_metrics.precision_recall_curve: precisions has 2 points but recalls has 1',
      '$.binary_classification_metrics.f1: expected an object, got the number 3',
    ]);
    expect(() => parseModelQualityStatistics({ regression_metrics: {}, binary_classification_metrics: {} })).toThrow(/not valid/);
    expect(() => parseModelQualityStatistics({ version: 0 })).toThrow(/not valid/);
  });
});

describe('label values and metric names like Object.prototype members', () => {
  it('a confusion matrix with classes __proto__ / constructor and a metric named __proto__ round-trip', () => {
    const json = JSON.parse(
      '{"version":0,"multiclass_classification_metrics":{"accuracy":{"value":0.5,"standard_deviation":0.1},' +
        '"__proto__":{"value":0.25,"standard_deviation":0.0},' +
        '"confusion_matrix":{"__proto__":{"__proto__":3,"constructor":1},"constructor":{"__proto__":2,"constructor":4}}}}',
    ) as unknown;
    const stats = parseModelQualityStatistics(json);
    expect(Object.keys(stats.metrics)).toEqual(['accuracy', '__proto__']);
    expect(stats.metrics['__proto__']).toEqual({ value: 0.25, standardDeviation: 0 });
    const back = JSON.parse(formatModelQualityStatistics(stats)) as { multiclass_classification_metrics: Record<string, unknown> };
    const body = back.multiclass_classification_metrics;
    expect(Object.prototype.hasOwnProperty.call(body, '__proto__')).toBe(true);
    expect(body['confusion_matrix']).toEqual(JSON.parse('{"__proto__":{"__proto__":3,"constructor":1},"constructor":{"__proto__":2,"constructor":4}}'));
    expect(Object.keys(body['confusion_matrix'] as object)).toEqual(['__proto__', 'constructor']);
    expect(parseModelQualityStatistics(back).confusionMatrix).toEqual(stats.confusionMatrix);

    const c = parseModelQualityConstraints(JSON.parse('{"version":0,"multiclass_classification_constraints":{"__proto__":{"threshold":0.5,"comparison_operator":"LessThanThreshold"}}}'));
    expect(Object.keys(c.constraints)).toEqual(['__proto__']);
    expect(formatModelQualityConstraints(c)).toContain('"__proto__" : {');
  });
});

describe('model-quality constraints.json and violations', () => {
  for (const which of ['good_cases', 'bad_cases']) {
    it(`${which}/constraints.json parses and formats back byte for byte`, () => {
      const raw = text(join(MQ, which, 'constraints.json'));
      const c = parseModelQualityConstraints(JSON.parse(raw));
      expect(Object.keys(c.constraints)).toEqual(['mae', 'mse', 'rmse', 'r2']);
      expect(c.constraints['r2']?.comparisonOperator).toBe('LessThanThreshold');
      expect(formatModelQualityConstraints(c)).toBe(raw);
    });
  }

  it('lists every constraint problem', () => {
    let err: DriftmonError | undefined;
    try {
      parseModelQualityConstraints({ regression_constraints: { mae: { threshold: 'a', comparison_operator: 'Above' }, mse: [] } });
    } catch (e) {
      err = e as DriftmonError;
    }
    expect(err?.details).toHaveLength(3);
    expect(err?.details[1]).toContain('GreaterThanOrEqualToThreshold');
  });

  it('violations write in the {"violations": [...]} shape and read back', () => {
    const v = [{ metricName: 'mse', constraintCheckType: 'GreaterThanThreshold' as const, description: 'Metric mse with 0.4 was GreaterThanThreshold 0.3' }];
    const out = formatModelQualityViolations(v);
    expect(out).toBe(
      '{\n  "violations" : [ {\n    "constraint_check_type" : "GreaterThanThreshold",\n    "description" : "Metric mse with 0.4 was GreaterThanThreshold 0.3",\n    "metric_name" : "mse"\n  } ]\n}',
    );
    expect(parseModelQualityViolations(JSON.parse(out))).toEqual(v);
    expect(formatModelQualityViolations([])).toBe('{\n  "violations" : [ ]\n}');
    expect(() => parseModelQualityViolations({ violations: [{ metric_name: 'x', constraint_check_type: 'nope' }] })).toThrow(/not valid/);
  });
});
