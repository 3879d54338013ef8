/**
 * Capture-decoder throughput vs JSON.parse alone, on the same lines in the same process.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/decode.bench.js [--lines 500000] [--repeats 3]
 *
 * Lines: 20-feature CSV capture lines (1 output + 19 inputs, ~520 bytes): UUID eventIds,
 * second-precision inferenceTimes advancing 50 records per second, integral and fractional
 * columns. Passes: JSON.parse of every line (touching one field so nothing is optimized away),
 * and the capture decoder (rows into a callback summing a value); then, once and last, the
 * decoder's JSON.parse-based reference path for information. Warm-up first, then `repeats` timed rounds; within a round the
 * passes take turns on 20k-line chunks (rotating order) so load changes on a shared machine hit
 * them alike. Reports lines/s (wall clock) and CPU time per line, and the decoder/parse ratio.
 */
import { encodeCaptureLine, toCsvRecord } from '../src/record/capture-encoder.js';
import { CaptureDecoder } from '../src/record/capture-decoder.js';
import { FeatureRegistry } from '../src/record/feature-registry.js';
import type { FeatureRow } from '../src/record/row.js';
import { rng } from '../test/support/random.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const LINES = arg('lines', 500_000);
const REPEATS = arg('repeats', 3);

function generate(n: number): string[] {
  const r = rng(20240119);
  const hex = (k: number): string => {
    let s = '';
    for (let i = 0; i < k; i++) s += r.int(16).toString(16);
    return s;
  };
  const startMs = Date.UTC(2024, 0, 19, 20, 0, 0);
  const lines: string[] = new Array<string>(n);
  const fields: string[] = [];
  for (let i = 0; i < n; i++) {
    fields.length = 0;
    for (let f = 0; f < 19; f++) {
      if (f % 3 === 0) fields.push(String(Math.round(50 + 15 * r.normal())));
      else if (f % 3 === 1) fields.push((1000 + 250 * r.normal()).toFixed(3));
      else fields.push(Math.exp(r.normal()).toFixed(4));
    }
    lines[i] = encodeCaptureLine({
      inputData: toCsvRecord(fields),
      outputData: (1 / (1 + Math.exp(-r.normal()))).toFixed(6),
      eventId: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      inferenceId: `req-${hex(16)}`,
      inferenceTime: startMs + Math.floor(i / 50) * 1000,
      outputContentType: 'text/csv; charset=utf-8',
    });
  }
  return lines;
}

/** The decoder's passes over lines[a, b). */
interface Pass {
  name: string;
  run: (a: number, b: number) => number;
}

function main(): void {
  const lines = generate(LINES);
  const bytes = lines.reduce((s, l) => s + l.length, 0);
  console.log(`${LINES} lines, mean ${(bytes / LINES).toFixed(0)} bytes, node ${process.version}`);

  const registry = new FeatureRegistry();
  const decoder = new CaptureDecoder({ format: 'sagemaker-capture' }, registry);
  let sum = 0;
  const onRow = (row: FeatureRow): void => {
    sum += row.numbers[1] as number;
  };
  let bad = 0;
  const passes: Pass[] = [
    {
      name: 'JSON.parse only',
      run: (a, b) => {
        let s = 0;
        for (let i = a; i < b; i++) s += (JSON.parse(lines[i] as string) as { eventVersion: string }).eventVersion.length;
        return s;
      },
    },
    {
      name: 'capture decoder',
      run: (a, b) => {
        for (let i = a; i < b; i++) if (decoder.decode(lines[i] as string, onRow) !== undefined) bad++;
        return sum;
      },
    },
  ];

  // warm-up: both passes over a slice, so each is optimized before timing
  const warm = Math.min(50_000, LINES);
  for (let k = 0; k < 3; k++) for (const p of passes) p.run(0, warm);

  // Timed rounds. Each round walks the lines in chunks and times every pass on each chunk,
  // rotating the order per chunk, so that changes in machine load hit all passes alike.
  const CHUNK = 20_000;
  const wall = new Map<string, number[]>(passes.map((p) => [p.name, []]));
  const cpu = new Map<string, number[]>(passes.map((p) => [p.name, []]));
  for (let round = 0; round < REPEATS; round++) {
    const wallMs = new Map<string, number>(passes.map((p) => [p.name, 0]));
    const cpuMs = new Map<string, number>(passes.map((p) => [p.name, 0]));
    let c = 0;
    for (let a = 0; a < LINES; a += CHUNK, c++) {
      const b = Math.min(LINES, a + CHUNK);
      for (let k = 0; k < passes.length; k++) {
        const p = passes[(c + k) % passes.length] as Pass;
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        p.run(a, b);
        const t1 = process.hrtime.bigint();
        const cu = process.cpuUsage(c0);
        wallMs.set(p.name, (wallMs.get(p.name) as number) + Number(t1 - t0) / 1e6);
        cpuMs.set(p.name, (cpuMs.get(p.name) as number) + (cu.user + cu.system) / 1e3);
      }
    }
    for (const p of passes) {
      const w = wallMs.get(p.name) as number;
      const cp = cpuMs.get(p.name) as number;
      wall.get(p.name)?.push(LINES / (w / 1000));
      cpu.get(p.name)?.push(LINES / (cp / 1000));
      console.log(
        `round ${round + 1}  ${p.name.padEnd(40)} ${(LINES / (w / 1000) / 1e6).toFixed(3)} M lines/s  ${((w * 1000) / LINES).toFixed(3)} µs/line (cpu ${((cp * 1000) / LINES).toFixed(3)} µs/line)`,
      );
    }
  }
  // The reference path last, on its own: run in between, it would make the shared payload code
  // see two kinds of strings and slow the fast path (in production it runs for malformed lines only).
  const refLines = Math.min(LINES, 200_000);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < refLines; i++) if (decoder.decodeReference(lines[i] as string, onRow) !== undefined) bad++;
  const refWallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const refCpu = process.cpuUsage(c0);
  if (bad !== 0) throw new Error(`${bad} lines rejected`);
  const median = (m: Map<string, number[]>, name: string): number => {
    const v = [...(m.get(name) ?? [0])].sort((x, y) => x - y);
    return v[Math.floor(v.length / 2)] as number;
  };
  console.log('');
  for (const p of passes) {
    const w = median(wall, p.name);
    console.log(`${p.name.padEnd(40)} median ${(w / 1e6).toFixed(3)} M lines/s (${(1e6 / w).toFixed(3)} µs/line wall, ${(1e6 / median(cpu, p.name)).toFixed(3)} µs/line cpu)`);
  }
  console.log(
    `${'reference path (JSON.parse + payload)'.padEnd(40)} ${(refLines / (refWallMs / 1000) / 1e6).toFixed(3)} M lines/s (${((refWallMs * 1000) / refLines).toFixed(3)} µs/line wall, ${((refCpu.user + refCpu.system) / refLines).toFixed(3)} µs/line cpu; one pass of ${refLines}, after the others)`,
  );
  const ratio = median(wall, 'capture decoder') / median(wall, 'JSON.parse only');
  const cpuRatio = median(cpu, 'capture decoder') / median(cpu, 'JSON.parse only');
  console.log(`decoder / JSON.parse throughput: ${ratio.toFixed(2)}× wall-clock, ${cpuRatio.toFixed(2)}× cpu-time (decode takes ${(100 / ratio).toFixed(0)}% of a JSON.parse)`);
  console.log(`decoder stats: fast ${decoder.stats.fast} (template ${decoder.stats.template}), fallback ${decoder.stats.fallback}; registry ${registry.size} features; check ${sum.toFixed(1)}`);
}

main();
