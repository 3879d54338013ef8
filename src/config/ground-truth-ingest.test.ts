import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './load.js';

const monitor = (source: unknown) => ({ name: 'm', source, baseline: { constraints: 'c.json' }, windows: ['1h'] });
const kafkaSource = { type: 'kafka', brokers: ['k1:9092'], topics: ['in'], ssl: true, sasl: { mechanism: 'plain', username: 'u', passwordEnv: 'PW' } };
const resolve = (raw: unknown, env: Record<string, string> = {}) => resolveConfig(raw, { baseDir: '/cfg', env, checkFiles: false });

describe('groundTruthIngest config', () => {
  it('absent: undefined; present: defaults, the first Kafka monitor\'s connection, tokens from env', () => {
    expect(resolve({ monitors: [monitor({ type: 'stdin' })] }).groundTruthIngest).toBeUndefined();
    const c = resolve(
      { monitors: [monitor(kafkaSource)], groundTruthIngest: { topic: 'gt', tokenEnvs: ['T1', 'T2'] }, state: { dir: 'st' } },
      { PW: 'secret', T1: 'a', T2: 'b' },
    );
    expect(c.groundTruthIngest).toEqual({
      topic: 'gt',
      kafka: { brokers: ['k1:9092'], clientId: 'driftmon-ground-truth', ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 'secret' } },
      tokens: ['a', 'b'],
      bodyLimitBytes: 5 * 1024 * 1024,
      stateDir: join('/cfg', 'st', 'ground-truth-ingest'),
      dedupRetentionMs: 7 * 86_400_000,
      fields: { idFields: ['inferenceId', 'eventId'], labelField: 'label', timeField: 'time' },
    });
  });

  it('own brokers, DRIFTMON_KAFKA_BROKERS override, custom fields and retention', () => {
    const raw = {
      monitors: [monitor({ type: 'stdin' })],
      groundTruthIngest: { topic: 'gt', brokers: ['b:1'], tokenEnvs: ['T'], bodyLimitBytes: 100, stateDir: '/s', dedupRetention: 'P2D', fields: { labelField: 'y' } },
    };
    const g = resolve(raw, { T: 't' }).groundTruthIngest!;
    expect([g.kafka.brokers, g.bodyLimitBytes, g.stateDir, g.dedupRetentionMs, g.fields.labelField, g.fields.idFields]).toEqual([['b:1'], 100, '/s', 2 * 86_400_000, 'y', ['inferenceId', 'eventId']]);
    expect(resolve(raw, { T: 't', DRIFTMON_KAFKA_BROKERS: 'x:1, y:2' }).groundTruthIngest!.kafka.brokers).toEqual(['x:1', 'y:2']);
  });

  it('lists every problem: unset token variables, no brokers, bad retention, HTTP disabled, inline tokens rejected', () => {
    const bad = { monitors: [monitor({ type: 'stdin' })], http: { enabled: false }, groundTruthIngest: { topic: 'gt', tokenEnvs: ['NOPE1', 'NOPE2'], dedupRetention: 'soon' } };
    let details: readonly string[] = [];
    try {
      resolve(bad);
    } catch (e) {
      details = (e as { details: readonly string[] }).details;
    }
    expect(details).toEqual([
      '/groundTruthIngest: needs the HTTP server (http.enabled is false)',
      '/groundTruthIngest/tokenEnvs/0: environment variable NOPE1 is not set',
      '/groundTruthIngest/tokenEnvs/1: environment variable NOPE2 is not set',
      '/groundTruthIngest/brokers: give brokers (no Kafka monitor to take them from)',
      '/groundTruthIngest/dedupRetention: "soon" is not a positive duration (use 1h, 7d or ISO-8601 like P7D)',
    ]);
    expect(() => resolve({ monitors: [monitor({ type: 'stdin' })], groundTruthIngest: { topic: 'gt', tokens: ['inline'], tokenEnvs: ['T'] } }, { T: 't' })).toThrow(
      // schema and meaning in one pass: the unknown key and the missing brokers together
      expect.objectContaining({ details: ['/groundTruthIngest: unknown key "tokens"', '/groundTruthIngest/brokers: give brokers (no Kafka monitor to take them from)'] }),
    );
  });
});
