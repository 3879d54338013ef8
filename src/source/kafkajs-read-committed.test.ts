import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { assertReadCommitted, filterAbortedRecords, type AbortedTransaction, type FetchedRecord } from './kafkajs-read-committed.js';

interface LogRecord extends FetchedRecord {
  readonly aborted: boolean;
}

/**
 * A partition's log as a broker writes it: transactional producers interleave, each transaction
 * ends with a commit or abort marker, plain records in between. Returns the records (each knowing
 * whether its transaction was aborted) and the aborted transactions in marker order, with their
 * last offsets (the broker's transaction index).
 */
function partitionLog(seed: number, length: number): { log: LogRecord[]; aborts: (AbortedTransaction & { lastOffset: number })[] } {
  const r = rng(seed);
  const producers = 1 + r.int(6);
  const open = new Map<string, { first: number; members: number[] }>();
  const log: (Omit<LogRecord, 'aborted'> & { aborted?: boolean })[] = [];
  const aborts: (AbortedTransaction & { lastOffset: number })[] = [];
  const end = (pid: string, abort: boolean): void => {
    const t = open.get(pid) as { first: number; members: number[] };
    open.delete(pid);
    for (const o of t.members) (log[o] as { aborted?: boolean }).aborted = abort;
    const offset = log.length;
    log.push({ offset: String(offset), key: Buffer.from([0, 0, 0, abort ? 0 : 1]), isControlRecord: true, batchContext: { producerId: pid, inTransaction: true }, aborted: false });
    if (abort) aborts.push({ producerId: pid, firstOffset: String(t.first), lastOffset: offset });
  };
  while (log.length < length) {
    const pid = String(1000 + r.int(producers));
    const t = open.get(pid);
    const roll = r.next();
    if (roll < 0.1) {
      log.push({ offset: String(log.length), key: null, isControlRecord: false, batchContext: { producerId: '-1', inTransaction: false }, aborted: false });
    } else if (t !== undefined && roll < 0.3) {
      end(pid, r.next() < 0.5);
    } else {
      const offset = log.length;
      log.push({ offset: String(offset), key: null, isControlRecord: false, batchContext: { producerId: pid, inTransaction: true } });
      if (t === undefined) open.set(pid, { first: offset, members: [offset] });
      else t.members.push(offset);
    }
  }
  for (const pid of [...open.keys()]) end(pid, r.next() < 0.5);
  return { log: log as LogRecord[], aborts };
}

describe('filterAbortedRecords (read_committed)', () => {
  it('keeps exactly the records outside aborted transactions, for any fetch range of interleaved transactions (2,000 seeded logs)', () => {
    let dropped = 0;
    for (let seed = 1; seed <= 2_000; seed++) {
      const { log, aborts } = partitionLog(seed, 20 + (seed % 60));
      const r = rng(seed * 7919);
      const start = r.int(log.length);
      const end = start + 1 + r.int(log.length - start);
      // what the broker sends with a fetch of [start, end): aborted transactions overlapping it, in marker order
      const listed = aborts.filter((t) => t.lastOffset >= start && Number(t.firstOffset) < end);
      const fetched = log.slice(start, end);
      const kept = filterAbortedRecords({ messages: fetched, abortedTransactions: listed }).filter((m) => m.isControlRecord !== true);
      const expected = fetched.filter((m) => m.isControlRecord !== true && !m.aborted);
      expect(kept.map((m) => m.offset), `seed ${seed}, fetch [${start}, ${end})`).toEqual(expected.map((m) => m.offset));
      dropped += fetched.length - kept.length;
    }
    expect(dropped).toBeGreaterThan(1_000); // the logs really held aborted transactions
  });

  it('returns the records unchanged when no transaction was aborted', () => {
    const { log } = partitionLog(3, 30);
    expect(filterAbortedRecords({ messages: log, abortedTransactions: [] })).toBe(log);
    expect(filterAbortedRecords({ messages: log })).toBe(log);
  });

  it('is the filter the loaded kafkajs consumer uses', () => {
    expect(() => assertReadCommitted()).not.toThrow();
    const require = createRequire(import.meta.url);
    expect(require('kafkajs/src/consumer/filterAbortedMessages.js')).toBe(filterAbortedRecords);
  });
});
