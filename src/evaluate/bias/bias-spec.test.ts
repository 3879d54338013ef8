/** Spec resolution, Clarify's column-kind rule, value keys, interval text; a window judged against its baseline. */
import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/support/random.js';
import { ErrorCode } from '../../errors.js';
import { parseAnalysisConfig } from '../../sagemaker/analysis-config.js';
import { BiasAccumulator, type BiasRow } from './bias-accumulator.js';
import { checkBiasDrift } from './bias-drift-check.js';
import {
  ColumnKind,
  inferColumnKind,
  intervalText,
  kindsFromAnalysis,
  PredictionSource,
  resolveBiasSpec,
  resolveBiasSpecFromBaseline,
  valueKey,
} from './bias-spec.js';

const CONFIG = parseAnalysisConfig({
  label: 'y',
  label_values_or_threshold: [1],
  facet: [{ name_or_index: 'sex', value_or_threshold: [0] }, { name_or_index: 'age', value_or_threshold: [40] }, { name_or_index: 'city' }],
  group_variable: 'g',
});

describe('column kinds (smclarify series_datatype)', () => {
  it.each([
    [{ numeric: true, float: true, distinct: 2, count: 100 }, undefined, ColumnKind.CONTINUOUS],
    [{ numeric: true, float: false, distinct: 2, count: 100 }, undefined, ColumnKind.CATEGORICAL],
    [{ numeric: true, float: false, distinct: 5, count: 100 }, undefined, ColumnKind.CONTINUOUS],
    [{ numeric: true, float: true, distinct: 50, count: 100 }, [1, 2], ColumnKind.CATEGORICAL],
    [{ numeric: false, float: false, distinct: 50, count: 100 }, undefined, ColumnKind.CATEGORICAL],
  ] as const)('%o with values %o → %s', (summary, values, kind) => {
    expect(inferColumnKind(summary, values as never)).toBe(kind);
  });
});

describe('values and intervals', () => {
  it('value keys normalise numbers and print booleans as Python', () => {
    expect([1, '1', '1.0', 1.5, '1.50', true, 'x', '', null, Number.NaN].map(valueKey)).toEqual([
      '1', '1', '1', '1.5', '1.5', 'True', 'x', undefined, undefined, undefined,
    ]);
  });

  it('interval text as pandas prints it', () => {
    expect(intervalText(0.5, 0.9936148802477393, false)).toBe('(0.5, 0.9936148802477393]');
    expect(intervalText(30, 90, true)).toBe('(30, 90]');
    expect(intervalText(30, 90.5, false)).toBe('(30.0, 90.5]');
    expect(intervalText(0.5, 0.2, false)).toBe('(0.2, 0.5]');
    expect(intervalText(0.5, 0.5, false)).toBe('');
  });

  it('a continuous facet or label needs exactly one numeric threshold', () => {
    const bad = parseAnalysisConfig({ label: 'y', label_values_or_threshold: ['a', 'b'], facet: [{ name_or_index: 'f', value_or_threshold: ['x'] }] });
    expect(() =>
      resolveBiasSpec(bad, { labelKind: ColumnKind.CONTINUOUS, facetKinds: { f: ColumnKind.CONTINUOUS }, predictions: PredictionSource.NONE }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID, details: [expect.stringContaining('label'), expect.stringContaining('facet "f"')] }));
  });
});

