/**
 * A model endpoint on 127.0.0.1 (fastify, port 0) for the explainability baseline's tests: a
 * linear model f(x) = b + Σ wᵢxᵢ answered as CSV or JSON Lines, a logistic one, and misbehaving
 * routes (503 first, malformed answers). Counts the requests and rows it served.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';

export interface LinearModel {
  readonly bias: number;
  readonly weights: readonly number[];
}

export interface ModelServer {
  readonly url: string;
  readonly requests: number;
  readonly rows: number;
  /** The next `n` requests to /flaky answer 503. */
  failNext(n: number): void;
  close(): Promise<void>;
}

export const linear = (m: LinearModel, x: readonly number[]): number => m.bias + x.reduce((s, v, i) => s + m.weights[i]! * v, 0);

/** Routes: /csv, /jsonl ({"features": [...]} → {"score": f, "scores": [f, -f]}), /logistic (CSV, sigmoid), /flaky (CSV), /malformed/short, /malformed/text. */
export async function startModelServer(model: LinearModel): Promise<ModelServer> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  app.addContentTypeParser(['text/csv', 'application/jsonlines'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  let failing = 0;
  const state = { requests: 0, rows: 0 };
  const csvRows = (body: string): number[][] =>
    body
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(',').map(Number));
  const answer = (rows: number[][], f: (x: number[]) => string): string => {
    state.requests++;
    state.rows += rows.length;
    return rows.map(f).join('\n') + '\n';
  };
  app.post('/csv', async (req) => answer(csvRows(req.body as string), (x) => String(linear(model, x))));
  app.post('/logistic', async (req) => answer(csvRows(req.body as string), (x) => String(1 / (1 + Math.exp(-linear(model, x))))));
  app.post('/flaky', async (req, reply) => {
    if (failing > 0) {
      failing--;
      state.requests++;
      return reply.code(503).send('busy');
    }
    return answer(csvRows(req.body as string), (x) => String(linear(model, x)));
  });
  app.post('/jsonl', async (req) => {
    const rows = (req.body as string)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { features: number[] }).features);
    return answer(rows, (x) => JSON.stringify({ score: linear(model, x), scores: [linear(model, x), -linear(model, x)] }));
  });
  app.post('/malformed/short', async (req) => answer(csvRows(req.body as string).slice(1), (x) => String(linear(model, x))));
  app.post('/malformed/text', async (req) => answer(csvRows(req.body as string), () => 'positive'));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    get requests() {
      return state.requests;
    },
    get rows() {
      return state.rows;
    },
    failNext(n) {
      failing = n;
    },
    close: () => app.close(),
  };
}

/** A loopback URL nothing listens on (a port just released). */
export async function deadUrl(): Promise<string> {
  const app = Fastify({ logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  await app.close();
  return `${address}/csv`;
}

/** Starts a model server before the suite's tests and closes it after them; call the result for the server. */
export function useModelServer(model: LinearModel): () => ModelServer {
  let server: ModelServer | undefined;
  beforeAll(async () => {
    server = await startModelServer(model);
  });
  afterAll(() => server?.close());
  return () => server as ModelServer;
}
