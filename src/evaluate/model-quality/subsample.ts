/**
 * standard_deviation of a model-quality metric, streamed.
 *
 * SageMaker: with at least 200 rows it draws 80 % of the rows at random 5 times, computes the
 * metric on each draw and reports the standard deviation of the 5 values; below 200 rows it writes
 * the string "NaN" [AWS docs, model-monitor-model-quality-metrics]. A random draw cannot be taken
 * from a stream that is merged from partitions and replayed after a crash, so driftmon draws by
 * hashing instead: row r belongs to subsample j (j = 0…4) iff
 *
 *   u_j(key) = fmix32( idHash32(key) XOR (0x9E3779B9 · (j + 1) mod 2^32) ) / 2^32  <  0.8
 *
 * where key is the row's sampleKey (the inference ID), idHash32 is MurmurHash3_x86_32 of its UTF-8
 * bytes with seed 0 (src/record/id-hash.ts) and fmix32 is MurmurHash3's final avalanche. Each u_j
 * is a bijective remix of the ID hash, so each subsample holds ≈ 80 % of the rows, the five
 * subsamples are (pseudo-)independent, and membership depends on the ID alone: the same rows land
 * in the same subsample on every replica, merge order and replay. Each subsample is one more
 * accumulator of the same kind, so they merge exactly like the full one.
 *
 * The reported spread is the SAMPLE standard deviation of the 5 values (divisor 4): the 5 draws
 * estimate the spread of the metric's sampling distribution, and Spark's `stddev` (the container
 * is a Spark program) is the sample one. Rows with an empty key all hash alike, so callers give
 * every row a distinct key (the baseline builder uses the row index when a row has none).
 */
import { idHash32 } from '../../record/id-hash.js';
import { murmurFmix32 } from '../../sketch/murmur3.js';

export const SUBSAMPLE_COUNT = 5;
export const SUBSAMPLE_FRACTION = 0.8;
/** Below this many rows standard_deviation is the string "NaN" (SageMaker's rule). */
export const MIN_ROWS_FOR_STANDARD_DEVIATION = 200;

const GOLDEN = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** u_j(key) of the module comment, in [0, 1). */
export function subsampleKey(key: string, j: number): number {
  return murmurFmix32((idHash32(key) ^ Math.imul(GOLDEN, j + 1)) >>> 0) / TWO_POW_32;
}

/** Bit j set iff the row with this key belongs to subsample j. */
export function subsampleMask(key: string): number {
  const h = idHash32(key);
  let mask = 0;
  for (let j = 0; j < SUBSAMPLE_COUNT; j++) {
    if (murmurFmix32((h ^ Math.imul(GOLDEN, j + 1)) >>> 0) / TWO_POW_32 < SUBSAMPLE_FRACTION) mask |= 1 << j;
  }
  return mask;
}

/** Sample standard deviation (divisor n − 1); NaN for fewer than 2 values or any NaN value. */
export function sampleStandardDeviation(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return Math.sqrt(ss / (n - 1));
}
