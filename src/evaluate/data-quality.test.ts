import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalSamples } from '../../test/support/random.js';
import { parseConstraints } from '../sagemaker/constraints-file.js';
import {
  CHECK_TYPES,
  CategoricalDriftMethod,
  CheckType,
  ComparisonMethod,
  InferredType,
  SUGGESTED_MONITORING_CONFIG,
  Toggle,
  type Constraints,
  type DatasetStatistics,
  type FeatureConstraints,
  type FeatureStatistics,
  type MonitoringConfig,
  type MonitoringConfigOverrides,
  type TypeCounts,
} from '../sagemaker/data-quality-model.js';
import { parseStatistics } from '../sagemaker/statistics-file.js';
import { chiSquared, countsFromCategories, jensenShannonCategorical, linfCategorical, psiCategorical } from './categorical-distance.js';
import { DriftMethod, effectiveMonitoringConfig, evaluateDataQuality } from './data-quality.js';
import { jensenShannon, ksPValue, linfRobust, linfSimple, psi, wassersteinNormalized } from './distance.js';
import { formatObservedPercent } from '../sagemaker/java-double.js';
import { ExactSketch } from './test-support/exact-sketch.js';

// ---------------------------------------------------------------------------------------------
// Builders

function numFeature(
  name: string,
  values: ArrayLike<number>,
  opts: { missing?: number; type?: InferredType; typeCounts?: TypeCounts } = {},
): FeatureStatistics {
  const sketch = ExactSketch.of(values);
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  return {
    name,
    inferredType: opts.type ?? InferredType.FRACTIONAL,
    numerical: {
      numPresent: n,
      numMissing: opts.missing ?? 0,
      mean,
      sum,
      stdDev: n > 0 ? Math.sqrt(ss / n) : NaN,
      min: sketch.min,
      max: sketch.max,
      buckets: [],
      sketch,
    },
    ...(opts.typeCounts === undefined ? {} : { typeCounts: opts.typeCounts }),
  };
}

function strFeature(name: string, cats: Record<string, number>, missing = 0): FeatureStatistics {
  const categories = Object.entries(cats)
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count);
  const present = categories.reduce((s, c) => s + c.count, 0);
  return {
    name,
    inferredType: InferredType.STRING,
    string: { numPresent: present, numMissing: missing, distinctCount: categories.length, categories, categoriesComplete: true },
  };
}

const dataset = (...features: FeatureStatistics[]): DatasetStatistics => ({
  itemCount: Math.max(
    0,
    ...features.map((f) => {
      const c = f.numerical ?? f.string;
      return c === undefined ? 0 : c.numPresent + c.numMissing;
    }),
  ),
  features,
});

function constraint(
  name: string,
  inferredType: InferredType,
  extra: Partial<Omit<FeatureConstraints, 'name' | 'inferredType'>> = {},
): FeatureConstraints {
  return { name, inferredType, ...extra };
}

function config(patch: MonitoringConfigOverrides = {}): MonitoringConfig {
  return effectiveMonitoringConfig(SUGGESTED_MONITORING_CONFIG, patch);
}

const constraints = (features: FeatureConstraints[], patch: MonitoringConfigOverrides = {}): Constraints => ({
  features,
  monitoringConfig: config(patch),
});

const tc = (p: Partial<TypeCounts>): TypeCounts => ({ integral: 0, fractional: 0, boolean: 0, string: 0, missing: 0, ...p });

const checksOf = (violations: { featureName: string; constraintCheckType: string }[]): string[] =>
  violations.map((v) => `${v.featureName}:${v.constraintCheckType}`);

/** Recursively true when no number in the value is NaN or ±Infinity. */
function allFinite(x: unknown): boolean {
  if (typeof x === 'number') return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(allFinite);
  if (x !== null && typeof x === 'object') return Object.values(x).every(allFinite);
  return true;
}

// ---------------------------------------------------------------------------------------------

