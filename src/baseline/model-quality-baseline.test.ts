import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModelQualityBaseline } from './model-quality-baseline.js';

const CSV = join(
  import.meta.dirname, '..', '..', 'test', 'fixtures', 'sagemaker', 'aws__amazon-sagemaker-examples',
  'sagemaker_model_monitor', 'model_quality', 'test_data', 'validation_with_predictions.csv',
);

describe('buildModelQualityBaseline', () => {
  it('binary (AWS churn example, cutoff 0.8): confusion counts and metrics equal a direct count of the CSV', async () => {
    const lines = readFileSync(CSV, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('probability,prediction,label');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number) as [number, number, number]);
    let tp = 0, fp = 0, tn = 0, fn = 0;
    for (const [p, , y] of rows) {
      const yHat = p > 0.8 ? 1 : 0;
      if (y === 1) yHat === 1 ? tp++ : fn++;
      else yHat === 1 ? fp++ : tn++;
    }
    const b = await buildModelQualityBaseline({
      input: CSV, problemType: 'BinaryClassification',
      inferenceAttribute: 'prediction', probabilityAttribute: 'probability', probabilityThreshold: 0.8, groundTruthAttribute: 'label',
    });
    const s = b.statistics;
    expect(s.itemCount).toBe(rows.length);
    expect(s.confusionMatrix).toEqual(new Map([['0', new Map([['0', tn], ['1', fp]])], ['1', new Map([['0', fn], ['1', tp]])]]));
    expect(s.metrics['recall']!.value).toBe(tp / (tp + fn));
    expect(s.metrics['accuracy']!.value).toBe((tp + tn) / rows.length);
    // 201 rows ≥ 200: standard deviations are numbers
    expect(Number.isFinite(s.metrics['accuracy']!.standardDeviation)).toBe(true);
    // AUC against an exact pairwise count (within the reported bin error bound, ≤ 0.005 here)
    let wins = 0, np = 0, nn = 0;
    for (const [p, , y] of rows) if (y === 1) { np++; for (const [q, , z] of rows) if (z === 0) wins += p > q ? 1 : p === q ? 0.5 : 0; }
    for (const [, , y] of rows) if (y === 0) nn++;
    expect(Math.abs(s.metrics['auc']!.value - wins / np / nn)).toBeLessThan(0.005);
    expect(Object.keys(b.constraints.constraints)).toContain('auc');
    expect(b.constraints.constraints['false_negative_rate']?.comparisonOperator).toBe('GreaterThanThreshold');
  });

  it('multiclass from JSON Lines with an inference-ID column; bad rows counted by reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-mqb-'));
    const file = join(dir, 'data.jsonl');
    const rows = [
      { id: 'a', pred: 'x', truth: 'x' }, { id: 'b', pred: 'y', truth: 'x' }, { id: 'c', pred: 'y', truth: 'y' },
      { id: 'd', pred: null, truth: 'y' }, { id: 'e', pred: 'x', truth: '' },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const b = await buildModelQualityBaseline({
      input: file, problemType: 'MulticlassClassification', inferenceAttribute: 'pred', groundTruthAttribute: 'truth', inferenceIdAttribute: 'id',
    });
    expect(b.rows).toBe(5);
    expect(b.statistics.itemCount).toBe(3);
    expect(b.rejected).toEqual({ missing_prediction: 1, bad_label: 1 });
    expect(b.statistics.metrics['accuracy']!.value).toBe(2 / 3);
    expect(b.statistics.metrics['accuracy']!.standardDeviation).toBeNaN();
  });

  it('headerless CSV columns by index; no usable row is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-mqb-'));
    const file = join(dir, 'data.csv');
    writeFileSync(file, '1.5,1\n2.5,3\n');
    const b = await buildModelQualityBaseline({ input: file, header: false, problemType: 'Regression', inferenceAttribute: '0', groundTruthAttribute: '1' });
    expect(b.statistics.metrics['mae']!.value).toBe(0.5);
    expect(b.statistics.metrics['r2']!.value).toBe(1 - 0.5 / 2);
    writeFileSync(file, 'p,t\n1,x\n');
    await expect(buildModelQualityBaseline({ input: file, problemType: 'Regression', inferenceAttribute: 'p', groundTruthAttribute: 't' })).rejects.toThrow(/no row/);
  });
});
