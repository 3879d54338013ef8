import { describe, expect, it } from 'vitest';
import { DriftmonError } from '../errors.js';
import { resolveConfig } from './load.js';

const kafka = { type: 'kafka', brokers: ['127.0.0.1:9092'], topics: ['inference'] };

function problems(raw: unknown): string[] {
  try {
    resolveConfig(raw, { baseDir: '/tmp', checkFiles: false });
  } catch (e) {
    return [...(e as DriftmonError).details];
  }
  return [];
}

describe('label monitors in the config', () => {
  it('resolves defaults: 8-day horizon, 1-minute re-emission, threshold 0.5, no data-quality baseline needed', () => {
    const c = resolveConfig(
      { monitors: [{ name: 'm', source: kafka, windows: ['1h'], labels: { topics: ['gt'], probabilityAttribute: 'score', modelQuality: { problemType: 'BinaryClassification' } } }] },
      { baseDir: '/tmp', checkFiles: false },
    );
    expect(c.monitors[0]?.labels).toEqual({
      topics: ['gt'],
      paths: [],
      horizonMs: 8 * 86_400_000,
      reemitIntervalMs: 60_000,
      inferenceAttribute: undefined,
      probabilityAttribute: 'score',
      probabilityThreshold: 0.5,
      modelQuality: { problemType: 'BinaryClassification', constraintsPath: undefined },
      bias: undefined,
    });
  });

  it('reads the horizon as ISO-8601 (P8D, PT36H) or short form', () => {
    const horizon = (h: string) =>
      resolveConfig(
        { monitors: [{ name: 'm', source: kafka, windows: ['1h'], labels: { topics: ['gt'], horizon: h, inferenceAttribute: 'y', modelQuality: { problemType: 'Regression' } } }] },
        { baseDir: '/tmp', checkFiles: false },
      ).monitors[0]?.labels?.horizonMs;
    expect(horizon('P3D')).toBe(3 * 86_400_000);
    expect(horizon('PT36H')).toBe(36 * 3_600_000);
    expect(horizon('2d')).toBe(2 * 86_400_000);
  });

  it('lists every problem of a bad label monitor at once', () => {
    const p = problems({
      monitors: [
        {
          name: 'm',
          source: { type: 'stdin' },
          windows: ['1h'],
          baseline: { constraints: 'c.json' },
          labels: { topics: ['gt'], horizon: 'soon' },
        },
        { name: 'k', source: { ...kafka, deadLetterTopic: 'dlq' }, windows: ['1h'], labels: { topics: ['inference', 'dlq'], inferenceAttribute: 'y', bias: { analysisConfig: 'a.json' } } },
      ],
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/monitors/0/labels: labels are joined from Kafka topics, or from files in a replay'),
        expect.stringContaining('/monitors/0/labels: give "modelQuality", "bias" or both'),
        expect.stringContaining('/monitors/0/labels: give "inferenceAttribute"'),
        expect.stringContaining('/monitors/0/labels/horizon: "soon" is not a duration'),
        expect.stringContaining('/monitors/0: a monitor with "labels"'),
        expect.stringContaining('/monitors/1/labels/topics: "inference" is also an inference topic'),
        expect.stringContaining('/monitors/1/labels/topics: "dlq" is the dead-letter topic'),
      ]),
    );
    expect(p).toHaveLength(7);
  });

  it('takes ground-truth files for a files source (replay), topics for kafka, and says which goes where', () => {
    const files = { type: 'files', paths: ['/tmp'] };
    const ok = resolveConfig(
      { monitors: [{ name: 'm', source: files, windows: ['1h'], labels: { paths: ['gt'], inferenceAttribute: 'y', modelQuality: { problemType: 'Regression' } } }] },
      { baseDir: '/data', checkFiles: false },
    );
    expect(ok.monitors[0]?.labels?.paths).toEqual(['/data/gt']);
    expect(
      problems({
        monitors: [
          { name: 'a', source: files, windows: ['1h'], labels: { topics: ['gt'], inferenceAttribute: 'y', modelQuality: { problemType: 'Regression' } } },
          { name: 'b', source: kafka, windows: ['1h'], labels: { paths: ['gt'], inferenceAttribute: 'y', modelQuality: { problemType: 'Regression' } } },
        ],
      }),
    ).toEqual([
      expect.stringContaining('/monitors/0/labels: a files monitor (replay) reads its labels from "paths"'),
      expect.stringContaining('/monitors/0/labels/topics: ground-truth topics go with a kafka source'),
      expect.stringContaining('/monitors/1/labels: a kafka monitor reads its labels from "topics"'),
      expect.stringContaining('/monitors/1/labels/paths: ground-truth files go with a files source'),
    ]);
  });

  it('still requires a baseline for data-quality monitors', () => {
    expect(problems({ monitors: [{ name: 'm', source: kafka, windows: ['1h'] }] })).toEqual([
      expect.stringContaining('/monitors/0/baseline: give "constraints"'),
    ]);
  });

  it('scales out with default internal topics, and lists every internal topic that collides with another', () => {
    const labels = { topics: ['gt'], probabilityAttribute: 'score', modelQuality: { problemType: 'BinaryClassification' } };
    const c = resolveConfig({ monitors: [{ name: 'm', source: { ...kafka, scaleOut: {} }, windows: ['1h'], labels }] }, { baseDir: '/tmp', checkFiles: false });
    const source = c.monitors[0]?.source;
    expect(source?.type === 'kafka' ? source.scaleOut : undefined).toEqual({
      partialsTopic: 'driftmon.m.partials',
      keyedTopic: 'driftmon.m.keyed',
      changelogTopic: 'driftmon.m.changelog',
      partialsPartitions: undefined,
      keyedPartitions: undefined,
      transactionalIdPrefix: 'driftmon',
    });
    expect(problems({ monitors: [{ name: 'm', source: { ...kafka, scaleOut: { keyedTopic: 'gt', changelogTopic: 'inference', partialsTopic: 'p' } }, windows: ['1h'], labels }] })).toEqual([
      '/monitors/0/source/scaleOut/keyedTopic: "gt" is also an input, ground-truth, dead-letter or other internal topic',
      '/monitors/0/source/scaleOut/changelogTopic: "inference" is also an input, ground-truth, dead-letter or other internal topic',
    ]);
    expect(problems({ monitors: [{ name: 'm', source: { ...kafka, scaleOut: { keyedTopic: 'x', changelogTopic: 'x' } }, windows: ['1h'], labels }] })).toEqual([
      '/monitors/0/source/scaleOut/changelogTopic: "x" is also an input, ground-truth, dead-letter or other internal topic',
    ]);
  });
});
