/**
 * TEST SUPPORT — inputs for the dataset tests: the golden SageMaker CSV, temporary input files, and
 * readDataset's rows copied out as their non-missing cells.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { DriftmonError } from '../../../errors.js';
import { FeatureRegistry } from '../../../record/feature-registry.js';
import { ValueKind, type FeatureRow } from '../../../record/row.js';
import { readDataset, type ReadDatasetOptions } from '../dataset-reader.js';

/** The folder of SageMaker's data-quality golden files (baseline_dataset.csv → statistics.json). */
export const DQ = join(
  import.meta.dirname,
  '../../../../test/fixtures/sagemaker/aws__sagemaker-python-sdk/tests/data/pipeline/quality_check_step/data_quality',
);

/** A temporary folder for a test file's inputs, removed after its tests; `file` writes one input. */
export function inputFiles(): { dir: string; file(name: string, content: string | Buffer): string } {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-dataset-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name: string, content: string | Buffer): string {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
  };
}

export interface Cell {
  name: string;
  kind: ValueKind;
  number?: number;
  text?: string;
}

/** Read a file and return each row as its non-missing cells (copied). */
export async function cells(path: string, options: Partial<ReadDatasetOptions> = {}): Promise<{ rows: Cell[][]; registry: FeatureRegistry }> {
  const registry = new FeatureRegistry();
  const rows: Cell[][] = [];
  await readDataset(
    path,
    (row: FeatureRow) => {
      const out: Cell[] = [];
      for (let i = 0; i < row.width; i++) {
        const kind = row.kinds[i] as ValueKind;
        if (kind === ValueKind.MISSING) continue;
        const c: Cell = { name: registry.at(i).name, kind };
        if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) c.number = row.numbers[i] as number;
        const t = row.strings[i];
        if (t !== undefined) c.text = t;
        out.push(c);
      }
      rows.push(out);
    },
    { registry, ...options },
  );
  return { rows, registry };
}

export async function errorOf(p: Promise<unknown>): Promise<DriftmonError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DriftmonError) return e;
    throw e;
  }
  throw new Error('expected a DriftmonError');
}

