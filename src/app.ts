/**
 * Composition root: builds the pipeline from a validated Config. The only place where concrete
 * sources, sinks, the metrics registry and the HTTP server are wired together.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadBaseline, readJsonFile } from './baseline/load-files.js';
import type { Config, KafkaSourceSettings, MonitorSettings } from './config/load.js';
import { labelEvaluators, scaledLabelMonitor, scaleOutMember } from './app/scale-out.js';
import { DriftmonError, ErrorCode } from './errors.js';
import type { buildHttpApp } from './http/server.js';
import { BackoffController } from './monitors/backoff.js';
import type { LabelMonitorPipeline } from './monitors/label/label-monitor.js';
import type { ScaledLabelMonitor } from './monitors/label/scaled-label-monitor.js';
import type { LabelMonitorSummary } from './monitors/label/label-summary.js';
import type { AttributionMonitorPipeline, AttributionMonitorSummary } from './monitors/attribution/attribution-monitor.js';
import { MonitorPipeline, decodeSpec, type Baseline, type MemberDeps, type MonitorSummary } from './monitors/data-quality/data-quality-monitor.js';
import { FileDeadLetterSink, type DeadLetterSink } from './sink/dead-letter.js';
import { LocalReportSink } from './sink/local-report-sink.js';
import type {
  DeadLetterTopicMetrics,
  ReportDeliveryMetrics,
} from './observability/component-metrics.js';
import { createLogger } from './observability/logger.js';
import { createIngestMetrics, createLabelMetrics, createMetrics, type LabelMetrics } from './observability/metrics.js';
import type { RecordDecoder } from './record/decoder.js';
import type { ReportSink } from './sink/report.js';
import { RecentWindowsSink } from './sink/recent-windows.js';
import { DiskWatch } from './source/disk-usage.js';
import { FileSource } from './source/file-source.js';
import type { createKafka } from './source/kafka-client.js';
import { KafkaSource } from './source/kafka-source.js';
import { WorkerFetcher } from './source/kafka-fetcher-worker.js';
import type { FetchOptions } from './source/kafka-fetcher.js';
import type { Source, UnreadableInput } from './source/source.js';
import { SequenceSource } from './source/sequence-source.js';
import { StreamSource } from './source/stdin-source.js';
import { FileCheckpointStore } from './state/checkpoint-store.js';

/**
 * What only some configs use is imported when first needed, so that a replay over files does not
 * load kafkajs, the AWS SDK, fastify, the dataset readers or the label monitors at start-up (about
 * 0.3 s of CPU).
 */
const kafkaClient = (): Promise<typeof import('./source/kafka-client.js')> => import('./source/kafka-client.js');

export interface AppDeps {
  stdin?: Readable;
  logger?: Logger;
  clock?: () => number;
  signal?: AbortSignal;
  /** Wraps each monitor's record decoder (tests make chosen records throw: a poison record). */
  wrapDecoder?: (monitor: string, decoder: RecordDecoder) => RecordDecoder;
}

/** A label monitor as the app runs it: one process's pipeline, or a scaled-out monitor's stages. */
export type LabelMonitor = Pick<LabelMonitorPipeline, 'name' | 'isReady' | 'run'>;

export interface AppHandle {
  /** Base URL of the HTTP server, when enabled. */
  url: string | undefined;
  registry: Registry;
  monitors: MonitorPipeline[];
  /** Model-quality / bias monitors (predictions joined with labels). */
  labelMonitors: LabelMonitor[];
  /** Feature attribution monitors (attributions carried in the model's output). */
  attributionMonitors: AttributionMonitorPipeline[];
  /** Resolves when every attribution monitor's source has ended (or the signal aborted). */
  attributionDone: Promise<AttributionMonitorSummary[]>;
  /** Resolves when every data-quality monitor's source has ended (or the signal aborted). */
  done: Promise<MonitorSummary[]>;
  /** The same for the label monitors (they end only when stopped). */
  labelDone: Promise<LabelMonitorSummary[]>;
  /** Input files skipped so far because they could not be read (each was logged once). */
  unreadableInputs(): UnreadableInput[];
  /** After a stop: what the sources could not do in time (offsets not committed), one line each. */
  stopProblems(): string[];
  /** Stop the HTTP server and close the sinks (after `done`). */
  close(): Promise<void>;
}

