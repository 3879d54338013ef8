/**
 * A correct read_committed for kafkajs 2.2.4, whose own filter of aborted transactions leaks
 * records (found by the scale-out scenario, reproduced in test/kafka-transactions.test.ts).
 *
 * A fetch response lists the aborted transactions overlapping it (producer id, first offset) in
 * the order their abort markers were written, not by first offset. kafkajs's filter walks the
 * records and, per record, takes at most the list's *head*, and only when the record's offset has
 * reached the head's first offset. So when two transactions interleave and the one that started
 * first is aborted last, its records before the other's first offset are delivered as committed.
 * On a partials topic every member and owner writes transactions to every partition at once, so
 * a rebalance that aborts several of them counted one partition's rows twice.
 *
 * The rule here is the Kafka protocol's (as the Java consumer applies it): order the aborted
 * transactions by first offset; at each record, every transaction starting at or before it marks
 * its producer aborted; an abort marker of that producer ends it; a transactional record of a
 * producer marked aborted is dropped.
 *
 * kafkajs reads the filter once, when its consumer module loads, so ours is put in the module
 * cache first (kafka-client.ts imports this file before kafkajs). `assertReadCommitted` checks the
 * loaded kafkajs with a fetch that kafkajs's own filter gets wrong, and refuses to go on when
 * kafkajs was loaded before this file (or its layout changed).
 */
import { createRequire, Module } from 'node:module';
import { DriftmonError, ErrorCode } from '../errors.js';

/** What kafkajs's fetch decoder gives the filter, as far as it is read here. */
export interface FetchedRecord {
  readonly offset: string;
  readonly key?: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

export interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

/** A control record's key is version (int16) then type (int16): 0 abort, 1 commit. */
function isAbortMarker(r: FetchedRecord): boolean {
  const key = r.key;
  return r.isControlRecord === true && key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === 0;
}

/** The records of `records` (in offset order) that are not in an aborted transaction; control records are kept. */
export function filterAbortedRecords<R extends FetchedRecord>({ messages, abortedTransactions }: { messages: R[]; abortedTransactions?: readonly AbortedTransaction[] | null }): R[] {
  if (abortedTransactions === undefined || abortedTransactions === null || abortedTransactions.length === 0) return messages;
  const starts = abortedTransactions.map((t) => ({ producerId: String(t.producerId), firstOffset: BigInt(t.firstOffset) })).sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const aborted = new Set<string>();
  let next = 0;
  return messages.filter((r) => {
    const offset = BigInt(r.offset);
    for (; next < starts.length && (starts[next] as { firstOffset: bigint }).firstOffset <= offset; next++) aborted.add((starts[next] as { producerId: string }).producerId);
    const producerId = String(r.batchContext.producerId);
    if (r.isControlRecord === true) {
      if (isAbortMarker(r)) aborted.delete(producerId);
      return true;
    }
    return !(r.batchContext.inTransaction && aborted.has(producerId));
  });
}

const require = createRequire(import.meta.url);
const FILTER = 'kafkajs/src/consumer/filterAbortedMessages.js';
const BATCH = 'kafkajs/src/consumer/batch.js';

function installFilter(): void {
  const path = require.resolve(FILTER);
  if (require.cache[path] !== undefined) return; // kafkajs already loaded (assertReadCommitted says whether with ours)
  const m = new Module(path);
  m.filename = path;
  m.loaded = true;
  m.exports = filterAbortedRecords;
  require.cache[path] = m;
}

installFilter();

let checked = false;

/**
 * Throws INTERNAL unless the loaded kafkajs filters aborted transactions correctly: two
 * interleaved aborted transactions, the first started aborted last — kafkajs's filter delivers
 * its first record.
 */
export function assertReadCommitted(): void {
  if (checked) return;
  const record = (offset: number, producerId: string, control: 'abort' | undefined = undefined): FetchedRecord & { value: Buffer | null } => ({
    offset: String(offset),
    key: control === undefined ? null : Buffer.from([0, 0, 0, 0]),
    value: null,
    isControlRecord: control !== undefined,
    batchContext: { producerId, inTransaction: true },
  });
  let delivered: string[];
  try {
    const Batch = require(BATCH) as new (topic: string, fetchedOffset: string, data: unknown) => { messages: { offset: string }[] };
    const batch = new Batch('driftmon-check', '0', {
      partition: 0,
      highWatermark: '5',
      abortedTransactions: [
        { producerId: '2', firstOffset: '1' },
        { producerId: '1', firstOffset: '0' },
      ],
      messages: [record(0, '1'), record(1, '2'), record(2, '2', 'abort'), record(3, '1'), record(4, '1', 'abort')],
    });
    delivered = batch.messages.map((m) => m.offset);
  } catch (e) {
    throw new DriftmonError(ErrorCode.INTERNAL, `cannot check kafkajs's read_committed filter (is kafkajs 2.2.4 installed?): ${(e as Error).message}`, { cause: e });
  }
  if (delivered.length > 0) {
    throw new DriftmonError(
      ErrorCode.INTERNAL,
      `kafkajs delivers records of aborted transactions (offsets ${delivered.join(', ')} of a check): it was loaded before src/source/kafkajs-read-committed.ts could fix its filter; import kafkajs only through kafka-client.ts`,
    );
  }
  checked = true;
}
