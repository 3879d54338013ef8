/**
 * KLL sketch micro-benchmark: ns per update (amortized, compactions included) over 10M N(0,1)
 * values, ns per merge of full sketches, and the same for the t-digest adapter (fewer values: it is
 * not on the hot path).
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/kll.bench.js [updates=10000000]
 */
import { KllSketch } from '../src/sketch/kll/kll-sketch.js';
import { TDigestSketch } from '../src/sketch/tdigest/tdigest-sketch.js';
import { normalSamples as normals } from '../test/support/random.js';


/**
 * Nanoseconds per op: wall-clock and CPU time of this process (user + system). The CI machine is
 * shared (2 cores, other jobs running), so CPU time is the steadier figure; the lower of the two
 * is reported.
 */
function nsPer(ops: number, f: () => void): number {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  f();
  const wall = Number(process.hrtime.bigint() - t0) / ops;
  const c = process.cpuUsage(c0);
  const cpu = ((c.user + c.system) * 1000) / ops;
  return Math.min(wall, cpu);
}

function fmt(x: number): string {
  return x.toFixed(1).padStart(9);
}

const N = Number(process.argv[2] ?? 10_000_000);
const data = normals(42, N);

// Warm-up (JIT) on a separate sketch.
{
  const w = new KllSketch();
  for (let i = 0; i < Math.min(N, 2_000_000); i++) w.update(data[i] as number);
}

const runs: number[] = [];
let sketch = new KllSketch();
for (let rep = 0; rep < 5; rep++) {
  sketch = new KllSketch();
  const s = sketch;
  runs.push(
    nsPer(N, () => {
      for (let i = 0; i < N; i++) s.update(data[i] as number);
    }),
  );
}
console.log(`KLL k=2048 c=0.64: ${N} updates of N(0,1)`);
console.log(`  ns/update (5 runs):        ${runs.map(fmt).join(' ')}   best ${fmt(Math.min(...runs))}`);
console.log(
  `  levels ${sketch.levelCount}, retained ${sketch.retained}, bound ${sketch.rankErrorBound().toFixed(5)}, ` +
    `serialized ${sketch.serialize().length} B`,
);

// Many small sketches (windows of 1k values), as a per-window workload.
{
  const W = 1000;
  const t = nsPer(N, () => {
    for (let i = 0; i < N; i += W) {
      const s = new KllSketch();
      const end = Math.min(N, i + W);
      for (let j = i; j < end; j++) s.update(data[j] as number);
    }
  });
  console.log(`  ns/update, fresh sketch per 1k values: ${fmt(t)}`);
}

// Merge: full sketches of 1M values each into an accumulator (as a window roll-up does).
{
  const parts: KllSketch[] = [];
  const P = 20;
  const per = Math.min(1_000_000, Math.floor(N / P));
  for (let p = 0; p < P; p++) {
    const s = new KllSketch();
    for (let i = p * per; i < (p + 1) * per; i++) s.update(data[i] as number);
    parts.push(s);
  }
  const acc = new KllSketch();
  const tMerge = nsPer(P, () => {
    for (const s of parts) acc.merge(s);
  });
  const a = parts[0] as KllSketch;
  const b = parts[1] as KllSketch;
  const M = 200;
  const tToMerged = nsPer(M, () => {
    for (let i = 0; i < M; i++) a.toMerged(b);
  });
  const tView = nsPer(M, () => {
    for (let i = 0; i < M; i++) {
      const c = a.clone();
      c.sortedView();
    }
  });
  const bytes = a.serialize();
  const tSer = nsPer(M, () => {
    for (let i = 0; i < M; i++) a.serialize();
  });
  const tDe = nsPer(M, () => {
    for (let i = 0; i < M; i++) KllSketch.deserialize(bytes);
  });
  console.log(`  merge of a ${per}-value sketch into an accumulator: ${fmt(tMerge / 1000)} µs/merge`);
  console.log(`  toMerged(a, b) (clone + merge):                   ${fmt(tToMerged / 1000)} µs`);
  console.log(`  clone + sortedView:                               ${fmt(tView / 1000)} µs`);
  console.log(`  serialize / deserialize (${bytes.length} B):          ${fmt(tSer / 1000)} / ${fmt(tDe / 1000)} µs`);
}

// t-digest adapter (not on the hot path).
{
  const n = Math.min(N, 1_000_000);
  const t = new TDigestSketch();
  const ns = nsPer(n, () => {
    for (let i = 0; i < n; i++) t.update(data[i] as number);
  });
  const u = new TDigestSketch();
  for (let i = n; i < Math.min(N, 2 * n); i++) u.update(data[i] as number);
  const M = 20;
  const tm = nsPer(M, () => {
    for (let i = 0; i < M; i++) t.toMerged(u);
  });
  console.log(`t-digest (npm tdigest, delta 0.01): ${n} updates`);
  console.log(`  ns/update: ${fmt(ns)}   toMerged: ${fmt(tm / 1000)} µs`);
}
