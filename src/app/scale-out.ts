/**
 * Composition of scaled-out monitors (docs/scale-out.md) and of label monitors' evaluators: the
 * Kafka topics, transactions and stage sources a member needs. Part of the composition root
 * (app.ts), kept apart so that app.ts reads as the one path every config takes.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { readJsonFile } from '../baseline/load-files.js';
import type { Config, KafkaSourceSettings, MonitorSettings, ScaleOutSettings } from '../config/load.js';
import { DriftmonError, ErrorCode } from '../errors.js';
import type { BackoffController } from '../monitors/backoff.js';
import type { MemberDeps, MonitorPipeline } from '../monitors/data-quality/data-quality-monitor.js';
import type { LabelEvaluator } from '../monitors/label/label-evaluator.js';
import type { ScaledLabelMonitor } from '../monitors/label/scaled-label-monitor.js';
import type { BiasGaugeMetrics, ModelQualityGaugeMetrics } from '../observability/component-metrics.js';
import { GaugeSeries } from '../observability/gauge-series.js';
import type { createMetrics, LabelMetrics } from '../observability/metrics.js';
import type { DeadLetterSink } from '../sink/dead-letter.js';
import type { ReportSink } from '../sink/report.js';
import { KafkaChangelogReader } from '../source/kafka-changelog-reader.js';
import { KafkaSource } from '../source/kafka-source.js';
import { ensureKeyedTopics, ensurePartialsTopic, inputPartitionKeys } from '../source/scale-out-topics.js';
import type { Source } from '../source/source.js';

const kafkaClient = (): Promise<typeof import('../source/kafka-client.js')> => import('../source/kafka-client.js');
const kafkaTransactions = (): Promise<typeof import('../source/kafka-transactions.js')> => import('../source/kafka-transactions.js');

/** The evaluators a label monitor's config asks for, with their baselines loaded. */
export async function labelEvaluators(
  monitor: string,
  labels: NonNullable<MonitorSettings['labels']>,
  metrics: ModelQualityGaugeMetrics & BiasGaugeMetrics,
): Promise<{ evaluators: LabelEvaluator[]; predictionFields: { facets: string[]; groupVariable: string | undefined } }> {
  const evaluators: LabelEvaluator[] = [];
  const mq = labels.modelQuality;
  if (mq !== undefined) {
    const { parseModelQualityConstraints } = await import('../sagemaker/model-quality-files.js');
    const { publishModelQualityThresholds } = await import('../monitors/label/model-quality-gauges.js');
    const { ModelQualityEvaluator } = await import('../monitors/label/model-quality-evaluator.js');
    const constraints = mq.constraintsPath === undefined ? undefined : parseModelQualityConstraints(await readJsonFile(mq.constraintsPath), mq.constraintsPath);
    if (constraints !== undefined && constraints.problemType !== mq.problemType) {
      throw new DriftmonError(ErrorCode.CONFIG_INVALID, `monitor ${monitor}: ${mq.constraintsPath} holds ${constraints.problemType} constraints, but modelQuality.problemType is ${mq.problemType}`);
    }
    publishModelQualityThresholds(metrics, monitor, constraints);
    evaluators.push(new ModelQualityEvaluator(mq.problemType, constraints, metrics) as LabelEvaluator);
  }
  let predictionFields: { facets: string[]; groupVariable: string | undefined } = { facets: [], groupVariable: undefined };
  const bias = labels.bias;
  if (bias !== undefined) {
    const { loadAnalysisConfigFile, loadBiasAnalysisFile } = await import('../baseline/bias-baseline.js');
    const { BiasEvaluator } = await import('../monitors/label/bias-evaluator.js');
    const config = await loadAnalysisConfigFile(bias.analysisConfigPath);
    const baseline = bias.baselinePath === undefined ? undefined : await loadBiasAnalysisFile(bias.baselinePath);
    const e = new BiasEvaluator(config, baseline, labels, metrics);
    predictionFields = e.predictionFields;
    evaluators.push(e as LabelEvaluator);
  }
  return { evaluators, predictionFields };
}

/**
 * A member of a scaled-out monitor (docs/scale-out.md): the partials topic (created when missing),
 * the input partitions, transactions, and the partials source through which it owns some windows.
 */
export async function scaleOutMember(
  monitor: string,
  s: KafkaSourceSettings,
  so: ScaleOutSettings,
  shutdownTimeoutMs: number,
  logger: Logger,
  metrics: ReturnType<typeof createMetrics>,
  pipelineOf: () => MonitorPipeline,
  clock: (() => number) | undefined,
): Promise<MemberDeps & { close: () => Promise<void> }> {
  const { createKafka } = await kafkaClient();
  const { KafkaTransactions } = await kafkaTransactions();
  const kafka = createKafka(s, logger);
  const admin = kafka.admin();
  await admin.connect();
  const partialsPartitions = await ensurePartialsTopic(admin, so.partialsTopic, s.topics, so.partialsPartitions);
  let inputPartitions = await inputPartitionKeys(admin, s.topics);
  const transactions = new KafkaTransactions(kafka, admin, logger);
  const ownerGroupId = `${s.groupId}.partials`;
  const partialsSource = new KafkaSource({
    kafka: createKafka({ ...s, retries: Infinity }, logger),
    monitor,
    topics: [so.partialsTopic],
    groupId: ownerGroupId,
    fromBeginning: true,
    maxBytesPerPartition: 64 * 1024 * 1024,
    sessionTimeoutMs: s.sessionTimeoutMs,
    shutdownTimeoutMs,
    logger,
    metrics,
    ...(clock ? { clock } : {}),
    onAssignment: async (added, removed) => {
      // partitions added to the input topics since start hold the owners' watermarks too
      inputPartitions = await inputPartitionKeys(admin, s.topics);
      await pipelineOf().ownerAssignment(added, removed);
    },
  });
  logger.info({ monitor, partialsTopic: so.partialsTopic, partialsPartitions, inputPartitions: inputPartitions.length, ownerGroup: ownerGroupId }, 'scaled out: a member of the group');
  return {
    groupId: s.groupId,
    ownerGroupId,
    partialsTopic: so.partialsTopic,
    partialsPartitions,
    transactionalIdPrefix: so.transactionalIdPrefix,
    transactions,
    partialsSource,
    inputPartitions: () => inputPartitions,
    close: async () => {
      await transactions.close();
      await admin.disconnect().catch(() => undefined);
    },
  };
}

