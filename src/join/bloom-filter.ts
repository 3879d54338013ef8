/**
 * A Bloom filter over 64-bit id hashes (id-hash64.ts), ~10 bits per key and 7 probes (≈ 0.8 %
 * false positives), probes by double hashing (Kirsch–Mitzenmacher: hi + i·lo). One per sealed
 * segment of the disk join store; rebuilt from the segment index when a store is opened.
 */
const PROBES = 7;

export class BloomFilter {
  private readonly bits: Uint32Array;
  private readonly m: number;

  constructor(keys: number, bitsPerKey = 10) {
    this.m = Math.max(64, Math.ceil((keys * bitsPerKey) / 32) * 32);
    this.bits = new Uint32Array(this.m / 32);
  }

  add(hi: number, lo: number): void {
    const m = this.m;
    for (let i = 0; i < PROBES; i++) {
      const b = ((hi + Math.imul(i, lo)) >>> 0) % m;
      this.bits[b >>> 5]! |= 1 << (b & 31);
    }
  }

  mayContain(hi: number, lo: number): boolean {
    const m = this.m;
    for (let i = 0; i < PROBES; i++) {
      const b = ((hi + Math.imul(i, lo)) >>> 0) % m;
      if ((this.bits[b >>> 5]! & (1 << (b & 31))) === 0) return false;
    }
    return true;
  }

  get byteLength(): number {
    return this.bits.byteLength;
  }
}
