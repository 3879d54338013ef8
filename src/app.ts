/**
 * Composition root: builds the pipeline from a validated Config. The only place where concrete
 * sources, sinks, the metrics registry and the HTTP server are wired together.
 */
import type { Readable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadBaseline } from './baseline/load-files.js';
import type { Config, MonitorSettings } from './config/load.js';
import { buildHttpApp, listen } from './http/server.js';
import { MonitorPipeline, type MonitorSummary } from './pipeline/monitor-pipeline.js';
import { FileDeadLetterSink } from './sink/dead-letter.js';
import { LocalReportSink } from './sink/local-report-sink.js';
import { createMetrics } from './sink/metrics.js';
import { FileSource } from './source/file-source.js';
import type { Source } from './source/source.js';
import { StreamSource } from './source/stdin-source.js';

export interface AppDeps {
  stdin?: Readable;
  logger?: Logger;
  clock?: () => number;
  signal?: AbortSignal;
}

export interface AppHandle {
  /** Base URL of the HTTP server, when enabled. */
  url: string | undefined;
  registry: Registry;
  monitors: MonitorPipeline[];
  /** Resolves when every monitor's source has ended (or the signal aborted). */
  done: Promise<MonitorSummary[]>;
  /** Stop the HTTP server and close the sinks (after `done`). */
  close(): Promise<void>;
}

export function createLogger(level: Config['log']['level']): Logger {
  return pino({ level, base: { app: 'driftmon' } }, pino.destination(2));
}

export async function startApp(config: Config, deps: AppDeps = {}): Promise<AppHandle> {
  const logger = deps.logger ?? createLogger(config.log.level);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'driftmon_process_' });
  const metrics = createMetrics(registry);
  const reports = new LocalReportSink(config.output.dir);
  const deadLetters = new FileDeadLetterSink(config.output.deadLetterDir, deps.clock);

  const monitors: MonitorPipeline[] = [];
  const baselines = await Promise.all(config.monitors.map((m) => loadBaseline(m.baseline)));
  config.monitors.forEach((settings, i) => {
    monitors.push(
      new MonitorPipeline({
        settings,
        baseline: baselines[i] as Awaited<ReturnType<typeof loadBaseline>>,
        source: createSource(settings, deps.stdin),
        reports,
        deadLetters,
        metrics,
        logger,
        ...(deps.clock ? { clock: deps.clock } : {}),
      }),
    );
  });

  let url: string | undefined;
  const http = config.http.enabled
    ? buildHttpApp({ registry, notReady: () => monitors.filter((m) => !m.isReady).map((m) => m.name) })
    : undefined;
  if (http) {
    url = await listen(http, config.http.host, config.http.port);
    logger.info({ url }, 'serving /metrics, /healthz, /readyz');
  }

  const done = Promise.all(monitors.map((m) => m.run(deps.signal)));
  return {
    url,
    registry,
    monitors,
    done,
    async close() {
      await done.catch(() => undefined);
      await reports.close();
      await deadLetters.close();
      await http?.close();
    },
  };
}

function createSource(settings: MonitorSettings, stdin: Readable | undefined): Source {
  const s = settings.source;
  if (s.type === 'files') return new FileSource({ paths: s.paths, follow: s.follow, pollIntervalMs: s.pollIntervalMs });
  if (stdin === undefined) throw new Error('stdin source configured but no stdin available');
  return new StreamSource(stdin);
}
