/**
 * `actions`: what driftmon does beyond reports and gauges when a window has violations (data
 * quality, model quality, bias, feature attribution). A webhook: one POST per window report with
 * violations, retried with capped backoff; its headers' values come from environment variables, so
 * tokens stay out of config files. A Kafka topic: one message per such report, exactly once
 * (sink/violations-topic.ts); its brokers are each monitor's Kafka source's unless given, so a
 * monitor over files or stdin needs `brokers`. Every problem is listed with the config's others.
 */
import { parseDurationMs } from './duration.js';
import type { ConfigInput } from './schema.js';

export interface WebhookSettings {
  url: string;
  timeoutMs: number;
  retries: number;
  headers: Record<string, string>;
}

export interface KafkaActionSettings {
  topic: string;
  /** Explicit brokers (plain connection); undefined: each monitor's Kafka source's connection. */
  brokers: string[] | undefined;
  /** How far back (by the time messages were written) a start reads the topic for windows already sent. */
  lookbackMs: number;
}

export interface ActionsSettings {
  webhook: WebhookSettings | undefined;
  kafka: KafkaActionSettings | undefined;
}

export const ACTIONS_DEFAULTS = { webhookTimeoutMs: 10_000, webhookRetries: 5, kafkaLookbackMs: 7 * 86_400_000 } as const;

/** What resolveActions needs of the monitors: which read Kafka (their brokers serve the topic). */
type MonitorSource = { name: string; source: { type: string } };

export function resolveActions(input: ConfigInput['actions'], env: Record<string, string | undefined>, problems: string[], monitors: readonly MonitorSource[]): ActionsSettings | undefined {
  const webhook = resolveWebhook(input?.webhook, env, problems);
  const kafka = resolveKafkaAction(input?.kafka, monitors, problems);
  return webhook === undefined && kafka === undefined ? undefined : { webhook, kafka };
}

function resolveKafkaAction(k: NonNullable<ConfigInput['actions']>['kafka'], monitors: readonly MonitorSource[], problems: string[]): KafkaActionSettings | undefined {
  if (k === undefined || typeof k !== 'object' || k === null || typeof k.topic !== 'string') return undefined; // absent, or its schema problem is listed
  const brokers = Array.isArray(k.brokers) ? k.brokers : undefined;
  if (brokers === undefined) {
    for (const m of monitors) if (m.source.type !== 'kafka') problems.push(`/actions/kafka/brokers: required, since monitor "${m.name}" reads ${m.source.type}, not Kafka`);
  }
  let lookbackMs: number = ACTIONS_DEFAULTS.kafkaLookbackMs;
  if (typeof k.lookback === 'string') {
    const ms = parseDurationMs(k.lookback);
    if (ms === undefined || ms <= 0) problems.push(`/actions/kafka/lookback: "${k.lookback}" is not a positive duration`);
    else lookbackMs = ms;
  }
  return { topic: k.topic, brokers, lookbackMs };
}

function resolveWebhook(w: NonNullable<ConfigInput['actions']>['webhook'], env: Record<string, string | undefined>, problems: string[]): WebhookSettings | undefined {
  if (w === undefined || typeof w !== 'object' || w === null) return undefined; // absent, or its schema problem is listed
  let url = '';
  if (typeof w.url === 'string') {
    const parsed = URL.canParse(w.url) ? new URL(w.url) : undefined;
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) problems.push(`/actions/webhook/url: "${w.url}" is not an http(s) URL`);
    else url = parsed.href;
  }
  let timeoutMs: number = ACTIONS_DEFAULTS.webhookTimeoutMs;
  if (typeof w.timeout === 'string') {
    const ms = parseDurationMs(w.timeout);
    if (ms === undefined || ms <= 0) problems.push(`/actions/webhook/timeout: "${w.timeout}" is not a positive duration`);
    else timeoutMs = ms;
  }
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, envName] of Object.entries(w.headerEnvs ?? {})) {
    const value = env[envName];
    if (value === undefined || value === '') problems.push(`/actions/webhook/headerEnvs/${name}: environment variable ${envName} is not set`);
    else headers[name] = value;
  }
  return { url, timeoutMs, retries: typeof w.retries === 'number' ? w.retries : ACTIONS_DEFAULTS.webhookRetries, headers };
}
