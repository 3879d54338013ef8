/**
 * Model-quality baseline: statistics.json and constraints.json from a dataset holding predictions
 * and ground truth (CSV with or without header, JSON Lines, Parquet — dataset/dataset-reader.ts), as
 * SageMaker's ModelQualityMonitor.suggest_baseline does.
 *
 * Options use SageMaker's names. An attribute is a column name, or a column index for headerless
 * files ("0" → `_c0`, SageMaker's index form). Binary classification: with a probability
 * attribute the predicted label is `score > probabilityThreshold` (default 0.5; SageMaker's
 * probability_threshold_attribute), and the score also feeds auc and the curves; a row whose score
 * is missing uses its inference attribute's label. Without a probability attribute the inference
 * attribute is the label. The sample key (subsample membership, subsample.ts) is the
 * `inferenceIdAttribute` column when given and present, else the row index (0-based).
 *
 * Rows whose labels cannot be read are left out and counted by reason (`rejected`); a dataset with
 * no usable row is an error (SageMaker fails on empty input too). Attributes naming no column are
 * a usage error listing each one and the columns that exist.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DriftmonError, ErrorCode, type RecordErrorReason } from '../errors.js';
import { ModelQualityAccumulator } from '../evaluate/model-quality/accumulator.js';
import { suggestModelQualityConstraints } from '../evaluate/model-quality/constraints.js';
import type { LabelValue } from '../evaluate/model-quality/labels.js';
import type { ModelQualityConstraints, ModelQualityStatistics } from '../sagemaker/model-quality-model.js';
import { ProblemType } from '../sagemaker/problem-type.js';
import { computeModelQualityStatistics } from '../evaluate/model-quality/statistics.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { ValueKind, type FeatureRow } from '../record/row.js';
import type { HeaderOption } from './dataset/csv-header.js';
import { readDataset, type DatasetFormat } from './dataset/dataset-reader.js';
import { SAGEMAKER_FILES } from '../sagemaker/data-quality-model.js';
import { formatModelQualityConstraints, formatModelQualityStatistics } from '../sagemaker/model-quality-files.js';

export const DEFAULT_PROBABILITY_THRESHOLD = 0.5;

export interface ModelQualityBaselineOptions {
  input: string;
  /** Default: from the file extension. */
  format?: DatasetFormat;
  /** CSV header: true, false or 'auto' (default). */
  header?: HeaderOption;
  problemType: ProblemType;
  /** Column (name or index) of the predicted label / value. */
  inferenceAttribute: string;
  /** Binary: column of the probability of class 1. */
  probabilityAttribute?: string;
  /** Binary: score > threshold ⇒ 1. Default 0.5. */
  probabilityThreshold?: number;
  /** Column of the ground truth. */
  groundTruthAttribute: string;
  /** Column of the inference ID (sample key); default: the row index. */
  inferenceIdAttribute?: string;
  /** dataset.evaluation_time to write (default: none, like the SDK's baseline fixture). */
  evaluationTime?: string;
  /** Allow a progress bar on stderr for large inputs. Default false. */
  progress?: boolean;
}

export interface ModelQualityBaseline {
  statistics: ModelQualityStatistics;
  constraints: ModelQualityConstraints;
  /** Data rows read. */
  rows: number;
  /** Rows left out, by reason. */
  rejected: Partial<Record<RecordErrorReason, number>>;
}

function valueAt(row: FeatureRow, slot: number | undefined): LabelValue {
  if (slot === undefined || slot >= row.width) return undefined;
  const kind = row.kinds[slot];
  if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) return row.numbers[slot];
  return kind === ValueKind.MISSING ? undefined : row.strings[slot];
}