export async function startApp(config: Config, deps: AppDeps = {}): Promise<AppHandle> {
  const logger = deps.logger ?? createLogger(config.log.level);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'driftmon_process_' });
  const metrics = createMetrics(registry);
  // user code (hooks) loads first: a module that does not is a config problem, before anything starts
  const hooks = config.monitors.some((m) => m.hooks !== undefined) ? await (await import('./app/hooks.js')).startHooks(config, metrics, logger) : undefined;
  const usesKafka = config.monitors.some((m) => m.source.type === 'kafka');
  const usesJoin = config.monitors.some((m) => m.labels !== undefined);
  if (usesKafka || usesJoin || config.output.s3 !== undefined) mkdirSync(config.state.dir, { recursive: true });
  const stored = await createReportSink(config, metrics, logger, deps.clock);
  const webhook = config.actions?.webhook;
  // actions on violations run after a report is stored, never on the monitor's path
  const hooked = webhook === undefined ? stored : new (await import('./sink/webhook-action.js')).WebhookActionSink(stored, webhook, metrics, logger);
  const topic = config.actions?.kafka;
  const sharedReports = new RecentWindowsSink(topic === undefined ? hooked : await (await import('./app/violations-topic.js')).violationsTopicSink(config, topic, hooked, metrics, logger, deps.clock));
  const fileDeadLetters = new FileDeadLetterSink(config.output.deadLetterDir, deps.clock);
  const checkpoints = usesKafka ? new FileCheckpointStore(join(config.state.dir, 'checkpoints')) : undefined;
  const disk = usesKafka ? new DiskWatch(config.state.dir, metrics, logger) : undefined;
  await disk?.start();

  const monitors: MonitorPipeline[] = [];
  const labelMonitors: LabelMonitor[] = [];
  const labelMetrics = config.monitors.some((m) => m.labels !== undefined) ? createLabelMetrics(registry) : undefined;
  const ownSinks: DeadLetterSink[] = [];
  const sources: Source[] = [];
  const closers: Array<() => Promise<void>> = [];
  const attributionMonitors: AttributionMonitorPipeline[] = [];
  const attributionGauges = config.monitors.some((m) => m.attribution !== undefined) ? (await import('./observability/attribution-metrics.js')).createAttributionMetrics(registry) : undefined;
  const baselines = await Promise.all(config.monitors.map((m) => (m.labels === undefined && m.attribution === undefined ? loadBaseline(m.baseline) : undefined)));
  for (const [i, settings] of config.monitors.entries()) {
    const wrap = deps.wrapDecoder;
    const reports = hooks?.reportsOf(settings.name, sharedReports) ?? sharedReports;
    const preprocess = hooks?.preprocessOf(settings.name);
    let source: Source;
    let deadLetters: DeadLetterSink = fileDeadLetters;
    // data quality may decode in another thread (not under a test's clock or decoder wrapper, which only this thread's decoder would see)
    const decodesElsewhere = settings.labels === undefined && settings.attribution === undefined && wrap === undefined && deps.clock === undefined && preprocess === undefined;
    let member: MemberDeps | undefined;
    const scaledOf = (): ScaledLabelMonitor => labelMonitors.find((m) => m.name === settings.name) as ScaledLabelMonitor;
    if (settings.source.type === 'kafka') {
      const { createKafka, connectionOf } = await kafkaClient();
      const kafka = createKafka(settings.source, logger);
      const pipelineOf = (): MonitorPipeline => monitors.find((m) => m.name === settings.name) as MonitorPipeline;
      const scaledLabels = settings.source.scaleOut !== undefined && settings.labels !== undefined;
      if (settings.source.scaleOut !== undefined && settings.labels === undefined) {
        const joined = await scaleOutMember(settings.name, settings.source, settings.source.scaleOut, config.shutdownTimeoutMs, logger, metrics, pipelineOf, deps.clock);
        closers.push(joined.close);
        member = joined;
      }
      const connection = connectionOf({ ...settings.source, retries: Infinity });
      source = new KafkaSource({
        // a client of its own that never gives up on a broker that is down (see KafkaSource)
        kafka: createKafka(connection, logger),
        // the input's fetching and record decoding off the pipeline's thread, when asked
        // (and, for data quality, the decoding of its records)
        ...(settings.source.fetchInWorker ? { fetcher: (o: FetchOptions) => new WorkerFetcher(connection, o, logger, decodesElsewhere ? decodeSpec(settings, baselines[i] as Baseline) : undefined) } : {}),
        monitor: settings.name,
        topics: [...settings.source.topics, ...(settings.labels?.topics ?? [])],
        groupId: settings.source.groupId,
        fromBeginning: settings.source.fromBeginning,
        maxMessagesPerSecond: settings.source.maxMessagesPerSecond,
        sessionTimeoutMs: settings.source.sessionTimeoutMs,
        shutdownTimeoutMs: config.shutdownTimeoutMs,
        logger,
        metrics,
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(member ? { onAssignment: (added: readonly string[], removed: readonly string[]) => pipelineOf().memberAssignment(added, removed) } : {}),
        ...(scaledLabels ? { onAssignment: (added: readonly string[], removed: readonly string[]) => scaledOf().keyingAssignment(added, removed) } : {}),
      });
      deadLetters = await kafkaDeadLetters(settings.source, kafka, metrics, logger, deps.clock) ?? fileDeadLetters;
      if (deadLetters !== fileDeadLetters) ownSinks.push(deadLetters);
    } else {
      const onUnreadable = (input: UnreadableInput): void => {
        logger.error({ monitor: settings.name, path: input.path, reason: input.reason }, 'input file could not be read; skipped');
        metrics.inputFilesUnreadableTotal.labels(settings.name).inc();
      };
      const s = settings.source;
      const batch = s.type === 'files' && s.batchTransform !== undefined ? { paths: s.paths, settings: s.batchTransform } : undefined;
      source = batch ? (await import('./app/batch-transform.js')).batchTransformSource(batch.paths, batch.settings, config.output.s3, settings.maxLineLength, onUnreadable) : createSource(settings, deps.stdin, onUnreadable);
      // data quality over files: reading and decoding beside the sketching, when it pays
      if (s.type === 'files' && batch === undefined && decodesElsewhere) {
        source = (await (await import('./app/file-decoding.js')).decodedFileSource(settings, baselines[i] as Baseline, s, onUnreadable, logger)) ?? source;
      }
      // a label monitor over files (replay): every capture file, then every ground-truth file
      if (settings.labels !== undefined) {
        const { LABELS_STREAM } = await import('./monitors/label/label-ingress.js');
        source = new SequenceSource([{ source, stream: 'predictions' }, { source: new FileSource({ paths: settings.labels.paths, maxLineLength: settings.maxLineLength, onUnreadable }), stream: LABELS_STREAM }]);
      }
    }
    sources.push(source);
    const kafkaMonitor = settings.source.type === 'kafka';
    const backoff = settings.backoff ? new BackoffController({ sampleRatio: settings.backoff.sampleRatio, budgets: settings.backoff.budgets }) : undefined;
    if (settings.labels !== undefined && settings.source.type === 'kafka' && settings.source.scaleOut !== undefined) {
      const labels = settings.labels;
      const scaled = await scaledLabelMonitor({ ...settings, labels }, settings.source, settings.source.scaleOut, source, {
        backoff,
        diskUsage: disk === undefined ? undefined : () => disk.usage,
        config,
        logger,
        metrics,
        labelMetrics: labelMetrics as LabelMetrics,
        reports,
        deadLetters,
        clock: deps.clock,
        scaledOf,
      });
      closers.push(scaled.close);
      labelMonitors.push(scaled.monitor);
      continue;
    }
    if (settings.attribution !== undefined) {
      const attribution = settings.attribution;
      const [{ AttributionMonitorPipeline }, { parseExplainabilityAnalysis }] = await Promise.all([import('./monitors/attribution/attribution-monitor.js'), import('./sagemaker/explainability-analysis.js')]);
      const baseline = parseExplainabilityAnalysis(await readJsonFile(attribution.baselinePath), attribution.baselinePath);
      // explaining monitors: the model endpoint's explainer, features in the model's order
      const live = await (await import('./app/attribution-explainer.js')).attributionExplainer(settings.name, attribution, baseline, deps.signal);
      attributionMonitors.push(
        new AttributionMonitorPipeline({
          settings: { ...settings, attribution: live.attribution },
          baseline,
          ...(live.explainer ? { explainer: live.explainer } : {}),
          source,
          reports,
          deadLetters,
          metrics,
          gauges: attributionGauges as NonNullable<typeof attributionGauges>,
          logger,
          ...(deps.clock ? { clock: deps.clock } : {}),
          ...(kafkaMonitor && checkpoints ? { checkpoints } : {}),
        }),
      );
      continue;
    }
    if (settings.labels !== undefined) {
      const labels = settings.labels;
      const lm = labelMetrics as LabelMetrics;
      const { LabelMonitorPipeline } = await import('./monitors/label/label-monitor.js');
      const { DiskJoinStore } = await import('./join/disk-join-store.js');
      labelMonitors.push(
        new LabelMonitorPipeline({
          settings: { ...settings, labels },
          ...(await labelEvaluators(settings.name, labels, lm)),
          // a replay starts from an empty store of its own, apart from a streaming monitor's
          openStore: (manifest) =>
            DiskJoinStore.open(join(config.state.dir, kafkaMonitor ? 'join' : 'join-replay', settings.name), manifest as Parameters<typeof DiskJoinStore.open>[1]),
          source,
          reports,
          deadLetters,
          metrics,
          labelMetrics: lm,
          logger,
          ...(deps.clock ? { clock: deps.clock } : {}),
          ...(checkpoints ? { checkpoints } : {}),
          ...(backoff ? { backoff } : {}),
          ...(disk ? { diskUsage: () => disk.usage } : {}),
          ...(wrap ? { wrapDecoder: (d: RecordDecoder) => wrap(settings.name, d) } : {}),
        }),
      );
      continue;
    }
    monitors.push(
      new MonitorPipeline({
        settings,
        baseline: baselines[i] as Awaited<ReturnType<typeof loadBaseline>>,
        source,
        reports,
        deadLetters,
        metrics,
        logger,
        ...(deps.clock ? { clock: deps.clock } : {}),
        // a member's state is in Kafka (its partials and offsets), not in local checkpoints
        ...(kafkaMonitor && checkpoints && member === undefined ? { checkpoints } : {}),
        ...(member ? { member } : {}),
        ...(preprocess ? { preprocess } : {}),
        ...(backoff ? { backoff } : {}),
        ...(disk ? { diskUsage: () => disk.usage } : {}),
        ...(wrap ? { wrapDecoder: (d: RecordDecoder) => wrap(settings.name, d) } : {}),
      }),
    );
  }

  let url: string | undefined;
  const server = config.http.enabled ? await import('./http/server.js') : undefined;
  const http = server
    ? server.buildHttpApp({
        registry,
        notReady: () => [...monitors, ...labelMonitors, ...attributionMonitors].filter((m) => !m.isReady).map((m) => m.name),
        recentWindows: () => sharedReports.list(),
      })
    : undefined;
  const ingest = http && config.groundTruthIngest ? await registerGroundTruthIngest(http, config.groundTruthIngest, registry, logger) : undefined;
  if (server && http) {
    url = await server.listen(http, config.http.host, config.http.port);
    logger.info({ url }, 'serving /metrics, /healthz, /readyz, /windows');
  }

  const done = Promise.all(monitors.map((m) => m.run(deps.signal)));
  const labelDone = Promise.all(labelMonitors.map((m) => m.run(deps.signal)));
  const attributionDone = Promise.all(attributionMonitors.map((m) => m.run(deps.signal)));
  return {
    url,
    registry,
    monitors,
    labelMonitors,
    done,
    labelDone,
    attributionMonitors,
    attributionDone,
    unreadableInputs: () => sources.flatMap((s) => s.unreadable?.() ?? []),
    stopProblems: () => sources.flatMap((s) => s.stopProblem?.() ?? []),
    async close() {
      await done.catch(() => undefined);
      await labelDone.catch(() => undefined);
      await attributionDone.catch(() => undefined);
      disk?.stop();
      await hooks?.close();
      await sharedReports.close();
      await fileDeadLetters.close();
      for (const d of ownSinks) await d.close();
      for (const c of closers) await c();
      await http?.close();
      await ingest?.close();
    },
  };
}

