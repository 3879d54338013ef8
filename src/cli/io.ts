/** What commands may use of the outside world; main.ts supplies the real process, tests a fake. */
import type { Readable } from 'node:stream';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdin: Readable;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress bars). */
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}
