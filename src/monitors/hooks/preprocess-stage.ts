/**
 * The record pre-processor (hooks.preprocess) in a data-quality monitor: between decoding and the
 * windows. Used for a batch only when the monitor has one; the monitor's own path is unchanged
 * without it.
 *
 * Per batch: every record is decoded and checked as on the monitor's own path (back-off sampling,
 * line length, decoder rejections, future event times) and each surviving row copied as the hook's
 * input (hook-record.ts), sent to the hook's thread in chunks of CHUNK_ROWS as they fill
 * (hook-runner.ts; this thread yields after each chunk, so the hook's answers come in and the next
 * chunk goes out while it goes on decoding); then, in record order, chunk by chunk,
 * the kept rows enter the windows and move the stream clock exactly as the
 * monitor's own path would. A record counts whole: when any of its rows failed, timed out or came
 * back invalid, the record is dead-lettered with that reason (hook_failed, hook_timeout,
 * hook_invalid_output; the error in the letter) and none of its rows is used. A row the hook
 * dropped (null) is counted, not dead-lettered. Outcomes per call go to
 * driftmon_hook_calls_total{hook="preprocess"}; a warning with the first failure and the counts
 * since the last one, at most every 10 s.
 */
import type { Logger } from 'pino';
import { RecordErrorReason } from '../../errors.js';
import type { HookMetrics } from '../../observability/component-metrics.js';
import type { RecordDecoder } from '../../record/decoder.js';
import type { FeatureRegistry } from '../../record/feature-registry.js';
import { createHookRowScratch, fillHookRow, hookedRowOf, type HookedRow, type HookInput, type HookRowScratch } from '../../record/hook-record.js';
import { createRow, type FeatureRow } from '../../record/row.js';
import type { DeadLetterSink } from '../../sink/dead-letter.js';
import type { RawBatch } from '../../source/source.js';
import type { BackoffController } from '../backoff.js';
import { PoisonTally } from '../record-fault.js';
import type { HookCallResult } from './hook-protocol.js';

/** What the stage calls the hook through (HookRunner; unit tests: an in-process fake). */
export interface HookCaller {
  run(items: readonly unknown[]): Promise<HookCallResult[]>;
}

/** The monitor's side of a batch. */
export interface PreprocessBatch {
  /** Event times beyond this are rejected (event_time_in_future), as on the monitor's own path. */
  futureLimitMs: number;
  /** Back-off is sampling this batch (Kafka). */
  backoff: BackoffController | undefined;
  /** A record starts; one of its rows into the windows; the record ends (moves the stream clock). */
  begin(): void;
  admit(row: FeatureRow): void;
  end(): void;
}

/** Outcomes per call: the label values of driftmon_hook_calls_total{hook="preprocess"}. */
export type PreprocessCounts = Record<'kept' | 'dropped' | 'invalid' | 'failed' | 'timeout', number>;

/** Rows per call of the hook's thread: large enough to amortise a message, small enough to overlap. */
const CHUNK_ROWS = 512;

/** At most one warning about dead-lettered records this often (they are all counted). */
const WARN_INTERVAL_MS = 10_000;

const REASON = { invalid: RecordErrorReason.HOOK_INVALID_OUTPUT, failed: RecordErrorReason.HOOK_FAILED, timeout: RecordErrorReason.HOOK_TIMEOUT } as const;

interface Pending {
  i: number;
  line: string;
  /** Why the record is rejected already (decoder, future time), else undefined. */
  reason: RecordErrorReason | undefined;
  rows: HookedRow[];
}

export class PreprocessStage {
  readonly counts: PreprocessCounts = { kept: 0, dropped: 0, invalid: 0, failed: 0, timeout: 0 };
  private readonly scratch: HookRowScratch;

  constructor(
    private readonly monitor: string,
    private readonly registry: FeatureRegistry,
    private readonly decoder: RecordDecoder,
    private readonly hook: HookCaller,
    private readonly timeoutMs: number,
    private readonly maxLineLength: number,
    private readonly deadLetters: DeadLetterSink,
    private readonly metrics: HookMetrics,
    private readonly logger: Logger,
  ) {
    this.scratch = createHookRowScratch(createRow(Math.max(8, registry.size)));
  }

  /** Failures since the last warning, which is logged at most every WARN_INTERVAL_MS (a hook failing on every record would log every batch). */
  private unwarned = { invalid: 0, failed: 0, timeout: 0 };
  private lastWarnMs = Number.NEGATIVE_INFINITY;

  private warn(counts: PreprocessCounts, first: { source: string; outcome: string; error: string }): void {
    const u = this.unwarned;
    u.invalid += counts.invalid;
    u.failed += counts.failed;
    u.timeout += counts.timeout;
    const now = performance.now();
    if (now - this.lastWarnMs < WARN_INTERVAL_MS) return;
    this.lastWarnMs = now;
    this.logger.warn({ monitor: this.monitor, hook: 'preprocess', ...u, first }, 'record pre-processor: records dead-lettered');
    this.unwarned = { invalid: 0, failed: 0, timeout: 0 };
  }

