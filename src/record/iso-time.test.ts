import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { daysFromCivil, parseIsoTimeMs } from './iso-time.js';

const p = (t: string): number => parseIsoTimeMs(t, 0, t.length);

describe('parseIsoTimeMs', () => {
  it('SageMaker inferenceTime (second precision, Z)', () => {
    expect(p('2024-01-19T20:06:08Z')).toBe(Date.UTC(2024, 0, 19, 20, 6, 8));
    expect(p('2019-11-24T07:30:50Z')).toBe(Date.parse('2019-11-24T07:30:50Z'));
  });
  it('fractional seconds (truncated to ms), offsets, lower-case and space separators, no zone = UTC', () => {
    expect(p('2024-01-19T20:06:08.1Z')).toBe(Date.parse('2024-01-19T20:06:08.100Z'));
    expect(p('2024-01-19T20:06:08.123456789Z')).toBe(Date.parse('2024-01-19T20:06:08.123Z'));
    expect(p('2024-01-19T20:06:08,5Z')).toBe(Date.parse('2024-01-19T20:06:08.500Z'));
    expect(p('2024-01-19T22:06:08+02:00')).toBe(Date.parse('2024-01-19T20:06:08Z'));
    expect(p('2024-01-19T15:36:08-0430')).toBe(Date.parse('2024-01-19T20:06:08Z'));
    expect(p('2024-01-20T01:06:08+05')).toBe(Date.parse('2024-01-19T20:06:08Z'));
    expect(p('2024-01-19t20:06:08z')).toBe(Date.parse('2024-01-19T20:06:08Z'));
    expect(p('2024-01-19 20:06:08')).toBe(Date.parse('2024-01-19T20:06:08Z'));
    expect(p('2024-01-19T20:06')).toBe(Date.parse('2024-01-19T20:06:00Z'));
    expect(p('2024-01-19')).toBe(Date.parse('2024-01-19T00:00:00Z'));
  });
  it('calendar edge cases', () => {
    expect(p('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(p('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
    expect(p('1969-12-31T23:59:59Z')).toBe(-1000);
    expect(p('0001-01-01T00:00:00Z')).toBe(Date.parse('0001-01-01T00:00:00Z'));
  });
  const bad = [
    '', '{%s}', 'yesterday', '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z', '2024-01-19T24:00:00Z', '2024-01-19T20:60:00Z', '2024-01-19T20:06:60Z', '2024-01-19T20:06:08.Z',
    '2024-01-19T20:06:08ZZ', '2024-01-19T20:06:08+2', '2024-01-19T20:06:08+24:00', '2024-01-19T20:06:08 ', '2024-1-19T20:06:08Z',
    '24-01-19T20:06:08Z', '2024-01-19X20:06:08Z', '2024-01-19T20:06:08\u0000',
  ];
  for (const t of bad) it(`rejects ${JSON.stringify(t)}`, () => expect(p(t)).toBeNaN());

  it('reads a span of a longer text and never reads past its end', () => {
    const line = '"inferenceTime":"2024-01-19T20:06:08Z","x"';
    expect(parseIsoTimeMs(line, 17, 37)).toBe(Date.UTC(2024, 0, 19, 20, 6, 8));
    expect(parseIsoTimeMs('2024-01-19T20:06:08+0100', 0, 21)).toBeNaN();
  });

  it('agrees with Date for random instants', () => {
    const r = rng(3);
    for (let n = 0; n < 20_000; n++) {
      const ms = Math.floor((r.next() - 0.3) * 8e12);
      const iso = new Date(ms).toISOString();
      expect(p(iso)).toBe(ms);
      expect(daysFromCivil(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth() + 1, new Date(ms).getUTCDate())).toBe(Math.floor(ms / 86_400_000));
    }
  });
});
