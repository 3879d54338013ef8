/**
 * A decoded block's rows as a DatasetProfile reads them in place (DatasetProfile.updateDecoded):
 * numbers and kinds straight from the block's arrays, categorical texts by their id in the block's
 * dictionary. Replaying each row into a FeatureRow first (DecodedBlockReader.next) copied every
 * slot once more, and counting a text by its id lets a tracker skip the frequencies' Map lookup for
 * a text it already met in the same block (FeatureTracker.addCategoryId).
 *
 * Rows are read in order: `row` is the current one and `text` where its texts start in textIds;
 * the profile that reads a row sets `textEnd`, and `advance` moves on (counting the row's texts
 * itself when no profile read it: a late row, or a record that threw).
 */
import { blockRowTexts, type BlockArrays, type DecodedBlock } from '../record/decoded-block.js';
import type { FeatureSpec } from '../record/feature-registry.js';

export class DecodedRows {
  readonly kinds: Uint8Array;
  readonly numbers: Float64Array;
  readonly times: Float64Array;
  readonly widths: Int32Array;
  readonly stride: number;
  readonly textIds: Int32Array;
  /** The block's distinct texts: a tracker keys its per-block id cache on this array's identity. */
  readonly dictionary: readonly (string | undefined)[];
  row = 0;
  text = 0;
  /** Where the current row's texts end, once a profile read it (else -1). */
  textEnd = -1;

  /** `specs`: the registry the block was checked against (DecodedBlockReader's constructor). */
  constructor(
    private readonly block: DecodedBlock,
    private readonly arrays: BlockArrays,
    private readonly specs: readonly FeatureSpec[],
  ) {
    this.kinds = arrays.kinds;
    this.numbers = arrays.numbers;
    this.times = arrays.times;
    this.widths = arrays.widths;
    this.stride = block.stride;
    this.textIds = block.textIds;
    this.dictionary = block.dictionary;
  }

  /** Make row `to` (≥ row) the current one. */
  advance(to: number): void {
    let r = this.row;
    if (r === to) return;
    if (this.textEnd >= 0) {
      this.text = this.textEnd;
      r++;
    }
    for (; r < to; r++) this.text += blockRowTexts(this.block, this.arrays, r, this.specs);
    this.row = to;
    this.textEnd = -1;
  }
}
