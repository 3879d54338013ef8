/**
 * Composition of the violations topic (sink/violations-topic.ts): per monitor, a Kafka client on
 * the topic's brokers (explicit `actions.kafka.brokers`, or the monitor's own Kafka source's
 * connection with its TLS and SASL) and a transactional id fixed per monitor —
 * `<prefix>.violations.<topic>.<monitor>`, the prefix the source's scale-out one (default
 * driftmon), and a scaled-out member's host name appended, since each member sends the windows it
 * owns from its own spool (a StatefulSet's pod names are stable, so a restarted member fences its
 * predecessor).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { KafkaActionSettings } from '../config/actions-config.js';
import type { Config, MonitorSettings } from '../config/load.js';
import type { ActionMetrics } from '../observability/component-metrics.js';
import type { ReportSink } from '../sink/report.js';
import { ViolationsTopicSink } from '../sink/violations-topic.js';

export async function violationsTopicSink(config: Config, k: KafkaActionSettings, inner: ReportSink, metrics: ActionMetrics, logger: Logger, clock?: () => number): Promise<ViolationsTopicSink> {
  const [{ createKafka, connectionOf }, { KafkaViolationsLog }] = await Promise.all([import('../source/kafka-client.js'), import('../source/kafka-violations-log.js')]);
  const byName = new Map<string, MonitorSettings>(config.monitors.map((m) => [m.name, m]));
  return new ViolationsTopicSink(
    inner,
    {
      monitors: config.monitors.map((m) => m.name),
      spoolDir: join(config.state.dir, 'actions', 'kafka'),
      logOf: (monitor) => {
        const s = byName.get(monitor)?.source;
        const own = s?.type === 'kafka' ? s : undefined;
        const connection = k.brokers !== undefined ? { brokers: k.brokers, clientId: 'driftmon-actions', ssl: false } : connectionOf(own as NonNullable<typeof own>);
        const member = own?.scaleOut !== undefined ? `.${hostname()}` : '';
        return new KafkaViolationsLog({
          kafka: createKafka(connection, logger),
          topic: k.topic,
          monitor,
          transactionalId: `${own?.scaleOut?.transactionalIdPrefix ?? 'driftmon'}.violations.${k.topic}.${monitor}${member}`,
          lookbackMs: k.lookbackMs,
          logger,
          ...(clock ? { clock } : {}),
        });
      },
    },
    metrics,
    logger,
  );
}
