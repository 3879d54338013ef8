/**
 * npm run bench:join — memory and speed of the disk join store (src/join/disk-join-store.ts).
 *
 * Phase 1 (memory) fills N pending predictions (default 10M; 36-char UUID-like ids, 40-byte
 * payloads, inference times over 2 days in arrival order with ±5 min jitter) and reads RSS (plus
 * RssAnon / RssFile from /proc/self/status and the V8 heap) after a forced GC every 1M and at the
 * end. The target is RSS ≤ 300 MB for 10M. Runs first, so nothing else inflates RSS.
 * Phase 2 (speed) times 1M label puts (90 % hit a pending prediction → join, 10 % miss → pending
 * label). Speeds are reported as ratios to baselines timed in the same process on the same ids,
 * since this machine is noisy: the id hash alone, and a plain Map<string, Uint8Array> put/get at
 * 1M entries.
 *
 *   npm run bench:join [-- --records N --lookups N --dir PATH]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiskJoinStore } from '../src/join/disk-join-store.js';
import { idHash64 } from '../src/join/id-hash64.js';
import { murmurFmix32 } from '../src/sketch/murmur3.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const strArg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = arg('records', 10_000_000);
const LOOKUPS = arg('lookups', 1_000_000);
const BASELINE_N = 1_000_000;
const T0 = Date.UTC(2026, 0, 1);
const SPAN_MS = 2 * 24 * 3_600_000;

const gc = (globalThis as { gc?: () => void }).gc;
const hex = (x: number, digits: number): string => x.toString(16).padStart(8, '0').slice(8 - digits);
/** A deterministic UUID-like id (36 chars) for i; ids ≥ 2^31 are "new" (misses). */
function uuid(i: number): string {
  const a = murmurFmix32(i ^ 0x1234567);
  const b = murmurFmix32(a ^ i);
  const c = murmurFmix32(b + 0x9e3779b9);
  const d = murmurFmix32(c ^ 0x85ebca6b);
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(b >>> 16, 3)}-a${hex(c, 3)}-${hex(c >>> 12, 4)}${hex(d, 8)}`;
}
const payload = new Uint8Array(40);
function fillPayload(i: number): Uint8Array {
  for (let k = 0; k < 40; k += 4) {
    const v = murmurFmix32(i + k);
    payload[k] = v;
    payload[k + 1] = v >>> 8;
    payload[k + 2] = v >>> 16;
    payload[k + 3] = v >>> 24;
  }
  return payload;
}
const timeOf = (i: number): number => T0 + Math.floor((i / N) * SPAN_MS) + ((murmurFmix32(i) % 600_000) - 300_000);

interface Memory {
  records: number;
  rss_mb: number;
  rss_anon_mb: number;
  rss_file_mb: number;
  heap_used_mb: number;
  array_buffers_mb: number;
}
function memory(records: number): Memory {
  gc?.();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const mu = process.memoryUsage();
  const mb = (b: number): number => Number((b / 2 ** 20).toFixed(1));
  return {
    records,
    rss_mb: mb(mu.rss),
    rss_anon_mb: mb(kb('RssAnon') * 1024),
    rss_file_mb: mb(kb('RssFile') * 1024),
    heap_used_mb: mb(mu.heapUsed),
    array_buffers_mb: mb(mu.arrayBuffers),
  };
}

/** Random distinct indices for the lookups: 90 % in [0, N), 10 % new. */
function lookupIndex(k: number): number {
  const r = murmurFmix32(k ^ 0x5bd1e995);
  return r % 10 === 0 ? 2 ** 31 + k : murmurFmix32(k + 0x27d4eb2d) % N;
}

async function main(): Promise<void> {
  const dir = strArg('dir') ?? mkdtempSync(join(tmpdir(), 'driftmon-join-bench-'));
  const baseline = memory(0);

  // Phase 1 — memory.
  const store = await DiskJoinStore.open(dir, undefined);
  const rss: Memory[] = [];
  const fillStart = performance.now();
  for (let i = 0; i < N; i++) {
    store.putPrediction({ id: uuid(i), timeMs: timeOf(i), payload: fillPayload(i) });
    if ((i + 1) % 1_000_000 === 0) rss.push(memory(i + 1));
  }
  const fillMs = performance.now() - fillStart;
  const afterFill = memory(N);
  const sealedIndexBytes = store.sealedMemoryBytes;
  const ckStart = performance.now();
  const manifest = await store.checkpoint();
  const checkpointMs = performance.now() - ckStart;

  // Phase 2 — speed: labels against the filled store, then baselines on the same kind of ids
  // (after every memory reading: the Map baseline leaves the V8 heap grown).
  let joined = 0;
  let pending = 0;
  let t = performance.now();
  for (let k = 0; k < LOOKUPS; k++) {
    const i = lookupIndex(k);
    const o = store.putLabel({ id: uuid(i), timeMs: timeOf(i % N) + 3_600_000, payload: fillPayload(k).subarray(0, 8) });
    if (o.kind === 'joined') joined++;
    else if (o.kind === 'pending') pending++;
  }
  const labelPerS = LOOKUPS / ((performance.now() - t) / 1000);
  const afterLookups = memory(N);
  const idScratch = Buffer.allocUnsafe(64);
  const h = new Uint32Array(2);
  t = performance.now();
  let sink = 0;
  for (let k = 0; k < LOOKUPS; k++) {
    const id = uuid(lookupIndex(k));
    idHash64(idScratch, 0, idScratch.write(id, 0, 'utf8'), h);
    sink ^= h[0]!;
  }
  const idAndHashPerS = LOOKUPS / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let k = 0; k < LOOKUPS; k++) sink ^= uuid(lookupIndex(k)).length;
  const idOnlyPerS = LOOKUPS / ((performance.now() - t) / 1000);
  const map = new Map<string, Uint8Array>();
  t = performance.now();
  for (let i = 0; i < BASELINE_N; i++) map.set(uuid(i), fillPayload(i).slice());
  const mapPutPerS = BASELINE_N / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let k = 0; k < LOOKUPS; k++) {
    const id = uuid(lookupIndex(k) % BASELINE_N);
    if (map.get(id) !== undefined) map.delete(id);
  }
  const mapJoinPerS = LOOKUPS / ((performance.now() - t) / 1000);
  map.clear();

  t = performance.now();
  const expired = store.expire(T0 + SPAN_MS / 2);
  const expireMs = performance.now() - t;
  const diskBytes = store.diskBytes;
  store.close();
  if (strArg('dir') === undefined) rmSync(dir, { recursive: true, force: true });

  const putPerS = N / (fillMs / 1000);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    records: N,
    lookups: LOOKUPS,
    memory_before_mb: baseline,
    memory_during_fill: rss,
    memory_after_fill: afterFill,
    memory_after_lookups: afterLookups,
    rss_target_mb: 300,
    rss_after_fill_within_target: afterFill.rss_mb <= 300,
    sealed_index_memory_mb_after_fill: Number((sealedIndexBytes / 2 ** 20).toFixed(1)),
    segments: manifest.segments.length,
    disk_mb: Number((diskBytes / 2 ** 20).toFixed(0)),
    manifest_json_bytes: JSON.stringify(manifest).length,
    checkpoint_ms: Math.round(checkpointMs),
    put_prediction_per_s: Math.round(putPerS),
    label_put_per_s: Math.round(labelPerS),
    label_joined: joined,
    label_pending: pending,
    expire_half_ms: Math.round(expireMs),
    expired_half: expired,
    baseline_id_generation_per_s: Math.round(idOnlyPerS),
    baseline_id_and_hash_per_s: Math.round(idAndHashPerS),
    baseline_map_put_1m_per_s: Math.round(mapPutPerS),
    baseline_map_get_delete_1m_per_s: Math.round(mapJoinPerS),
    ratio_put_to_map_put: Number((putPerS / mapPutPerS).toFixed(3)),
    ratio_label_to_map_get_delete: Number((labelPerS / mapJoinPerS).toFixed(3)),
    ratio_put_to_id_and_hash: Number((putPerS / idAndHashPerS).toFixed(3)),
    checksum: sink & 0xff,
  };
  const here = dirname(fileURLToPath(import.meta.url));
  const out = join(here, '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(out, 'join-store-latest.json'), text);
  writeFileSync(join(out, `join-store-${result.date.slice(0, 10)}.json`), text);
  const fmt = (n: number): string => n.toLocaleString('en-US');
  process.stdout.write(
    [
      `fill ${fmt(N)} pending predictions: ${fmt(result.put_prediction_per_s)} puts/s (${result.ratio_put_to_map_put} × a Map put at 1M; ${result.ratio_put_to_id_and_hash} × id+hash alone)`,
      `RSS after fill + GC: ${afterFill.rss_mb} MB (anon ${afterFill.rss_anon_mb}, file ${afterFill.rss_file_mb}, heap ${afterFill.heap_used_mb}, array buffers ${afterFill.array_buffers_mb}); target ≤ 300 MB; before ${baseline.rss_mb} MB`,
      `RSS during fill: ${rss.map((r) => `${r.records / 1e6}M → ${r.rss_mb}`).join(', ')}`,
      `${fmt(LOOKUPS)} labels (90 % hits): ${fmt(result.label_put_per_s)} /s (${result.ratio_label_to_map_get_delete} × Map get+delete at 1M); joined ${fmt(joined)}, pending ${fmt(pending)}`,
      `RSS after lookups: ${afterLookups.rss_mb} MB (anon ${afterLookups.rss_anon_mb}, file ${afterLookups.rss_file_mb})`,
      `checkpoint ${result.checkpoint_ms} ms, manifest ${result.manifest_json_bytes} B, ${result.segments} segments, disk ${result.disk_mb} MB; expire half: ${result.expire_half_ms} ms ${JSON.stringify(expired)}`,
      'written to bench/results/join-store-latest.json',
      '',
    ].join('\n'),
  );
}

await main();