async function createReportSink(config: Config, metrics: ReportDeliveryMetrics, logger: Logger, clock: (() => number) | undefined): Promise<ReportSink> {
  const s3 = config.output.s3;
  if (s3 === undefined) return new LocalReportSink(config.output.dir);
  const { S3ReportSink } = await import('./sink/s3-report-sink.js');
  return new S3ReportSink({
    bucket: s3.bucket,
    prefix: s3.prefix,
    ...(s3.endpoint === undefined ? {} : { endpoint: s3.endpoint }),
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    checksums: s3.checksums,
    spoolDir: join(config.state.dir, 'report-spool'),
    metrics,
    logger,
    ...(clock ? { clock } : {}),
  });
}

async function kafkaDeadLetters(
  s: KafkaSourceSettings,
  kafka: ReturnType<typeof createKafka>,
  metrics: DeadLetterTopicMetrics,
  logger: Logger,
  clock: (() => number) | undefined,
): Promise<DeadLetterSink | undefined> {
  if (s.deadLetterTopic === undefined) return undefined;
  const { KafkaDeadLetterSink, ensureDeadLetterTopic } = await import('./sink/kafka-dead-letter.js');
  try {
    await ensureDeadLetterTopic(kafka, s.deadLetterTopic);
  } catch (e) {
    throw new DriftmonError(ErrorCode.SOURCE_FAILED, `cannot reach Kafka at ${s.brokers.join(',')} to check dead-letter topic ${s.deadLetterTopic}: ${(e as Error).message}`, {
      cause: e,
      retryable: true,
    });
  }
  return new KafkaDeadLetterSink({ kafka, topic: s.deadLetterTopic, metrics, logger, ...(clock ? { clock } : {}) });
}

