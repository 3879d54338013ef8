import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { createMetrics } from '../observability/metrics.js';
import { MemoryReportSink } from './memory-report-sink.js';
import { sampleLabelReport, sampleReport } from './sink.contract.js';
import { describeViolationsLogContract } from './violations-log.contract.js';
import { ViolationsTopicSink, type ViolationMessage, type ViolationsLog } from './violations-topic.js';

/** A topic in memory: committed messages, and the epoch of each transactional id (a newer holder fences older ones). */
class MemoryTopic {
  readonly committed: { monitor: string; m: ViolationMessage }[] = [];
  private readonly epochs = new Map<string, number>();
  /** Appends that fail (retryable) before one goes through. */
  failNext = 0;

  log(monitor: string, transactionalId: string): ViolationsLog {
    let epoch = -1;
    return {
      open: async () => {
        epoch = (this.epochs.get(transactionalId) ?? 0) + 1;
        this.epochs.set(transactionalId, epoch);
        return new Set(this.committed.filter((c) => c.monitor === monitor).map((c) => c.m.identity));
      },
      append: async (m) => {
        if (this.epochs.get(transactionalId) !== epoch) throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, 'fenced', { retryable: false });
        if (this.failNext > 0) {
          this.failNext--;
          throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, 'broker down', { retryable: true });
        }
        this.committed.push({ monitor, m });
      },
      close: async () => undefined,
    };
  }
}

describeViolationsLogContract('in memory (the sink unit tests stand-in)', async () => {
  const topic = new MemoryTopic();
  return { log: (monitor, id) => topic.log(monitor, id), close: async () => undefined };
});

function sink(topic: MemoryTopic, spoolDir: string): { sink: ViolationsTopicSink; registry: Registry } {
  const registry = new Registry();
  const s = new ViolationsTopicSink(
    new MemoryReportSink(),
    { monitors: ['m1'], logOf: (m) => topic.log(m, `tx.${m}`), spoolDir, retry: { baseMs: 1, maxMs: 5 }, flushTimeoutMs: 5_000 },
    createMetrics(registry),
    pino({ level: 'silent' }),
  );
  return { sink: s, registry };
}

const outcomes = async (registry: Registry): Promise<Record<string, number>> => {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const v of (await registry.getSingleMetric('driftmon_actions_total')!.get()).values) out[String(v.labels.outcome)] = v.value;
  return out;
};

describe('violations topic sink', () => {
  it('one message per window with violations, none for clean windows; a report written again is skipped', async () => {
    const topic = new MemoryTopic();
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-vt-'));
    const { sink: s, registry } = sink(topic, dir);
    const t = Date.UTC(2026, 0, 1);
    await s.write(sampleReport(t, 300_000, 2));
    await s.write(sampleReport(t + 300_000, 300_000, 0));
    await s.write(sampleLabelReport(t, 1));
    await s.write(sampleReport(t, 300_000, 2)); // a restart's re-report
    await s.flush();
    expect(topic.committed.map((c) => c.m.identity)).toEqual(['m1/data-quality/5m/2026-01-01T00:00:00.000Z', 'm1/model-quality/1h/2026-01-01T00:00:00.000Z/1']);
    expect(JSON.parse(topic.committed[0]!.m.value)).toMatchObject({ monitor: 'm1', violations: 2, checks: [{ feature_name: 'f0' }, { feature_name: 'f1' }] });
    expect(await outcomes(registry)).toEqual({ sent: 2, duplicate: 1 });
    await s.close();
  });

  it('a broker that fails is retried (counted) and nothing is lost; a restart sends what its predecessor spooled, skipping what it committed', async () => {
    const topic = new MemoryTopic();
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-vt-'));
    const t = Date.UTC(2026, 0, 1);
    topic.failNext = 3;
    const first = sink(topic, dir);
    await first.sink.write(sampleReport(t, 300_000, 1));
    await first.sink.flush();
    expect(await outcomes(first.registry)).toEqual({ retried: 3, sent: 1 });
    // while the broker fails again, a second process takes the monitor over (the first is fenced)
    // with the first's spool holding one message never sent
    topic.failNext = Infinity;
    await first.sink.write(sampleReport(t + 300_000, 300_000, 1));
    const second = sink(topic, dir);
    topic.failNext = 0;
    await second.sink.write(sampleReport(t, 300_000, 1)); // re-reported after the restart
    await second.sink.flush();
    expect(topic.committed.map((c) => c.m.identity)).toEqual(['m1/data-quality/5m/2026-01-01T00:00:00.000Z', 'm1/data-quality/5m/2026-01-01T00:05:00.000Z']);
    expect(readdirSync(join(dir, 'm1')).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(await outcomes(second.registry)).toEqual({ sent: 1, duplicate: 1 });
    await first.sink.close();
    await second.sink.close();
  });
});