describe('data_type_check', () => {
  const ints = [1, 2, 3];

  it('fires exactly when the matching fraction of non-null values is below datatype_check_threshold', () => {
    const counts = tc({ integral: 996, fractional: 4, missing: 50 });
    const cur = dataset(numFeature('x', ints, { type: InferredType.FRACTIONAL, typeCounts: counts }));
    const ratio = 996 / 1000;
    const fired = evaluateDataQuality(cur, undefined, constraints([constraint('x', InferredType.INTEGRAL)]));
    expect(checksOf(fired.violations)).toEqual(['x:data_type_check']);
    expect(fired.features[0]?.typeMatch).toBe(ratio);
    expect(fired.violations[0]?.description).toBe(
      `Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. ` +
        `Observed: Only ${formatObservedPercent(ratio)}% of data is Integral.`,
    );
    const atThreshold = evaluateDataQuality(
      cur,
      undefined,
      constraints([constraint('x', InferredType.INTEGRAL)], { datatypeCheckThreshold: ratio }),
    );
    expect(atThreshold.violations).toEqual([]);
  });

  it('counts Integral values as matching an expected Fractional type (decision), not the reverse', () => {
    const counts = tc({ integral: 30, fractional: 70 });
    const cur = dataset(numFeature('x', ints, { typeCounts: counts }));
    expect(evaluateDataQuality(cur, undefined, constraints([constraint('x', InferredType.FRACTIONAL)])).violations).toEqual([]);
    const asIntegral = evaluateDataQuality(cur, undefined, constraints([constraint('x', InferredType.INTEGRAL)]));
    expect(asIntegral.features[0]?.typeMatch).toBe(0.3);
    expect(checksOf(asIntegral.violations)).toEqual(['x:data_type_check']);
  });

  it('Boolean matches only Boolean; String matches only String', () => {
    const bools = dataset(numFeature('b', ints, { type: InferredType.STRING, typeCounts: tc({ boolean: 9, integral: 1 }) }));
    const r = evaluateDataQuality(bools, undefined, constraints([constraint('b', InferredType.BOOLEAN)]));
    expect(r.features[0]?.typeMatch).toBe(0.9);
    expect(checksOf(r.violations)).toEqual(['b:data_type_check']);
    const numericUnderString = dataset(numFeature('s', ints, { typeCounts: tc({ integral: 5, fractional: 5 }) }));
    const s = evaluateDataQuality(numericUnderString, undefined, constraints([constraint('s', InferredType.STRING)]));
    expect(s.features[0]?.typeMatch).toBe(0);
    expect(checksOf(s.violations)).toEqual(['s:data_type_check']);
  });

  it('without typeCounts uses the inferred type (1 or 0)', () => {
    const cur = dataset(numFeature('x', ints, { type: InferredType.INTEGRAL }), strFeature('y', { a: 3 }));
    const r = evaluateDataQuality(
      cur,
      undefined,
      constraints([constraint('x', InferredType.FRACTIONAL), constraint('y', InferredType.INTEGRAL)]),
    );
    expect(r.features.map((f) => f.typeMatch)).toEqual([1, 0]);
    expect(checksOf(r.violations)).toEqual(['y:data_type_check']);
    expect(r.violations[0]?.description).toContain('Observed: Only 0.0% of data is Integral.');
  });

  it('is skipped for an expected Unknown type and for a current feature without non-null values', () => {
    const cur = dataset(
      numFeature('u', ints, { type: InferredType.STRING, typeCounts: tc({ string: 3 }) }),
      numFeature('empty', [], { typeCounts: tc({ missing: 10 }) }),
    );
    const r = evaluateDataQuality(
      cur,
      undefined,
      constraints([constraint('u', InferredType.UNKNOWN), constraint('empty', InferredType.INTEGRAL)]),
    );
    expect(r.violations).toEqual([]);
    expect(r.features.map((f) => f.typeMatch)).toEqual([null, null]);
  });
});

