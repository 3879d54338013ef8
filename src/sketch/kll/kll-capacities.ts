/**
 * Deequ's level capacities for a KLL sketch with parameters (k, c), cached per (k, c), and the
 * parameters' valid ranges (checked by the constructor and by both readers, each with its own error).
 */

/** Levels beyond this would weigh ≥ 2^60 each: no real stream gets there. */
export const MAX_LEVELS = 60;

/** Deequ's capacity of level h: 2·(ceil(k·c^h / 2) + 1), the bottom level the largest. */
function capacityOf(k: number, c: number, h: number): number {
  return 2 * (Math.ceil((k * Math.pow(c, h)) / 2) + 1);
}

/** Level capacities per (k, c), shared read-only by every sketch with those parameters. */
const capacityCache = new Map<string, Int32Array>();
export function capacitiesFor(k: number, c: number): Int32Array {
  const key = `${k}/${c}`;
  let caps = capacityCache.get(key);
  if (caps === undefined) {
    caps = new Int32Array(MAX_LEVELS);
    for (let h = 0; h < MAX_LEVELS; h++) caps[h] = capacityOf(k, c, h);
    capacityCache.set(key, caps);
  }
  return caps;
}

/** Throws onError(reason) unless k is an integer in [4, 2^20] and c is in (0, 1]. */
export function checkParams(k: number, c: number, onError: (msg: string) => Error): void {
  if (!Number.isInteger(k) || k < 4 || k > 1 << 20) throw onError(`k must be an integer in [4, 1048576], got ${k}`);
  if (!(c > 0 && c <= 1)) throw onError(`c must be in (0, 1], got ${c}`);
}
