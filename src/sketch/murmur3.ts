/**
 * The MurmurHash3 x86_32 block step (Austin Appleby's public-domain MurmurHash3), shared by the
 * HyperLogLog's hash and the inference-ID sampling hash.
 */
export const MURMUR_C1 = 0xcc9e2d51;
export const MURMUR_C2 = 0x1b873593;

/** Scramble a 32-bit key (the tail step uses only this part). */
export function murmurScramble(k: number): number {
  k = Math.imul(k, MURMUR_C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, MURMUR_C2);
}

/** Mix one 4-byte block into the running hash. */
export function murmurBlock(h: number, k: number): number {
  h ^= murmurScramble(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The final avalanche (fmix32), unsigned. */
export function murmurFmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