describe('completeness_check', () => {
  it('fires exactly when current completeness < the feature completeness', () => {
    const cur = dataset(numFeature('x', Array.from({ length: 99 }, (_, i) => i), { missing: 1 }));
    const fire = evaluateDataQuality(cur, undefined, constraints([constraint('x', InferredType.FRACTIONAL, { completeness: 1 })]));
    expect(checksOf(fire.violations)).toEqual(['x:completeness_check']);
    expect(fire.violations[0]?.description).toBe(
      `Data completeness requirement is not met. Expected completeness: 100.0%. Observed: Only ${formatObservedPercent(0.99)}% of data is complete.`,
    );
    const equal = evaluateDataQuality(cur, undefined, constraints([constraint('x', InferredType.FRACTIONAL, { completeness: 0.99 })]));
    expect(equal.violations).toEqual([]);
    const none = evaluateDataQuality(cur, undefined, constraints([constraint('x', InferredType.FRACTIONAL)]));
    expect(none.violations).toEqual([]);
    expect(none.features[0]?.completeness).toBe(0.99);
  });

  it('uses typeCounts when present, and treats an all-null Unknown feature as completeness 0', () => {
    const withCounts = numFeature('x', [1, 2], { missing: 0, typeCounts: tc({ integral: 2, missing: 2 }) });
    const unknown: FeatureStatistics = { name: 'u', inferredType: InferredType.UNKNOWN };
    const cur: DatasetStatistics = { itemCount: 4, features: [withCounts, unknown] };
    const r = evaluateDataQuality(
      cur,
      undefined,
      constraints([
        constraint('x', InferredType.INTEGRAL, { completeness: 0.5 }),
        constraint('u', InferredType.INTEGRAL, { completeness: 0.1 }),
      ]),
    );
    expect(r.features.map((f) => f.completeness)).toEqual([0.5, 0]);
    expect(checksOf(r.violations)).toEqual(['u:completeness_check']);
  });
});

