/**
 * One place that turns connection settings into a kafkajs client: brokers, TLS, SASL, and
 * kafkajs's own log lines routed into our structured logger (its INFO chatter becomes debug).
 */
// first: it puts a correct read_committed filter in place before kafkajs loads (see there)
import { assertReadCommitted } from './kafkajs-read-committed.js';
// committed offsets read with require_stable (see there)
import { assertStableOffsets } from './kafkajs-stable-offsets.js';
// fetched record batches decoded faster, exactly as kafkajs does (see there)
import { assertRecordBatches } from './kafkajs-record-batches.js';
import { Kafka, logLevel, Partitioners, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaConnection {
  brokers: readonly string[];
  clientId: string;
  ssl: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
  /** Connection and request timeouts (ms); short values notice a dead broker sooner. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Attempts after a retriable failure (default 8, about 7 s in all). A consumer that must outlive
   * an outage of any length passes Infinity: its stops are bounded by the caller instead.
   */
  retries?: number;
}

/**
 * kafkajs 2's default partitioner (murmur2, as Java's), named: a producer that does not name one
 * logs a warning at every start that the default changed in 2.0.
 */
export const defaultPartitioner = Partitioners.DefaultPartitioner;

/**
 * kafkajs's error lines that are a normal part of a consumer group's life: a member joined or
 * left (rebalancing), or a partition's transactional producer was fenced by its new holder
 * (logged by driftmon itself, as a warning naming the partition).
 */
const ROUTINE = /rebalanc|old epoch|PRODUCER_FENCED/i;

/** Only the connection settings of `c` (a monitor's source settings hold more): what a worker thread is given. */
export function connectionOf(c: KafkaConnection): KafkaConnection {
  const { brokers, clientId, ssl, sasl, connectionTimeoutMs, requestTimeoutMs, retries } = c;
  return { brokers: [...brokers], clientId, ssl, ...(sasl ? { sasl: { ...sasl } } : {}), connectionTimeoutMs, requestTimeoutMs, retries };
}

export function createKafka(c: KafkaConnection, logger: Logger): Kafka {
  assertReadCommitted();
  assertStableOffsets();
  assertRecordBatches();
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: c.clientId,
    brokers: [...c.brokers],
    ssl: c.ssl,
    ...(c.sasl ? { sasl: { mechanism: c.sasl.mechanism, username: c.sasl.username, password: c.sasl.password } as SASLOptions } : {}),
    connectionTimeout: c.connectionTimeoutMs ?? 3000,
    requestTimeout: c.requestTimeoutMs ?? 30_000,
    // reconnecting waits at most 1 s between attempts, so a broker back from an outage is used
    // within a second (kafkajs's default grows the wait to 30 s)
    retry: { retries: Math.min(c.retries ?? 8, Number.MAX_SAFE_INTEGER), initialRetryTime: 250, maxRetryTime: 1_000 },
    logLevel: logLevel.INFO,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...fields } = entry as LogEntry['log'] & { logger?: string };
        const msg = `kafkajs: ${message}`;
        // "the group is rebalancing" comes at error level from every member at every join
        if (level === logLevel.ERROR && ROUTINE.test(`${message} ${String((fields as { error?: unknown }).error ?? '')}`)) log.info(fields, msg);
        else if (level === logLevel.ERROR) log.error(fields, msg);
        else if (level === logLevel.WARN) log.warn(fields, msg);
        else log.debug(fields, msg);
      },
  });
}
