/**
 * The model endpoint as the explainability baseline calls it: rows go out in batches of at most
 * `batchRows` per POST (content type and accept type from the predictor config), at most
 * `concurrency` requests at a time, each with its own timeout. Connection errors, timeouts and 5xx
 * answers are retried with capped, jittered backoff (retry.ts); a 4xx answer is not. When the
 * endpoint stays unreachable the error is MODEL_UNREACHABLE; an answer that is not one line of
 * numbers per row sent is MODEL_OUTPUT_INVALID (predictor-payload.ts), not retried.
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { retry } from '../retry.js';
import type { FeatureValue, PredictorConfig } from '../sagemaker/explainability-config.js';
import { decodeOutputs, encodeRows } from '../sagemaker/predictor-payload.js';

export interface ModelClientOptions {
  readonly predictor: PredictorConfig;
  /** Rows per request (default 1000). */
  readonly batchRows?: number;
  /** Requests in flight at most (default 4). */
  readonly concurrency?: number;
  /** Per request (default 60 s). */
  readonly timeoutMs?: number;
  /** Retries of a request after a connection error, timeout or 5xx answer (default 3). */
  readonly retries?: number;
  /** The first wait between retries, doubling up to 10 s (default 500 ms). */
  readonly retryBaseDelayMs?: number;
  readonly signal?: AbortSignal;
}

export class ModelClient {
  /** Requests sent (retries included) and rows predicted, for the job's summary. */
  requests = 0;
  rows = 0;
  private readonly batchRows: number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly url: string;

  constructor(private readonly options: ModelClientOptions) {
    this.batchRows = Math.max(1, options.batchRows ?? 1000);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = Math.max(0, options.retries ?? 3);
    this.baseDelayMs = options.retryBaseDelayMs ?? 500;
    this.url = options.predictor.endpointUrl;
  }

  /** The model's outputs (one number per label) for each row, in order. */
  async predict(rows: readonly (readonly FeatureValue[])[]): Promise<Float64Array[]> {
    const out = new Array<Float64Array>(rows.length);
    const batches = Math.ceil(rows.length / this.batchRows);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches) {
        const b = next++;
        const start = b * this.batchRows;
        const part = rows.slice(start, start + this.batchRows);
        const outputs = await this.send(part);
        for (let i = 0; i < outputs.length; i++) out[start + i] = outputs[i]!;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches) }, worker));
    this.rows += rows.length;
    return out;
  }

  private async send(rows: readonly (readonly FeatureValue[])[]): Promise<Float64Array[]> {
    const { predictor, signal } = this.options;
    const body = encodeRows(rows, predictor);
    let attempts = 0;
    const text = await retry(
      async () => {
        attempts++;
        this.requests++;
        let res: Response;
        try {
          res = await fetch(this.url, {
            method: 'POST',
            headers: { 'content-type': predictor.contentType, accept: predictor.acceptType },
            body,
            signal: signal === undefined ? AbortSignal.timeout(this.timeoutMs) : AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
          });
        } catch (e) {
          const timedOut = (e as Error).name === 'TimeoutError';
          const cause = (e as { cause?: { message?: string } }).cause?.message;
          const why = timedOut ? `no answer within ${this.timeoutMs} ms` : `${(e as Error).message}${cause ? ` (${cause})` : ''}`;
          throw new DriftmonError(ErrorCode.MODEL_UNREACHABLE, `cannot reach the model at ${this.url}: ${why}`, { cause: e, retryable: true });
        }
        const answer = await res.text().catch(() => '');
        if (res.ok) return answer;
        throw new DriftmonError(ErrorCode.MODEL_UNREACHABLE, `the model at ${this.url} answered ${res.status}: ${answer.slice(0, 300)}`, {
          retryable: res.status >= 500,
        });
      },
      {
        attempts: this.retries + 1,
        baseDelayMs: this.baseDelayMs,
        maxDelayMs: 10_000,
        jitter: true,
        ...(signal !== undefined ? { signal } : {}),
        shouldRetry: (e) => e instanceof DriftmonError && e.retryable,
      },
    ).catch((e: unknown) => {
      if (!(e instanceof DriftmonError) || attempts === 1) throw e;
      throw new DriftmonError(e.code, `${e.message} (${attempts} attempts)`, { cause: e.cause });
    });
    return decodeOutputs(text, rows.length, predictor, `the model at ${this.url}`);
  }
}
