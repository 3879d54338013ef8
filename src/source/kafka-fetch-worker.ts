/**
 * The worker thread of WorkerFetcher (kafka-fetcher-worker.ts): a kafkajs consumer made with the
 * same client settings as the pipeline thread's (createKafka), run by InThreadFetcher, its chunks
 * packed and posted, each waiting for its verdict; with a decode spec, each chunk's records are
 * decoded here too (kafka-chunk-decoding.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from 'pino';
import { packChunk } from './kafka-chunk-transfer.js';
import { createKafka } from './kafka-client.js';
import { ChunkDecoding } from './kafka-chunk-decoding.js';
import type { ChunkVerdict, FetchedChunk, FetchHandlers } from './kafka-fetcher.js';
import { InThreadFetcher } from './kafka-fetcher-in-thread.js';
import type { FetchWorkerData, FromFetchWorker, ToFetchWorker } from './kafka-fetcher-worker.js';

const port = parentPort;
if (port === null) throw new Error('kafka-fetch-worker.ts runs as a worker thread');
const { connection, options, decode } = workerData as FetchWorkerData;
const post = (m: FromFetchWorker, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);

/** Enough of a pino logger for createKafka: its lines go to the pipeline thread's logger. */
function relayLogger(bindings: Record<string, unknown>): Logger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (fields: Record<string, unknown>, msg: string) => post({ type: 'log', level, fields: { ...bindings, ...fields }, msg });
  return { child: (more: Record<string, unknown>) => relayLogger({ ...bindings, ...more }), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger;
}

const fetcher = new InThreadFetcher(createKafka(connection, relayLogger({})), options);
const decoding = decode === undefined ? undefined : new ChunkDecoding(decode, options.chunkSize);
const verdicts = new Map<number, (v: ChunkVerdict) => void>();
let nextChunk = 0;

const handlers: FetchHandlers = {
  groupJoined: (assignment) => post({ type: 'group-join', assignment: assignment as Record<string, number[]> }),
  crashed: (error, restart) => post({ type: 'crash', message: error.message, restart }),
  chunk: (c) =>
    new Promise<ChunkVerdict>((resolve) => {
      const id = nextChunk++;
      verdicts.set(id, resolve);
      const { packed, transfer } = packChunk(decoding === undefined ? c : decoding.decoded(c));
      post({ type: 'chunk', id, chunk: packed }, transfer);
    }),
  ...(decoding === undefined ? {} : { prepare: (c: FetchedChunk) => decoding.prepare(c) }),
};

const answer = (what: 'connect' | 'run' | 'disconnect' | 'commit', work: Promise<void>, id?: number): void => {
  work.then(
    () => post({ type: 'done', what, ...(id === undefined ? {} : { id }) }),
    (e: unknown) => post({ type: 'done', what, ...(id === undefined ? {} : { id }), error: (e as Error).message ?? String(e) }),
  );
};

port.on('message', (m: ToFetchWorker) => {
  switch (m.type) {
    case 'connect':
      return answer('connect', fetcher.connect());
    case 'run':
      return answer('run', fetcher.run(handlers));
    case 'pause':
      try {
        fetcher.pause(m.topics);
      } catch {
        // not running yet, or restarting after a crash: nothing to pause
      }
      return;
    case 'commit':
      return answer('commit', fetcher.commitOffsets(m.offsets), m.id);
    case 'verdict': {
      const resolve = verdicts.get(m.id);
      verdicts.delete(m.id);
      resolve?.(m.verdict);
      return;
    }
    case 'disconnect':
      // chunks waiting for a verdict are dropped: the consumer is leaving
      for (const resolve of verdicts.values()) resolve({ kind: 'stop' });
      verdicts.clear();
      return answer('disconnect', fetcher.disconnect());
  }
});
