/**
 * The UnitTransactions contract (docs/scale-out.md), run against every implementation: Kafka on a
 * real broker (test/kafka-transactions.test.ts) and the in-memory stand-in the stages' unit tests
 * use (unit-transactions.test.ts). A unit's transaction makes its messages and its consumer offset
 * (with metadata) visible together; whoever acquires the unit fences the previous holder, whose
 * commit then fails as not retryable and leaves nothing; a released unit commits nothing.
 */
import { describe, expect, it } from 'vitest';
import { DriftmonError } from '../errors.js';
import type { TransactionUnit, UnitTransactions } from './kafka-transactions.js';

export interface UnitTransactionsHarness {
  /** A new holder (a process of its own). */
  holder(): UnitTransactions;
  /** A consumed topic of 2 partitions and an output topic of 3, both empty. */
  input: string;
  output: string;
  /** The committed values of `topic`, as text ('<null>' for a deletion), sorted, once there are `expected`. */
  read(topic: string, expected: number): Promise<string[]>;
  /** The offset and metadata group `groupId` committed for topic/partition. */
  committed(groupId: string, topic: string, partition: number): Promise<{ offset: number; metadata: string } | undefined>;
  close(): Promise<void>;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function refusal(p: Promise<void>): Promise<DriftmonError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DriftmonError);
  return e as DriftmonError;
}

export function describeUnitTransactionsContract(name: string, make: () => Promise<UnitTransactionsHarness>): void {
  describe(`UnitTransactions contract: ${name}`, () => {
    it('commits messages with the offset and its metadata; a takeover fences the previous holder, whose transaction leaves nothing', async () => {
      const h = await make();
      const unit: TransactionUnit = { topic: h.input, partition: 1, groupId: `${h.input}.group`, transactionalId: `${h.input}.unit` };
      const a = h.holder();
      const b = h.holder();
      try {
        expect(await a.acquire(unit)).toEqual({ offset: undefined, metadata: '' });
        await a.commit(unit, [{ topic: h.output, key: 'w1', value: text('one') }, ...[0, 1, 2].map((p) => ({ topic: h.output, partition: p, value: text(`progress-${p}`) }))], 10, '{"clock":1}');
        // b takes the unit over: it reads a's committed offset and metadata, and fences a
        expect(await b.acquire(unit)).toEqual({ offset: 10, metadata: '{"clock":1}' });
        const fenced = await refusal(a.commit(unit, [{ topic: h.output, key: 'w2', value: text('zombie') }], 20, '{"clock":2}'));
        expect(fenced.message).toContain('taken over by another member');
        expect(fenced.retryable).toBe(false);
        await b.commit(unit, [{ topic: h.output, key: 'w3', value: text('three') }, { topic: h.output, partition: 0, key: 'gone', value: null }], 15, '{"clock":3}');
        expect(await h.read(h.output, 6)).toEqual(['<null>', 'one', 'progress-0', 'progress-1', 'progress-2', 'three']);
        expect(await h.committed(unit.groupId, h.input, 1)).toEqual({ offset: 15, metadata: '{"clock":3}' });
      } finally {
        await h.close();
      }
    }, 60_000);

    it('a released unit commits nothing; releasing twice is fine', async () => {
      const h = await make();
      const unit: TransactionUnit = { topic: h.input, partition: 0, groupId: `${h.input}.group`, transactionalId: `${h.input}.released` };
      const a = h.holder();
      try {
        await a.acquire(unit);
        await a.release(unit);
        await a.release(unit);
        const e = await refusal(a.commit(unit, [{ topic: h.output, key: 'k', value: text('late') }], 5, ''));
        expect(e.retryable).toBe(false);
        expect(await h.committed(unit.groupId, h.input, 0)).toBeUndefined();
      } finally {
        await h.close();
      }
    }, 60_000);
  });
}
