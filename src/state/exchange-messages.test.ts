import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { decodeExchange, encodeExchange, exchangeKey, type ExchangeMessage } from './exchange-messages.js';
import { encodeFramed } from './framed.js';

const profile = new Uint8Array([1, 2, 3, 250]);
const messages: ExchangeMessage[] = [
  { kind: 'partial', monitor: 'm', partition: 'inference/3', sizeMs: 60_000, startMs: 1_700_000_000_000, rows: 12, weight: 24, profile },
  { kind: 'consolidated', monitor: 'm', coversThrough: 99, sizeMs: 3_600_000, startMs: -3_600_000, rows: 0, weight: 0, profile: new Uint8Array(0) },
  { kind: 'progress', monitor: 'm', partition: 'inference/0', clockMs: Number.NEGATIVE_INFINITY, idle: true },
  { kind: 'progress', monitor: 'm', partition: 'inference/1', clockMs: 5, idle: false },
  { kind: 'owner', monitor: 'm', coversThrough: 7, markMs: Number.NEGATIVE_INFINITY, clocks: [{ partition: 'inference/0', clockMs: Number.NEGATIVE_INFINITY, idle: false }] },
  { kind: 'closed', monitor: 'm', sizeMs: 60_000, startMs: 0 },
  { kind: 'closed', monitor: 'm', sizeMs: 60_000, startMs: 60_000, state: 'final' },
  { kind: 'progress', monitor: 'm', partition: 'm.keyed/2', clockMs: 9, idle: false, counts: { orphanLabels: 1, duplicateLabels: 2, latePredictions: 3 } },
  { kind: 'keyed', monitor: 'm', side: 'prediction', id: 'req-1#2', timeMs: 1_700_000_000_000, payload: profile },
  { kind: 'keyed', monitor: 'm', side: 'label', id: '__proto__', timeMs: Number.MIN_SAFE_INTEGER, payload: new Uint8Array(0) },
  { kind: 'label-delta', monitor: 'm', sizeMs: 3_600_000, startMs: 0, predictions: 5, labeled: 3, expired: 1, state: profile },
  { kind: 'label-owner', monitor: 'm', coversThrough: 4, markMs: 8, clocks: [{ partition: 'm.keyed/0', clockMs: 8, idle: false, counts: { orphanLabels: 0, duplicateLabels: 0, latePredictions: 0 } }], snapshot: profile },
];

/** A message with its bytes fields as arrays (for equality). */
const plain = (m: ExchangeMessage): Record<string, unknown> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v instanceof Uint8Array ? [...v] : v]));

function refusal(bytes: Uint8Array): string {
  try {
    decodeExchange(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DriftmonError);
    expect((e as DriftmonError).code).toBe(ErrorCode.SNAPSHOT_INVALID);
    return (e as DriftmonError).message;
  }
  throw new Error('decoded');
}

describe('partials topic messages', () => {
  it.each(messages.map((m) => [m.kind, m] as const))('a %s message decodes to what was encoded (−∞ included)', (_kind, m) => {
    expect(plain(decodeExchange(encodeExchange(m)))).toEqual(plain(m));
  });

  it('refuses a malformed header, naming the field', () => {
    const framed = (h: unknown): Uint8Array => encodeFramed(h, new Uint8Array(0));
    expect(refusal(framed({ v: 2, kind: 'closed', monitor: 'm', sizeMs: 1, startMs: 0 }))).toContain('unknown version 2');
    expect(refusal(framed({ v: 1, kind: 'gossip', monitor: 'm' }))).toContain('unknown kind "gossip"');
    expect(refusal(framed({ v: 1, kind: 'closed', monitor: 'm', sizeMs: 0, startMs: 0 }))).toContain('sizeMs is not positive');
    expect(refusal(framed({ v: 1, kind: 'partial', monitor: 'm', partition: 'p', sizeMs: 1, startMs: 0, rows: 1.5, weight: 1 }))).toContain('rows is not a whole number');
    expect(refusal(framed({ v: 1, kind: 'progress', monitor: 'm', partition: 'p', clockMs: '5', idle: false }))).toContain('clockMs is not a finite number');
    expect(refusal(framed({ v: 1, kind: 'progress', monitor: 'm', partition: 'p', clockMs: 5, idle: false, counts: { orphanLabels: -1 } }))).toContain('counts.orphanLabels is negative');
    expect(refusal(framed({ v: 1, kind: 'keyed', monitor: 'm', side: 'both', id: 'x', timeMs: 0 }))).toContain('side is neither');
    expect(refusal(framed({ v: 1, kind: 'closed', monitor: 'm', sizeMs: 1, startMs: 0, state: 'done' }))).toContain('state is neither');
    expect(refusal(framed({ v: 1, kind: 'keyed', monitor: 'm', side: 'label', id: '', timeMs: 0 }))).toContain('id is not a non-empty string');
    expect(refusal(framed({ v: 1, kind: 'label-delta', monitor: 'm', sizeMs: 1, startMs: 0, predictions: 1, labeled: 1.5, expired: 0 }))).toContain('labeled is not a whole number');
    expect(refusal(framed({ v: 1, kind: 'label-owner', monitor: 'm', coversThrough: 1, markMs: null, clocks: {} }))).toContain('"clocks" is not an array');
    expect(refusal(framed({ v: 1, kind: 'owner', monitor: 'm', coversThrough: 1, markMs: null, clocks: [{ partition: 'p', clockMs: 1 }] }))).toContain('clocks[0].idle is not a boolean');
    expect(refusal(framed([1]))).toContain('header is not an object');
    expect(refusal(new Uint8Array([0, 0]))).toContain('too short');
    // inherited properties are not fields
    expect(refusal(framed(JSON.parse('{"v":1,"kind":"closed","monitor":"m","startMs":0,"__proto__":{"sizeMs":5}}')))).toContain('sizeMs');
  });

  it('fuzz: arbitrary bytes and arbitrary JSON headers either decode or are refused with SNAPSHOT_INVALID', () => {
    const check = (bytes: Uint8Array): void => {
      try {
        decodeExchange(bytes);
      } catch (e) {
        expect((e as DriftmonError).code).toBe(ErrorCode.SNAPSHOT_INVALID);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => check(b)), { seed: 11, numRuns: 2_000 });
    fc.assert(fc.property(fc.jsonValue(), (h) => check(encodeFramed(h, new Uint8Array(0)))), { seed: 12, numRuns: 2_000 });
    // every kind's header with one field replaced by anything (or dropped)
    const headers = messages.map((m) => Object.fromEntries(Object.entries({ v: 1, ...m }).filter(([, x]) => !(x instanceof Uint8Array)).map(([k, x]) => [k, x === Number.NEGATIVE_INFINITY ? null : x])));
    fc.assert(
      fc.property(fc.nat(headers.length - 1), fc.nat(20), fc.option(fc.jsonValue()), (which, field, value) => {
        const h: Record<string, unknown> = { ...headers[which] };
        const names = Object.keys(h);
        const name = names[field % names.length] as string;
        if (value === null) delete h[name];
        else h[name] = value;
        check(encodeFramed(h, new Uint8Array([1, 2])));
      }),
      { seed: 13, numRuns: 5_000 },
    );
    expect(Object.prototype).not.toHaveProperty('sizeMs');
  });

  it('keys every message of a window alike', () => {
    expect(exchangeKey('credit', 60_000, 120_000)).toBe('credit/60000/120000');
  });
});
