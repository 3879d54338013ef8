/**
 * A label monitor over files, the way a team leaving SageMaker replays what it has in S3: capture
 * files under capture/yyyy/mm/dd/HH/ and ground-truth files under ground-truth/yyyy/mm/dd/HH/ (the
 * upload hour is the label time), through `driftmon replay --config`. Every window is reported
 * once, final, with the confusion matrix, metrics and bias computed directly from the joined data.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { reportFolder } from '../src/sink/report.js';
import { runCli } from './support/cli.js';
import { confusionOf, labelReplayMonitor, labelScenario, metricMismatches, type ScenarioMessage } from './support/label-scenario.js';

const H = 3_600_000;
const START_MS = Date.UTC(2026, 10, 2, 8, 0, 0);

/** Messages into files by the hour of their timestamp, SageMaker's yyyy/mm/dd/HH layout. */
function writeByHour(root: string, messages: readonly ScenarioMessage[], name: string): void {
  const byHour = new Map<number, string[]>();
  for (const m of messages) {
    const hour = m.timestampMs - (((m.timestampMs % H) + H) % H);
    const lines = byHour.get(hour) ?? [];
    lines.push(m.value);
    byHour.set(hour, lines);
  }
  for (const [hour, lines] of byHour) {
    const d = new Date(hour);
    const p = (n: number): string => String(n).padStart(2, '0');
    const dir = join(root, String(d.getUTCFullYear()), p(d.getUTCMonth() + 1), p(d.getUTCDate()), p(d.getUTCHours()));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  }
}

describe('driftmon replay of a label monitor over capture and ground-truth files', () => {
  it('reports each window once, final, as computed from the joined data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-label-replay-'));
    const s = labelScenario({ seed: 31, predictions: 20_000, startMs: START_MS, stepS: 0.5, labelShare: 0.9, duplicateShare: 0.05, windowMs: H });
    writeByHour(join(dir, 'capture'), s.predictions, 'capture.jsonl');
    // labels sorted by time within each hour's file: the first of two labels for an ID is read first
    writeByHour(join(dir, 'ground-truth'), s.labels, 'labels.jsonl');
    const config = join(dir, 'replay.yaml');
    writeFileSync(
      config,
      stringify({
        monitors: [labelReplayMonitor(dir, join(dir, 'capture'), join(dir, 'ground-truth'), '1h')],
        output: { dir: join(dir, 'out') },
        state: { dir: join(dir, 'state') },
      }),
    );
    const r = await runCli(['replay', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`label monitor quality: 20000 predictions, ${s.labels.length} labels, 18000 joined, 2000 expired, 0 orphan labels`));

    let labeled = 0;
    for (const w of s.windows.values()) {
      const folder = join(dir, 'out', ...reportFolder('quality', H, w.startMs).split('/'));
      const statistics = readFileSync(join(folder, 'model-quality', 'statistics.json'), 'utf8');
      const summary = JSON.parse(readFileSync(join(folder, 'model-quality', 'driftmon-report.json'), 'utf8')) as {
        final: boolean;
        version: number;
        join: { predictions: number; labeled: number; expired_predictions: number; label_latency_seconds: { count: number } };
      };
      expect({ final: summary.final, version: summary.version }).toEqual({ final: true, version: 1 });
      expect(confusionOf(statistics)).toEqual({ tp: w.tp, fp: w.fp, tn: w.tn, fn: w.fn, itemCount: w.labeled });
      expect(metricMismatches(statistics, w)).toEqual([]);
      expect([summary.join.predictions, summary.join.labeled, summary.join.expired_predictions]).toEqual([w.predictions, w.labeled, w.predictions - w.labeled]);
      // label time = the upload hour of the ground-truth file
      expect(summary.join.label_latency_seconds.count).toBe(w.labeled);
      const analysis = JSON.parse(readFileSync(join(folder, 'bias', 'analysis.json'), 'utf8')) as {
        pre_training_bias_metrics: { facets: Record<string, { metrics: { name: string; value: number }[] }[]> };
      };
      const ci = analysis.pre_training_bias_metrics.facets['k']?.[0]?.metrics.find((m) => m.name === 'CI')?.value;
      expect(ci).toBeCloseTo((w.bias.na - w.bias.nd) / (w.bias.na + w.bias.nd), 12);
      labeled += w.labeled;
    }
    expect(labeled).toBe(18_000);
  });
});
