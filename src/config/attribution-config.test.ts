import { describe, expect, it } from 'vitest';
import { DriftmonError } from '../errors.js';
import { resolveConfig } from './load.js';

const files = { type: 'files', paths: ['capture'] };

function problems(raw: unknown): readonly string[] {
  try {
    resolveConfig(raw, { baseDir: '/cfg', checkFiles: false });
  } catch (e) {
    if (e instanceof DriftmonError) return e.details;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('attribution config', () => {
  it('resolves "paths" to one label each', () => {
    const c = resolveConfig({ monitors: [{ name: 'm', source: files, attribution: { baseline: 'a.json', paths: { yes: 'shap.0', no: 'shap.1' } }, windows: ['1h'] }] }, { baseDir: '/cfg', checkFiles: false });
    expect(c.monitors[0]?.attribution?.labels).toEqual([{ label: 'yes', path: 'shap.0' }, { label: 'no', path: 'shap.1' }]);
  });

  it('resolves with defaults and takes no data-quality baseline', () => {
    const c = resolveConfig({ monitors: [{ name: 'm', source: files, attribution: { baseline: 'a.json', path: 'shap' }, windows: ['1h'] }] }, { baseDir: '/cfg', checkFiles: false });
    expect(c.monitors[0]?.attribution).toEqual({ baselinePath: '/cfg/a.json', labels: [{ label: 'label0', path: 'shap' }], features: undefined, aggMethod: 'mean_abs', threshold: 0.9, minRows: 1 });
  });

  it('lists every problem at once: threshold, agg method, duplicate features, labels, baseline, kafka scale-out, flat JSON', () => {
    const kafka = { type: 'kafka', brokers: ['b:9092'], topics: ['t'] };
    const got = problems({
      monitors: [
        {
          name: 'm',
          source: files,
          record: { format: 'flat-json' },
          attribution: { baseline: 'a.json', path: 'shap', threshold: 0, aggMethod: 'max', features: ['x', 'x'] },
          labels: { paths: ['gt'], probabilityAttribute: 's', modelQuality: { problemType: 'BinaryClassification' } },
          baseline: { dir: 'b' },
          windows: ['1h'],
        },
        { name: 'k', source: { ...kafka, scaleOut: {} }, backoff: {}, attribution: { baseline: 'a.json', path: 'shap' }, windows: ['1h'] },
        { name: 'both', source: files, attribution: { baseline: 'a.json', path: 'shap', paths: { label0: 's.0' }, label: 'label0' }, windows: ['1h'] },
        { name: 'neither', source: files, attribution: { baseline: 'a.json' }, windows: ['1h'] },
      ],
    });
    expect(got).toEqual(expect.arrayContaining([
      '/monitors/0: "attribution" and "labels" are separate monitors: give each its own',
      '/monitors/0: a monitor with "attribution" takes no data-quality "baseline" (its baseline is attribution.baseline)',
      '/monitors/0/record/format: attribution monitors read SageMaker capture lines (sagemaker-capture)',
      '/monitors/0/attribution/threshold: 0 is not in (0, 1] (an nDCG threshold; SageMaker\'s is 0.9)',
      '/monitors/0/attribution/aggMethod: "max" is not one of mean_abs, median, mean_sq',
      '/monitors/0/attribution/features: "x" is listed twice',
      '/monitors/2/attribution: give one of "path", "paths" or "explain"',
      '/monitors/2/attribution/label: goes with "path"; "paths" names its labels',
      '/monitors/3/attribution: give "path" (where the attributions are in the output JSON), "paths" (label → path) or "explain" (explain a sample against the model endpoint)',
      '/monitors/1/source/scaleOut: attribution monitors run as one process per consumer group (no scaleOut yet)',
      '/monitors/1/backoff: attribution monitors read every record (no back-off yet; an explaining one samples by samplesPerWindow)',
    ]));
  });

  it('explain: resolves with its defaults, the label from "label"', () => {
    const c = resolveConfig({ monitors: [{ name: 'm', source: files, attribution: { baseline: 'a.json', label: 'yes', explain: { analysisConfig: 'ac.json' } }, windows: ['1h'] }] }, { baseDir: '/cfg', checkFiles: false });
    expect(c.monitors[0]?.attribution).toMatchObject({
      labels: [{ label: 'yes', path: '' }],
      explain: { analysisConfigPath: '/cfg/ac.json', samplesPerWindow: 50, queue: 1000, concurrency: 2, timeoutMs: 10_000, retries: 2, deadlineMs: 120_000 },
    });
  });

  it('explain: exactly one of path, paths or explain; bad durations and sizes listed with the other problems', () => {
    const got = problems({
      monitors: [
        { name: 'a', source: files, attribution: { baseline: 'a.json', path: 'shap', explain: { analysisConfig: 'ac.json', timeout: 'soon', deadline: '0s', queue: 0 } }, windows: ['1h'] },
        { name: 'b', source: files, attribution: { baseline: 'a.json' }, windows: ['1h'] },
      ],
    });
    expect(got).toContain('/monitors/0/attribution: give one of "path", "paths" or "explain"');
    expect(got).toContain('/monitors/0/attribution/explain/timeout: "soon" is not a positive duration (e.g. 10s, 2m)');
    expect(got).toContain('/monitors/0/attribution/explain/deadline: "0s" is not a positive duration (e.g. 10s, 2m)');
    expect(got.some((p) => p.startsWith('/monitors/0/attribution/explain/queue'))).toBe(true);
    expect(got).toContain('/monitors/1/attribution: give "path" (where the attributions are in the output JSON), "paths" (label → path) or "explain" (explain a sample against the model endpoint)');
  });

  it('explain: a missing analysis_config.json is a missing input', () => {
    const c = (): unknown => resolveConfig({ monitors: [{ name: 'm', source: files, attribution: { baseline: '/nope/a.json', explain: { analysisConfig: '/nope/ac.json' } }, windows: ['1h'] }] }, { baseDir: '/cfg' });
    expect(c).toThrow(DriftmonError);
    try {
      c();
    } catch (e) {
      expect((e as DriftmonError).details).toContain('/monitors/0/attribution/explain/analysisConfig: /nope/ac.json does not exist');
    }
  });
});
