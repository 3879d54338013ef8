/** In-memory parts for attribution monitor unit tests: a partitioned source, a checkpoint store, the metrics, a silent logger and a fixed clock. */
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { createAttributionMetrics } from '../../../observability/attribution-metrics.js';
import { createMetrics } from '../../../observability/metrics.js';
import type { RawBatch, Source } from '../../../source/source.js';
import type { Checkpoint, CheckpointStore } from '../../../state/checkpoint-store.js';
import type { SourcePosition } from '../../../state/source-position.js';

export function memorySource(list: RawBatch[]): Source & { commits: SourcePosition[][] } {
  const s = {
    description: 'memory',
    partitioned: true,
    commits: [] as SourcePosition[][],
    batches: async function* (): AsyncIterable<RawBatch> {
      yield* list;
    },
    assignment: () => ['t/0', 't/1'],
    close: async () => undefined,
    commit: async (p: readonly SourcePosition[]) => void s.commits.push([...p]),
  };
  return s;
}

export function memoryCheckpoints(): CheckpointStore & { saved: Checkpoint[] } {
  const saved: Checkpoint[] = [];
  return { saved, load: async () => saved.at(-1), save: async (c) => (saved.push(c), c.state.length), describe: () => 'memory' };
}

export function quietDeps(): { metrics: ReturnType<typeof createMetrics>; gauges: ReturnType<typeof createAttributionMetrics>; logger: Logger; clock: () => number } {
  const registry = new Registry();
  return { metrics: createMetrics(registry), gauges: createAttributionMetrics(registry), logger: pino({ level: 'silent' }), clock: () => Date.UTC(2027, 0, 1) };
}
