/**
 * The ViolationsLog contract (sink/violations-topic.ts), run against every implementation: Kafka on
 * a real broker (test/kafka-violations-log.test.ts) and the in-memory one the sink's unit tests use
 * (violations-topic.test.ts). What a log committed is read back by the next holder of its
 * transactional id, and only its monitor's; opening it fences the previous holder, whose append
 * then fails as not retryable and leaves nothing.
 */
import { describe, expect, it } from 'vitest';
import { DriftmonError } from '../errors.js';
import type { ViolationsLog } from './violations-topic.js';

export interface ViolationsLogHarness {
  /** A new holder of `monitor`'s messages (a process of its own) on one topic shared by the harness. */
  log(monitor: string, transactionalId: string): ViolationsLog;
  close(): Promise<void>;
}

const message = (identity: string): { identity: string; value: string } => ({ identity, value: JSON.stringify({ id: identity }) });

export function describeViolationsLogContract(name: string, make: () => Promise<ViolationsLogHarness>): void {
  describe(`ViolationsLog contract: ${name}`, () => {
    it("reads back what its monitor committed, not another monitor's", async () => {
      const h = await make();
      try {
        const a = h.log('alpha', 'tx.alpha');
        expect([...(await a.open())]).toEqual([]);
        await a.append(message('alpha/data-quality/1h/w1'));
        await a.append(message('alpha/data-quality/1h/w2'));
        await a.close();
        const b = h.log('beta', 'tx.beta');
        await b.open();
        await b.append(message('beta/data-quality/1h/w1'));
        await b.close();
        const again = h.log('alpha', 'tx.alpha');
        expect([...(await again.open())].sort()).toEqual(['alpha/data-quality/1h/w1', 'alpha/data-quality/1h/w2']);
        await again.close();
      } finally {
        await h.close();
      }
    });

    it('a new holder fences the previous one: its append fails, not retryable, and leaves nothing', async () => {
      const h = await make();
      try {
        const old = h.log('gamma', 'tx.gamma');
        await old.open();
        await old.append(message('gamma/data-quality/1h/w1'));
        const next = h.log('gamma', 'tx.gamma');
        expect([...(await next.open())]).toEqual(['gamma/data-quality/1h/w1']);
        const e = await old.append(message('gamma/data-quality/1h/zombie')).then(
          () => undefined,
          (x: unknown) => x,
        );
        expect(e).toBeInstanceOf(DriftmonError);
        expect((e as DriftmonError).retryable).toBe(false);
        await next.append(message('gamma/data-quality/1h/w2'));
        await old.close();
        await next.close();
        const last = h.log('gamma', 'tx.gamma');
        expect([...(await last.open())].sort()).toEqual(['gamma/data-quality/1h/w1', 'gamma/data-quality/1h/w2']);
        await last.close();
      } finally {
        await h.close();
      }
    });
  });
}
