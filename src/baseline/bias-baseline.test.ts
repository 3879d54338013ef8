/** The bias baseline job on generated datasets: formats, column kinds, post-training sources, bad configs. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { ErrorCode } from '../errors.js';
import { parseAnalysisConfig } from '../sagemaker/analysis-config.js';
import { parseBiasAnalysisText } from '../sagemaker/analysis-json.js';
import { BiasAccumulator } from '../evaluate/bias/bias-accumulator.js';
import { BiasMetricError } from '../evaluate/bias/bias-metrics.js';
import { flipTest } from '../evaluate/bias/flip-test.js';
import { ColumnKind, PredictionSource, resolveBiasSpec } from '../evaluate/bias/bias-spec.js';
import { buildBiasBaseline, writeBiasBaseline } from './bias-baseline.js';

interface Row {
  y: number;
  sex: number;
  age: number;
  score: number;
  pred: number;
  g: string;
}

const HEADERS = ['y', 'sex', 'age', 'score', 'pred', 'g'] as const;

function rows(seed: number, n: number): Row[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const score = r.next();
    return {
      y: r.next() < 0.4 ? 1 : 0,
      sex: r.int(3),
      age: Math.round((18 + 60 * r.next()) * 100) / 100,
      score,
      pred: score > 0.5 ? 1 : 0,
      g: `g${r.int(5)}`,
    };
  });
}

const dir = (): string => mkdtempSync(join(tmpdir(), 'driftmon-bias-baseline-'));
const csv = (data: readonly Row[], header: boolean): string =>
  (header ? `${HEADERS.join(',')}\n` : '') + data.map((x) => HEADERS.map((h) => x[h]).join(',')).join('\n') + '\n';

const CONFIG = {
  headers: [...HEADERS],
  label: 'y',
  label_values_or_threshold: [1],
  facet: [{ name_or_index: 'sex', value_or_threshold: [1] }, { name_or_index: 'age', value_or_threshold: [40] }],
  group_variable: 'g',
};

describe('buildBiasBaseline', () => {
  const data = rows(5, 400);

  it('CSV with a header, headerless CSV (config headers) and JSON Lines give the same analysis', async () => {
    const d = dir();
    writeFileSync(join(d, 'h.csv'), csv(data, true));
    writeFileSync(join(d, 'n.csv'), csv(data, false));
    writeFileSync(join(d, 'd.jsonl'), data.map((x) => JSON.stringify(x)).join('\n'));
    const config = parseAnalysisConfig(CONFIG);
    const [h, n, j] = await Promise.all(['h.csv', 'n.csv', 'd.jsonl'].map((f) => buildBiasBaseline({ input: join(d, f), config })));
    expect(n!.analysis).toEqual(h!.analysis);
    expect(j!.analysis).toEqual(h!.analysis);
    expect(h!.rows).toBe(400);
    // integer label with 2 distinct values: categorical; sex (3 distinct / 400 < 5 %): categorical; age (float): continuous
    expect(h!.spec.labelKind).toBe(ColumnKind.CATEGORICAL);
    expect(h!.spec.facets.map((f) => f.kind)).toEqual([ColumnKind.CATEGORICAL, ColumnKind.CONTINUOUS]);
    const maxAge = Math.max(...data.map((x) => x.age));
    expect(h!.analysis.preTraining?.facets.map((f) => f.values.map((v) => v.valueOrThreshold))).toEqual([['1'], [`(40.0, ${maxAge}]`]]);
    expect(h!.analysis.postTraining).toBeUndefined();
  });

  it('facet columns named __proto__ and constructor are read like any other column', async () => {
    const d = dir();
    const renamed = (h: string): string => (h === 'sex' ? '__proto__' : h === 'age' ? 'constructor' : h);
    writeFileSync(join(d, 'p.csv'), `${HEADERS.map(renamed).join(',')}\n` + csv(data, false));
    writeFileSync(join(d, 'h.csv'), csv(data, true));
    const protoConfig = parseAnalysisConfig({
      ...CONFIG,
      headers: HEADERS.map(renamed),
      facet: [{ name_or_index: '__proto__', value_or_threshold: [1] }, { name_or_index: 'constructor', value_or_threshold: [40] }],
    });
    const p = await buildBiasBaseline({ input: join(d, 'p.csv'), config: protoConfig, predictedLabel: 'pred' });
    const h = await buildBiasBaseline({ input: join(d, 'h.csv'), config: parseAnalysisConfig(CONFIG), predictedLabel: 'pred' });
    expect(p.spec.facets.map((f) => [f.name, f.kind])).toEqual([['__proto__', ColumnKind.CATEGORICAL], ['constructor', ColumnKind.CONTINUOUS]]);
    const names = (a: typeof p.analysis): string => JSON.stringify(a).replaceAll('"__proto__"', '"sex"').replaceAll('"constructor"', '"age"');
    expect(names(p.analysis)).toBe(JSON.stringify(h.analysis));
  });

  it('post-training from a predicted-label column or a probability column equals the accumulator fed the rows', async () => {
    const d = dir();
    writeFileSync(join(d, 'h.csv'), csv(data, true));
    const config = parseAnalysisConfig({ ...CONFIG, probability_threshold: 0.5 });
    const byLabel = await buildBiasBaseline({ input: join(d, 'h.csv'), config, predictedLabel: 'pred' });
    const byScore = await buildBiasBaseline({ input: join(d, 'h.csv'), config, probabilityAttribute: 'score' });
    // pred = score > 0.5, so both sources give the same predictions
    expect(byScore.analysis.postTraining).toEqual(byLabel.analysis.postTraining);
    const spec = resolveBiasSpec(config, {
      labelKind: ColumnKind.CATEGORICAL,
      facetKinds: { age: ColumnKind.CONTINUOUS },
      predictions: PredictionSource.LABEL,
      flipTest: true,
      maxFacetValues: Number.MAX_SAFE_INTEGER,
      maxGroups: Number.MAX_SAFE_INTEGER,
    });
    const acc = new BiasAccumulator(spec);
    for (const x of data) acc.add({ label: x.y, predictedLabel: x.pred, facets: { sex: x.sex, age: x.age }, group: x.g });
    const ftAsError = { flipTest: () => { throw new BiasMetricError('FlipTest does not support non-numeric columns'); } };
    expect(byLabel.analysis).toEqual(acc.toAnalysis(ftAsError));
    expect(byLabel.analysis.postTraining?.facets[0]?.values[0]?.metrics.map((m) => m.name)).toEqual([
      'AD', 'CDDPL', 'DAR', 'DCA', 'DCR', 'DI', 'DPPL', 'DRR', 'FT', 'GE', 'RD', 'SD', 'TE',
    ]);
    // FT: the group column g holds text, which Clarify's flip test refuses
    expect(byLabel.analysis.postTraining?.facets[0]?.values[0]?.metrics.find((m) => m.name === 'FT')).toMatchObject({
      value: null,
      error: 'FlipTest does not support non-numeric columns',
    });
    const out = await writeBiasBaseline(join(d, 'out'), byLabel.analysis);
    expect(parseBiasAnalysisText(readFileSync(out, 'utf8'))).toEqual(byLabel.analysis);
  });

  it('FT on numeric features (all columns but label, prediction and facet) equals flipTest on those rows', async () => {
    const d = dir();
    const numeric = data.map((x) => ({ ...x, g: x.g.slice(1) }));
    writeFileSync(join(d, 'h.csv'), csv(numeric, true));
    const config = parseAnalysisConfig({ ...CONFIG, methods: { post_training_bias: { methods: ['FT', 'DI'] } } });
    const r = await buildBiasBaseline({ input: join(d, 'h.csv'), config, predictedLabel: 'pred' });
    const facets = r.analysis.postTraining?.facets ?? [];
    expect(facets[0]?.values[0]?.metrics.map((m) => m.name)).toEqual(['DI', 'FT']);
    const pred = numeric.map((x) => x.pred === 1);
    // facet sex = 1: features age, score, g; facet age > 40: features sex, score, g
    const bySex = flipTest(numeric.map((x) => Float64Array.of(x.age, x.score, Number(x.g))), numeric.map((x) => x.sex === 1), pred);
    const byAge = flipTest(numeric.map((x) => Float64Array.of(x.sex, x.score, Number(x.g))), numeric.map((x) => x.age > 40), pred);
    expect(bySex).not.toBe(0);
    expect(facets[0]?.values[0]?.metrics[1]?.value).toBe(bySex);
    expect(facets[1]?.values[0]?.metrics[1]?.value).toBe(byAge);
  });

  it('a continuous label (one threshold, float column) is reported as an interval', async () => {
    const d = dir();
    writeFileSync(join(d, 'h.csv'), csv(data, true));
    const config = parseAnalysisConfig({ ...CONFIG, label: 'score', label_values_or_threshold: [0.5] });
    const r = await buildBiasBaseline({ input: join(d, 'h.csv'), config });
    expect(r.spec.labelKind).toBe(ColumnKind.CONTINUOUS);
    expect(r.analysis.preTraining?.labelValueOrThreshold).toBe(`(0.5, ${Math.max(...data.map((x) => x.score))}]`);
  });

  it('one-vs-rest on a text facet; a continuous facet without a threshold is a CONFIG_INVALID', async () => {
    const d = dir();
    writeFileSync(join(d, 'h.csv'), csv(data, true));
    const r = await buildBiasBaseline({ input: join(d, 'h.csv'), config: parseAnalysisConfig({ ...CONFIG, facet: [{ name_or_index: 'g' }] }) });
    expect(r.analysis.preTraining?.facets[0]?.values.map((v) => v.valueOrThreshold)).toEqual([...new Set(data.map((x) => x.g))]);
    await expect(
      buildBiasBaseline({ input: join(d, 'h.csv'), config: parseAnalysisConfig({ ...CONFIG, facet: [{ name_or_index: 'age' }] }) }),
    ).rejects.toMatchObject({ code: ErrorCode.CONFIG_INVALID });
  });

  it('columns missing from the dataset are listed (CONFIG_INVALID)', async () => {
    const d = dir();
    writeFileSync(join(d, 'h.csv'), csv(data, true));
    const config = parseAnalysisConfig({ label: 'nope', label_values_or_threshold: [1], facet: [{ name_or_index: 'x' }], group_variable: 'gg' });
    const e = await buildBiasBaseline({ input: join(d, 'h.csv'), config, predictedLabel: 'p' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: ErrorCode.CONFIG_INVALID });
    const details = (e as { details: string[] }).details;
    for (const what of ['label "nope"', 'prediction column "p"', 'facet "x"', 'group_variable "gg"', 'needs the config `headers`']) {
      expect(details.some((l) => l.includes(what)), what).toBe(true);
    }
  });
});
