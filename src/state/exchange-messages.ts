/**
 * The messages of a scaled-out monitor's partials topic (docs/scale-out.md), in our snapshot
 * framing (framed.ts): a JSON header, and for window state the profile's own bytes as the body.
 *
 *  - partial:      one input partition's rows of one window since its last transaction (member);
 *  - progress:     an input partition's clock and idleness (member, to every partials partition);
 *  - consolidated: an owner's merged state of one open window, covering the partials partition up
 *                  to `coversThrough` (owner, at its commit);
 *  - owner:        an owner's watermark and the partitions' progress at its commit;
 *  - closed:       a window the owner reported (so a successor does not report it again), sent to
 *                  every partials partition (each owner learns of every window reported: the
 *                  newest one's owner shows the gauges); a label window's carries its state.
 *
 * A label monitor's (docs/scale-out.md, "Label monitors"), on its keyed and partials topics:
 *
 *  - keyed:        a prediction row or label, keyed by its base inference ID (keying member);
 *  - progress:     as above, from an input partition (to every keyed partition) or a keyed
 *                  partition (to every partials partition, with its join counts so far);
 *  - label-delta:  what one window gained on one keyed partition since its last transaction;
 *  - label-owner:  an owner's label windows (their snapshot), watermark and the keyed partitions'
 *                  progress at its commit, covering the partials partition up to `coversThrough`.
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
  KEYED: 'keyed',
  LABEL_DELTA: 'label-delta',
  LABEL_OWNER: 'label-owner',
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

/** A keyed partition's join counts so far (monitor-wide figures of the label reports). */
export interface JoinCounts {
  readonly orphanLabels: number;
  readonly duplicateLabels: number;
  readonly latePredictions: number;
}

export interface ClockReport {
  readonly partition: string;
  readonly clockMs: number;
  readonly idle: boolean;
  /** A keyed partition's (label monitors). */
  readonly counts?: JoinCounts;
}

export type ExchangeMessage =
  | ({ readonly kind: 'partial'; readonly monitor: string; readonly partition: string } & WindowPart)
  | ({ readonly kind: 'consolidated'; readonly monitor: string; readonly coversThrough: number } & WindowPart)
  | ({ readonly kind: 'progress'; readonly monitor: string } & ClockReport)
  | { readonly kind: 'owner'; readonly monitor: string; readonly coversThrough: number; readonly markMs: number; readonly clocks: readonly ClockReport[] }
  | { readonly kind: 'closed'; readonly monitor: string; readonly sizeMs: number; readonly startMs: number; readonly state?: 'provisional' | 'final' }
  | { readonly kind: 'keyed'; readonly monitor: string; readonly side: 'prediction' | 'label'; readonly id: string; readonly timeMs: number; readonly payload: Uint8Array }
  | {
      readonly kind: 'label-delta';
      readonly monitor: string;
      readonly sizeMs: number;
      readonly startMs: number;
      readonly predictions: number;
      readonly labeled: number;
      readonly expired: number;
      /** The window state's serialized bytes. */
      readonly state: Uint8Array;
    }
  | { readonly kind: 'label-owner'; readonly monitor: string; readonly coversThrough: number; readonly markMs: number; readonly clocks: readonly ClockReport[]; readonly snapshot: Uint8Array };

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
    case 'keyed': {
      const { payload, ...header } = m;
      return encodeFramed({ v: VERSION, ...header }, payload);
    }
    case 'label-delta': {
      const { state, ...header } = m;
      return encodeFramed({ v: VERSION, ...header }, state);
    }
    case 'label-owner': {
      const { snapshot, ...header } = m;
      return encodeFramed({ v: VERSION, ...header, markMs: time(m.markMs), clocks: m.clocks.map((c) => ({ ...c, clockMs: time(c.clockMs) })) }, snapshot);
    }
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
    case 'owner':
      return { kind, monitor, coversThrough: h.count('coversThrough'), markMs: h.time('markMs'), clocks: clockReports(header['clocks'], fail) };
    case 'closed': {
      const state = header['state'];
      if (state !== undefined && state !== 'provisional' && state !== 'final') return fail('state is neither "provisional" nor "final"');
      return { kind, monitor, sizeMs: h.positive('sizeMs'), startMs: h.finite('startMs'), ...(state === undefined ? {} : { state }) };
    }
    case 'keyed': {
      const side = header['side'];
      if (side !== 'prediction' && side !== 'label') return fail('side is neither "prediction" nor "label"');
      return { kind, monitor, side, id: h.str('id'), timeMs: h.finite('timeMs'), payload: body };
    }
    case 'label-delta':
      return {
        kind,
        monitor,
        sizeMs: h.positive('sizeMs'),
        startMs: h.finite('startMs'),
        predictions: h.count('predictions'),
        labeled: h.count('labeled'),
        expired: h.count('expired'),
        state: body,
      };
    case 'label-owner':
      return { kind, monitor, coversThrough: h.count('coversThrough'), markMs: h.time('markMs'), clocks: clockReports(header['clocks'], fail), snapshot: body };
    default:
      return fail(`unknown kind ${JSON.stringify(kind)}`);
  }
}

function clockReport(h: Fields): ClockReport {
  const report = { partition: h.str('partition'), clockMs: h.time('clockMs'), idle: h.bool('idle') };
  const counts = h.object('counts');
  if (counts === undefined) return report;
  return { ...report, counts: { orphanLabels: counts.count('orphanLabels'), duplicateLabels: counts.count('duplicateLabels'), latePredictions: counts.count('latePredictions') } };
}

function clockReports(clocks: unknown, fail: (why: string) => never): ClockReport[] {
  if (!Array.isArray(clocks)) return fail('"clocks" is not an array');
  return clocks.map((c: unknown, i) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return fail(`clocks[${i}] is not an object`);
    return clockReport(new Fields(c as Record<string, unknown>, fail, `clocks[${i}].`));
  });
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

  /** An optional object field's fields (undefined when absent). */
  object(name: string): Fields | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(`${this.at}${name} is not an object`);
    return new Fields(v as Record<string, unknown>, this.fail, `${this.at}${name}.`);
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
