/**
 * A scaled-out label monitor's keying stage (docs/scale-out.md, "Label monitors"): the outbox of
 * each input partition (inference or ground truth) of a member. The label ingress decodes and
 * checks the partition's records as one process does and hands their join records here
 * (`input(key)`); each goes to the keyed topic's partition that its ID hashes to, so a prediction
 * row and its label meet in one keyed partition whatever the input topics' partitioning. With
 * them, per transaction: the partition's clock and idleness as progress to every keyed
 * partition, and its clock as the offset's metadata.
 */
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../../errors.js';
import { idHash64 } from '../../join/id-hash64.js';
import { MAX_ID_BYTES } from '../../join/join-store.js';
import type { CommittedOffset, OutgoingMessage } from '../../source/kafka-transactions.js';
import { encodeExchange } from '../../state/exchange-messages.js';
import { StreamClock } from '../../window/stream-clock.js';
import type { PartitionOutbox } from '../member-cycle.js';
import type { JoinInput } from './label-join.js';

interface KeyingPartition {
  readonly clock: StreamClock;
  /** Wall time of its last batch, or of its takeover. */
  lastBatchAtMs: number;
  messages: OutgoingMessage[];
  readonly input: JoinInput;
}

/** What an input partition commits as its offset's metadata. */
interface KeyingClockState {
  readonly v: 1;
  readonly confirmedMs: number | null;
  readonly lastMs: number | null;
}

const idBytes = Buffer.alloc(MAX_ID_BYTES);
const idHash = new Uint32Array(2);

/** The keyed partition of a join record's ID (a stable hash: every member and version agrees). */
export function keyedPartition(id: string, partitions: number): number {
  const n = idBytes.write(id, 0, 'utf8');
  idHash64(idBytes, 0, n, idHash);
  return ((idHash[0] as number) >>> 0) % partitions;
}

export class KeyedOutbox implements PartitionOutbox {
  private readonly parts = new Map<string, KeyingPartition>();

  constructor(
    private readonly o: {
      monitor: string;
      keyedTopic: string;
      keyedPartitions: number;
      /** Wall time without a batch after which an input partition is reported idle. */
      idleMs: number;
      logger: Logger;
    },
  ) {}

  /** Where the ingress puts partition key's join records (and its clock: `clock(key)`). */
  input(key: string, nowMs: number): JoinInput {
    return this.of(key, nowMs).input;
  }

  /** Partition key's stream clock (the ingress records each record's event time into it). */
  clock(key: string, nowMs: number): StreamClock {
    return this.of(key, nowMs).clock;
  }

  /** A batch of key was read at nowMs. */
  touched(key: string, nowMs: number): void {
    this.of(key, nowMs).lastBatchAtMs = nowMs;
  }

  private of(key: string, nowMs: number): KeyingPartition {
    let p = this.parts.get(key);
    if (p === undefined) {
      const { monitor, keyedTopic, keyedPartitions } = this.o;
      const part: KeyingPartition = {
        clock: new StreamClock(),
        lastBatchAtMs: nowMs,
        messages: [],
        input: {
          prediction: (id, timeMs, payload) => send('prediction', id, timeMs, payload),
          label: (id, timeMs, payload) => send('label', id, timeMs, payload),
        },
      };
      const send = (side: 'prediction' | 'label', id: string, timeMs: number, payload: Uint8Array): void => {
        part.messages.push({ topic: keyedTopic, partition: keyedPartition(id, keyedPartitions), key: id, value: encodeExchange({ kind: 'keyed', monitor, side, id, timeMs, payload }) });
      };
      p = part;
      this.parts.set(key, p);
    }
    return p;
  }

  restore(key: string, committed: CommittedOffset, nowMs: number): Promise<void> {
    this.parts.delete(key);
    const clock = this.of(key, nowMs).clock;
    try {
      const s = committed.metadata === '' ? undefined : (JSON.parse(committed.metadata) as Partial<KeyingClockState> | null);
      if (s !== undefined) {
        const time = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));
        if (typeof s !== 'object' || s === null || s.v !== 1 || !time(s.confirmedMs) || !time(s.lastMs)) throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, 'malformed clock');
        clock.restore(s.confirmedMs ?? Number.NEGATIVE_INFINITY, s.lastMs ?? Number.NEGATIVE_INFINITY);
      }
    } catch (e) {
      // a foreign or corrupt metadata string must not stop the member: the clock starts afresh
      this.o.logger.warn({ monitor: this.o.monitor, partition: key, err: e }, 'committed clock unusable: the partition starts a fresh clock');
    }
    return Promise.resolve();
  }

  flush(key: string): OutgoingMessage[] {
    const p = this.parts.get(key);
    if (p === undefined) return [];
    const out = p.messages;
    p.messages = [];
    return out;
  }

  progress(key: string, nowMs: number): Uint8Array {
    const p = this.of(key, nowMs);
    return encodeExchange({ kind: 'progress', monitor: this.o.monitor, partition: key, clockMs: p.clock.confirmedMs, idle: nowMs - p.lastBatchAtMs > this.o.idleMs });
  }

  metadata(key: string): string {
    const c = this.parts.get(key)?.clock;
    if (c === undefined) throw new DriftmonError(ErrorCode.INTERNAL, `partition ${key} is not held here`);
    const finite = (t: number): number | null => (Number.isFinite(t) ? t : null);
    const state: KeyingClockState = { v: 1, confirmedMs: finite(c.confirmedMs), lastMs: finite(c.lastMs) };
    return JSON.stringify(state);
  }

  drop(key: string): void {
    this.parts.delete(key);
  }
}
