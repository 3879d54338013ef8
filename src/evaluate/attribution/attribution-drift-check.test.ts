import { describe, expect, it } from 'vitest';
import { formatAttributionViolations } from '../../sagemaker/attribution-violations-file.js';
import { checkAttributionDrift } from './attribution-drift-check.js';

const m = (entries: [string, number][]): Map<string, number> => new Map(entries);

describe('feature_attribution_drift_check', () => {
  const baseline = new Map([['label0', m([['SAT', 0.7], ['GPA', 0.5], ['rank', 0.05]])]]);

  it("flags a label whose ranking moved below the threshold, in SageMaker's violations layout and wording", () => {
    const r = checkAttributionDrift(new Map([['label0', m([['rank', 0.9], ['GPA', 0.5], ['SAT', 0.1]])]]), baseline);
    expect(r.scores[0]?.ndcg).toBeCloseTo(0.68764, 5);
    expect(r.violations).toHaveLength(1);
    const text = formatAttributionViolations(r.violations);
    expect(JSON.parse(text)).toEqual({
      version: '1.0',
      violations: [{ label: 'label0', metric_name: 'shap', constraint_check_type: 'feature_attribution_drift_check', description: `Feature attribution drift ${r.scores[0]?.ndcg} exceeds threshold 0.9` }],
    });
    expect(text).toContain('"description": "Feature attribution drift 0.68');
  });

  it('passes an unchanged ranking, honours a configured threshold, and leaves a label without attributions unevaluated', () => {
    const same = new Map([['label0', m([['SAT', 0.2], ['GPA', 0.1], ['rank', 0.01]])]]);
    expect(checkAttributionDrift(same, baseline).violations).toEqual([]);
    const moved = new Map([['label0', m([['GPA', 0.9], ['SAT', 0.5], ['rank', 0.1]])]]);
    const ndcg = checkAttributionDrift(moved, baseline).scores[0]?.ndcg as number;
    expect(ndcg).toBeGreaterThan(0.9);
    expect(checkAttributionDrift(moved, baseline, ndcg + 0.01).violations).toHaveLength(1);
    expect(checkAttributionDrift(new Map(), baseline).notEvaluated).toEqual([{ label: 'label0', reason: 'no attributions in this window' }]);
  });
});
