/**
 * Blocks decoded by several decoders (parallel-decoded-file-source.ts: one per worker thread, each
 * with its own FeatureRegistry) moved onto one registry, as if one decoder had decoded the whole
 * input in order. Blocks must come in input order. A feature first met in a block is registered
 * here in the order that block's decoder registered it, which is the order one decoder would have
 * (a decoder's earlier blocks are earlier in the input, so a feature new here is new to it too).
 * Each decoder's slots are mapped onto this registry's, and each row's width becomes what one
 * decoder's would have been: the registry's size once the row was decoded (DatasetProfile grows
 * its trackers to a row's width, so a narrower row would change a report).
 *
 * Not possible to match: a block that would take the registry past maxFeatures, or whose decoder
 * refused a record for TOO_MANY_FEATURES (its own registry was full) — one decoder would have
 * refused other records. Such a block is left to the caller (translate returns undefined), which
 * decodes from there on itself.
 */
import { RecordErrorReason } from '../errors.js';
import { blockArrays, blockBytes, hasText, type DecodedBlock } from './decoded-block.js';
import type { FeatureRegistry } from './feature-registry.js';

export class MergedSlots {
  /** Per decoder: its slot → this registry's. */
  private readonly maps: number[][] = [];

  /** `registry`: holds the declarations every decoder started from (so their first slots agree). */
  constructor(readonly registry: FeatureRegistry) {}

  /** `block`, from decoder `decoder`, on this registry's slots; undefined when that cannot match one decoder (see the header). */
  translate(decoder: number, block: DecodedBlock): DecodedBlock | undefined {
    const registry = this.registry;
    const map = (this.maps[decoder] ??= registry.features.map((f) => f.index));
    if (block.problems.some((p) => p.reason === RecordErrorReason.TOO_MANY_FEATURES)) return undefined;
    const unknown = new Set(block.newFeatures.filter((f) => registry.get(f.name) === undefined).map((f) => f.name));
    if (registry.size + unknown.size > registry.maxFeatures) return undefined;
    const before = registry.size;
    /** The decoder's slots whose features are new here, ascending. */
    const fresh: number[] = [];
    for (const f of block.newFeatures) {
      const known = registry.get(f.name);
      if (known === undefined) fresh.push(f.index);
      map[f.index] = known?.index ?? registry.indexOf(f.name, f.isOutput);
    }
    const newFeatures = registry.features.slice(before).map((f) => ({ name: f.name, isOutput: f.isOutput, index: f.index }));
    const after = block.featuresAfter;
    if (after !== undefined) {
      for (let r = 0, k = 0; r < after.length; r++) {
        const w = after[r] as number;
        while (k < fresh.length && (fresh[k] as number) < w) k++;
        after[r] = before + k;
      }
    }
    const { widths } = blockArrays(block.buffer, block.recordCapacity, block.rowCapacity, block.stride);
    // a row's width in its decoder: that registry's size after the row; here: the features
    // registered before the block, and those of the block its decoder had met by then
    const width = new Int32Array(block.rows);
    let identity = true;
    let widest = 0;
    for (let r = 0, k = 0; r < block.rows; r++) {
      const w = widths[r] as number;
      while (k < fresh.length && (fresh[k] as number) < w) k++;
      width[r] = before + k;
      widest = Math.max(widest, width[r] as number, w);
    }
    for (let i = 0; i < widest && identity; i++) identity = map[i] === undefined || map[i] === i;
    if (identity && widest <= block.stride) {
      widths.set(width);
      return { ...block, newFeatures };
    }
    return { ...relaid(block, map, width, widest, registry), newFeatures };
  }
}

/** `block` laid out again with slot i moved to map[i] and row r `width[r]` wide (the rest MISSING); texts in the new slot order. */
function relaid(block: DecodedBlock, map: readonly number[], width: Int32Array, widest: number, registry: FeatureRegistry): DecodedBlock {
  const stride = Math.max(8, block.stride, widest);
  const buffer = new ArrayBuffer(blockBytes(block.recordCapacity, block.rowCapacity, stride));
  const from = blockArrays(block.buffer, block.recordCapacity, block.rowCapacity, block.stride);
  const to = blockArrays(buffer, block.recordCapacity, block.rowCapacity, stride);
  to.times.set(from.times.subarray(0, block.rows));
  to.lineNos.set(from.lineNos.subarray(0, block.records));
  to.rowCounts.set(from.rowCounts.subarray(0, block.records));
  to.widths.set(width);
  const specs = registry.features;
  const textIds = new Int32Array(block.textIds.length);
  let readAt = 0;
  let writeAt = 0;
  const texts: { slot: number; id: number }[] = [];
  for (let r = 0; r < block.rows; r++) {
    texts.length = 0;
    for (let i = 0; i < (from.widths[r] as number); i++) {
      const kind = from.kinds[r * block.stride + i] as number;
      const slot = map[i] as number;
      to.kinds[r * stride + slot] = kind;
      to.numbers[r * stride + slot] = from.numbers[r * block.stride + i] as number;
      if (hasText(kind, specs[slot])) texts.push({ slot, id: block.textIds[readAt++] as number });
    }
    texts.sort((a, b) => a.slot - b.slot);
    for (const t of texts) textIds[writeAt++] = t.id;
  }
  return { ...block, stride, buffer, textIds };
}
