/**
 * A scaled-out monitor's partitions change hands (docs/scale-out.md) while it processes batches
 * and commits. Everything that touches a partition's state — a batch, a commit, a release, a
 * takeover — runs on one `Serial`, one after another in call order. Order matters: a takeover
 * reads the partition's committed offset, and one that read an older offset must never finish
 * after a newer one (the partition would resume behind what is committed and rows would count
 * twice); a release that ran in the middle of a batch would drop what the batch then adds back.
 */

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
