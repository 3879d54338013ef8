/**
 * The loop the label and attribution monitors run over their source: each batch processed and put
 * through the checkpoint cycle until the source ends or the signal aborts; then, by how it ended, a
 * partitioned source with checkpoints saves a final one (windows wait across restarts), an abort
 * leaves the windows unreported (said in a warning), and the end of a finite input reports every
 * window. Sinks are flushed and the source closed whatever happens.
 */
import type { Logger } from 'pino';
import type { DeadLetterSink } from '../sink/dead-letter.js';
import type { ReportSink } from '../sink/report.js';
import type { RawBatch, Source } from '../source/source.js';
import type { CheckpointCycle, CheckpointState } from './checkpoint-cycle.js';

export interface ConsumeLoop {
  monitor: string;
  deps: { source: Source; reports: ReportSink; deadLetters: DeadLetterSink; logger: Logger };
  cycle: CheckpointCycle;
  state: () => Promise<CheckpointState>;
  /** Reports written for the batch (a batch that reported is checkpointed at once). */
  processBatch(batch: RawBatch): Promise<number>;
  /** Open windows, for the stop's log lines. */
  openWindows(): number;
  /** The signal aborted: before the source is stopped. */
  onAbort?(): void;
  /** Before the final checkpoint of a partitioned source; returns fields for its log line. */
  beforeFinalCheckpoint?(): Promise<Record<string, unknown>>;
  /** The finite input ended: report every window. */
  finish(): Promise<void>;
  /** After the loop, however it ended, before the sinks are flushed. */
  cleanup?(): void;
  /** After the source is closed. */
  closed?(): void;
}

export async function consume(loop: ConsumeLoop, signal: AbortSignal | undefined): Promise<void> {
  const { cycle, monitor } = loop;
  const { source, logger } = loop.deps;
  const onAbort = (): void => {
    loop.onAbort?.();
    if (source.stop) source.stop();
    else void source.close();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const batch of source.batches()) {
      const reported = await loop.processBatch(batch);
      await cycle.afterBatch(batch, reported > 0, loop.state);
      if (signal?.aborted) break;
    }
    if (cycle.enabled && source.partitioned === true) {
      const fields = (await loop.beforeFinalCheckpoint?.()) ?? {};
      await cycle.save(loop.state, true);
      logger.info({ monitor, openWindows: loop.openWindows(), ...fields }, 'stopped: open windows checkpointed');
    } else if (signal?.aborted) {
      logger.warn({ monitor, openWindows: loop.openWindows() }, 'stopped before the end of the input: windows dropped unreported');
    } else {
      await loop.finish();
    }
  } finally {
    loop.cleanup?.();
    signal?.removeEventListener('abort', onAbort);
    await loop.deps.reports.flush();
    await loop.deps.deadLetters.flush();
    await source.close();
    loop.closed?.();
  }
}
