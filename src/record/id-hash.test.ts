import { describe, expect, it } from 'vitest';
import { rng as seededRng } from '../../test/support/random.js';
import { idHash32, idHash32Bytes, samplingKey, samplingKeyBytes } from './id-hash.js';

/**
 * MurmurHash3_x86_32, seed 0. Source of every value: Python `mmh3` 5.3.1 (a binding of Appleby's
 * SMHasher C++ code), computed as `mmh3.hash(s.encode('utf-8'), 0, signed=False)`. "", "hello",
 * "Hello, world!", "test" and the quick-brown-fox line are also the vectors commonly published for
 * MurmurHash3_x86_32 seed 0 (e.g. the test suites of the Go and Java ports).
 */
const VECTORS: [string, number][] = [
  ['', 0x00000000],
  ['a', 0x3c2569b2],
  ['ab', 0x9bbfd75f],
  ['abc', 0xb3dd93fa],
  ['abcd', 0x43ed676a],
  ['aaaa', 0x7eeed987],
  ['hello', 0x248bfa47],
  ['test', 0xba6bd213],
  ['Hello, world!', 0xc0363e43],
  ['The quick brown fox jumps over the lazy dog', 0x2e4ff723],
  ['inf-000123', 0x5b77135e],
  ['0f8fad5b-d9cb-469f-a165-70867728950e', 0x51c47b5c],
  ['café', 0x241c0f08],
  ['日本語', 0xa5a47297],
  ['😀', 0xbeb42efa],
];

/** mmh3.hash(bytes([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]), 0, signed=False): bytes that are not UTF-8. */
const BINARY_VECTOR = { bytes: new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]), hash: 0x1f2d52ed };

/**
 * A deliberately plain second implementation (DataView reads, Buffer's UTF-8 encoder, textbook
 * steps with BigInt-free 32-bit arithmetic) to cross-check the optimized one on random input.
 */
function referenceMurmur3(bytes: Uint8Array): number {
  const mul = (a: number, b: number): number => Math.imul(a, b) >>> 0;
  const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nblocks = Math.floor(bytes.length / 4);
  let h = 0;
  for (let b = 0; b < nblocks; b++) {
    let k = view.getUint32(b * 4, true);
    k = mul(rotl(mul(k, 0xcc9e2d51), 15), 0x1b873593);
    h = (h ^ k) >>> 0;
    h = (mul(rotl(h, 13), 5) + 0xe6546b64) >>> 0;
  }
  let k = 0;
  for (let t = bytes.length - 1; t >= nblocks * 4; t--) k = ((k << 8) | bytes[t]!) >>> 0;
  if (bytes.length % 4 !== 0) h = (h ^ mul(rotl(mul(k, 0xcc9e2d51), 15), 0x1b873593)) >>> 0;
  h = (h ^ bytes.length) >>> 0;
  h = mul(h ^ (h >>> 16), 0x85ebca6b);
  h = mul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return seededRng(seed).next;
}

function randomString(rand: () => number, alphabet: 'ascii' | 'any'): string {
  const len = Math.floor(rand() * 40);
  let s = '';
  for (let i = 0; i < len; i++) {
    if (alphabet === 'ascii') {
      s += String.fromCharCode(Math.floor(rand() * 128));
      continue;
    }
    const kind = rand();
    if (kind < 0.4) s += String.fromCharCode(Math.floor(rand() * 128));
    else if (kind < 0.6) s += String.fromCharCode(0x80 + Math.floor(rand() * (0x800 - 0x80)));
    else if (kind < 0.8) s += String.fromCharCode(0x800 + Math.floor(rand() * (0xd800 - 0x800)));
    else if (kind < 0.9) s += String.fromCodePoint(0x10000 + Math.floor(rand() * 0x100000));
    else if (kind < 0.95) s += String.fromCharCode(0xd800 + Math.floor(rand() * 0x800)); // lone surrogate
    else s += String.fromCharCode(0xe000 + Math.floor(rand() * 0x2000));
  }
  return s;
}

describe('idHash32 (MurmurHash3_x86_32, seed 0, UTF-8)', () => {
  it.each(VECTORS)('%j → published value', (s, want) => {
    expect(idHash32(s)).toBe(want);
    expect(idHash32Bytes(Buffer.from(s, 'utf8'))).toBe(want);
    expect(referenceMurmur3(Buffer.from(s, 'utf8'))).toBe(want);
  });

  it('hashes non-UTF-8 bytes (Kafka keys) like mmh3', () => {
    expect(idHash32Bytes(BINARY_VECTOR.bytes)).toBe(BINARY_VECTOR.hash);
  });

  it('string and bytes forms agree on random ASCII strings', () => {
    const rand = rng(1);
    for (let i = 0; i < 5000; i++) {
      const s = randomString(rand, 'ascii');
      const bytes = Buffer.from(s, 'utf8');
      expect(idHash32(s)).toBe(idHash32Bytes(bytes));
      expect(idHash32(s)).toBe(referenceMurmur3(bytes));
    }
  });

  it('string and bytes forms agree on random non-ASCII strings (2-, 3-, 4-byte sequences, lone surrogates)', () => {
    const rand = rng(2);
    for (let i = 0; i < 5000; i++) {
      const s = randomString(rand, 'any');
      const bytes = Buffer.from(s, 'utf8');
      expect(idHash32(s), JSON.stringify(s)).toBe(idHash32Bytes(bytes));
      expect(idHash32(s)).toBe(referenceMurmur3(bytes));
      expect(samplingKey(s)).toBe(samplingKeyBytes(bytes));
    }
  });

  it('handles a non-ASCII character at every position relative to the 4-byte blocks', () => {
    for (const special of ['é', '€', '😀', '\ud800', '\udc00']) {
      for (let pre = 0; pre < 9; pre++) {
        for (let post = 0; post < 5; post++) {
          const s = 'x'.repeat(pre) + special + 'y'.repeat(post);
          expect(idHash32(s)).toBe(referenceMurmur3(Buffer.from(s, 'utf8')));
        }
      }
    }
  });

  it('accepts a Uint8Array view into a larger buffer', () => {
    const big = Buffer.from('xxhelloyy', 'utf8');
    expect(idHash32Bytes(new Uint8Array(big.buffer, big.byteOffset + 2, 5))).toBe(0x248bfa47);
  });

  it('samplingKey is in [0, 1) and is the hash over 2^32', () => {
    expect(samplingKey('')).toBe(0);
    expect(samplingKey('hello')).toBe(0x248bfa47 / 2 ** 32);
    const rand = rng(3);
    for (let i = 0; i < 1000; i++) {
      const k = samplingKey(randomString(rand, 'any'));
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(1);
    }
  });

  it('is uniform on sequential ids: 1e6 ids inf-000000… put 0.25 ± 0.002 below 0.25', () => {
    let below = 0;
    const n = 1_000_000;
    for (let i = 0; i < n; i++) {
      if (samplingKey(`inf-${String(i).padStart(6, '0')}`) < 0.25) below++;
    }
    expect(Math.abs(below / n - 0.25)).toBeLessThan(0.002);
  });
});
