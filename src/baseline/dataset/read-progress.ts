/**
 * Progress of a dataset read: a bar (cli-progress, stderr) shown when allowed, stderr is a TTY and
 * the input is larger than 50 MB; it advances with the bytes read.
 */
import { createReadStream } from 'node:fs';
import { SingleBar } from 'cli-progress';

/** Inputs larger than this get a progress bar (when allowed and stderr is a TTY). */
export const PROGRESS_MIN_BYTES = 50 * 1024 * 1024;

export interface Progress {
  add(bytes: number): void;
  stop(): void;
}

export function createProgress(total: number, allowed: boolean): Progress {
  if (!allowed || total <= PROGRESS_MIN_BYTES || process.stderr.isTTY !== true) {
    return { add: () => undefined, stop: () => undefined };
  }
  const mb = (b: number): string => (b / 1048576).toFixed(0);
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'baseline |{bar}| {percentage}% | {done}/{size} MB | eta {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  let done = 0;
  bar.start(total, 0, { done: '0', size: mb(total) });
  return {
    add(bytes: number): void {
      done = Math.min(total, done + bytes);
      bar.update(done, { done: mb(done) });
    },
    stop(): void {
      bar.stop();
    },
  };
}

/** A read stream of `input` that advances `progress` by every chunk it reads. */
export function countingStream(input: string, progress: Progress): ReturnType<typeof createReadStream> {
  const stream = createReadStream(input);
  stream.on('data', (chunk) => progress.add(chunk.length));
  return stream;
}
