import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRowExplainerSetup } from './row-explainer.js';

function configFile(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-row-explainer-'));
  writeFileSync(join(dir, 'baseline.csv'), 'b,label,a\n1,0,2\n3,1,4\n');
  const path = join(dir, 'analysis_config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const predictor = { endpoint_url: 'http://127.0.0.1:1/csv' };

describe('loadRowExplainerSetup', () => {
  it("takes the model's feature order from the headers (label left out), the baseline file's columns by name", async () => {
    const path = configFile({ headers: ['b', 'label', 'a'], label: 'label', methods: { shap: { baseline: 'baseline.csv' } }, predictor });
    const setup = await loadRowExplainerSetup(path, ['a', 'b']);
    expect(setup.features).toEqual(['b', 'a']);
    expect(setup.baseline).toEqual([[1, 2], [3, 4]]);
  });

  it("without headers: the monitor's features, baseline rows as given", async () => {
    const setup = await loadRowExplainerSetup(configFile({ methods: { shap: { baseline: [[1, 2]] } }, predictor }), ['a', 'b']);
    expect(setup.features).toEqual(['a', 'b']);
    expect(setup.baseline).toEqual([[1, 2]]);
  });

  it("refuses a model without one of the baseline's features, and baseline rows of the wrong width", async () => {
    await expect(loadRowExplainerSetup(configFile({ headers: ['b', 'c'], methods: { shap: { baseline: [[1, 2]] } }, predictor }), ['a', 'b'])).rejects.toThrow(/lack the baseline's a/);
    await expect(loadRowExplainerSetup(configFile({ methods: { shap: { baseline: [[1, 2, 3]] } }, predictor }), ['a', 'b'])).rejects.toThrow(/rows have 3 values, the model takes 2 features/);
  });
});
