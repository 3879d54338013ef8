/**
 * The capture decoder's per-line caches (row-filler.ts: texts met in a CSV column, compared in
 * place; capture-row-assembler.ts: the inference time up to its seconds) never change a result:
 * every line decoded by one long-lived decoder, whose caches were filled by the lines before it,
 * gives what a fresh decoder (empty caches) gives for that line alone. The sequences are built to
 * meet each place where a cache must NOT answer: texts of one length with the same first and last
 * character, a text kept from an escaped (JSON.parse'd) data string met again as raw text in the
 * line, booleans, numbers and non-finite words, and times sharing the cached seconds but not the
 * `.fffZ` shape.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { CaptureDecoder } from './capture-decoder.js';
import { encodeCaptureLine } from './capture-encoder.js';
import { FeatureRegistry } from './feature-registry.js';
import type { FeatureRow } from './row.js';

type Decoded = { reason: string | undefined; rows: { time: number; values: [string, number, number, string | undefined][] }[] };

function newDecoder(): { decoder: CaptureDecoder; registry: FeatureRegistry } {
  const registry = new FeatureRegistry(100);
  return { decoder: new CaptureDecoder({ format: 'sagemaker-capture' }, registry), registry };
}

function decodeWith(decoder: CaptureDecoder, registry: FeatureRegistry, line: string): Decoded {
  const rows: Decoded['rows'] = [];
  const reason = decoder.decode(line, (row: FeatureRow) => {
    const values: [string, number, number, string | undefined][] = [];
    // MISSING slots left out: a warm registry holds the columns of earlier, wider lines too
    for (let i = 0; i < row.width; i++) {
      if (row.kinds[i] === 0) continue;
      values.push([registry.features[i]?.name ?? '?', row.kinds[i] as number, row.kinds[i] === 1 || row.kinds[i] === 2 ? (row.numbers[i] as number) : 0, row.strings[i]]);
    }
    rows.push({ time: row.eventTimeMs, values });
  });
  return { reason, rows };
}

/** Each line through one warm decoder, and through a fresh one: the same outcome. */
function expectWarmEqualsCold(lines: readonly string[]): void {
  const warm = newDecoder();
  let decoded = 0;
  for (const text of lines) {
    const cold = newDecoder();
    const expected = decodeWith(cold.decoder, cold.registry, text);
    expect(decodeWith(warm.decoder, warm.registry, text), text).toEqual(expected);
    if (expected.reason === undefined) decoded++;
  }
  expect(decoded).toBeGreaterThan(lines.length / 2); // mostly lines that decode, not rejections
}

const line = (data: string, time = '2026-01-01T00:00:00.000Z', id = 'e1'): string =>
  encodeCaptureLine({ inputData: data, outputData: '0.5', eventId: id, inferenceTime: time });

describe('decoder caches give what a fresh decoder gives', () => {
  it('CSV texts: same length, first and last character (one cache entry); booleans; numbers; missing', () => {
    const data = ['abcd,1,true', 'abzd,2,true', 'abcd,3,True', 'axxd,-4.5,false', 'abcd,1e5,inf', 'abzd,,NaN', 'ab d,x,true', 'abcd,nan,-0'];
    expectWarmEqualsCold([...data, ...data.slice().reverse(), ...data].map((d, i) => line(d, '2026-01-01T00:00:00.000Z', `e${i}`)));
  });

  it('a text met in an escaped data string is not accepted raw in the line (a control character is not JSON)', () => {
    const escaped = line('a\tb,1'); // JSON-escaped: \t
    expect(escaped).toContain('a\\tb');
    const raw = escaped.replace('a\\tb', 'a\tb'); // a raw tab inside a JSON string: not JSON
    const quoted = line('"q,r",2'); // a quoted CSV field
    const seq = [escaped, raw, escaped, line('a\tb,1,z'), raw, quoted, line('"q,r",3'), line('q,2'), line('q,r'), line('q,r'), escaped];
    expectWarmEqualsCold(seq);
    const d = newDecoder();
    decodeWith(d.decoder, d.registry, escaped);
    expect(decodeWith(d.decoder, d.registry, raw).reason).toBe('not_json');
  });

  it('times sharing the cached seconds, in every shape the shortcut must leave to the full parser', () => {
    const times = [
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.082Z',
      '2026-01-01T00:00:00.08Z',
      '2026-01-01T00:00:00.0823Z',
      '2026-01-01T00:00:00.082z',
      '2026-01-01T00:00:00,082Z',
      '2026-01-01T00:00:00.0x2Z',
      '2026-01-01T00:00:00.-12Z',
      '2026-01-01T00:00:00.082+01',
      '2026-01-01T00:00:00.0821Z',
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.500Z',
      '2026-01-01T00:00:00.000+01:00',
      '2026-01-01T00:00:00.500Z',
      '2026-01-01T00:00:02+0100', // 24 characters too
      '2026-01-01T00:00:02.500Z',
      '2026-01-01T00:00:03.5+01',
      '2026-01-01T00:00:03.500Z',
      '2026-01-01T00:00:01.500Z',
      '2026-01-01 00:00:01.600Z',
      '2026-01-01T00:00:01.600Z',
      '2026-02-30T00:00:00.000Z',
      '2026-02-30T00:00:00.001Z',
      '2024-02-29T23:59:59.999Z',
      '2024-02-29T23:59:59.000Z',
      '2024-02-29T23:59:59.99 Z',
    ];
    expectWarmEqualsCold(times.map((t, i) => line(`k${i % 3},${i}`, t, `e${i}`)));
    const d = newDecoder();
    decodeWith(d.decoder, d.registry, line('a,1', '2026-01-01T00:00:00.000Z'));
    expect(decodeWith(d.decoder, d.registry, line('a,1', '2026-01-01T00:00:00.0x2Z')).reason).toBe('bad_event_time');
    expect(decodeWith(d.decoder, d.registry, line('a,1', '2026-01-01T00:00:00.082Z')).rows[0]?.time).toBe(Date.UTC(2026, 0, 1, 0, 0, 0, 82));
  });

  it('random CSV texts and times from small pools (seeded), long-lived vs fresh decoder', () => {
    const r = rng(20_261_205);
    const pool = ['a', 'b', 'ab', 'ba', 'abc', 'acc', 'true', 'false', 'x1', 'x2', 'x10', 'x20', '1', '-1.5', '', 'inf', 'a b', 'blue', 'bite', 'k0', 'L'.repeat(80), 'L'.repeat(79) + 'M'];
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const fields: string[] = [];
      for (let f = 0; f < 6; f++) fields.push(pool[r.int(pool.length)] as string);
      const ms = Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 137;
      let time = new Date(ms).toISOString();
      if (r.int(10) === 0) time = time.replace('.', ',');
      if (r.int(10) === 0) time = time.slice(0, -2) + 'Z';
      lines.push(line(fields.join(','), time, `e${i}`));
    }
    expectWarmEqualsCold(lines);
  });
});
