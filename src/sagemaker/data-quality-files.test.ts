import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { KllSketch } from '../sketch/kll/kll-sketch.js';
import { formatConstraints, parseConstraints } from './constraints-file.js';
import {
  CategoricalDriftMethod,
  CheckType,
  ComparisonMethod,
  DEFAULT_MONITORING_CONFIG,
  InferredType,
  OTHER_CATEGORY,
  Toggle,
} from './data-quality-model.js';
import { formatStatistics, parseStatistics } from './statistics-file.js';
import { formatViolations, parseViolations } from './violations-file.js';

const SDK = join(import.meta.dirname, '../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data');
const DQ = join(SDK, 'pipeline/quality_check_step/data_quality');
const read = (p: string): string => readFileSync(p, 'utf8');
const json = (p: string): unknown => JSON.parse(read(p));

function problemsOf(f: () => unknown): DriftmonError {
  try {
    f();
  } catch (e) {
    if (e instanceof DriftmonError) return e;
    throw e;
  }
  throw new Error('expected a DriftmonError');
}

describe('statistics.json', () => {
  it('golden data_quality/statistics.json: parse → format reproduces the file byte for byte', () => {
    const text = read(join(DQ, 'statistics.json'));
    const stats = parseStatistics(JSON.parse(text), 'statistics.json');
    expect(stats.itemCount).toBe(100);
    expect(stats.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2', '_c3', '_c4', '_c5']);
    const c0 = stats.features[0]?.numerical;
    expect(c0?.mean).toBe(2.31);
    expect(c0?.buckets).toHaveLength(10);
    expect(c0?.sketch).toBeInstanceOf(KllSketch);
    expect(c0?.sketch.count).toBe(100);
    expect(c0?.sketch.min).toBe(1);
    expect(c0?.sketch.max).toBe(3);
    expect(formatStatistics(stats)).toBe(text);
  });

  it('monitor/statistics.json (String feature): parses; format keeps every value', () => {
    const raw = json(join(SDK, 'monitor/statistics.json'));
    const stats = parseStatistics(raw);
    expect(stats.itemCount).toBe(418);
    const f = stats.features[0];
    expect(f?.inferredType).toBe(InferredType.STRING);
    expect(f?.string).toEqual({
      numPresent: 418,
      numMissing: 0,
      distinctCount: 1,
      categories: [{ value: 'preproc-not-YET-supported-for-csv-json', count: 418 }],
      categoriesComplete: true,
    });
    // This file is Python-formatted (not the container's layout): value-for-value equality.
    expect(JSON.parse(formatStatistics(stats))).toEqual(raw);
  });

  it("a list ending in driftmon's other bucket reads back as truncated, though its counts sum to num_present", () => {
    const feature = (buckets: Array<{ value: string; count: number }>) => ({
      version: 0,
      dataset: { item_count: 10 },
      features: [
        {
          name: 'c',
          inferred_type: 'String',
          string_statistics: { common: { num_present: 10, num_missing: 0 }, distinct_count: 8, distribution: { categorical: { buckets } } },
        },
      ],
    });
    const truncated = parseStatistics(feature([{ value: 'a', count: 4 }, { value: OTHER_CATEGORY, count: 6 }])).features[0]?.string;
    expect(truncated?.categoriesComplete).toBe(false);
    expect(truncated?.categories).toEqual([{ value: 'a', count: 4 }, { value: OTHER_CATEGORY, count: 6 }]);
    expect(parseStatistics(feature([{ value: 'a', count: 4 }, { value: 'b', count: 6 }])).features[0]?.string?.categoriesComplete).toBe(true);
  });

  it('is lenient: version 0 / absent, unknown keys, NaN strings, integers for doubles', () => {
    const stats = parseStatistics({
      version: 0,
      extra: { anything: true },
      dataset: { item_count: 2, more: 1 },
      features: [
        {
          name: 'x',
          inferred_type: 'integral',
          numerical_statistics: {
            common: { num_present: 0, num_missing: 2 },
            mean: 'NaN',
            sum: 0,
            std_dev: 'NaN',
            min: 'Infinity',
            max: '-Infinity',
            distribution: { kll: { buckets: [], sketch: { parameters: { c: 0.64, k: 2048 }, data: [[]] } } },
          },
        },
        { name: 'u', inferred_type: 'Unknown' },
      ],
    });
    expect(stats.features[0]?.inferredType).toBe(InferredType.INTEGRAL);
    expect(stats.features[0]?.numerical?.mean).toBeNaN();
    expect(stats.features[0]?.numerical?.sketch.count).toBe(0);
    expect(stats.features[1]).toEqual({ name: 'u', inferredType: InferredType.UNKNOWN });
    const { version: _v, ...noVersion } = JSON.parse(formatStatistics(stats)) as Record<string, unknown>;
    expect(parseStatistics(noVersion).features).toHaveLength(2);
  });

  it('lists every problem with its JSON path', () => {
    const e = problemsOf(() =>
      parseStatistics(
        {
          version: 1,
          dataset: { item_count: -1 },
          features: [
            { name: 'a', inferred_type: 'Fractional' },
            {
              name: 'b',
              inferred_type: 'Fractional',
              numerical_statistics: {
                common: { num_present: 'x', num_missing: 0 },
                mean: 1,
                sum: 1,
                std_dev: 0,
                min: 5,
                max: 5,
                distribution: { kll: { buckets: [{ lower_bound: 0, upper_bound: 1 }], sketch: { parameters: { c: 0.64, k: 2048 }, data: [[1, 'y']] } } },
              },
            },
            { name: 'c', inferred_type: 'Text' },
            { name: 'd', inferred_type: 'String', string_statistics: { common: { num_present: 1, num_missing: 0 }, distinct_count: 1, distribution: { categorical: { buckets: [{ count: 1 }] } } } },
            { name: 'a', inferred_type: 'Unknown' },
            'oops',
          ],
        },
        'stats.json',
      ),
    );
    expect(e.code).toBe(ErrorCode.BASELINE_INVALID);
    expect(e.message).toContain('stats.json');
    expect(e.details).toEqual([
      '$.version: unsupported version the number 1; expected 0',
      '$.dataset.item_count: expected a number ≥ 0, got -1',
      '$.features[0].numerical_statistics: missing (expected an object)',
      '$.features[1].numerical_statistics.common.num_present: expected a number, got the string "x"',
      '$.features[1].numerical_statistics.distribution.kll.buckets[0].count: missing (expected a number)',
      '$.features[1].numerical_statistics.distribution.kll.sketch.data[0][1]: expected a number, got the string "y"',
      '$.features[2].inferred_type: unknown inferred_type the string "Text"; expected one of Integral, Fractional, String, Boolean, Unknown',
      '$.features[3].string_statistics.distribution.categorical.buckets[0].value: missing (expected a string)',
      '$.features[4].name: duplicate feature name "a" (also $.features[0])',
      '$.features[5]: expected an object, got the string "oops"',
    ]);
  });

  it('reports a sketch whose items lie outside [min, max]', () => {
    const raw = json(join(DQ, 'statistics.json')) as { features: { numerical_statistics: { min: number } }[] };
    const first = raw.features[0];
    if (first) first.numerical_statistics.min = 2;
    const e = problemsOf(() => parseStatistics(raw));
    expect(e.details).toHaveLength(1);
    expect(e.details[0]).toMatch(/^\$\.features\[0\]\.numerical_statistics\.distribution\.kll\.sketch: .*min 2/);
  });

  it('rejects a root that is not an object', () => {
    expect(problemsOf(() => parseStatistics([])).details).toEqual(['$: expected an object, got an array']);
  });
});

describe('constraints.json', () => {
  it.each(['good_cases', 'bad_cases'])('golden %s/constraints.json: parse → format reproduces the file byte for byte', (dir) => {
    const text = read(join(DQ, dir, 'constraints.json'));
    const c = parseConstraints(JSON.parse(text));
    expect(c.features).toHaveLength(6);
    expect(c.monitoringConfig).toEqual({
      evaluateConstraints: Toggle.ENABLED,
      emitMetrics: Toggle.ENABLED,
      datatypeCheckThreshold: 1,
      domainContentThreshold: 1,
      distributionConstraints: {
        performComparison: Toggle.ENABLED,
        comparisonThreshold: 0.1,
        comparisonMethod: ComparisonMethod.ROBUST,
        categoricalComparisonThreshold: 0.1,
        categoricalDriftMethod: CategoricalDriftMethod.LINFINITY,
      },
    });
    expect(formatConstraints(c)).toBe(text);
  });

  it('legacy monitor/constraints.json parses (legacy keys, SDK-style overrides, defaults)', () => {
    const c = parseConstraints(json(join(SDK, 'monitor/constraints.json')), 'constraints.json');
    expect(c.features).toEqual([
      {
        name: 'message',
        inferredType: InferredType.STRING,
        completeness: 1,
        domains: ['preproc-not-YET-supported-for-csv-json'],
        overrides: { evaluateConstraints: Toggle.ENABLED, emitMetrics: Toggle.ENABLED },
      },
      {
        name: 'second_message',
        inferredType: InferredType.STRING,
        completeness: 1,
        domains: ['preproc-not-YET-supported-for-csv-json'],
      },
    ]);
    expect(c.monitoringConfig).toEqual({
      ...DEFAULT_MONITORING_CONFIG,
      distributionConstraints: {
        ...DEFAULT_MONITORING_CONFIG.distributionConstraints,
        performComparison: Toggle.ENABLED, // from enable_comparisons: true
        comparisonThreshold: 1,
        categoricalComparisonThreshold: 1, // defaults to comparison_threshold
      },
    });
    // Format → parse keeps every value.
    expect(parseConstraints(JSON.parse(formatConstraints(c)))).toEqual(c);
  });

  it('reads all three override spellings (docs one wins) and writes the docs spelling', () => {
    const c = parseConstraints({
      features: [
        {
          name: 'a',
          inferred_type: 'String',
          string_constraints: { monitoring_config_overrides: { evaluate_constraints: 'Disabled', emit_metrics: 'Disabled' } },
          monitoring_config_overrides: { evaluate_constraints: 'Enabled', datatype_check_threshold: 0.5 },
          monitoringConfigOverrides: {
            emit_metrics: 'Enabled',
            distribution_constraints: { comparison_method: 'linf_simple', categorical_drift_method: 'chisquared' },
          },
        },
        { name: 'b', inferred_type: 'Integral', num_constraints: { is_non_negative: false }, monitoringConfigOverrides: {} },
      ],
    });
    expect(c.features[0]?.overrides).toEqual({
      evaluateConstraints: Toggle.ENABLED,
      emitMetrics: Toggle.ENABLED,
      datatypeCheckThreshold: 0.5,
      distributionConstraints: {
        comparisonMethod: ComparisonMethod.SIMPLE,
        categoricalDriftMethod: CategoricalDriftMethod.CHI_SQUARED,
      },
    });
    expect(c.features[1]).toEqual({ name: 'b', inferredType: InferredType.INTEGRAL, isNonNegative: false, overrides: {} });
    expect(c.monitoringConfig).toEqual(DEFAULT_MONITORING_CONFIG);
    const text = formatConstraints(c);
    expect(text).toContain('"monitoringConfigOverrides" : {\n      "evaluate_constraints" : "Enabled"');
    expect(text).toContain('"monitoringConfigOverrides" : { }');
    expect(text).not.toContain('monitoring_config_overrides');
    expect(parseConstraints(JSON.parse(text))).toEqual(c);
  });

  it('writes the categorical keys only when they differ from their defaults (or always, on request)', () => {
    const base = parseConstraints({ features: [], monitoring_config: { distribution_constraints: { comparison_threshold: 0.2 } } });
    expect(formatConstraints(base)).not.toContain('categorical');
    expect(formatConstraints(base, { categoricalKeys: 'always' })).toContain('"categorical_comparison_threshold" : 0.2,\n      "categorical_drift_method" : "LInfinity"');
    const chi = parseConstraints({
      features: [],
      monitoring_config: { distribution_constraints: { categorical_drift_method: 'ChiSquared', categorical_comparison_threshold: 0.05 } },
    });
    const text = formatConstraints(chi);
    expect(text).toContain('"categorical_comparison_threshold" : 0.05');
    expect(text).toContain('"categorical_drift_method" : "ChiSquared"');
    expect(parseConstraints(JSON.parse(text))).toEqual(chi);
  });

  it('lists every problem, with a clear message for an unknown comparison method', () => {
    const e = problemsOf(() =>
      parseConstraints({
        version: '0.0',
        features: [
          { name: '', inferred_type: 'Fractional', completeness: 1.5 },
          { name: 'x', inferred_type: 'String', string_constraints: { domains: ['a', null] }, num_constraints: { is_non_negative: 'yes' } },
        ],
        monitoring_config: {
          evaluate_constraints: 'On',
          datatype_check_threshold: -1,
          distribution_constraints: { comparison_method: 'KS', categorical_drift_method: 'PSI', comparison_threshold: 'high' },
        },
      }),
    );
    expect(e.code).toBe(ErrorCode.BASELINE_INVALID);
    expect(e.details).toEqual([
      '$.features[0].name: must not be empty',
      '$.features[0].completeness: expected a number ≤ 1, got 1.5',
      '$.features[1].num_constraints.is_non_negative: expected true or false, got the string "yes"',
      '$.features[1].string_constraints.domains[1]: expected a string, got null',
      '$.monitoring_config.evaluate_constraints: unknown evaluate_constraints the string "On"; expected one of Enabled, Disabled',
      '$.monitoring_config.datatype_check_threshold: expected a number ≥ 0, got -1',
      '$.monitoring_config.distribution_constraints.comparison_threshold: expected a number, got the string "high"',
      '$.monitoring_config.distribution_constraints.comparison_method: unknown comparison_method the string "KS"; expected one of Simple, Robust',
      '$.monitoring_config.distribution_constraints.categorical_drift_method: unknown categorical_drift_method the string "PSI"; expected one of LInfinity, ChiSquared',
    ]);
  });

  it('requires the features list', () => {
    expect(problemsOf(() => parseConstraints({ version: 0 })).details).toEqual(['$.features: missing (expected an array)']);
  });
});

describe('constraint_violations.json', () => {
  it('monitor/constraint_violations.json: parse → format reproduces the file (but its final newline)', () => {
    const text = read(join(SDK, 'monitor/constraint_violations.json'));
    const v = parseViolations(JSON.parse(text));
    expect(v).toHaveLength(7);
    expect(v[0]).toEqual({
      featureName: 'store_and_fwd_flag',
      constraintCheckType: CheckType.CATEGORICAL_VALUES,
      description: 'Value: 0.009009009009009009 does not meet the constraint requirement! ',
    });
    // The SDK's copy ends with a newline; the container's files (data_quality golden) do not.
    expect(text.endsWith('}\n')).toBe(true);
    expect(formatViolations(v)).toBe(text.slice(0, -1));
  });

  it('formats an empty list and rejects unknown check types', () => {
    expect(formatViolations([])).toBe('{\n  "violations" : [ ]\n}');
    const e = problemsOf(() =>
      parseViolations({ violations: [{ feature_name: 'a', constraint_check_type: 'range_check', description: '' }, {}] }),
    );
    expect(e.details).toEqual([
      '$.violations[0].constraint_check_type: unknown constraint_check_type the string "range_check"; expected one of data_type_check, completeness_check, baseline_drift_check, missing_column_check, extra_column_check, categorical_values_check',
      '$.violations[1].feature_name: missing (expected a string)',
      '$.violations[1].constraint_check_type: missing (expected one of data_type_check, completeness_check, baseline_drift_check, missing_column_check, extra_column_check, categorical_values_check)',
    ]);
  });
});
