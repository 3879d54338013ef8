import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rng as seeded } from '../../test/support/random.js';
import { RecordErrorReason } from '../errors.js';
import { GroundTruthDecoder, toSageMakerGroundTruth, type GroundTruthDecodeResult, type GroundTruthRecord } from './ground-truth-decoder.js';

const FIXTURES = new URL('../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/monitor/', import.meta.url);
const lines = (name: string): string[] =>
  readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

const ok = (r: GroundTruthDecodeResult): GroundTruthRecord => {
  if (!r.ok) throw new Error(`expected a record, got ${r.reason}: ${r.message}`);
  return r.record;
};
const reason = (r: GroundTruthDecodeResult): string | undefined => (r.ok ? undefined : r.reason);

describe('GroundTruthDecoder', () => {
  const d = new GroundTruthDecoder();

  it('decodes every line of the SDK actuals.jsonl and its ids join capture.jsonl one to one', () => {
    const actuals = lines('actuals.jsonl');
    const captureIds = lines('capture.jsonl').map((l) => (JSON.parse(l) as { eventMetadata: { eventId: string } }).eventMetadata.eventId);
    const records = actuals.map((l) => ok(d.decode(l)));
    expect(records).toHaveLength(actuals.length);
    records.forEach((r, i) => {
      const raw = JSON.parse(actuals[i]!) as { groundTruthData: { data: string }; eventMetadata: { eventId: string } };
      expect(r).toEqual({ eventId: raw.eventMetadata.eventId, labels: [raw.groundTruthData.data] });
    });
    expect(new Set(records.map((r) => r.eventId))).toEqual(new Set(captureIds));
    // Buffers (Kafka message values) decode the same
    expect(d.decode(Buffer.from(actuals[0]!, 'utf8'))).toEqual(d.decode(actuals[0]!));
  });

  it('CSV data: one label per line, CRLF and blank lines tolerated, a missing encoding means CSV', () => {
    const sm = (data: unknown, encoding?: unknown): string =>
      JSON.stringify({ groundTruthData: { data, ...(encoding === undefined ? {} : { encoding }) }, eventMetadata: { eventId: 'e1' }, eventVersion: '0' });
    expect(ok(d.decode(sm('1', 'CSV'))).labels).toEqual(['1']);
    expect(ok(d.decode(sm('1\r\n0\n\ncat\n', 'csv'))).labels).toEqual(['1', '0', 'cat']);
    expect(ok(d.decode(sm('yes'))).labels).toEqual(['yes']);
    expect(ok(d.decode(sm(1, 'CSV'))).labels).toEqual([1]);
    expect(reason(d.decode(sm('', 'CSV')))).toBe(RecordErrorReason.EMPTY_PAYLOAD);
    expect(reason(d.decode(sm(true, 'CSV')))).toBe(RecordErrorReason.BAD_LABEL);
  });

  it('JSON data: AWS multi-record {"instances":[{"label":…}]}, arrays, bare values', () => {
    const sm = (data: unknown): string => JSON.stringify({ groundTruthData: { data, encoding: 'JSON' }, eventMetadata: { eventId: 'e1' }, eventVersion: '0' });
    expect(ok(d.decode(sm('{"instances": [{"label": 0}, {"label": 1}, {"label": 1}]}'))).labels).toEqual([0, 1, 1]);
    expect(ok(d.decode(sm('[0, 1, "x"]'))).labels).toEqual([0, 1, 'x']);
    expect(ok(d.decode(sm('[{"label": "a"}, "b"]'))).labels).toEqual(['a', 'b']);
    expect(ok(d.decode(sm('{"label": 2.5}'))).labels).toEqual([2.5]);
    expect(ok(d.decode(sm('1.0'))).labels).toEqual([1]);
    expect(ok(d.decode(sm('"cat"'))).labels).toEqual(['cat']);
    expect(ok(d.decode(sm({ instances: [{ label: 3 }] }))).labels).toEqual([3]);
    expect(reason(d.decode(sm('{"instances": [0,')))).toBe(RecordErrorReason.BAD_PAYLOAD);
    expect(reason(d.decode(sm('{"score": 1}')))).toBe(RecordErrorReason.BAD_PAYLOAD);
    expect(reason(d.decode(sm('[]')))).toBe(RecordErrorReason.EMPTY_PAYLOAD);
    expect(reason(d.decode(sm('')))).toBe(RecordErrorReason.EMPTY_PAYLOAD);
    const bad = d.decode(sm('{"instances": [{"label": 0}, {"label": null}]}'));
    expect(bad).toEqual({ ok: false, reason: RecordErrorReason.BAD_LABEL, message: expect.stringContaining('item 1') });
    expect(reason(d.decode(sm('[[1]]')))).toBe(RecordErrorReason.BAD_LABEL);
  });

  it('flat JSON: inferenceId or eventId, label, optional ISO-8601 / epoch-ms time; field names configurable', () => {
    expect(ok(d.decode('{"inferenceId":"a1","label":1}'))).toEqual({ eventId: 'a1', labels: [1] });
    expect(ok(d.decode('{"eventId":7,"label":"spam","time":"2024-01-19T20:06:08.5+01:00"}'))).toEqual({
      eventId: '7',
      labels: ['spam'],
      labelTimeMs: Date.UTC(2024, 0, 19, 19, 6, 8, 500),
    });
    expect(ok(d.decode('{"inferenceId":"a","eventId":"b","label":[0,1],"time":1705694768000}'))).toEqual({ eventId: 'a', labels: [0, 1], labelTimeMs: 1705694768000 });
    expect(ok(d.decode('{"inferenceId":"a","label":0,"time":"1705694768000"}')).labelTimeMs).toBe(1705694768000);
    expect(ok(d.decode('{"inferenceId":"a","label":{"instances":[{"label":1}]}}')).labels).toEqual([1]);
    const custom = new GroundTruthDecoder({ idFields: ['id'], labelField: 'y', timeField: 'ts' });
    expect(ok(custom.decode('{"id":"x","y":0,"ts":"2024-01-01T00:00:00Z"}'))).toEqual({ eventId: 'x', labels: [0], labelTimeMs: Date.UTC(2024, 0, 1) });
    expect(reason(custom.decode('{"inferenceId":"x","y":0}'))).toBe(RecordErrorReason.MISSING_EVENT_ID);
  });

  it('rejects with the first reason found, and a message naming the problem', () => {
    const cases: [string, RecordErrorReason][] = [
      ['{"inferenceId":', RecordErrorReason.NOT_JSON],
      ['[1,2]', RecordErrorReason.NOT_JSON],
      ['"x"', RecordErrorReason.NOT_JSON],
      ['{"label":1}', RecordErrorReason.MISSING_EVENT_ID],
      ['{"inferenceId":"","label":1}', RecordErrorReason.MISSING_EVENT_ID],
      ['{"inferenceId":"a"}', RecordErrorReason.MISSING_GROUND_TRUTH],
      ['{"inferenceId":"a","label":null}', RecordErrorReason.MISSING_GROUND_TRUTH],
      ['{"inferenceId":"a","label":true}', RecordErrorReason.BAD_LABEL],
      ['{"inferenceId":"a","label":1,"time":"{%s}"}', RecordErrorReason.BAD_EVENT_TIME],
      ['{"inferenceId":"a","label":1,"time":"2024-02-30T00:00:00Z"}', RecordErrorReason.BAD_EVENT_TIME],
      ['{"groundTruthData":{"data":"1"},"eventMetadata":{}}', RecordErrorReason.MISSING_EVENT_ID],
      ['{"groundTruthData":{"data":"1"}}', RecordErrorReason.MISSING_EVENT_ID],
      ['{"groundTruthData":{},"eventMetadata":{"eventId":"e"}}', RecordErrorReason.MISSING_GROUND_TRUTH],
      ['{"groundTruthData":"1","eventMetadata":{"eventId":"e"}}', RecordErrorReason.MISSING_GROUND_TRUTH],
      ['{"groundTruthData":{"data":"MQ==","encoding":"BASE64"},"eventMetadata":{"eventId":"e"}}', RecordErrorReason.UNSUPPORTED_ENCODING],
      ['{"groundTruthData":{"data":"1","encoding":3},"eventMetadata":{"eventId":"e"}}', RecordErrorReason.UNSUPPORTED_ENCODING],
      ['{"groundTruthData":{"data":"1"},"eventMetadata":{"eventId":"e","labelTime":"soon"}}', RecordErrorReason.BAD_EVENT_TIME],
    ];
    for (const [line, want] of cases) {
      const r = d.decode(line);
      expect(r.ok ? 'ok' : r.reason, line).toBe(want);
      if (!r.ok) expect(r.message.length, line).toBeGreaterThan(5);
    }
  });

  it('toSageMakerGroundTruth: the SageMaker shape, which decodes back to the same record (random records, fixed seed)', () => {
    // what SageMaker labelers send stays byte-identical in content
    expect(JSON.parse(toSageMakerGroundTruth({ eventId: 'e', labels: ['1'] }))).toEqual({
      groundTruthData: { data: '1', encoding: 'CSV' },
      eventMetadata: { eventId: 'e' },
      eventVersion: '0',
    });
    expect(JSON.parse(toSageMakerGroundTruth({ eventId: 'e', labels: [0, 1], labelTimeMs: 0 }))).toEqual({
      groundTruthData: { data: '[0,1]', encoding: 'JSON' },
      eventMetadata: { eventId: 'e', labelTime: '1970-01-01T00:00:00.000Z' },
      eventVersion: '0',
    });
    const r = seeded(20260501);
    const rng = (): number => r.next();
    const pieces = ['a', 'b c', ',', '"', '\n', ' x', '1', '0', 'é', '😀'];
    for (let i = 0; i < 2000; i++) {
      const n = 1 + Math.floor(rng() * 4);
      const labels = Array.from({ length: n }, () => {
        if (rng() < 0.4) return rng() < 0.5 ? Math.floor(rng() * 10) : (rng() - 0.5) * 1e6;
        return Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pieces[Math.floor(rng() * pieces.length)]).join('');
      });
      const rec: GroundTruthRecord = { eventId: `id-${i}`, labels, ...(rng() < 0.5 ? { labelTimeMs: Math.floor(rng() * 4e12) } : {}) };
      expect(ok(d.decode(toSageMakerGroundTruth(rec)))).toEqual(rec);
    }
  });
});
