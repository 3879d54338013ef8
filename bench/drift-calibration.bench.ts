/**
 * The large part of the drift verdict's calibration (the fast part is
 * src/evaluate/drift-verdict.calibration.test.ts): at the default settings, over the distributions
 * and shifts of test/support/drift-scenarios.ts, with fixed seeds,
 *  - the false-alarm rate: share of no-drift windows (all nine distributions in each) where any
 *    feature is raised, by window size from 500 to 1,000,000 rows;
 *  - detection: share of seeds in which each practical shift is raised in exactly its feature, in
 *    windows of 10,000 to 1,000,000 rows;
 *  - the trivial shift (0.02 sd) at 1,000,000 rows: how often it is raised.
 * Baselines are read back as from a `driftmon baseline data` folder (statistics.json and its
 * companion with the tracked bounds). Detection is measured once more with baselines from
 * statistics.json alone, as SageMaker writes them (the looser bound derived from level sizes): a
 * looser bound can only lower evidence, so that form's false-alarm rate is at most the first's.
 * Prints the tables and writes bench/results/calibration-<date>.json and calibration-latest.json.
 *
 *   npm run build && npm run bench:calibration [-- --scale 0.2]   (scale multiplies every window count)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { driftVerdicts, DEFAULT_VERDICT } from '../src/evaluate/drift-verdict.js';
import { DISTRIBUTIONS, PRACTICAL_SHIFTS, drawFeature, type SketchForm } from '../test/support/drift-scenarios.js';
import { rng } from '../test/support/random.js';

const scaleArg = process.argv.indexOf('--scale');
const SCALE = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
const count = (n: number): number => Math.max(1, Math.round(n * SCALE));
const baselineRows = (rows: number): number => Math.max(20_000, rows);
/** The baselines' form for the false-alarm, detection and trivial-shift figures (see the file comment). */
const BASELINE: SketchForm = 'file+companion';

/** Window size → no-drift windows to draw. */
const FALSE_ALARM_PLAN: [number, number][] = [
  [500, count(1_000)],
  [1_000, count(1_000)],
  [10_000, count(200)],
  [100_000, count(40)],
  [1_000_000, count(8)],
];
/** Window size → seeds per practical shift. */
const POWER_PLAN: [number, number][] = [
  [10_000, count(20)],
  [100_000, count(5)],
  [1_000_000, count(2)],
];

const started = Date.now();
const falseAlarms = FALSE_ALARM_PLAN.map(([rows, windows]) => {
  let raised = 0;
  const byFeature = new Map<string, number>();
  for (let w = 0; w < windows; w++) {
    const r = rng(9_000_000 + rows + w);
    const features = DISTRIBUTIONS.map((d) => ({ name: d, baseline: drawFeature(d, baselineRows(rows), r, undefined, 0.01, BASELINE), current: drawFeature(d, rows, r, undefined, 0.01) }));
    const hits = driftVerdicts(features).filter((v) => v.detected);
    if (hits.length > 0) raised++;
    for (const h of hits) byFeature.set(h.feature, (byFeature.get(h.feature) ?? 0) + 1);
  }
  const row = { rows, windows, raised, rate: raised / windows, by_feature: Object.fromEntries(byFeature) };
  process.stdout.write(`false alarms  ${String(rows).padStart(9)} rows: ${raised}/${windows} windows (${(row.rate * 100).toFixed(2)} %)\n`);
  return row;
});

const detectionWith = (form: SketchForm) => PRACTICAL_SHIFTS.map((s) => {
  const bySize = POWER_PLAN.map(([rows, seeds]) => {
    let exact = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const r = rng(5_000_000 + rows + seed * 101);
      const [bm, cm] = s.missing ?? [0.01, 0.01];
      const features = [
        { name: 'shifted', baseline: drawFeature(s.dist, baselineRows(rows), r, undefined, bm, form), current: drawFeature(s.dist, rows, r, s.shift, cm) },
        ...DISTRIBUTIONS.map((d) => ({ name: `same_${d}`, baseline: drawFeature(d, baselineRows(rows), r, undefined, 0.01, form), current: drawFeature(d, rows, r, undefined, 0.01) })),
      ];
      const raised = driftVerdicts(features).filter((v) => v.detected).map((v) => v.feature);
      if (raised.length === 1 && raised[0] === 'shifted') exact++;
    }
    return { rows, seeds, found_exactly: exact, rate: exact / seeds };
  });
  process.stdout.write(`detection (${form.padEnd(14)}) ${s.name.padEnd(58)} ${bySize.map((b) => `${b.rows}: ${b.found_exactly}/${b.seeds}`).join('  ')}\n`);
  return { shift: s.name, by_size: bySize };
});
const detection = detectionWith(BASELINE);
const detectionFileOnly = detectionWith('file');

const trivialSeeds = count(5);
let trivialRaised = 0;
for (let seed = 0; seed < trivialSeeds; seed++) {
  const r = rng(7_000_000 + seed);
  const [v] = driftVerdicts([{ name: 'x', baseline: drawFeature('normal', 1_000_000, r, undefined, 0, BASELINE), current: drawFeature('normal', 1_000_000, r, { kind: 'mean', sd: 0.02 }) }]);
  if (v?.detected) trivialRaised++;
}
process.stdout.write(`trivial shift 0.02 sd at 1,000,000 rows: raised ${trivialRaised}/${trivialSeeds}\n`);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  defaults: DEFAULT_VERDICT,
  baseline_form: BASELINE,
  scale: SCALE,
  seconds: (Date.now() - started) / 1000,
  false_alarms: falseAlarms,
  detection,
  detection_statistics_json_alone: detectionFileOnly,
  trivial_shift_1m: { seeds: trivialSeeds, raised: trivialRaised },
};
const dir = join(import.meta.dirname, '..', '..', 'bench', 'results');
mkdirSync(dir, { recursive: true });
const text = `${JSON.stringify(result, null, 2)}\n`;
writeFileSync(join(dir, `calibration-${result.date.slice(0, 10)}.json`), text);
writeFileSync(join(dir, 'calibration-latest.json'), text);
process.stdout.write(`written: bench/results/calibration-latest.json (${result.seconds.toFixed(0)} s)\n`);
