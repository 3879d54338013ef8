/**
 * The optional `groundTruthIngest` config section: POST /v1/ground-truth on driftmon's HTTP
 * server, producing validated labels to a Kafka topic.
 *
 *   groundTruthIngest:
 *     topic: ground-truth
 *     brokers: [kafka:9092]          # default: the first Kafka monitor's brokers, TLS and SASL
 *     tokenEnvs: [DRIFTMON_LABEL_TOKEN, DRIFTMON_LABEL_TOKEN_NEXT]   # names of env vars, never tokens
 *     bodyLimitBytes: 5242880         # default 5 MiB
 *     stateDir: …                     # accepted event IDs (default <state.dir>/ground-truth-ingest)
 *     dedupRetention: 7d              # an event ID accepted this recently is not produced again
 *     fields: { idFields: [inferenceId, eventId], labelField: label, timeField: time }   # flat JSON
 */
import { join } from 'node:path';
import { GROUND_TRUTH_DEFAULT_FIELDS, type GroundTruthFieldNames } from '../record/ground-truth-decoder.js';
import { parseDurationMs } from './duration.js';
import type { GroundTruthIngestInput } from './schema.js';


export interface GroundTruthIngestSettings {
  topic: string;
  kafka: {
    brokers: string[];
    clientId: string;
    ssl: boolean;
    sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
  };
  tokens: string[];
  bodyLimitBytes: number;
  stateDir: string;
  dedupRetentionMs: number;
  fields: GroundTruthFieldNames;
}

export const GROUND_TRUTH_INGEST_DEFAULTS = {
  bodyLimitBytes: 5 * 1024 * 1024,
  dedupRetentionMs: 7 * 86_400_000,
  clientId: 'driftmon-ground-truth',
  stateSubdir: 'ground-truth-ingest',
} as const;

/** What resolving needs of the rest of the config (already resolved). */
export interface IngestContext {
  /** The first Kafka monitor's connection, if any. */
  kafkaSource: Omit<GroundTruthIngestSettings['kafka'], 'clientId'> | undefined;
  httpEnabled: boolean;
  stateDir: string;
  abs: (p: string) => string;
  env: Record<string, string | undefined>;
  /** Comma-separated brokers overriding the file (DRIFTMON_KAFKA_BROKERS), if set. */
  brokersOverride: string[] | undefined;
}

export function resolveGroundTruthIngest(g: GroundTruthIngestInput | undefined, ctx: IngestContext, problems: string[]): GroundTruthIngestSettings | undefined {
  if (g === undefined) return undefined;
  const at = '/groundTruthIngest';
  if (!ctx.httpEnabled) problems.push(`${at}: needs the HTTP server (http.enabled is false)`);
  const tokens: string[] = [];
  g.tokenEnvs.forEach((name, i) => {
    const t = ctx.env[name];
    if (t === undefined || t === '') problems.push(`${at}/tokenEnvs/${i}: environment variable ${name} is not set`);
    else tokens.push(t);
  });
  let kafka: GroundTruthIngestSettings['kafka'];
  const clientId = g.clientId ?? GROUND_TRUTH_INGEST_DEFAULTS.clientId;
  if (g.brokers !== undefined) {
    kafka = { brokers: ctx.brokersOverride ?? g.brokers, clientId, ssl: g.ssl ?? false, sasl: undefined };
  } else if (ctx.kafkaSource !== undefined) {
    kafka = { ...ctx.kafkaSource, clientId };
  } else {
    problems.push(`${at}/brokers: give brokers (no Kafka monitor to take them from)`);
    kafka = { brokers: [], clientId, ssl: false, sasl: undefined };
  }
  let dedupRetentionMs: number = GROUND_TRUTH_INGEST_DEFAULTS.dedupRetentionMs;
  if (g.dedupRetention !== undefined) {
    const ms = parseDurationMs(g.dedupRetention);
    if (ms === undefined || ms === 0) problems.push(`${at}/dedupRetention: "${g.dedupRetention}" is not a positive duration (use 1h, 7d or ISO-8601 like P7D)`);
    else dedupRetentionMs = ms;
  }
  return {
    topic: g.topic,
    kafka,
    tokens,
    bodyLimitBytes: g.bodyLimitBytes ?? GROUND_TRUTH_INGEST_DEFAULTS.bodyLimitBytes,
    stateDir: g.stateDir !== undefined ? ctx.abs(g.stateDir) : join(ctx.stateDir, GROUND_TRUTH_INGEST_DEFAULTS.stateSubdir),
    dedupRetentionMs,
    fields: { ...GROUND_TRUTH_DEFAULT_FIELDS, ...(g.fields ?? {}) },
  };
}