function createSource(settings: MonitorSettings, stdin: Readable | undefined, onUnreadable: (input: UnreadableInput) => void): Source {
  const s = settings.source;
  if (s.type === 'files') return new FileSource({ paths: s.paths, follow: s.follow, pollIntervalMs: s.pollIntervalMs, maxLineLength: settings.maxLineLength, onUnreadable });
  if (s.type === 'kafka') throw new Error('kafka sources are built in startApp');
  if (stdin === undefined) throw new Error('stdin source configured but no stdin available');
  return new StreamSource(stdin, 'stdin', { maxLineLength: settings.maxLineLength });
}

/** POST /v1/ground-truth on the HTTP server: labels → the ground-truth topic, once per event ID. */
async function registerGroundTruthIngest(
  http: ReturnType<typeof buildHttpApp>,
  g: NonNullable<Config['groundTruthIngest']>,
  registry: Registry,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  const { AcceptedIdStore } = await import('./ingest/accepted-id-store.js');
  const { LabelIngestor } = await import('./ingest/label-ingestor.js');
  const { groundTruthRoute } = await import('./ingest/ground-truth-route.js');
  const store = await AcceptedIdStore.open({ dir: g.stateDir, retentionMs: g.dedupRetentionMs });
  const { createKafka } = await kafkaClient();
  const { KafkaLabelProducer } = await import('./ingest/kafka-label-producer.js');
  const producer = new KafkaLabelProducer({ kafka: createKafka(g.kafka, logger), topic: g.topic });
  const metrics = createIngestMetrics(registry);
  const ingestor = new LabelIngestor(producer, store, { metrics });
  await http.register(groundTruthRoute, { ingestor, tokens: g.tokens, bodyLimitBytes: g.bodyLimitBytes, fields: g.fields, metrics });
  logger.info({ topic: g.topic, remembered: store.size, stateDir: g.stateDir }, 'serving POST /v1/ground-truth');
  return {
    async close() {
      await producer.close();
      await store.close();
    },
  };
}