describe('baseline_drift_check (numerical)', () => {
  const baseValues = normalSamples(101, 2000);
  const curValues = normalSamples(102, 800, 0.3, 1);
  const base = dataset(numFeature('x', baseValues));
  const cur = dataset(numFeature('x', curValues));
  const simple = linfSimple(ExactSketch.of(baseValues), ExactSketch.of(curValues));
  const robust = linfRobust(simple, 2000, 800);
  const run = (patch: MonitoringConfigOverrides) =>
    evaluateDataQuality(cur, base, constraints([constraint('x', InferredType.FRACTIONAL)], patch));
  const dc = (p: Partial<MonitoringConfig['distributionConstraints']>): MonitoringConfigOverrides => ({
    distributionConstraints: p,
  });

  it('Robust (default): fires exactly when linf_robust > comparison_threshold', () => {
    expect(robust).toBeGreaterThan(0.05);
    const fired = run(dc({ comparisonThreshold: robust - 1e-9 }));
    expect(checksOf(fired.violations)).toEqual(['x:baseline_drift_check']);
    const drift = fired.features[0]?.drift;
    expect(drift?.method).toBe(DriftMethod.LINF_ROBUST);
    expect(drift?.distance).toBe(robust);
    expect(drift?.linfSimple).toBe(simple);
    expect(drift?.checked).toBe(true);
    // AWS's tooling parses the distance with /distance: (.+) exceeds/.
    const m = /distance: (.+) exceeds/.exec(fired.violations[0]?.description ?? '');
    expect(Number(m?.[1])).toBe(robust);
    expect(fired.violations[0]?.description).toMatch(/^Numerical distance: \S+ exceeds numerical threshold: \S+$/);
    expect(run(dc({ comparisonThreshold: robust })).violations).toEqual([]);
  });

  it('Simple: fires exactly when linf_simple > comparison_threshold', () => {
    const fired = run(dc({ comparisonMethod: ComparisonMethod.SIMPLE, comparisonThreshold: simple - 1e-9 }));
    expect(checksOf(fired.violations)).toEqual(['x:baseline_drift_check']);
    expect(fired.features[0]?.drift?.method).toBe(DriftMethod.LINF_SIMPLE);
    expect(fired.features[0]?.drift?.distance).toBe(simple);
    expect(run(dc({ comparisonMethod: ComparisonMethod.SIMPLE, comparisonThreshold: simple })).violations).toEqual([]);
  });

  it('robust c_α can be changed through options', () => {
    const r = evaluateDataQuality(cur, base, constraints([constraint('x', InferredType.FRACTIONAL)]), { robust: { alpha: 0.05 } });
    expect(r.features[0]?.drift?.distance).toBe(linfRobust(simple, 2000, 800, { alpha: 0.05 }));
  });

  it('reports psi, jensenShannon, wassersteinNormalized and ksPValue equal to the distance functions', () => {
    const r = run({});
    const b = ExactSketch.of(baseValues);
    const c = ExactSketch.of(curValues);
    const sd = base.features[0]?.numerical?.stdDev;
    expect(r.features[0]?.metrics).toEqual({
      psi: psi(b, c),
      jensenShannon: jensenShannon(b, c),
      wassersteinNormalized: wassersteinNormalized(b, c, sd),
      ksPValue: ksPValue(simple, 2000, 800),
    });
  });

  it('is skipped without baseline statistics, and with perform_comparison Disabled', () => {
    const noBase = evaluateDataQuality(cur, undefined, constraints([constraint('x', InferredType.FRACTIONAL)], dc({ comparisonThreshold: 0 })));
    expect(noBase.violations).toEqual([]);
    expect(noBase.features[0]?.drift).toBeNull();
    const disabled = run(dc({ comparisonThreshold: 0, performComparison: Toggle.DISABLED }));
    expect(disabled.violations).toEqual([]);
    expect(disabled.features[0]?.drift?.checked).toBe(false);
    expect(disabled.features[0]?.drift?.breached).toBe(true);
  });
});

describe('baseline_drift_check (categorical)', () => {
  const baseCats = { a: 500, b: 300, c: 200 };
  const curCats = { a: 30, b: 40, c: 20, d: 10 };
  const base = dataset(strFeature('s', baseCats));
  const cur = dataset(strFeature('s', curCats));
  const bc = countsFromCategories(base.features[0]?.string?.categories ?? []);
  const cc = countsFromCategories(cur.features[0]?.string?.categories ?? []);
  const simple = linfCategorical(bc, cc);
  const run = (p: Partial<MonitoringConfig['distributionConstraints']>) =>
    evaluateDataQuality(cur, base, constraints([constraint('s', InferredType.STRING)], { distributionConstraints: p }));

  it('LInfinity compares against categorical_comparison_threshold (not comparison_threshold)', () => {
    const robust = linfRobust(simple, 1000, 100);
    expect(robust).toBeGreaterThan(0);
    const fired = run({ categoricalComparisonThreshold: robust - 1e-9, comparisonThreshold: 10 });
    expect(checksOf(fired.violations)).toEqual(['s:baseline_drift_check']);
    expect(fired.violations[0]?.description).toMatch(/^Categorical distance: \S+ exceeds categorical threshold: \S+$/);
    expect(Number(/distance: (.+) exceeds/.exec(fired.violations[0]?.description ?? '')?.[1])).toBe(robust);
    expect(run({ categoricalComparisonThreshold: robust, comparisonThreshold: 0 }).violations).toEqual([]);
    const simpleRun = run({ comparisonMethod: ComparisonMethod.SIMPLE, categoricalComparisonThreshold: simple - 1e-9 });
    expect(simpleRun.features[0]?.drift?.distance).toBe(simple);
    expect(checksOf(simpleRun.violations)).toEqual(['s:baseline_drift_check']);
    expect(simpleRun.features[0]?.metrics).toEqual({
      psi: psiCategorical(bc, cc),
      jensenShannon: jensenShannonCategorical(bc, cc),
      wassersteinNormalized: null,
      ksPValue: null,
    });
  });

  it('ChiSquared fires exactly when the p-value < categorical_comparison_threshold (decision)', () => {
    const { pValue, statistic, degreesOfFreedom } = chiSquared(bc, cc);
    expect(pValue).toBeGreaterThan(0);
    const base = { categoricalDriftMethod: CategoricalDriftMethod.CHI_SQUARED };
    const fired = run({ ...base, categoricalComparisonThreshold: pValue * 1.0001 });
    expect(checksOf(fired.violations)).toEqual(['s:baseline_drift_check']);
    expect(fired.features[0]?.drift).toMatchObject({
      method: DriftMethod.CHI_SQUARED,
      distance: pValue,
      chiSquared: { statistic, degreesOfFreedom, pValue },
    });
    expect(fired.violations[0]?.description).toContain('ChiSquared p-value');
    expect(run({ ...base, categoricalComparisonThreshold: pValue }).violations).toEqual([]);
  });
});

