/**
 * The HTTP face: /metrics (Prometheus text format), /healthz (the process is alive), /readyz
 * (every monitor has loaded its baseline and started its source), /windows (the newest reported
 * windows, as index.jsonl lines, newest last).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { DriftmonError, ErrorCode } from '../errors.js';

export interface HttpDeps {
  registry: Registry;
  /** Names of monitors that are not ready yet (empty = ready). */
  notReady: () => string[];
  /** The newest reported windows (index entries), newest last. */
  recentWindows: () => readonly unknown[];
}

export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    const body = await deps.registry.metrics();
    return reply.header('content-type', deps.registry.contentType).send(body);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const waiting = deps.notReady();
    if (waiting.length > 0) return reply.code(503).send({ status: 'not_ready', waiting });
    return { status: 'ready' };
  });
  app.get('/windows', async () => ({ windows: deps.recentWindows() }));
  return app;
}

/** Listen; resolves to the base URL actually bound (port 0 picks a free one). */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    await app.listen({ host, port });
  } catch (e) {
    throw new DriftmonError(ErrorCode.HTTP_FAILED, `cannot listen on ${host}:${port}: ${(e as Error).message}`, { cause: e });
  }
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
  return `http://${host}:${bound}`;
}
