/**
 * A data-quality member's outbox (member-cycle.ts, docs/scale-out.md): per input partition, the
 * partial of every window its rows reached since the last transaction (keyed by window, so each
 * goes to its owner), its clock and idleness as progress, its clock as the offset's metadata.
 */
import type { Logger } from 'pino';
import type { CommittedOffset, OutgoingMessage } from '../../source/kafka-transactions.js';
import { encodeExchange, exchangeKey } from '../../state/exchange-messages.js';
import type { PartitionWindows } from '../../window/partition-windows.js';
import type { PartitionOutbox } from '../member-cycle.js';

export class PartialsOutbox<P> implements PartitionOutbox {
  constructor(
    private readonly monitor: string,
    private readonly partialsTopic: string,
    private readonly windows: PartitionWindows<P>,
    private readonly serialize: (profile: P) => Uint8Array,
    private readonly logger: Logger,
  ) {}

  async restore(key: string, committed: CommittedOffset, nowMs: number): Promise<void> {
    let clock: unknown;
    try {
      clock = committed.metadata === '' ? undefined : (JSON.parse(committed.metadata) as unknown);
    } catch {
      clock = null; // refused just below, as malformed
    }
    try {
      this.windows.restoreClock(key, clock, nowMs);
    } catch (e) {
      // a foreign or corrupt metadata string must not stop the member: the clock starts afresh
      this.logger.warn({ monitor: this.monitor, partition: key, err: e }, 'committed clock unusable: the partition starts a fresh clock');
      this.windows.restoreClock(key, undefined, nowMs);
    }
    return Promise.resolve();
  }

  flush(key: string): OutgoingMessage[] {
    const { monitor, partialsTopic } = this;
    return this.windows.flush(key).map((w) => ({
      topic: partialsTopic,
      key: exchangeKey(monitor, w.sizeMs, w.startMs),
      value: encodeExchange({ kind: 'partial', monitor, partition: key, sizeMs: w.sizeMs, startMs: w.startMs, rows: w.rows, weight: w.weight, profile: this.serialize(w.profile) }),
    }));
  }

  progress(key: string, nowMs: number): Uint8Array {
    return encodeExchange({ kind: 'progress', monitor: this.monitor, ...this.windows.progress(key, nowMs) });
  }

  metadata(key: string): string {
    return JSON.stringify(this.windows.clockState(key));
  }

  drop(key: string): void {
    this.windows.drop(key);
  }
}