  /** One batch; returns the rejected records by reason and the rows sampled out. */
  async batch(batch: RawBatch, m: PreprocessBatch): Promise<{ invalid: Map<RecordErrorReason, number> | undefined; sampledOut: number }> {
    const invalid = new Map<RecordErrorReason, number>();
    const reject = (p: Pending, reason: RecordErrorReason, error?: string): void => {
      invalid.set(reason, (invalid.get(reason) ?? 0) + 1);
      const i = p.i;
      this.deadLetters.write({ monitor: this.monitor, reason, source: batch.origin(i), record: p.line, recordBytes: batch.rejected?.(i)?.bytes, bytes: batch.bytes?.(i), key: batch.key?.(i), ...(error === undefined ? {} : { error }) });
    };
    const poison = new PoisonTally();
    let sampledOut = 0;
    const pending: Pending[] = [];
    // rows go to the hook's thread in chunks as they are decoded, so this thread decodes (and then
    // fills windows) while the hook works on the chunk before
    const chunks: { end: number; results: Promise<HookCallResult[]> }[] = [];
    let chunkRows: HookInput[] = [];
    const send = (): void => {
      chunks.push({ end: pending.length, results: chunkRows.length === 0 ? Promise.resolve([]) : this.hook.run(chunkRows) });
      chunkRows = [];
    };
    let current: Pending | undefined;
    let filterRows = false;
    const onRow = (row: FeatureRow): void => {
      const p = current as Pending;
      if (row.eventTimeMs > m.futureLimitMs) p.reason = RecordErrorReason.EVENT_TIME_IN_FUTURE;
      else if (filterRows && !(m.backoff as BackoffController).keep(row.inferenceId ?? row.eventId)) sampledOut++;
      else p.rows.push(hookedRowOf(row, this.registry));
    };
    const sampling = m.backoff !== undefined && m.backoff.ratio < 1;
    for (let i = 0; i < batch.records.length; i++) {
      const line = batch.records[i] as string;
      if (sampling) {
        const key = batch.key?.(i);
        filterRows = key === undefined || key === null || key.length === 0;
        if (!filterRows && !(m.backoff as BackoffController).keepBytes(key as Uint8Array)) {
          sampledOut++;
          continue;
        }
      }
      current = { i, line, reason: batch.rejected?.(i)?.reason, rows: [] };
      try {
        if (current.reason === undefined && line.length > this.maxLineLength) current.reason = RecordErrorReason.LINE_TOO_LONG;
        else if (current.reason === undefined) current.reason = this.decoder.decode(line, onRow) ?? current.reason;
      } catch (e) {
        invalid.set(RecordErrorReason.PROCESSING_ERROR, (invalid.get(RecordErrorReason.PROCESSING_ERROR) ?? 0) + 1);
        poison.dead(this.monitor, batch, i, line, e, false, this.deadLetters);
        continue;
      }
      pending.push(current);
      for (const r of current.rows) chunkRows.push(r.input);
      if (chunkRows.length >= CHUNK_ROWS) {
        send();
        // let the hook's answers in and the next chunk out while decoding goes on
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (chunkRows.length > 0 || chunks.length === 0) send();
    const batchCounts: PreprocessCounts = { kept: 0, dropped: 0, invalid: 0, failed: 0, timeout: 0 };
    let first: { source: string; outcome: string; error: string } | undefined;
    let start = 0;
    for (const chunk of chunks) {
      const results = await chunk.results;
      let next = 0;
      for (let j = start; j < chunk.end; j++) {
        const p = pending[j] as Pending;
        const mine = results.slice(next, next + p.rows.length);
        next += p.rows.length;
        for (const r of mine) batchCounts[r.outcome === 'delivered' ? 'kept' : r.outcome]++;
        const bad = mine.find((r) => r.outcome === 'invalid' || r.outcome === 'failed' || r.outcome === 'timeout');
        m.begin();
        let admitted = false;
        try {
          if (bad !== undefined && p.reason === undefined) {
            const error = bad.outcome === 'timeout' ? `did not return within ${this.timeoutMs} ms` : (bad as { error: string }).error;
            first ??= { source: batch.origin(p.i), outcome: bad.outcome, error };
            reject(p, REASON[bad.outcome as keyof typeof REASON], error);
          } else {
            let reason = p.reason;
            mine.forEach((r, k) => {
              if (r.outcome !== 'kept' || reason === RecordErrorReason.TOO_MANY_FEATURES) return;
              const row = fillHookRow(p.rows[k] as HookedRow, r, this.registry, this.scratch);
              if (typeof row === 'string') reason = row;
              else {
                m.admit(row);
                admitted = true;
              }
            });
            if (reason !== undefined) reject(p, reason);
          }
        } catch (e) {
          invalid.set(RecordErrorReason.PROCESSING_ERROR, (invalid.get(RecordErrorReason.PROCESSING_ERROR) ?? 0) + 1);
          poison.dead(this.monitor, batch, p.i, p.line, e, admitted, this.deadLetters);
        }
        m.end();
      }
      start = chunk.end;
    }
    for (const [outcome, n] of Object.entries(batchCounts) as [keyof PreprocessCounts, number][]) {
      if (n === 0) continue;
      this.counts[outcome] += n;
      this.metrics.hookCallsTotal.labels(this.monitor, 'preprocess', outcome).inc(n);
    }
    if (first !== undefined) this.warn(batchCounts, first);
    poison.warn(this.monitor, this.logger);
    return { invalid: invalid.size === 0 ? undefined : invalid, sampledOut };
  }
}
