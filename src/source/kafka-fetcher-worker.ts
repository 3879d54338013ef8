/**
 * The Kafka fetcher in a worker thread (kafka-fetcher.ts): kafkajs's fetching, record-batch
 * decoding and group protocol run there (kafka-fetch-worker.ts), and each chunk comes over packed
 * into transferred buffers (kafka-chunk-transfer.ts). Measured before this was built: kafkajs in a
 * worker cut the pipeline thread's CPU per message from 1.45 to 0.23 µs.
 *
 * One chunk is in flight at a time, as in the thread's own consumer: the worker waits for the
 * verdict before it resolves, seeks or fetches on, so back-pressure and exactly-once are the same.
 * Group joins and crashes come over in order with the chunks, so a join is handled before the
 * first chunk of its generation. kafkajs's log lines are relayed to this thread's logger.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { DriftmonError, ErrorCode } from '../errors.js';
import { unpackChunk, type PackedChunk } from './kafka-chunk-transfer.js';
import type { BlockDecodeSpec } from '../record/block-decoder.js';
import type { KafkaConnection } from './kafka-client.js';
import type { ChunkVerdict, FetchHandlers, FetchOptions, KafkaFetcher } from './kafka-fetcher.js';
import { workerScript } from './worker-script.js';

export interface FetchWorkerData {
  readonly connection: KafkaConnection;
  readonly options: FetchOptions;
  /** Decode each chunk's records in the worker too (a data-quality monitor's decoding, BlockDecodeSpec). */
  readonly decode?: BlockDecodeSpec | undefined;
}

/** To the worker. */
export type ToFetchWorker =
  | { readonly type: 'connect' | 'run' | 'disconnect' }
  | { readonly type: 'pause'; readonly topics: readonly string[] }
  | { readonly type: 'commit'; readonly id: number; readonly offsets: ReadonlyArray<{ topic: string; partition: number; offset: string }> }
  | { readonly type: 'verdict'; readonly id: number; readonly verdict: ChunkVerdict };

/** From the worker; `done` answers connect, run, commit (by id) and disconnect, with an error message on failure. */
export type FromFetchWorker =
  | { readonly type: 'done'; readonly what: 'connect' | 'run' | 'disconnect' | 'commit'; readonly id?: number; readonly error?: string }
  | { readonly type: 'group-join'; readonly assignment: Record<string, number[]> }
  | { readonly type: 'crash'; readonly message: string; readonly restart: boolean }
  | { readonly type: 'chunk'; readonly id: number; readonly chunk: PackedChunk }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly fields: Record<string, unknown>; readonly msg: string };

export class WorkerFetcher implements KafkaFetcher {
  private worker: Worker | undefined;
  private handlers: FetchHandlers | undefined;
  private readonly waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private nextCommit = 0;
  private gone: Error | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: FetchOptions,
    private readonly logger: Logger,
    private readonly decode?: BlockDecodeSpec,
  ) {}

  connect(): Promise<void> {
    const data: FetchWorkerData = { connection: this.connection, options: this.options, decode: this.decode };
    const worker = new Worker(workerScript('source/kafka-fetch-worker.js'), { workerData: data });
    this.worker = worker;
    worker.on('message', (m: FromFetchWorker) => this.onMessage(m));
    worker.on('error', (e) => this.lost(e));
    worker.on('exit', (code) => this.lost(new Error(`the Kafka fetch worker exited (code ${code})`)));
    return this.request('connect', { type: 'connect' });
  }

  run(handlers: FetchHandlers): Promise<void> {
    this.handlers = handlers;
    return this.request('run', { type: 'run' });
  }

  pause(topics: readonly string[]): void {
    if (this.handlers === undefined) throw new DriftmonError(ErrorCode.INTERNAL, 'the Kafka fetcher is not running');
    this.worker?.postMessage({ type: 'pause', topics } satisfies ToFetchWorker);
  }

  commitOffsets(offsets: ReadonlyArray<{ topic: string; partition: number; offset: string }>): Promise<void> {
    const id = this.nextCommit++;
    return this.request(`commit:${id}`, { type: 'commit', id, offsets });
  }

  async disconnect(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined || this.gone !== undefined) return;
    try {
      await this.request('disconnect', { type: 'disconnect' });
    } finally {
      this.gone ??= new Error('the Kafka fetcher was disconnected');
      await worker.terminate();
    }
  }

  private request(key: string, message: ToFetchWorker): Promise<void> {
    if (this.gone !== undefined) return Promise.reject(this.gone);
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(key, { resolve, reject });
      this.worker?.postMessage(message);
    });
  }

  private onMessage(m: FromFetchWorker): void {
    switch (m.type) {
      case 'done': {
        const key = m.what === 'commit' ? `commit:${m.id}` : m.what;
        const w = this.waiting.get(key);
        this.waiting.delete(key);
        if (m.error === undefined) w?.resolve();
        else w?.reject(new Error(m.error));
        return;
      }
      case 'group-join':
        this.handlers?.groupJoined(m.assignment);
        return;
      case 'crash':
        this.handlers?.crashed(new Error(m.message), m.restart);
        return;
      case 'chunk': {
        const verdict = this.handlers === undefined ? Promise.resolve<ChunkVerdict>({ kind: 'stop' }) : this.handlers.chunk(unpackChunk(m.chunk));
        // a handler that throws has failed the source already: the worker drops the chunk
        verdict.then(
          (v) => this.worker?.postMessage({ type: 'verdict', id: m.id, verdict: v } satisfies ToFetchWorker),
          () => this.worker?.postMessage({ type: 'verdict', id: m.id, verdict: { kind: 'stop' } } satisfies ToFetchWorker),
        );
        return;
      }
      case 'log':
        this.logger[m.level](m.fields, m.msg);
        return;
    }
  }

  /** The worker died or exited: every request fails, and a running consumer counts as crashed for good. */
  private lost(e: Error): void {
    if (this.gone !== undefined) return;
    this.gone = e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    this.handlers?.crashed(e, false);
  }
}
