import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { parseStatistics } from '../sagemaker/statistics-file.js';
import { KllSketch } from '../sketch/kll/kll-sketch.js';
import { buildDataBaseline, writeDataBaseline } from './build.js';
import { loadStatisticsFile } from './load-files.js';
import { sketchBoundsPath } from './sketch-bounds-file.js';
import { rng } from '../../test/support/random.js';

const out = mkdtempSync(join(tmpdir(), 'driftmon-sketch-bounds-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** 120k rows: a normal numeric column x and a categorical c of 3000 Zipf-like values (past the 1000 cap). */
function dataset(seed: number): string {
  const r = rng(seed);
  const lines = ['x,c'];
  for (let i = 0; i < 120_000; i++) {
    const c = Math.floor(3000 * r.next() ** 3);
    lines.push(`${r.normal()},v${c}`);
  }
  const p = join(out, `data-${seed}.csv`);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

function kllOf(stats: { features: Array<{ name: string; numerical?: { sketch: unknown } }> }, name: string): KllSketch {
  const s = stats.features.find((f) => f.name === name)?.numerical?.sketch;
  if (!(s instanceof KllSketch)) throw new Error(`${name}: no KLL sketch`);
  return s;
}

async function built(dir: string, seed = 7) {
  const baseline = await buildDataBaseline({ input: dataset(seed), progress: false });
  const files = await writeDataBaseline(join(out, dir), baseline);
  return { baseline, files };
}

async function problemOf(p: Promise<unknown>): Promise<DriftmonError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  if (!(e instanceof DriftmonError)) throw new Error(`expected a DriftmonError, got ${String(e)}`);
  return e;
}

describe('statistics.sketch-bounds.json', () => {
  it('carries the tracked bounds back: the loaded KLL bound equals the built one and is well below the level-size bound', async () => {
    const { baseline, files } = await built('ok');
    expect(files.sketchBounds).toBe(sketchBoundsPath(files.statistics));
    const tracked = kllOf(baseline.statistics, 'x').rankErrorBound();
    const loaded = kllOf(await loadStatisticsFile(files.statistics), 'x').rankErrorBound();
    const derived = kllOf(parseStatistics(JSON.parse(readFileSync(files.statistics, 'utf8'))), 'x').rankErrorBound();
    expect(tracked).toBeGreaterThan(0);
    expect(loaded).toBe(tracked);
    expect(derived).toBeGreaterThan(1.5 * tracked);
  });

  it('carries a truncated category list\'s count error back (a file alone has none)', async () => {
    const { baseline, files } = await built('cat');
    const builtC = baseline.statistics.features.find((f) => f.name === 'c')?.string;
    expect(builtC?.categoriesComplete).toBe(false);
    expect(builtC?.categoryCountError).toBeGreaterThan(0);
    const loaded = (await loadStatisticsFile(files.statistics)).features.find((f) => f.name === 'c')?.string;
    expect(loaded?.categoryCountError).toBe(builtC?.categoryCountError);
    const alone = parseStatistics(JSON.parse(readFileSync(files.statistics, 'utf8'))).features.find((f) => f.name === 'c')?.string;
    expect(alone?.categoryCountError).toBeUndefined();
  });

  it('without a companion the bounds come from statistics.json alone', async () => {
    const { files } = await built('none');
    rmSync(sketchBoundsPath(files.statistics));
    const loaded = kllOf(await loadStatisticsFile(files.statistics), 'x');
    const derived = kllOf(parseStatistics(JSON.parse(readFileSync(files.statistics, 'utf8'))), 'x');
    expect(loaded.rankErrorBound()).toBe(derived.rankErrorBound());
  });

  it('a companion of another statistics.json is reported, naming every mismatched feature', async () => {
    const a = await built('a', 7);
    const b = await built('b', 8);
    writeFileSync(sketchBoundsPath(a.files.statistics), readFileSync(sketchBoundsPath(b.files.statistics)));
    const e = await problemOf(loadStatisticsFile(a.files.statistics));
    expect(e.code).toBe(ErrorCode.BASELINE_INVALID);
    expect(e.message).toContain('2 problem(s)');
    expect(e.message).toContain('feature "x"');
    expect(e.message).toContain('feature "c"');
    expect(e.message).toContain('driftmon baseline data');
  });

  it('a malformed companion lists every problem; entries for features the statistics lack are ignored', async () => {
    const { files } = await built('bad');
    const path = sketchBoundsPath(files.statistics);
    const good = JSON.parse(readFileSync(path, 'utf8')) as { features: Array<Record<string, unknown>> };
    writeFileSync(
      path,
      JSON.stringify({
        driftmon_sketch_bounds: 99,
        features: [
          { name: 'gone', kll: { error_weight: 1, fingerprint: 'sha256:0' } },
          { name: 'x', kll: { error_weight: -1, fingerprint: 'sha256:0' } },
          { kll: {} },
          { name: '__proto__', categories: { count_error: 'lots' } },
          ...good.features,
        ],
      }),
    );
    const e = await problemOf(loadStatisticsFile(files.statistics));
    expect(e.code).toBe(ErrorCode.BASELINE_INVALID);
    expect(e.message).toContain('4 problem(s)');
    expect(e.message).toMatch(/driftmon_sketch_bounds: expected 1, got 99/);
    expect(e.message).toMatch(/features\[1\]\.kll: expected/);
    expect(e.message).toMatch(/features\[2\]: expected an object with a string "name"/);
    expect(e.message).toMatch(/features\[3\]\.categories: expected/);
    expect(Object.prototype).not.toHaveProperty('count_error');
  });

  it('a larger bound in the companion never loosens the derived one', async () => {
    const { files } = await built('loose');
    const path = sketchBoundsPath(files.statistics);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { features: Array<{ name: string; kll?: { error_weight: number } }> };
    for (const f of doc.features) if (f.kll) f.kll.error_weight = 1e12;
    writeFileSync(path, JSON.stringify(doc));
    const loaded = kllOf(await loadStatisticsFile(files.statistics), 'x');
    const derived = kllOf(parseStatistics(JSON.parse(readFileSync(files.statistics, 'utf8'))), 'x');
    expect(loaded.rankErrorBound()).toBe(derived.rankErrorBound());
  });

  it('an exact baseline has no companion, and rewriting one removes a stale companion', async () => {
    const small = join(out, 'small.csv');
    writeFileSync(small, 'x,c\n1,a\n2,b\n3,a\n');
    const dir = join(out, 'ok');
    const before = await built('ok');
    expect(existsSync(sketchBoundsPath(before.files.statistics))).toBe(true);
    const files = await writeDataBaseline(dir, await buildDataBaseline({ input: small, progress: false }));
    expect(files.sketchBounds).toBeUndefined();
    expect(existsSync(sketchBoundsPath(files.statistics))).toBe(false);
    expect((await loadStatisticsFile(files.statistics)).itemCount).toBe(3);
  });
});
