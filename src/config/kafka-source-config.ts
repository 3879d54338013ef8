/**
 * A monitor's kafka source as the config gives it, resolved: brokers (DRIFTMON_KAFKA_BROKERS wins),
 * SASL password from its environment variable, defaults, the session timeout, and scale-out's
 * internal topics (docs/scale-out.md), each checked against the others and the input topics.
 */
import { parseDurationMs } from './duration.js';
import type { MonitorConfigInput } from './schema.js';

export interface KafkaSourceSettings {
  type: 'kafka';
  brokers: string[];
  topics: string[];
  groupId: string;
  clientId: string;
  fromBeginning: boolean;
  deadLetterTopic: string | undefined;
  maxMessagesPerSecond: number | undefined;
  ssl: boolean;
  sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
  /** Set: this process is one member of a scaled-out monitor (docs/scale-out.md). */
  scaleOut?: ScaleOutSettings | undefined;
  /** The consumer group's session timeout (undefined: 30 s). */
  sessionTimeoutMs?: number | undefined;
  /** Kafka's fetching and record-batch decoding in a worker thread (kafka-fetcher-worker.ts). */
  fetchInWorker: boolean;
}

export interface ScaleOutSettings {
  partialsTopic: string;
  /** Undefined: as many as the input topics have. */
  partialsPartitions: number | undefined;
  /** Label monitors (docs/scale-out.md, "Label monitors"). */
  keyedTopic: string;
  keyedPartitions: number | undefined;
  changelogTopic: string;
  transactionalIdPrefix: string;
}

type KafkaSourceInput = Extract<NonNullable<MonitorConfigInput['source']>, { type: 'kafka' }>;

/** The environment variable whose comma-separated host:port list replaces every kafka source's brokers. */
export const ENV_KAFKA_BROKERS = 'DRIFTMON_KAFKA_BROKERS';

export function resolveKafkaSource(
  k: KafkaSourceInput,
  c: { at: string; monitor: string; labelTopics: readonly string[]; env: Record<string, string | undefined>; problems: string[]; duration: (text: string, path: string) => number },
): KafkaSourceSettings {
  const { at, monitor, labelTopics, env, problems, duration } = c;
  let sasl: KafkaSourceSettings['sasl'];
  if (k.sasl !== undefined) {
    const password = env[k.sasl.passwordEnv];
    if (password === undefined || password === '') problems.push(`${at}/source/sasl/passwordEnv: environment variable ${k.sasl.passwordEnv} is not set`);
    sasl = { mechanism: k.sasl.mechanism, username: k.sasl.username, password: password ?? '' };
  }
  const brokers = env[ENV_KAFKA_BROKERS] ? (env[ENV_KAFKA_BROKERS] as string).split(',').map((b) => b.trim()).filter(Boolean) : k.brokers;
  if (k.deadLetterTopic !== undefined && k.topics.includes(k.deadLetterTopic)) {
    problems.push(`${at}/source/deadLetterTopic: "${k.deadLetterTopic}" is also an input topic`);
  }
  const source: KafkaSourceSettings = {
    type: 'kafka',
    brokers,
    topics: k.topics,
    groupId: k.groupId ?? `driftmon-${monitor}`,
    clientId: k.clientId ?? `driftmon-${monitor}`,
    fromBeginning: k.fromBeginning ?? false,
    deadLetterTopic: k.deadLetterTopic,
    maxMessagesPerSecond: k.maxMessagesPerSecond,
    ssl: k.ssl ?? false,
    sasl,
    fetchInWorker: k.fetchInWorker ?? false,
  };
  if (k.sessionTimeout !== undefined) {
    const ms = duration(k.sessionTimeout, `${at}/source/sessionTimeout`);
    // the broker refuses what is outside group.min/max.session.timeout.ms (defaults 6 s and 30 min)
    if (parseDurationMs(k.sessionTimeout) === undefined) {
      // listed by duration() already
    } else if (ms < 6_000 || ms > 1_800_000) problems.push(`${at}/source/sessionTimeout: ${k.sessionTimeout} is outside 6s–30m, what a broker accepts by default (group.min.session.timeout.ms, group.max.session.timeout.ms)`);
    else source.sessionTimeoutMs = ms;
  }
  const so = k.scaleOut;
  if (so !== undefined) {
    const internal = {
      partialsTopic: so.partialsTopic ?? `driftmon.${monitor}.partials`,
      keyedTopic: so.keyedTopic ?? `driftmon.${monitor}.keyed`,
      changelogTopic: so.changelogTopic ?? `driftmon.${monitor}.changelog`,
    };
    const taken = new Set([...k.topics, ...labelTopics, ...(k.deadLetterTopic === undefined ? [] : [k.deadLetterTopic])]);
    for (const [name, topic] of Object.entries(internal)) {
      if (taken.has(topic)) problems.push(`${at}/source/scaleOut/${name}: "${topic}" is also an input, ground-truth, dead-letter or other internal topic`);
      taken.add(topic);
    }
    source.scaleOut = { ...internal, partialsPartitions: so.partialsPartitions, keyedPartitions: so.keyedPartitions, transactionalIdPrefix: so.transactionalIdPrefix ?? 'driftmon' };
  }
  return source;
}
