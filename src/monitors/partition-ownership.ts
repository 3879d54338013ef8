/**
 * A scaled-out monitor's partitions change hands (docs/scale-out.md) while it processes batches
 * and commits. Everything that touches a partition's state — a batch, a commit, a release, a
 * takeover — runs on one `Serial`, one after another in call order. Order matters: a takeover
 * reads the partition's committed offset, and one that read an older offset must never finish
 * after a newer one (the partition would resume behind what is committed and rows would count
 * twice); a release that ran in the middle of a batch would drop what the batch then adds back.
 */
import type { Logger } from 'pino';
import { DriftmonError } from '../errors.js';
import type { TransactionUnit, UnitTransactions } from '../source/kafka-transactions.js';
import type { SourcePosition } from '../state/source-position.js';
import { parsePartitionKey, type RawBatch, type Source } from '../source/source.js';

/** Runs async functions one after another, in call order; a failure does not stop the next. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** A source's onAssignment on `serial`: lost partitions released, then gained ones taken over. */
export function assignmentChanges(
  serial: Serial,
  release: (key: string) => Promise<void>,
  takeOver: (key: string) => Promise<void>,
): (added: readonly string[], removed: readonly string[]) => Promise<void> {
  return (added, removed) =>
    serial.run(async () => {
      for (const key of removed) await release(key);
      await Promise.all(added.map((key) => takeOver(key)));
    });
}

/** What an owner of partials partitions does with its source (owner-side stages of docs/scale-out.md). */
export interface PartitionOwner {
  onBatch(batch: RawBatch): Promise<void>;
  commitAll(): Promise<void>;
  /** Let every owned partition go (the group gives them to others). */
  releaseAll(): Promise<void>;
}

/** Consume `source` on `serial` until it stops; then commit once more and let every partition go. */
export async function runPartitionOwner(owner: PartitionOwner, serial: Serial, source: Source, signal?: AbortSignal): Promise<void> {
  const onAbort = (): void => (source.stop ? source.stop() : void source.close());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const batch of source.batches()) {
      await serial.run(() => owner.onBatch(batch));
      if (signal?.aborted) break;
    }
    await serial.run(() => owner.commitAll());
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await serial.run(() => owner.releaseAll());
    await source.close();
  }
}

/**
 * The transactional unit of partition `key` read by consumer group `groupId`:
 * `<prefix>.<group>.<topic>.<partition>`. Whoever holds the partition in that group uses it, and
 * no other monitor or stage can: each has a group of its own (a monitor's, `<group>.keyed`,
 * `<group>.partials`).
 */
export function ownershipUnit(key: string, o: { groupId: string; transactionalIdPrefix: string }): TransactionUnit {
  const { topic, partition } = parsePartitionKey(key);
  return { topic, partition, groupId: o.groupId, transactionalId: `${o.transactionalIdPrefix}.${o.groupId}.${topic}.${partition}` };
}

/** What every holder of partitions (a member's cycle, an owner) is given. */
export interface HolderOptions {
  monitor: string;
  /** The consumer group whose partitions are held (transactional ids name it: ownershipUnit). */
  groupId: string;
  transactionalIdPrefix: string;
  transactions: UnitTransactions;
  /** Where a taken-over partition resumes (the source skips or seeks to it). */
  resumeFrom: (positions: readonly SourcePosition[]) => void;
  clock: () => number;
  intervalMs: number;
  logger: Logger;
  /** Each transaction's outcome (the scale-out transactions counter). */
  counted?: (outcome: CommitOutcome) => void;
}

/** How a held partition's transaction ended (driftmon_scale_out_transactions_total's outcome). */
export type CommitOutcome = 'committed' | 'failed' | 'fenced';

/**
 * Runs one commit of a held partition. Taken over by another member (fenced): `release` it here.
 * Another failure: logged; what it carried is retried at the next interval. True when committed.
 */
export async function commitHeld(
  commit: () => Promise<void>,
  release: () => Promise<void>,
  logger: Logger,
  context: Record<string, unknown>,
  counted?: (outcome: CommitOutcome) => void,
): Promise<boolean> {
  try {
    await commit();
    counted?.('committed');
    return true;
  } catch (e) {
    if (e instanceof DriftmonError && !e.retryable) {
      counted?.('fenced');
      logger.warn({ ...context, err: e }, 'partition taken over by another member: dropped here');
      await release();
    } else {
      counted?.('failed');
      logger.warn({ ...context, err: e }, 'commit failed: retried at the next interval');
    }
    return false;
  }
}
