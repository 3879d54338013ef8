/**
 * The inference-ID hash behind back-off sampling. Under pressure driftmon keeps only records whose
 * inference ID hashes below the sampling ratio, and it must keep the SAME IDs on the inference
 * topic and on the ground-truth topic (labels are joined to predictions on inference ID). So the
 * decision has to be a pure function of the ID that any producer can reproduce:
 *
 *   idHash32(id)    = MurmurHash3_x86_32(UTF-8 bytes of id, seed 0), as an unsigned 32-bit integer
 *   samplingKey(id) = idHash32(id) / 2^32, in [0, 1); a record is kept when samplingKey < ratio
 *
 * This is Austin Appleby's MurmurHash3_x86_32 from SMHasher, unchanged, so other languages get the
 * same numbers: Python `mmh3.hash(id.encode('utf-8'), 0, signed=False)`, Java Guava
 * `Hashing.murmur3_32_fixed(0).hashString(id, UTF_8)` (as unsigned), Go
 * `murmur3.Sum32([]byte(id))` (github.com/spaolacci/murmur3). A string is hashed exactly as its
 * UTF-8 encoding (what TextEncoder / Buffer.from(id, 'utf8') produce: a lone surrogate becomes
 * U+FFFD), so `idHash32(s) === idHash32Bytes(Buffer.from(s, 'utf8'))` for every string — a Kafka
 * message key holding the ID gives the same decision as the decoded ID.
 *
 * The string form never allocates: it reads UTF-16 code units and encodes them to UTF-8 on the fly
 * (four ASCII characters make one block on the fast path, which is all a UUID needs).
 */
import { murmurBlock, murmurFmix32, murmurScramble } from '../sketch/murmur3.js';

const TWO_POW_32 = 4294967296;
const mixBlock = murmurBlock;

/** The 1–3 trailing bytes (already packed little-endian in k), the length, and the final avalanche. */
function finish(h: number, k: number, tailBytes: number, length: number): number {
  if (tailBytes > 0) h ^= murmurScramble(k);
  return murmurFmix32(h ^ length);
}

/** MurmurHash3_x86_32, seed 0, of raw bytes (for example a Kafka message key), unsigned. */
export function idHash32Bytes(bytes: Uint8Array): number {
  const n = bytes.length;
  const blocksEnd = n & ~3;
  let h = 0;
  for (let i = 0; i < blocksEnd; i += 4) {
    h = mixBlock(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  let k = 0;
  const tail = n - blocksEnd;
  if (tail === 3) k ^= bytes[blocksEnd + 2]! << 16;
  if (tail >= 2) k ^= bytes[blocksEnd + 1]! << 8;
  if (tail >= 1) k ^= bytes[blocksEnd]!;
  return finish(h, k, tail, n);
}

// Streaming state for the non-ASCII path (module-level so that no closure or array is allocated;
// JavaScript runs one hash at a time on a thread, and nothing here awaits).
let sH = 0;
let sK = 0;
let sPending = 0;
let sLength = 0;

function pushByte(b: number): void {
  sK |= b << (sPending * 8);
  sLength++;
  if (++sPending === 4) {
    sH = mixBlock(sH, sK);
    sK = 0;
    sPending = 0;
  }
}

/**
 * MurmurHash3_x86_32, seed 0, of the UTF-8 encoding of id, as an unsigned 32-bit integer. Equal to
 * idHash32Bytes(Buffer.from(id, 'utf8')) for every string.
 */
export function idHash32(id: string): number {
  const n = id.length;
  let h = 0;
  let i = 0;
  // Fast path: while the next four code units are ASCII they are the next block's four bytes.
  for (; i + 4 <= n; i += 4) {
    const a = id.charCodeAt(i);
    const b = id.charCodeAt(i + 1);
    const c = id.charCodeAt(i + 2);
    const d = id.charCodeAt(i + 3);
    if ((a | b | c | d) >= 0x80) break;
    h = mixBlock(h, a | (b << 8) | (c << 16) | (d << 24));
  }
  if (i + 4 > n) {
    // 0–3 code units left: done if they are ASCII too.
    let k = 0;
    let allAscii = true;
    for (let j = i, shift = 0; j < n; j++, shift += 8) {
      const c = id.charCodeAt(j);
      if (c >= 0x80) {
        allAscii = false;
        break;
      }
      k |= c << shift;
    }
    if (allAscii) return finish(h, k, n - i, n);
  }
  // General path from code unit i (every byte before it was one ASCII block byte).
  sH = h;
  sK = 0;
  sPending = 0;
  sLength = i;
  for (let j = i; j < n; j++) {
    const c = id.charCodeAt(j);
    if (c < 0x80) {
      pushByte(c);
    } else if (c < 0x800) {
      pushByte(0xc0 | (c >> 6));
      pushByte(0x80 | (c & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = j + 1 < n ? id.charCodeAt(j + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        pushByte(0xf0 | (cp >> 18));
        pushByte(0x80 | ((cp >> 12) & 0x3f));
        pushByte(0x80 | ((cp >> 6) & 0x3f));
        pushByte(0x80 | (cp & 0x3f));
        j++;
      } else {
        // A lone surrogate is not encodable: U+FFFD, as TextEncoder and Buffer.from do.
        pushByte(0xef);
        pushByte(0xbf);
        pushByte(0xbd);
      }
    } else {
      pushByte(0xe0 | (c >> 12));
      pushByte(0x80 | ((c >> 6) & 0x3f));
      pushByte(0x80 | (c & 0x3f));
    }
  }
  return finish(sH, sK, sPending, sLength);
}

/** The ID's position in [0, 1): idHash32(id) / 2^32. Back-off keeps a record when this is below the ratio. */
export function samplingKey(id: string): number {
  return idHash32(id) / TWO_POW_32;
}

/** samplingKey of `id`, or NaN when there is none (back-off then keeps by count, not by ID). */
export function idSamplingKey(id: string | undefined | null): number {
  return id === undefined || id === null || id.length === 0 ? Number.NaN : samplingKey(id);
}

/** samplingKey of raw bytes (a Kafka message key); equals samplingKey of the same text. */
export function samplingKeyBytes(bytes: Uint8Array): number {
  return idHash32Bytes(bytes) / TWO_POW_32;
}
