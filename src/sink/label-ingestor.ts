/**
 * Accepting decoded ground-truth records exactly once per event ID: drop IDs already accepted
 * (earlier requests, earlier in the same request, before a restart), produce the rest to the
 * ground-truth topic, and remember their IDs once the broker acknowledged them.
 *
 * One lock: ingest() calls run one after another, so two racing requests carrying the same ID
 * cannot both produce it, and an ID is only reported as a duplicate once its first copy is
 * acknowledged (never "duplicate" for a copy that then fails to reach the broker). The price is
 * throughput: one broker round trip (plus one fdatasync) per request chunk at a time, so clients
 * should post batches (driftmon label sends 1,000 records per request).
 *
 * Large requests go out in chunks of at most maxSendBytes (under the broker's 1 MiB
 * message.max.bytes); each acknowledged chunk's IDs are recorded before the next is sent, so when
 * a later chunk fails the client's retry only produces what is missing.
 *
 * Crash window: IDs are written to the store after the acknowledgement; a crash between the two
 * lets a retry produce those records again (at-least-once on the topic; the join keeps one label
 * per event ID).
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { toSageMakerGroundTruth, type GroundTruthRecord } from '../record/ground-truth-decoder.js';
import type { IngestMetrics } from './ingest-metrics.js';
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

export class LabelIngestor {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly producer: LabelProducer,
    private readonly accepted: AcceptedIds,
    private readonly options: { metrics?: IngestMetrics | undefined; maxSendBytes?: number } = {},
  ) {}

  /** Produces the records whose event IDs were not accepted before; resolves after the broker acknowledged them. */
  ingest(records: readonly GroundTruthRecord[]): Promise<IngestResult> {
    const run = this.tail.then(() => this.ingestNow(records));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async ingestNow(records: readonly GroundTruthRecord[]): Promise<IngestResult> {
    const fresh: LabelMessage[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (const r of records) {
      if (seen.has(r.eventId) || this.accepted.has(r.eventId)) {
        duplicates++;
        continue;
      }
      seen.add(r.eventId);
      fresh.push({ key: r.eventId, value: toSageMakerGroundTruth(r) });
    }
    const metrics = this.options.metrics;
    metrics?.labelsDuplicateTotal.inc(duplicates);
    const maxBytes = this.options.maxSendBytes ?? DEFAULT_MAX_SEND_BYTES;
    let accepted = 0;
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
      try {
        await this.producer.send(chunk);
        await this.accepted.add(chunk.map((m) => m.key));
      } catch (e) {
        throw new IngestFailure({ accepted, duplicates }, e);
      }
      accepted += chunk.length;
      metrics?.labelsAcceptedTotal.inc(chunk.length);
      start = end;
    }
    return { accepted, duplicates };
  }
}
