/** The model client against a real endpoint on 127.0.0.1: order kept across batches, concurrency bounded, 4xx not retried, timeouts. */
import Fastify, { type FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import type { PredictorConfig } from '../sagemaker/explainability-config.js';
import { ModelClient } from './model-client.js';

describe('ModelClient', () => {
  let app: FastifyInstance;
  let url: string;
  let inFlight = 0;
  let maxInFlight = 0;
  let requests = 0;
  beforeAll(async () => {
    app = Fastify({ logger: false });
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    // echoes 10 × the first value of each row, after a pause that lets requests overlap
    app.post('/echo', async (req) => {
      requests++;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(15);
      inFlight--;
      return (req.body as string).split('\n').filter((l) => l !== '').map((l) => String(10 * Number(l.split(',')[0]))).join('\n');
    });
    app.post('/bad-request', async (_req, reply) => {
      requests++;
      return reply.code(400).send('no such feature');
    });
    app.post('/hang', async () => {
      requests++;
      await sleep(2000);
      return '1';
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  const predictor = (path: string): PredictorConfig => ({ endpointUrl: `${url}${path}`, contentType: 'text/csv', acceptType: 'text/csv', contentTemplate: '' });

  it('splits rows into batches, at most `concurrency` in flight, outputs in the rows\' order', async () => {
    requests = 0;
    const client = new ModelClient({ predictor: predictor('/echo'), batchRows: 7, concurrency: 3 });
    const rows = Array.from({ length: 100 }, (_, i) => [i, 'x']);
    const out = await client.predict(rows);
    expect(out.map((o) => Array.from(o))).toEqual(rows.map(([i]) => [10 * (i as number)]));
    expect(requests).toBe(15);
    expect(client.requests).toBe(15);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('a 4xx answer is not retried: MODEL_UNREACHABLE with the status and body', async () => {
    requests = 0;
    const client = new ModelClient({ predictor: predictor('/bad-request'), retries: 3, retryBaseDelayMs: 1 });
    const e = await client.predict([[1]]).catch((x: unknown) => x);
    expect((e as DriftmonError).code).toBe(ErrorCode.MODEL_UNREACHABLE);
    expect((e as DriftmonError).message).toBe(`the model at ${url}/bad-request answered 400: no such feature`);
    expect(requests).toBe(1);
  });

  it('a request past its timeout is retried, then fails naming the timeout', async () => {
    requests = 0;
    const client = new ModelClient({ predictor: predictor('/hang'), timeoutMs: 100, retries: 1, retryBaseDelayMs: 1 });
    const e = await client.predict([[1]]).catch((x: unknown) => x);
    expect((e as DriftmonError).code).toBe(ErrorCode.MODEL_UNREACHABLE);
    expect((e as DriftmonError).message).toBe(`cannot reach the model at ${url}/hang: no answer within 100 ms (2 attempts)`);
    expect(requests).toBe(2);
  });
});