describe('facets named like Object.prototype members', () => {
  const config = parseAnalysisConfig({
    label: 'y',
    label_values_or_threshold: [1],
    facet: [{ name_or_index: '__proto__', value_or_threshold: ['a'] }, { name_or_index: 'constructor', value_or_threshold: [40] }, { name_or_index: 'toString' }],
  });

  it('take their kind from facetKinds only, and a baseline analysis keeps them', () => {
    const spec = resolveBiasSpec(config, { labelKind: ColumnKind.CATEGORICAL, facetKinds: {}, predictions: PredictionSource.LABEL });
    expect(spec.facets.map((f) => [f.name, f.kind])).toEqual([
      ['__proto__', ColumnKind.CATEGORICAL],
      ['constructor', ColumnKind.CATEGORICAL],
      ['toString', ColumnKind.CATEGORICAL],
    ]);
    const kinds = Object.create(null) as Record<string, ColumnKind>;
    kinds['__proto__'] = ColumnKind.CATEGORICAL;
    kinds['constructor'] = ColumnKind.CONTINUOUS;
    const withKinds = resolveBiasSpec(config, { labelKind: ColumnKind.CATEGORICAL, facetKinds: kinds, predictions: PredictionSource.LABEL });
    const acc = new BiasAccumulator(withKinds);
    const facets = (p: string, c: number): Record<string, string | number> => {
      const o = Object.create(null) as Record<string, string | number>;
      o['__proto__'] = p;
      o['constructor'] = c;
      o['toString'] = 'x';
      return o;
    };
    for (let i = 0; i < 40; i++) acc.add({ label: i % 2, predictedLabel: i % 3 === 0 ? 1 : 0, facets: facets(i % 4 === 0 ? 'a' : 'b', 20 + i) });
    const analysis = acc.toAnalysis();
    const k = kindsFromAnalysis(analysis).facetKinds;
    expect(Object.keys(k).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(k['__proto__']).toBe(ColumnKind.CATEGORICAL);
    expect(k['constructor']).toBe(ColumnKind.CONTINUOUS);
    expect(resolveBiasSpecFromBaseline(config, analysis, { predictions: PredictionSource.LABEL })).toEqual(withKinds);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('a');
  });
});

describe('a monitor window against its baseline', () => {
  function rows(seed: number, n: number, bias: number): BiasRow[] {
    const r = rng(seed);
    const cities = ['a', 'b', 'c'];
    return Array.from({ length: n }, () => {
      const sex = r.int(2);
      const y = r.next() < 0.5 ? 1 : 0;
      return {
        label: y,
        predictedLabel: r.next() < 0.8 - (sex === 0 ? bias : 0) ? y : 1 - y,
        facets: { sex, age: 18 + 60 * r.next(), city: cities[r.int(3)]! },
        group: r.int(4),
      };
    });
  }

  const baselineSpec = resolveBiasSpec(CONFIG, {
    labelKind: ColumnKind.CATEGORICAL,
    facetKinds: { age: ColumnKind.CONTINUOUS },
    predictions: PredictionSource.LABEL,
  });
  const baselineAcc = new BiasAccumulator(baselineSpec);
  for (const r of rows(1, 5000, 0)) baselineAcc.add(r);
  const baseline = baselineAcc.toAnalysis();

  it('kinds come from the baseline analysis (intervals are continuous)', () => {
    expect(kindsFromAnalysis(baseline)).toEqual({
      labelKind: ColumnKind.CATEGORICAL,
      facetKinds: { sex: ColumnKind.CATEGORICAL, age: ColumnKind.CONTINUOUS, city: ColumnKind.CATEGORICAL },
    });
    const spec = resolveBiasSpecFromBaseline(CONFIG, baseline, { predictions: PredictionSource.LABEL });
    expect(spec).toEqual(baselineSpec);
  });

  it('the baseline rows as a window: nothing violated; a window where the model errs more on sex = 0 violates', () => {
    const spec = resolveBiasSpecFromBaseline(CONFIG, baseline, { predictions: PredictionSource.LABEL });
    const same = new BiasAccumulator(spec);
    for (const r of rows(1, 5000, 0)) same.add(r);
    const sameCheck = checkBiasDrift(same.toAnalysis(), baseline);
    expect(sameCheck.violations).toEqual([]);
    expect(sameCheck.checked).toBeGreaterThan(50);

    const drifted = new BiasAccumulator(spec);
    for (const r of rows(2, 5000, 0.3)) drifted.add(r);
    const v = checkBiasDrift(drifted.toAnalysis(), baseline).violations;
    const onSex = v.filter((x) => x.facet === 'sex').map((x) => x.metricName);
    // accuracy of sex = 0 drops from 0.8 to 0.5: the accuracy and recall/specificity gaps grow
    for (const m of ['AD', 'RD', 'SD']) expect(onSex).toContain(m);
  });
});
