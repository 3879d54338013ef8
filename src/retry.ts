/**
 * The one retry policy for infrastructure errors (S3, Kafka, HTTP): call again after waits that
 * double from baseDelayMs up to maxDelayMs, optionally jittered. Callers keep their logging and
 * metrics in onRetry. Per-record problems never come here: they are counted and dead-lettered.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface RetryOptions {
  /** Calls in all, the first included; unbounded when absent (stop with `signal` or `shouldRetry`). */
  attempts?: number;
  /** The wait after the first failure; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest wait (default: no cap). */
  maxDelayMs?: number;
  /** Equal jitter: a wait of d is drawn from [d/2, d), so clients that failed together spread out. */
  jitter?: boolean;
  /** False gives up with err at once. attempt counts the failed calls so far, from 1. */
  shouldRetry?: (err: unknown, attempt: number) => boolean;
  /** Called before each wait (for the caller's logs and metrics). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Aborting ends the wait at once and gives up with the last error; an aborted signal is not retried. */
  signal?: AbortSignal;
  /** Injectable for tests. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Injectable for tests: uniform in [0, 1). */
  random?: () => number;
}

/** fn's result once a call succeeds; the last error once attempts, shouldRetry or signal end the retries. */
export async function retry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts = Infinity, baseDelayMs, maxDelayMs = Infinity, shouldRetry, onRetry, signal, sleep = wait, random = Math.random } = options;
  const aborted = (): boolean => signal?.aborted === true;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || aborted() || (shouldRetry !== undefined && !shouldRetry(err, attempt))) throw err;
      // the exponent stops at 30: any base is past every useful cap by then
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
      const delayMs = options.jitter === true ? cap / 2 + random() * (cap / 2) : cap;
      onRetry?.(err, attempt, delayMs);
      await sleep(delayMs, signal);
      if (aborted()) throw err;
    }
  }
}

/** A timer that an abort ends early (resolving, not rejecting: retry() decides what an abort means). */
async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal === undefined ? undefined : { signal });
  } catch (e) {
    if (signal?.aborted !== true) throw e;
  }
}

/**
 * p's outcome, or a rejection with `message` once ms have passed (p goes on in the background: the
 * caller gives up waiting, it cannot cancel). For calls to infrastructure that may retry for longer
 * than the caller can wait, such as a commit during a bounded shutdown.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  p.catch(() => undefined); // a late rejection is nobody's to handle
  if (ms === Infinity) return p;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), Math.max(0, ms));
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
