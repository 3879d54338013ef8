/**
 * The 64-bit id hash the disk join store sorts its segment indexes by and derives Bloom probes
 * from: two MurmurHash3_x86_32 lanes over the id's UTF-8 bytes, seeds 0 (hi) and 0x9747b28c (lo).
 * Part of the on-disk format (segment .idx files): changing it invalidates existing stores. Not a
 * sampling hash (that is record/id-hash.ts); collisions are harmless, the store compares full ids.
 */
import { murmurBlock, murmurFmix32, murmurScramble } from '../sketch/murmur3.js';

const SEED_LO = 0x9747b28c;

/** Hashes bytes[start, end) into out[0] (hi) and out[1] (lo), unsigned. */
export function idHash64(bytes: Uint8Array, start: number, end: number, out: Uint32Array): void {
  const n = end - start;
  const blocksEnd = start + (n & ~3);
  let h1 = 0;
  let h2 = SEED_LO;
  for (let i = start; i < blocksEnd; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h1 = murmurBlock(h1, k);
    h2 = murmurBlock(h2, k);
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocksEnd + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocksEnd + 1]! << 8;
    k ^= bytes[blocksEnd]!;
    const s = murmurScramble(k);
    h1 ^= s;
    h2 ^= s;
  }
  out[0] = murmurFmix32(h1 ^ n);
  out[1] = murmurFmix32(h2 ^ n);
}
