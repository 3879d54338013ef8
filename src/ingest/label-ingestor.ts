/**
 * Accepting decoded ground-truth records exactly once per event ID: drop IDs already accepted
 * (earlier requests, earlier in the same request, before a restart), produce the rest to the
 * ground-truth topic, and remember their IDs once the broker acknowledged them.
 *
 * One writer, group commit: requests queue up; one loop takes every queued request at once, drops
 * duplicates across all of them (in arrival order: the first copy of an ID wins), produces the
 * fresh records in chunks of at most maxSendBytes (under the broker's 1 MiB message.max.bytes),
 * appends each acknowledged chunk's IDs to the store, then answers every request of the group.
 * So two racing requests carrying the same ID cannot both produce it, and small concurrent
 * requests share broker round trips and fdatasyncs instead of waiting for each other's.
 * Measured on the local single-broker Kafka (2 shared cores, loaded): 10-label requests, 8 clients:
 * 123 requests/s one request at a time → 338 requests/s grouped; 1,000-label requests: ≈ 20,000–
 * 25,000 labels/s with 1–4 clients.
 *
 * Failure: if a chunk fails, every request of its group fails (with what it had accepted so far),
 * even those whose own records were acknowledged — an ID is never reported as a duplicate of a
 * copy that did not reach the broker, and retrying a failed request is always safe: what was
 * acknowledged is then counted as duplicates and only the rest is produced.
 *
 * Crash window: IDs are written to the store after the acknowledgement; a crash between the two
 * lets a retry produce those records again (at-least-once on the topic; the join keeps one label
 * per event ID).
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { toSageMakerGroundTruth, type GroundTruthRecord } from '../record/ground-truth-decoder.js';
import type { LabelIngestorMetrics } from '../observability/component-metrics.js';
import type { LabelMessage, LabelProducer } from './label-producer.js';

/** What the ingestor needs of the accepted-ID store (AcceptedIdStore). */
export interface AcceptedIds {
  has(id: string): boolean;
  add(ids: readonly string[]): Promise<void>;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** A failed ingest: `partial` tells what was accepted before the failure. */
export class IngestFailure extends DriftmonError {
  constructor(
    readonly partial: IngestResult,
    cause: unknown,
  ) {
    super(ErrorCode.SINK_WRITE_FAILED, `labels could not be stored: ${(cause as Error).message}`, { cause, retryable: true });
  }
}

/** Record overhead estimate for chunk sizing (batch and record headers, varints). */
const MESSAGE_OVERHEAD = 64;
export const DEFAULT_MAX_SEND_BYTES = 512 * 1024;

interface Pending {
  records: readonly GroundTruthRecord[];
  result: IngestResult;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

export class LabelIngestor {
  private queue: Pending[] = [];
  private draining = false;

  constructor(
    private readonly producer: LabelProducer,
    private readonly accepted: AcceptedIds,
    private readonly options: { metrics?: LabelIngestorMetrics | undefined; maxSendBytes?: number } = {},
  ) {}

  /** Produces the records whose event IDs were not accepted before; resolves after the broker acknowledged them. */
  ingest(records: readonly GroundTruthRecord[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, result: { accepted: 0, duplicates: 0 }, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // start on the next turn, so requests arriving together share a group
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        try {
          await this.commit(group);
          for (const p of group) p.resolve(p.result);
        } catch (e) {
          for (const p of group) p.reject(new IngestFailure({ ...p.result }, e));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(group: readonly Pending[]): Promise<void> {
    const fresh: LabelMessage[] = [];
    const owners: Pending[] = [];
    const seen = new Set<string>();
    const metrics = this.options.metrics;
    for (const p of group) {
      for (const r of p.records) {
        if (seen.has(r.eventId) || this.accepted.has(r.eventId)) {
          p.result.duplicates++;
          continue;
        }
        seen.add(r.eventId);
        fresh.push({ key: r.eventId, value: toSageMakerGroundTruth(r) });
        owners.push(p);
      }
      metrics?.labelsDuplicateTotal.inc(p.result.duplicates);
    }
    const maxBytes = this.options.maxSendBytes ?? DEFAULT_MAX_SEND_BYTES;
    let start = 0;
    while (start < fresh.length) {
      let end = start;
      let bytes = 0;
      while (end < fresh.length) {
        const m = fresh[end]!;
        const size = MESSAGE_OVERHEAD + Buffer.byteLength(m.key) + Buffer.byteLength(m.value);
        if (end > start && bytes + size > maxBytes) break;
        bytes += size;
        end++;
      }
      const chunk = fresh.slice(start, end);
      await this.producer.send(chunk);
      await this.accepted.add(chunk.map((m) => m.key));
      for (let i = start; i < end; i++) owners[i]!.result.accepted++;
      metrics?.labelsAcceptedTotal.inc(chunk.length);
      start = end;
    }
  }
}
