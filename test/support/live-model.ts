/**
 * A linear model endpoint on 127.0.0.1 for the live-explanation tests: f(x) = bias + Σ wᵢxᵢ over
 * CSV rows, one output line per row. Unlike model-server.ts it can change its weights mid-run,
 * hold its answers until the test lets them go (a slow endpoint, without timing), and be stopped
 * and started again on the same port (an outage).
 */
import Fastify, { type FastifyInstance } from 'fastify';

export class LiveModel {
  weights: number[];
  requests = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private app: FastifyInstance | undefined;
  private port = 0;

  constructor(weights: readonly number[], readonly bias: number) {
    this.weights = [...weights];
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/csv`;
  }

  /** Listen (again) — on the port of the first start. */
  async start(): Promise<void> {
    const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.post('/csv', async (req) => {
      this.requests++;
      await this.gate;
      const rows = (req.body as string).split('\n').filter((l) => l !== '').map((l) => l.split(',').map(Number));
      return rows.map((x) => String(this.bias + x.reduce((s, v, i) => s + (this.weights[i] as number) * v, 0))).join('\n') + '\n';
    });
    const address = await app.listen({ host: '127.0.0.1', port: this.port });
    this.port = Number(new URL(address).port);
    this.app = app;
  }

  /** Answers wait from now until release(). */
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }
}