/**
 * A scaled-out label monitor (docs/scale-out.md, "Label monitors"): its keyed, changelog and
 * partials topics (created when missing), transactions, the keyed and partials sources through
 * which it joins and owns windows, and the three stages on them. `input` is its source on the
 * inference and ground-truth topics, whose assignment goes to `scaledOf().keyingAssignment`.
 */
export async function scaledLabelMonitor(
  settings: MonitorSettings & { labels: NonNullable<MonitorSettings['labels']> },
  s: KafkaSourceSettings,
  so: ScaleOutSettings,
  input: Source,
  d: {
    config: Config;
    logger: Logger;
    metrics: ReturnType<typeof createMetrics>;
    labelMetrics: LabelMetrics;
    reports: ReportSink;
    deadLetters: DeadLetterSink;
    clock: (() => number) | undefined;
    scaledOf: () => ScaledLabelMonitor;
    backoff: BackoffController | undefined;
    diskUsage: (() => number | undefined) | undefined;
  },
): Promise<{ monitor: ScaledLabelMonitor; close: () => Promise<void> }> {
  const { config, logger, metrics } = d;
  const monitor = settings.name;
  const { createKafka } = await kafkaClient();
  const { KafkaTransactions } = await kafkaTransactions();
  const kafka = createKafka(s, logger);
  const admin = kafka.admin();
  await admin.connect();
  const inputTopics = [...s.topics, ...settings.labels.topics];
  const keyedPartitions = await ensureKeyedTopics(admin, so.keyedTopic, so.changelogTopic, inputTopics, so.keyedPartitions);
  const partialsPartitions = await ensurePartialsTopic(admin, so.partialsTopic, inputTopics, so.partialsPartitions);
  let inputPartitions = await inputPartitionKeys(admin, inputTopics);
  const keyedKeys = await inputPartitionKeys(admin, [so.keyedTopic]);
  const transactions = new KafkaTransactions(kafka, admin, logger);
  const stageSource = (topic: string, groupId: string, onAssignment: (added: readonly string[], removed: readonly string[]) => Promise<void>): KafkaSource =>
    new KafkaSource({
      kafka: createKafka({ ...s, retries: Infinity }, logger),
      monitor,
      topics: [topic],
      groupId,
      fromBeginning: true,
      maxBytesPerPartition: 64 * 1024 * 1024,
      sessionTimeoutMs: s.sessionTimeoutMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      logger,
      metrics,
      ...(d.clock ? { clock: d.clock } : {}),
      onAssignment,
    });
  const keyed = stageSource(so.keyedTopic, `${s.groupId}.keyed`, async (added, removed) => {
    // partitions added to the input topics since start hold the joiners' watermarks too
    inputPartitions = await inputPartitionKeys(admin, inputTopics);
    await d.scaledOf().joiningAssignment(added, removed);
  });
  const partials = stageSource(so.partialsTopic, `${s.groupId}.partials`, (added, removed) => d.scaledOf().ownerAssignment(added, removed));
  const storeDir = (key: string): string => join(config.state.dir, 'join-keyed', monitor, key.replaceAll('/', '-'));
  // members drop the gauges of windows another member reported after them (gauge-series.ts)
  const series = new GaugeSeries();
  const { ScaledLabelMonitor } = await import('../monitors/label/scaled-label-monitor.js');
  const { DiskJoinStore } = await import('../join/disk-join-store.js');
  const labelMetrics = series.recording(d.labelMetrics);
  const scaled = new ScaledLabelMonitor({
    settings,
    ...(await labelEvaluators(monitor, settings.labels, labelMetrics)),
    series,
    groupId: s.groupId,
    topics: { keyed: so.keyedTopic, keyedPartitions, changelog: so.changelogTopic, partials: so.partialsTopic, partialsPartitions },
    transactionalIdPrefix: so.transactionalIdPrefix,
    sources: { input, keyed, partials },
    inputPartitions: () => inputPartitions,
    keyedPartitions: () => keyedKeys,
    transactions,
    changelog: new KafkaChangelogReader(createKafka(s, logger), so.changelogTopic, s.groupId, logger),
    // a keyed partition taken over starts from an empty store, filled from its changelog
    openStore: async (key) => {
      rmSync(storeDir(key), { recursive: true, force: true });
      return DiskJoinStore.open(storeDir(key), undefined);
    },
    reports: d.reports,
    deadLetters: d.deadLetters,
    metrics,
    labelMetrics,
    logger,
    ...(d.clock ? { clock: d.clock } : {}),
    ...(d.backoff ? { backoff: d.backoff } : {}),
    ...(d.diskUsage ? { diskUsage: d.diskUsage } : {}),
  });
  logger.info({ monitor, keyedTopic: so.keyedTopic, keyedPartitions, changelogTopic: so.changelogTopic, partialsTopic: so.partialsTopic, partialsPartitions }, 'scaled out: a member of the label monitor');
  return {
    monitor: scaled,
    close: async () => {
      await transactions.close();
      await admin.disconnect().catch(() => undefined);
    },
  };
}
