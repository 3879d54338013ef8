/**
 * Generates the embedded default's example data (committed under examples/credit-model/):
 *  - baseline.csv: 5,000 training rows with a header (risk_score first: SageMaker puts outputs first)
 *  - capture/…/*.jsonl: two hours of SageMaker data-capture lines, 60 invocations a minute, CSV
 *    payloads without header. At the halfway point `income` (×1.8) and `region` (mix shifts to the
 *    rare regions) drift; nothing else changes.
 *  - capture/…/malformed.jsonl: a few broken lines, to show dead-lettering.
 *  - ground-truth/yyyy/mm/dd/HH/labels.jsonl: SageMaker ground-truth records for 85 % of the
 *    invocations, uploaded the hour after inference. In the first hour the score is calibrated
 *    (default ~ Bernoulli(score)); in the second the defaults no longer follow it as well
 *    (Bernoulli(0.4·score + 0.2)), so model quality drops where the data drifts. Drawn from a
 *    second seeded generator: the capture files stay as they were.
 * Deterministic (fixed seed). Run: npm run build && node dist/examples/generate.js
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCaptureLine } from '../src/record/capture-encoder.js';
import { rng, type Rng } from '../test/support/random.js';

export const DRIFTED_FEATURES = ['income', 'region'] as const;
export const INPUTS = ['age', 'income', 'loan_amount', 'credit_score', 'num_accounts', 'tenure_months', 'region', 'channel'] as const;
export const OUTPUTS = ['risk_score'] as const;

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const BEFORE = [0.3, 0.25, 0.2, 0.15, 0.1];
const AFTER = [0.05, 0.1, 0.15, 0.3, 0.4];
const CHANNELS = ['web', 'mobile', 'branch'];
const CHANNEL_P = [0.5, 0.35, 0.15];

function pick(r: Rng, values: string[], p: number[]): string {
  let u = r.next();
  for (let i = 0; i < values.length; i++) {
    u -= p[i] as number;
    if (u < 0) return values[i] as string;
  }
  return values[values.length - 1] as string;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** One applicant: [risk_score, ...inputs] as CSV fields. */
function applicant(r: Rng, drifted: boolean): string[] {
  const age = Math.round(clamp(42 + 12 * r.normal(), 18, 90));
  const income = Math.exp(10.8 + 0.5 * r.normal()) * (drifted ? 1.8 : 1);
  const loan = Math.exp(9.5 + 0.7 * r.normal());
  const credit = Math.round(clamp(680 + 60 * r.normal(), 300, 850));
  let accounts = 0;
  for (let i = 0; i < 12; i++) if (r.next() < 0.3) accounts++;
  const tenure = r.int(241);
  const region = pick(r, REGIONS, drifted ? AFTER : BEFORE);
  const channel = pick(r, CHANNELS, CHANNEL_P);
  // the model's score depends on credit score and age only, so it does not drift with income/region
  const z = -0.012 * (credit - 680) - 0.01 * (age - 42) - 1.2 + 0.3 * r.normal();
  const score = 1 / (1 + Math.exp(-z));
  return [
    score.toFixed(6),
    String(age),
    income.toFixed(2),
    loan.toFixed(2),
    String(credit),
    String(accounts),
    String(tenure),
    region,
    channel,
  ];
}

function uuid(r: Rng): string {
  const hex = (n: number): string => Array.from({ length: n }, () => r.int(16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + r.int(4)).toString(16)}${hex(3)}-${hex(12)}`;
}

/** Share of invocations the example labels, and the default rate's dependence on the score by half. */
export const LABELLED_SHARE = 0.85;

export function generate(root: string): void {
  const r = rng(20261123);
  const truth = rng(20261124);
  const labels = new Map<string, string[]>();
  // replace only what is generated here (driftmon.yaml beside it is hand-written)
  rmSync(join(root, 'capture'), { recursive: true, force: true });
  rmSync(join(root, 'ground-truth'), { recursive: true, force: true });
  mkdirSync(root, { recursive: true });

  const rows = [[...OUTPUTS, ...INPUTS].join(',')];
  for (let i = 0; i < 5000; i++) rows.push(applicant(r, false).join(','));
  writeFileSync(join(root, 'baseline.csv'), `${rows.join('\n')}\n`);

  const start = Date.UTC(2026, 10, 1, 10, 0, 0);
  const perMinute = 60;
  const minutes = 120;
  const files = new Map<string, string[]>();
  for (let m = 0; m < minutes; m++) {
    const drifted = m >= minutes / 2;
    for (let k = 0; k < perMinute; k++) {
      const t = start + m * 60_000 + Math.floor((k * 60_000) / perMinute);
      const [score, ...inputs] = applicant(r, drifted);
      const line = encodeCaptureLine({
        inputData: inputs.join(','),
        outputData: score as string,
        eventId: uuid(r),
        inferenceId: `req-${m}-${k}`,
        inferenceTime: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
      // SageMaker writes a file every few minutes under yyyy/mm/dd/HH/MM-SS-mmm-uuid.jsonl
      const d = new Date(start + Math.floor(m / 15) * 15 * 60_000);
      const pad = (n: number): string => String(n).padStart(2, '0');
      const file = `AllTraffic/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/${pad(d.getUTCMinutes())}-00-000-${uuid(rng(Math.floor(m / 15)))}.jsonl`;
      const list = files.get(file) ?? [];
      list.push(line);
      files.set(file, list);
      if (truth.next() < LABELLED_SHARE) {
        const p = Number(score);
        const label = truth.next() < (drifted ? 0.4 * p + 0.2 : p) ? 1 : 0;
        const upload = new Date(start + (Math.floor(m / 60) + 1) * 3_600_000);
        const gtFile = `${upload.getUTCFullYear()}/${pad(upload.getUTCMonth() + 1)}/${pad(upload.getUTCDate())}/${pad(upload.getUTCHours())}/labels.jsonl`;
        const gt = labels.get(gtFile) ?? [];
        gt.push(JSON.stringify({ groundTruthData: { data: String(label), encoding: 'CSV' }, eventMetadata: { eventId: `req-${m}-${k}` }, eventVersion: '0' }));
        labels.set(gtFile, gt);
      }
    }
  }
  for (const [file, lines] of labels) {
    const path = join(root, 'ground-truth', file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\n`);
  }
  for (const [file, lines] of files) {
    const path = join(root, 'capture', file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\n`);
  }
  const broken = [
    '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"41,5',
    '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"41,52000.00,9000.00,700,3,24,north,web","encoding":"UTF-16"},"endpointOutput":{"observedContentType":"text/csv","mode":"OUTPUT","data":"0.2","encoding":"CSV"}},"eventMetadata":{"eventId":"x","inferenceTime":"2026-11-01T10:30:00Z"},"eventVersion":"0"}',
    '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"41,52000.00,9000.00,700,3,24,north,web","encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv","mode":"OUTPUT","data":"0.2","encoding":"CSV"}},"eventMetadata":{"eventId":"y"},"eventVersion":"0"}',
    'not json at all',
  ];
  const bad = join(root, 'capture/AllTraffic/2026/11/01/10/30-00-000-malformed.jsonl');
  writeFileSync(bad, `${broken.join('\n')}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  // compiled to dist/examples/generate.js; the data lives in <repo>/examples/credit-model
  const root = join(here, '..', '..', 'examples', 'credit-model');
  generate(root);
  console.log(`wrote ${root}`);
}
