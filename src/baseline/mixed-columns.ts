/**
 * The baseline job reads numbers without their text (dataset-reader's keepNumberText off): a
 * numeric column's statistics never use its categories, and counting every number's text as a
 * category (a map lookup and a HyperLogLog hash per value) was a quarter of the job's time.
 *
 * A column that mixes numbers with BOOLEAN or STRING values is typed String (or, for non-finite
 * numbers beside booleans, Boolean), and SageMaker lists the text of every value among its
 * categories, numbers included, in file order (the frequencies past their cap depend on the
 * order). Only such columns need the numbers' text, and they are rare: they are recounted here in
 * a second read of the dataset with every value's text, replacing the first read's categories, so
 * the statistics are the ones a single read keeping all text gives.
 */
import type { DatasetProfile } from '../profile/dataset-profile.js';
import type { FeatureTracker } from '../profile/feature-tracker.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { ValueKind, type RowCallback } from '../record/row.js';

/** Reads the dataset again into `registry` (with keepNumberText on), calling onRow per row. */
export type ReadAgain = (registry: FeatureRegistry, onRow: RowCallback) => Promise<unknown>;

/** Recount the categories of `profile`'s mixed columns from a second read. Returns their names. */
export async function recountMixedColumns(profile: DatasetProfile, readAgain: ReadAgain): Promise<string[]> {
  const names: string[] = [];
  const recounts: FeatureTracker[] = [];
  const targets: FeatureTracker[] = [];
  for (const spec of profile.registry.features) {
    const t = profile.tracker(spec.index);
    if (t === undefined || !t.mixesNumbersWithText) continue;
    names.push(spec.name);
    targets.push(t);
    recounts.push(t.emptyLike());
  }
  if (names.length === 0) return names;
  const registry = new FeatureRegistry(profile.registry.maxFeatures);
  // slots in the second read's registry, found once each column is registered (-1 until then)
  const slots = names.map(() => -1);
  let unresolved = names.length;
  await readAgain(registry, (row) => {
    if (unresolved > 0) {
      for (let j = 0; j < names.length; j++) {
        if (slots[j] !== -1) continue;
        const spec = registry.get(names[j] as string);
        if (spec === undefined) continue;
        slots[j] = spec.index;
        unresolved--;
      }
    }
    for (let j = 0; j < slots.length; j++) {
      const i = slots[j] as number;
      if (i < 0 || i >= row.width || row.kinds[i] === ValueKind.MISSING) continue;
      const text = row.strings[i];
      if (text !== undefined) (recounts[j] as FeatureTracker).addCategory(text);
    }
  });
  for (let j = 0; j < targets.length; j++) (targets[j] as FeatureTracker).replaceCategories(recounts[j] as FeatureTracker);
  return names;
}