export async function buildModelQualityBaseline(options: ModelQualityBaselineOptions): Promise<ModelQualityBaseline> {
  const threshold = options.probabilityThreshold ?? DEFAULT_PROBABILITY_THRESHOLD;
  if (!Number.isFinite(threshold)) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `probability threshold must be a finite number, got ${threshold}`);
  }
  const binary = options.problemType === ProblemType.BINARY_CLASSIFICATION;
  const registry = new FeatureRegistry();
  const acc = new ModelQualityAccumulator(options.problemType);
  const rejected: Partial<Record<RecordErrorReason, number>> = {};
  let slots: { truth: number; inference: number; probability?: number; id?: number } | undefined;
  let index = 0;
  let attributeError: DriftmonError | undefined;

  const resolve = (): NonNullable<typeof slots> => {
    const problems: string[] = [];
    const find = (what: string, attr: string | undefined, required: boolean): number | undefined => {
      if (attr === undefined) return undefined;
      const spec = registry.get(attr) ?? (/^\d+$/.test(attr) ? registry.get(`_c${attr}`) : undefined);
      if (spec === undefined && required) problems.push(`${what} ${JSON.stringify(attr)} names no column`);
      return spec?.index;
    };
    const truth = find('ground truth attribute', options.groundTruthAttribute, true);
    const inference = find('inference attribute', options.inferenceAttribute, true);
    const probability = binary ? find('probability attribute', options.probabilityAttribute, true) : undefined;
    const id = find('inference ID attribute', options.inferenceIdAttribute, false);
    if (problems.length > 0 || truth === undefined || inference === undefined) {
      problems.push(`columns: ${registry.features.map((f) => f.name).join(', ')}`);
      throw new DriftmonError(ErrorCode.CONFIG_INVALID, `${options.input}: model-quality attributes not found`, { details: problems });
    }
    return { truth, inference, ...(probability === undefined ? {} : { probability }), ...(id === undefined ? {} : { id }) };
  };

  const read = await readDataset(
    options.input,
    (row) => {
      // resolved at the first row, once the reader knows the columns; a DriftmonError thrown from
      // inside the CSV reader's callback would not reach the caller, so it is kept and thrown below
      if (attributeError !== undefined) return;
      if (slots === undefined) {
        try {
          slots = resolve();
        } catch (e) {
          attributeError = e as DriftmonError;
          return;
        }
      }
      const rowIndex = index++;
      const id = valueAt(row, slots.id);
      let predicted = valueAt(row, slots.inference);
      let score: number | undefined;
      if (slots.probability !== undefined) {
        const s = valueAt(row, slots.probability);
        const x = typeof s === 'number' ? s : typeof s === 'string' && s.trim() !== '' ? Number(s) : NaN;
        if (!Number.isNaN(x)) {
          score = x;
          predicted = x > threshold ? 1 : 0;
        }
      }
      const reason = acc.add({
        sampleKey: id === undefined || id === null ? String(rowIndex) : String(id),
        predicted,
        actual: valueAt(row, slots.truth),
        ...(score === undefined ? {} : { score }),
      });
      if (reason !== undefined) rejected[reason] = (rejected[reason] ?? 0) + 1;
    },
    {
      registry,
      ...(options.format === undefined ? {} : { format: options.format }),
      header: options.header ?? 'auto',
      progress: options.progress ?? false,
    },
  );
  if (attributeError !== undefined) throw attributeError;
  if (acc.count === 0) {
    const why = Object.entries(rejected).map(([r, n]) => `${n} rows rejected: ${r}`);
    throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `${options.input}: no row with a usable prediction and ground truth`, {
      details: why,
    });
  }
  const statistics = computeModelQualityStatistics(
    acc,
    options.evaluationTime === undefined ? {} : { evaluationTime: options.evaluationTime },
  );
  return { statistics, constraints: suggestModelQualityConstraints(statistics), rows: read.rows, rejected };
}

/** Write statistics.json and constraints.json into outDir (created). Returns their paths. */
export async function writeModelQualityBaseline(
  outDir: string,
  baseline: Pick<ModelQualityBaseline, 'statistics' | 'constraints'>,
): Promise<{ statistics: string; constraints: string }> {
  const statistics = join(outDir, SAGEMAKER_FILES.statistics);
  const constraints = join(outDir, SAGEMAKER_FILES.constraints);
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(statistics, formatModelQualityStatistics(baseline.statistics));
    await writeFile(constraints, formatModelQualityConstraints(baseline.constraints));
  } catch (e) {
    throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `cannot write the baseline to ${outDir}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return { statistics, constraints };
}
