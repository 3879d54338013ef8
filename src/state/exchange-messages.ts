/**
 * The messages of a scaled-out monitor's partials topic (docs/scale-out.md), in our snapshot
 * framing (framed.ts): a JSON header, and for window state the profile's own bytes as the body.
 *
 *  - partial:      one input partition's rows of one window since its last transaction (member);
 *  - progress:     an input partition's clock and idleness (member, to every partials partition);
 *  - consolidated: an owner's merged state of one open window, covering the partials partition up
 *                  to `coversThrough` (owner, at its commit);
 *  - owner:        an owner's watermark and the partitions' progress at its commit;
 *  - closed:       a window the owner reported (so a successor does not report it again).
 *
 * The topic is internal, but anyone with access can write to it: every header is checked field by
 * field, and a message that fails is refused with SNAPSHOT_INVALID (the reader counts and skips it).
 * Times are epoch ms; −∞ (no record yet) travels as null, as JSON cannot hold it.
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { decodeFramed, encodeFramed } from './framed.js';

export const ExchangeKind = {
  PARTIAL: 'partial',
  PROGRESS: 'progress',
  CONSOLIDATED: 'consolidated',
  OWNER: 'owner',
  CLOSED: 'closed',
} as const;
export type ExchangeKind = (typeof ExchangeKind)[keyof typeof ExchangeKind];

export interface WindowPart {
  readonly sizeMs: number;
  readonly startMs: number;
  readonly rows: number;
  readonly weight: number;
  /** The profile's serialized bytes. */
  readonly profile: Uint8Array;
}

export interface ClockReport {
  readonly partition: string;
  readonly clockMs: number;
  readonly idle: boolean;
}

export type ExchangeMessage =
  | ({ readonly kind: 'partial'; readonly monitor: string; readonly partition: string } & WindowPart)
  | ({ readonly kind: 'consolidated'; readonly monitor: string; readonly coversThrough: number } & WindowPart)
  | ({ readonly kind: 'progress'; readonly monitor: string } & ClockReport)
  | { readonly kind: 'owner'; readonly monitor: string; readonly coversThrough: number; readonly markMs: number; readonly clocks: readonly ClockReport[] }
  | { readonly kind: 'closed'; readonly monitor: string; readonly sizeMs: number; readonly startMs: number };

const VERSION = 1;
const EMPTY = new Uint8Array(0);

/** The partials topic's key of a window's messages: all of one window go to one partition. */
export function exchangeKey(monitor: string, sizeMs: number, startMs: number): string {
  return `${monitor}/${sizeMs}/${startMs}`;
}

export function encodeExchange(m: ExchangeMessage): Uint8Array {
  switch (m.kind) {
    case 'partial':
    case 'consolidated': {
      const { profile, ...header } = m;
      return encodeFramed({ v: VERSION, ...header }, profile);
    }
    case 'progress':
      return encodeFramed({ v: VERSION, ...m, clockMs: time(m.clockMs) }, EMPTY);
    case 'owner':
      return encodeFramed({ v: VERSION, ...m, markMs: time(m.markMs), clocks: m.clocks.map((c) => ({ ...c, clockMs: time(c.clockMs) })) }, EMPTY);
    case 'closed':
      return encodeFramed({ v: VERSION, ...m }, EMPTY);
  }
}

/** Decode and check one message; SNAPSHOT_INVALID names the first problem. */
export function decodeExchange(bytes: Uint8Array): ExchangeMessage {
  const fail = (why: string): never => {
    throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `partials topic message is invalid: ${why}`);
  };
  const { header, body } = decodeFramed<Record<string, unknown>>(bytes, fail);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('header is not an object');
  const h = new Fields(header, fail);
  if (header['v'] !== VERSION) fail(`unknown version ${JSON.stringify(header['v'])}`);
  const kind = h.str('kind');
  const monitor = h.str('monitor');
  switch (kind) {
    case 'partial':
    case 'consolidated': {
      const part = { sizeMs: h.positive('sizeMs'), startMs: h.finite('startMs'), rows: h.count('rows'), weight: h.nonNegative('weight'), profile: body };
      return kind === 'partial' ? { kind, monitor, partition: h.str('partition'), ...part } : { kind, monitor, coversThrough: h.count('coversThrough'), ...part };
    }
    case 'progress':
      return { kind, monitor, ...clockReport(h) };
    case 'owner': {
      const clocks = header['clocks'];
      if (!Array.isArray(clocks)) return fail('"clocks" is not an array');
      return {
        kind,
        monitor,
        coversThrough: h.count('coversThrough'),
        markMs: h.time('markMs'),
        clocks: clocks.map((c: unknown, i) => {
          if (typeof c !== 'object' || c === null || Array.isArray(c)) return fail(`clocks[${i}] is not an object`);
          return clockReport(new Fields(c as Record<string, unknown>, fail, `clocks[${i}].`));
        }),
      };
    }
    case 'closed':
      return { kind, monitor, sizeMs: h.positive('sizeMs'), startMs: h.finite('startMs') };
    default:
      return fail(`unknown kind ${JSON.stringify(kind)}`);
  }
}

function clockReport(h: Fields): ClockReport {
  return { partition: h.str('partition'), clockMs: h.time('clockMs'), idle: h.bool('idle') };
}

function time(t: number): number | null {
  return t === Number.NEGATIVE_INFINITY ? null : t;
}

/** Typed reads of header fields; each failure names the field. */
class Fields {
  constructor(
    private readonly o: Record<string, unknown>,
    private readonly fail: (why: string) => never,
    private readonly at = '',
  ) {}

  private get(name: string): unknown {
    return Object.hasOwn(this.o, name) ? this.o[name] : undefined;
  }

  str(name: string): string {
    const v = this.get(name);
    return typeof v === 'string' && v.length > 0 ? v : this.fail(`${this.at}${name} is not a non-empty string`);
  }

  bool(name: string): boolean {
    const v = this.get(name);
    return typeof v === 'boolean' ? v : this.fail(`${this.at}${name} is not a boolean`);
  }

  finite(name: string): number {
    const v = this.get(name);
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(`${this.at}${name} is not a finite number`);
  }

  nonNegative(name: string): number {
    const v = this.finite(name);
    return v >= 0 ? v : this.fail(`${this.at}${name} is negative`);
  }

  positive(name: string): number {
    const v = this.finite(name);
    return v > 0 ? v : this.fail(`${this.at}${name} is not positive`);
  }

  count(name: string): number {
    const v = this.nonNegative(name);
    return Number.isSafeInteger(v) ? v : this.fail(`${this.at}${name} is not a whole number`);
  }

  /** A time: a finite number, or null for −∞. */
  time(name: string): number {
    const v = this.get(name);
    return v === null ? Number.NEGATIVE_INFINITY : this.finite(name);
  }
}
