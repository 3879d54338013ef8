/**
 * The data of `npm run bench:peers` (issue 11's Why): N baseline rows and N current rows of 20
 * features, seeded. Five features shift between the two — a mean +0.2 sd, a variance ×1.5, a new
 * category at 5 %, missing values 1 % → 10 %, one category's share −0.1 — and fifteen do not (normal,
 * lognormal, uniform, Poisson counts, binary, categorical). Written once per (rows, seed) under
 * .cache/peers-data/<rows>-<seed>/ as baseline.csv and current.csv (with a header: for
 * `driftmon baseline data` and the Python tools) and capture/current.jsonl (SageMaker capture lines,
 * headerless CSV payload, event times spread over one UTC day: one window of `--window 1d`).
 * The Python tools read Parquet made from the CSVs by bench/peers/to_parquet.py.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng, type Rng } from '../../test/support/random.js';

export const FeatureKind = { NUMERIC: 'numeric', CATEGORICAL: 'categorical' } as const;
export type FeatureKind = (typeof FeatureKind)[keyof typeof FeatureKind];

export interface PeerFeature {
  name: string;
  kind: FeatureKind;
  /** What changes between baseline and current; undefined: nothing. */
  shift?: 'mean' | 'variance' | 'new-category' | 'missing' | 'share';
  /** One value (undefined = missing) of the baseline (current = false) or current set. */
  draw(r: Rng, current: boolean): string | undefined;
}

/** Start of the current set's event times (the window is that UTC day). */
export const CURRENT_DAY_MS = Date.UTC(2026, 0, 1);
/** Event times spread over 23 h of the day, so `--window 1d` holds them all. */
const SPREAD_MS = 23 * 3_600_000;

/** Categorical draw: the first level whose cumulative share passes a uniform number. */
function pick(r: Rng, levels: readonly string[], shares: readonly number[]): string {
  const u = r.next();
  let acc = 0;
  for (let i = 0; i < levels.length; i++) {
    acc += shares[i] as number;
    if (u < acc) return levels[i] as string;
  }
  return levels[levels.length - 1] as string;
}

