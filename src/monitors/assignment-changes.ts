/**
 * A source's onAssignment for a scaled-out monitor's partitions (docs/scale-out.md): lost ones are
 * released, gained ones taken over, and changes are applied one after another. Order matters: a
 * takeover reads the partition's committed offset, and one that read an older offset must never
 * finish after a newer one (the partition would resume behind what is committed and rows would
 * count twice).
 */
export function assignmentChanges(
  release: (key: string) => Promise<void>,
  takeOver: (key: string) => Promise<void>,
): (added: readonly string[], removed: readonly string[]) => Promise<void> {
  let applied: Promise<void> = Promise.resolve();
  return (added, removed) => {
    const next = applied.then(async () => {
      for (const key of removed) await release(key);
      await Promise.all(added.map((key) => takeOver(key)));
    });
    applied = next.catch(() => undefined);
    return next;
  };
}
