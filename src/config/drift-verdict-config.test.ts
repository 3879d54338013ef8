import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { resolveConfig } from './load.js';

const monitor = { name: 'm', source: { type: 'stdin' }, baseline: { dir: 'b' }, windows: ['1m'] };
const resolve = (m: object) => resolveConfig({ monitors: [{ ...monitor, ...m }] }, { baseDir: '/cfg', checkFiles: false });

describe('driftVerdict in a monitor', () => {
  it('is absent by default (the verdict uses its own defaults) and takes alpha, floors and per-feature floors', () => {
    expect(resolve({}).monitors[0]?.driftVerdict).toBeUndefined();
    // a feature named __proto__, as YAML or JSON would give it (an own key)
    const features = JSON.parse('{"income": {"categorical": 0.1}, "__proto__": {"missing": 0.5}}') as object;
    const v = resolve({ driftVerdict: { alpha: 0.01, floors: { numeric: 0.2 }, features } }).monitors[0]?.driftVerdict;
    expect(v?.alpha).toBe(0.01);
    expect(v?.floors).toEqual({ numeric: 0.2 });
    expect(v?.featureFloors?.get('income')).toEqual({ categorical: 0.1 });
    expect(v?.featureFloors?.get('__proto__')).toEqual({ missing: 0.5 });
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('missing');
  });

  it('lists every bad value at once', () => {
    let details: readonly string[] = [];
    try {
      resolve({ driftVerdict: { alpha: 0, floors: { numeric: -1, categorical: 2 }, features: { x: { bogus: 1 } } } });
    } catch (e) {
      if (!(e instanceof DriftmonError) || e.code !== ErrorCode.CONFIG_INVALID) throw e;
      details = e.details;
    }
    expect(details.join('\n')).toMatch(/driftVerdict\/alpha/);
    expect(details.join('\n')).toMatch(/driftVerdict\/floors\/numeric/);
    expect(details.join('\n')).toMatch(/driftVerdict\/floors\/categorical/);
    expect(details.join('\n')).toMatch(/driftVerdict\/features\/x/);
  });
});