describe('missing_column_check and extra_column_check', () => {
  it('flag constrained features absent from the current data and current features without constraints', () => {
    const cur = dataset(numFeature('a', [1, 2]), numFeature('extra', [3]));
    const r = evaluateDataQuality(
      cur,
      undefined,
      constraints([constraint('a', InferredType.FRACTIONAL), constraint('gone', InferredType.INTEGRAL, { completeness: 1 })]),
    );
    expect(checksOf(r.violations)).toEqual(['extra:extra_column_check', 'gone:missing_column_check']);
    expect(r.features.map((f) => f.name)).toEqual(['a', 'gone', 'extra']);
    const gone = r.features[1];
    expect(gone?.currentType).toBeNull();
    expect(gone?.completeness).toBeNull();
  });
});

describe('categorical_values_check', () => {
  const cur = dataset(strFeature('s', { a: 90, b: 5, c: 5 }));

  it('fires exactly when the share of values inside the domains < domain_content_threshold', () => {
    const fc = [constraint('s', InferredType.STRING, { domains: ['a', 'b'] })];
    const fired = evaluateDataQuality(cur, undefined, constraints(fc));
    expect(checksOf(fired.violations)).toEqual(['s:categorical_values_check']);
    expect(fired.features[0]?.domainShare).toBe(0.95);
    expect(evaluateDataQuality(cur, undefined, constraints(fc, { domainContentThreshold: 0.95 })).violations).toEqual([]);
    const noDomains = evaluateDataQuality(cur, undefined, constraints([constraint('s', InferredType.STRING)]));
    expect(noDomains.violations).toEqual([]);
  });
});

