/**
 * Which thread(s) decode a data-quality monitor's capture files: the monitor's own (undefined), one
 * worker (WorkerDecodedFileSource: also for followed files), or several (ParallelDecodedFileSource).
 */
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { MonitorSettings } from '../config/load.js';
import { decodeSpec, decodeTask } from '../monitors/data-quality/decode-task.js';
import type { Baseline } from '../monitors/data-quality/monitor-deps.js';
import type { FileSourceOptions } from '../source/file-source.js';
import type { Source } from '../source/source.js';

type FilesSettings = Extract<MonitorSettings['source'], { type: 'files' }>;

/**
 * `auto`: a worker per core beside the monitor's, at most 4 (the monitor applies blocks in order,
 * so more only wait). On 2 cores, 1: a second worker shares the monitor's core, and a replay of 1M
 * capture lines was no faster with it (README "Decoding in several worker threads").
 */
export function decodeWorkerCount(setting: number | 'auto', cores = availableParallelism()): number {
  return setting === 'auto' ? Math.max(1, Math.min(cores - 1, 4)) : setting;
}

/**
 * The source that decodes `s`'s files elsewhere, or undefined when the monitor's thread should.
 * decodeShare (off by default: on 2 cores it was faster only for the largest replay measured,
 * README "Decoding in several worker threads"): the monitor thread decodes units too.
 */
export async function decodedFileSource(settings: MonitorSettings, baseline: Baseline, s: FilesSettings, onUnreadable: FileSourceOptions['onUnreadable'], logger: Logger): Promise<Source | undefined> {
  const { decodeInWorker, WorkerDecodedFileSource } = await import('../source/worker-decoded-file-source.js');
  if (!(await decodeInWorker(s.decodeInWorker, s.paths, s.follow))) return undefined;
  const workers = s.follow ? 1 : decodeWorkerCount(s.decodeWorkers);
  const share = s.decodeShare && !s.follow;
  if (workers > 1 || share) {
    const { ParallelDecodedFileSource } = await import('../source/parallel-decoded-file-source.js');
    const task = { ...decodeSpec(settings, baseline), paths: s.paths, workers, share, ...(s.decodeRangeBytes === undefined ? {} : { rangeBytes: s.decodeRangeBytes }) };
    const decodingHere = (at: string): void => logger.warn({ monitor: settings.name, at }, 'the decoding workers cannot give what one decoder would from here (column naming or maxFeatures): decoding the rest in the monitor thread');
    const decoded = (units: number, decodedHere: number): void => logger.info({ monitor: settings.name, units, decodedHere }, 'capture decoded (units, of which decoded in the monitor thread)');
    return new ParallelDecodedFileSource(task, onUnreadable, decodingHere, decoded);
  }
  const files = { paths: s.paths, follow: s.follow, pollIntervalMs: s.pollIntervalMs, maxLineLength: settings.maxLineLength };
  return new WorkerDecodedFileSource(decodeTask(settings, baseline, files), onUnreadable);
}