/** Poisson count by inversion (rates up to ~50). */
function poisson(r: Rng, rate: number): number {
  const u = r.next();
  let k = 0;
  let p = Math.exp(-rate);
  let cdf = p;
  while (u > cdf && k < 1000) {
    k++;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

/** Zipf shares (exponent 1) over n levels. */
function zipf(n: number): number[] {
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

const num = (x: number): string => String(Math.round(x * 1e6) / 1e6);
const levels = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

const NEW_CAT_LEVELS = ['a', 'b', 'c', 'd'];
const NEW_CAT_SHARES = [0.4, 0.3, 0.2, 0.1];
/** Current: 5 % of a new level 'e', the others scaled by 0.95. */
const NEW_CAT_CURRENT = [...NEW_CAT_SHARES.map((s) => s * 0.95), 0.05];
const SHARE_LEVELS = ['x', 'y', 'z'];
const SHARE_BASE = [0.5, 0.3, 0.2];
/** Current: x loses 0.1, y and z share it in proportion (0.36, 0.24). */
const SHARE_CURRENT = [0.4, 0.36, 0.24];
const ZIPF5 = zipf(5);
const ZIPF20 = zipf(20);
const L5 = levels('k', 5);
const L20 = levels('t', 20);

export const PEER_FEATURES: readonly PeerFeature[] = [
  { name: 'mean_shift', kind: 'numeric', shift: 'mean', draw: (r, c) => num(r.normal() + (c ? 0.2 : 0)) },
  { name: 'variance_shift', kind: 'numeric', shift: 'variance', draw: (r, c) => num(r.normal() * (c ? Math.sqrt(1.5) : 1)) },
  {
    name: 'new_category',
    kind: 'categorical',
    shift: 'new-category',
    draw: (r, c) => (c ? pick(r, [...NEW_CAT_LEVELS, 'e'], NEW_CAT_CURRENT) : pick(r, NEW_CAT_LEVELS, NEW_CAT_SHARES)),
  },
  {
    name: 'missing_rise',
    kind: 'numeric',
    shift: 'missing',
    draw: (r, c) => {
      const v = num(50 + 10 * r.normal());
      return r.next() < (c ? 0.1 : 0.01) ? undefined : v;
    },
  },
  { name: 'share_drop', kind: 'categorical', shift: 'share', draw: (r, c) => pick(r, SHARE_LEVELS, c ? SHARE_CURRENT : SHARE_BASE) },
  { name: 'normal_a', kind: 'numeric', draw: (r) => num(r.normal()) },
  { name: 'normal_b', kind: 'numeric', draw: (r) => num(100 + 15 * r.normal()) },
  { name: 'normal_c', kind: 'numeric', draw: (r) => num(-5 + 0.5 * r.normal()) },
  { name: 'lognormal_a', kind: 'numeric', draw: (r) => num(Math.exp(r.normal())) },
  { name: 'lognormal_b', kind: 'numeric', draw: (r) => num(Math.exp(3 + 0.5 * r.normal())) },
  { name: 'uniform_a', kind: 'numeric', draw: (r) => num(r.next()) },
  { name: 'uniform_b', kind: 'numeric', draw: (r) => num(-100 + 200 * r.next()) },
  { name: 'poisson_a', kind: 'numeric', draw: (r) => String(poisson(r, 3)) },
  { name: 'poisson_b', kind: 'numeric', draw: (r) => String(poisson(r, 20)) },
  { name: 'binary_a', kind: 'numeric', draw: (r) => (r.next() < 0.3 ? '1' : '0') },
  { name: 'binary_b', kind: 'numeric', draw: (r) => (r.next() < 0.05 ? '1' : '0') },
  { name: 'cat_zipf5', kind: 'categorical', draw: (r) => pick(r, L5, ZIPF5) },
  { name: 'cat_even3', kind: 'categorical', draw: (r) => pick(r, ['red', 'green', 'blue'], [1 / 3, 1 / 3, 1 / 3]) },
  { name: 'cat_zipf20', kind: 'categorical', draw: (r) => pick(r, L20, ZIPF20) },
  { name: 'cat_yesno', kind: 'categorical', draw: (r) => pick(r, ['yes', 'no'], [0.7, 0.3]) },
];

/** The capture's output column and input columns (see captureLine). */
export const PEER_OUTPUT = PEER_FEATURES[0]?.name as string;
export const PEER_INPUTS = PEER_FEATURES.slice(1).map((f) => f.name);

/** The seeds of the two sets: independent streams of one seed. */
const streamSeed = (seed: number, current: boolean): number => (seed * 2 + (current ? 1 : 0)) * 0x9e3779b1;

/** Rows of one set, each the features' values in PEER_FEATURES order (undefined = missing). */
export function* peerRows(n: number, seed: number, current: boolean): Generator<(string | undefined)[]> {
  const r = rng(streamSeed(seed, current));
  for (let i = 0; i < n; i++) yield PEER_FEATURES.map((f) => f.draw(r, current));
}

const csvLine = (row: (string | undefined)[]): string => row.map((v) => v ?? '').join(',');

/**
 * One SageMaker capture line for current row `i` of `n` (headerless CSV payloads). A capture record
 * needs an endpoint output: the first feature plays it (replay with `--outputs` PEER_OUTPUT and
 * `--inputs` PEER_INPUTS), so the window holds the same 20 features as the baseline.
 */
function captureLine(row: (string | undefined)[], i: number, n: number): string {
  const time = new Date(CURRENT_DAY_MS + Math.floor((i * SPREAD_MS) / n)).toISOString();
  const csv = (data: (string | undefined)[]) => ({ observedContentType: 'text/csv', data: csvLine(data), encoding: 'CSV' });
  return JSON.stringify({
    captureData: { endpointInput: { ...csv(row.slice(1)), mode: 'INPUT' }, endpointOutput: { ...csv(row.slice(0, 1)), mode: 'OUTPUT' } },
    eventMetadata: { eventId: `e${i}`, inferenceTime: time },
    eventVersion: '0',
  });
}

export interface PeerDataFiles {
  dir: string;
  baselineCsv: string;
  currentCsv: string;
  capture: string;
}

/** Writes `lines` to `path` through a stream (respecting back-pressure), via a .part file. */
async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(`${path}.part`);
  let buf = '';
  for (const line of lines) {
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  renameSync(`${path}.part`, path);
}

/** A CSV file's lines: the header, then the rows. */
function* csvLines(rows: Iterable<(string | undefined)[]>): Generator<string> {
  yield PEER_FEATURES.map((f) => f.name).join(',');
  for (const row of rows) yield csvLine(row);
}

function* captureLines(rows: Iterable<(string | undefined)[]>, n: number): Generator<string> {
  let i = 0;
  for (const row of rows) yield captureLine(row, i++, n);
}

/** The data set for (rows, seed) under `cacheDir`, written when not there yet. */
export async function ensurePeerData(cacheDir: string, n: number, seed: number): Promise<PeerDataFiles> {
  const dir = join(cacheDir, `${n}-${seed}`);
  const files = { dir, baselineCsv: join(dir, 'baseline.csv'), currentCsv: join(dir, 'current.csv'), capture: join(dir, 'capture', 'current.jsonl') };
  const done = join(dir, '.complete');
  if (existsSync(done)) return files;
  mkdirSync(join(dir, 'capture'), { recursive: true });
  await writeLines(files.baselineCsv, csvLines(peerRows(n, seed, false)));
  await writeLines(files.currentCsv, csvLines(peerRows(n, seed, true)));
  await writeLines(files.capture, captureLines(peerRows(n, seed, true), n));
  writeFileSync(done, JSON.stringify({ rows: n, seed, features: PEER_FEATURES.map(({ name, kind, shift }) => ({ name, kind, shift: shift ?? null })) }) + '\n');
  return files;
}