describe('monitoring_config toggles and per-feature overrides', () => {
  const badType = numFeature('x', [1, 2], { typeCounts: tc({ string: 2 }) });
  const base = dataset(numFeature('x', [0, 0.1, 0.2]));
  const cur = dataset(badType, numFeature('extra', [1]));
  const fc = (overrides?: MonitoringConfigOverrides): FeatureConstraints[] => [
    constraint('x', InferredType.FRACTIONAL, overrides === undefined ? {} : { overrides }),
    constraint('gone', InferredType.FRACTIONAL),
  ];
  const zeroDrift: MonitoringConfigOverrides = { distributionConstraints: { comparisonThreshold: 0, comparisonMethod: ComparisonMethod.SIMPLE } };

  it('all checks fire with everything Enabled', () => {
    const r = evaluateDataQuality(cur, base, constraints(fc(), zeroDrift));
    expect(checksOf(r.violations)).toEqual([
      'extra:extra_column_check',
      'gone:missing_column_check',
      'x:data_type_check',
      'x:baseline_drift_check',
    ]);
  });

  it('global evaluate_constraints Disabled suppresses every violation; a feature override can re-enable one', () => {
    const off = { ...zeroDrift, evaluateConstraints: Toggle.DISABLED };
    expect(evaluateDataQuality(cur, base, constraints(fc(), off)).violations).toEqual([]);
    const r = evaluateDataQuality(cur, base, constraints(fc({ evaluateConstraints: Toggle.ENABLED }), off));
    expect(checksOf(r.violations)).toEqual(['x:data_type_check', 'x:baseline_drift_check']);
  });

  it('a feature override evaluate_constraints Disabled silences that feature only', () => {
    const r = evaluateDataQuality(cur, base, constraints(fc({ evaluateConstraints: Toggle.DISABLED }), zeroDrift));
    expect(checksOf(r.violations)).toEqual(['extra:extra_column_check', 'gone:missing_column_check']);
    // Metrics are still computed for the silenced feature.
    expect(r.features[0]?.typeMatch).toBe(0);
    expect(r.features[0]?.drift?.checked).toBe(false);
  });

  it('perform_comparison Disabled (global or override) suppresses only the drift check', () => {
    const globalOff = evaluateDataQuality(
      cur,
      base,
      constraints(fc(), { distributionConstraints: { ...zeroDrift.distributionConstraints, performComparison: Toggle.DISABLED } }),
    );
    expect(checksOf(globalOff.violations)).toEqual(['extra:extra_column_check', 'gone:missing_column_check', 'x:data_type_check']);
    const overrideOff = evaluateDataQuality(
      cur,
      base,
      constraints(fc({ distributionConstraints: { performComparison: Toggle.DISABLED } }), zeroDrift),
    );
    expect(checksOf(overrideOff.violations)).toEqual(globalOff.violations.map((v) => `${v.featureName}:${v.constraintCheckType}`));
  });

  it('override thresholds are merged over the global ones', () => {
    const r = evaluateDataQuality(
      cur,
      base,
      constraints(fc({ datatypeCheckThreshold: 0, distributionConstraints: { comparisonThreshold: 1 } }), zeroDrift),
    );
    expect(checksOf(r.violations)).toEqual(['extra:extra_column_check', 'gone:missing_column_check']);
    expect(r.features[0]?.drift?.threshold).toBe(1);
    expect(r.features[0]?.drift?.method).toBe(DriftMethod.LINF_SIMPLE);
    const merged = effectiveMonitoringConfig(SUGGESTED_MONITORING_CONFIG, { emitMetrics: Toggle.DISABLED, distributionConstraints: { comparisonThreshold: 0.3 } });
    expect(merged).toEqual({
      ...SUGGESTED_MONITORING_CONFIG,
      emitMetrics: Toggle.DISABLED,
      distributionConstraints: { ...SUGGESTED_MONITORING_CONFIG.distributionConstraints, comparisonThreshold: 0.3 },
    });
  });
});

describe('ordering and NaN safety', () => {
  it('sorts violations by feature name then check type (CHECK_TYPES order)', () => {
    const cur = dataset(
      numFeature('b', [1], { missing: 1, typeCounts: tc({ string: 1, missing: 1 }) }),
      numFeature('a', [1], { missing: 1, typeCounts: tc({ string: 1, missing: 1 }) }),
      numFeature('_c10', [1]),
      numFeature('_c2', [1]),
    );
    const fc = ['b', 'a'].map((n) => constraint(n, InferredType.INTEGRAL, { completeness: 1 }));
    const r = evaluateDataQuality(cur, undefined, constraints(fc));
    const sorted = [...r.violations].sort(
      (x, y) =>
        (x.featureName < y.featureName ? -1 : x.featureName > y.featureName ? 1 : 0) ||
        CHECK_TYPES.indexOf(x.constraintCheckType) - CHECK_TYPES.indexOf(y.constraintCheckType),
    );
    expect(r.violations).toEqual(sorted);
    expect(checksOf(r.violations)).toEqual([
      '_c10:extra_column_check',
      '_c2:extra_column_check',
      'a:data_type_check',
      'a:completeness_check',
      'b:data_type_check',
      'b:completeness_check',
    ]);
  });

  it('empty features and empty datasets give nulls, never NaN, and no spurious violations', () => {
    const emptyNum = numFeature('x', []);
    const emptyStr = strFeature('s', {});
    const cur: DatasetStatistics = { itemCount: 0, features: [emptyNum, emptyStr] };
    const base = dataset(numFeature('x', [1, 2, 3]), strFeature('s', { a: 1 }));
    const r = evaluateDataQuality(
      cur,
      base,
      constraints(
        [
          constraint('x', InferredType.FRACTIONAL, { completeness: 1 }),
          constraint('s', InferredType.STRING, { completeness: 1, domains: ['a'] }),
        ],
        { distributionConstraints: { comparisonThreshold: 0, categoricalComparisonThreshold: 0 } },
      ),
    );
    expect(r.violations).toEqual([]);
    for (const f of r.features) {
      expect(f.drift).toBeNull();
      expect(f.completeness).toBeNull();
    }
    expect(allFinite(r)).toBe(true);
  });

  it('ChiSquared with fewer than 2 categories reports null and does not fire', () => {
    const base = dataset(strFeature('s', { a: 10 }));
    const cur = dataset(strFeature('s', { a: 5, b: 5 }));
    const r = evaluateDataQuality(
      cur,
      base,
      constraints([constraint('s', InferredType.STRING)], {
        distributionConstraints: { categoricalDriftMethod: CategoricalDriftMethod.CHI_SQUARED, categoricalComparisonThreshold: 1 },
      }),
    );
    expect(r.violations).toEqual([]);
    expect(r.features[0]?.drift?.distance).toBeNull();
    expect(allFinite(r)).toBe(true);
  });
});

describe('SageMaker golden files', () => {
  const fixture = (path: string): unknown =>
    JSON.parse(
      readFileSync(
        fileURLToPath(new URL(`../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/${path}`, import.meta.url)),
        'utf8',
      ),
    );
  const dq = 'pipeline/quality_check_step/data_quality';

  it('quality_check_step statistics vs bad_cases constraints: exactly one data_type_check, for _c5', () => {
    const stats = parseStatistics(fixture(`${dq}/statistics.json`));
    const r = evaluateDataQuality(stats, stats, parseConstraints(fixture(`${dq}/bad_cases/constraints.json`)));
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ featureName: '_c5', constraintCheckType: CheckType.DATA_TYPE });
    expect(r.violations[0]?.description).toBe(
      'Data type match requirement is not met. Expected data type: String, Expected match: 100.0%. Observed: Only 0.0% of data is String.',
    );
    // Same sketches on both sides: every drift distance is 0.
    for (const f of r.features) {
      expect(f.drift?.distance).toBe(0);
      expect(f.drift?.checked).toBe(true);
    }
  });

  it('quality_check_step statistics vs good_cases constraints: no violation', () => {
    const stats = parseStatistics(fixture(`${dq}/statistics.json`));
    const r = evaluateDataQuality(stats, stats, parseConstraints(fixture(`${dq}/good_cases/constraints.json`)));
    expect(r.violations).toEqual([]);
    expect(r.features).toHaveLength(6);
    expect(allFinite(r)).toBe(true);
  });

  it('legacy monitor/constraints.json loads and evaluates against monitor/statistics.json', () => {
    const stats = parseStatistics(fixture('monitor/statistics.json'));
    const cons = parseConstraints(fixture('monitor/constraints.json'));
    const r = evaluateDataQuality(stats, stats, cons);
    // `second_message` is constrained but not in the statistics; `message` passes every check.
    expect(checksOf(r.violations)).toEqual(['second_message:missing_column_check']);
    const message = r.features.find((f) => f.name === 'message');
    expect(message?.domainShare).toBe(1);
    expect(message?.drift?.distance).toBe(0);
    expect(allFinite(r)).toBe(true);
  });
});
