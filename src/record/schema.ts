/**
 * The dataset schema: how driftmon turns one input line into named feature values. Plain data
 * here (the config layer validates it and reports every problem); `resolveSchema` applies the
 * defaults and declares the named features on a FeatureRegistry.
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import type { FeatureRegistry } from './feature-registry.js';

export const RecordFormat = {
  /** SageMaker data-capture lines (`captureData` / `eventMetadata` envelopes). */
  SAGEMAKER_CAPTURE: 'sagemaker-capture',
  /** One flat JSON object per line (id, time, features). */
  FLAT_JSON: 'flat-json',
  /** SageMaker batch-transform output, CSV with trailing inference id and time columns (batch-transform-decoder.ts). */
  BATCH_TRANSFORM_CSV: 'batch-transform-csv',
  /** SageMaker batch-transform output, JSON Lines with SageMakerInferenceId/Time (batch-transform-decoder.ts). */
  BATCH_TRANSFORM_JSONL: 'batch-transform-jsonl',
} as const;
export type RecordFormat = (typeof RecordFormat)[keyof typeof RecordFormat];

export const OutputsPosition = {
  START: 'start',
  END: 'end',
} as const;
export type OutputsPosition = (typeof OutputsPosition)[keyof typeof OutputsPosition];

export const CaptureIndexName = {
  ENDPOINT_INPUT: 'endpointInput',
  ENDPOINT_OUTPUT: 'endpointOutput',
} as const;
export type CaptureIndexName = (typeof CaptureIndexName)[keyof typeof CaptureIndexName];

export const TimeUnit = {
  MILLISECONDS: 'ms',
  SECONDS: 's',
} as const;
export type TimeUnit = (typeof TimeUnit)[keyof typeof TimeUnit];

/** Default input-instances locations tried in a JSON payload document, in order. */
export const DEFAULT_INPUT_PATHS: readonly string[] = ['instances', 'inputs', 'data', 'features'];
/** Default output-instances locations tried in a JSON payload document, in order. */
export const DEFAULT_OUTPUT_PATHS: readonly string[] = ['predictions', 'outputs', 'scores'];

export interface DatasetSchema {
  /**
   * Line format: `sagemaker-capture` (capture envelopes, the default), `flat-json` (one flat
   * object per line), or batch-transform output: `batch-transform-csv` / `batch-transform-jsonl`.
   */
  format?: RecordFormat;
  /**
   * Names of the model's input columns, in payload order (CSV columns, JSON array positions; for
   * JSON objects the keys themselves are the names, and listing them here marks them declared).
   * Optional: without names, columns are named SageMaker/Spark style `_c0`, `_c1`, … (numbered
   * across the analysed row, see `outputsPosition`). Columns beyond the listed names are named
   * the same way and registered as undeclared features (extra_column_check sees them).
   */
  inputs?: readonly string[];
  /** Names of the model's output (prediction) columns, in payload order. Optional, as `inputs`. */
  outputs?: readonly string[];
  /**
   * Where the outputs sit in the analysed row. SageMaker's analyser assumes predictions come
   * first (`start`, the default): the row is outputs then inputs, so headerless names `_cN` number
   * across that concatenation (`_c0` is the first output column). `end`: inputs then outputs.
   */
  outputsPosition?: OutputsPosition;
  /**
   * sagemaker-capture: which `captureData` entries to analyse, as in SageMaker's
   * `sagemakerCaptureJson.captureIndexNames`. Default `['endpointInput', 'endpointOutput']`;
   * `['endpointInput']` for input-only capture. Every listed entry must be present in a line
   * (else the line is rejected with missing_capture_data).
   */
  captureIndexNames?: readonly CaptureIndexName[];
  /**
   * JSON payloads: dotted attribute path to the input instances inside the payload document
   * (numeric segments index arrays, e.g. `body.instances`). Default: the first of `instances`,
   * `inputs`, `data`, `features` present as a top-level key; else the whole document. For JSON
   * Lines payloads the path is applied to every line and gives that line's single instance.
   */
  inputPath?: string;
  /** JSON payloads: as `inputPath`, for the output. Defaults: `predictions`, `outputs`, `scores`. */
  outputPath?: string;
  /**
   * Nested JSON: feature name → dotted attribute path inside one instance object (flat-json: inside
   * the features object). A name listed in `outputs` is read from output instances, any other from
   * input instances (names not in `inputs`/`outputs` are declared as inputs). Top-level keys that
   * start one of these paths are not features themselves; other top-level keys still are.
   */
  featurePaths?: Readonly<Record<string, string>>;
  /** flat-json: the join-key field (top-level key). Default `inferenceId`. */
  idField?: string;
  /**
   * flat-json: the event-time field (top-level key). Default `inferenceTime`. An ISO-8601 string,
   * or epoch milliseconds as a number or a numeric string (epoch seconds when `timeUnit` is `s`).
   */
  timeField?: string;
  /** flat-json: unit of numeric event times. Default `ms`. */
  timeUnit?: TimeUnit;
  /**
   * flat-json: top-level key of the features object. Optional: without it every top-level key
   * except the id and time fields is a feature.
   */
  featuresField?: string;
}

/** Which side of the model a value comes from. */
export const Side = {
  INPUT: 0,
  OUTPUT: 1,
} as const;
export type Side = (typeof Side)[keyof typeof Side];

export interface ResolvedFeaturePath {
  readonly name: string;
  readonly slot: number;
  readonly segments: readonly string[];
}

/** A schema with defaults applied and its named features declared on the registry. */
export interface ResolvedSchema {
  readonly format: RecordFormat;
  /** Declared input / output names, in payload order. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Registry slot of each declared input / output column (payload order). */
  readonly inputSlots: Int32Array;
  readonly outputSlots: Int32Array;
  readonly outputsFirst: boolean;
  readonly captureIndexNames: readonly string[];
  /** Side of each capture index (same order as captureIndexNames). */
  readonly captureSides: readonly Side[];
  /** Explicit instance paths (segments), or undefined for the defaults. */
  readonly inputPath: readonly string[] | undefined;
  readonly outputPath: readonly string[] | undefined;
  /** featurePaths, split by side. */
  readonly inputFeaturePaths: readonly ResolvedFeaturePath[];
  readonly outputFeaturePaths: readonly ResolvedFeaturePath[];
  /** First path segments of featurePaths per side: those top-level keys are not features. */
  readonly inputPathRoots: ReadonlySet<string>;
  readonly outputPathRoots: ReadonlySet<string>;
  readonly idField: string;
  readonly timeField: string;
  readonly timeUnit: TimeUnit;
  readonly featuresField: string | undefined;
}

export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

function configError(message: string): DriftmonError {
  return new DriftmonError(ErrorCode.CONFIG_INVALID, `dataset schema: ${message}`);
}

/**
 * Apply defaults and declare the schema's named features on `registry` in analysed-row order
 * (outputs first unless outputsPosition is `end`). Throws CONFIG_INVALID for a schema that cannot
 * be applied at all (unknown format or capture index name, a name listed twice); full validation
 * with every problem listed is the config layer's job.
 */
export function resolveSchema(schema: DatasetSchema, registry: FeatureRegistry): ResolvedSchema {
  const format = schema.format ?? RecordFormat.SAGEMAKER_CAPTURE;
  if (!Object.values(RecordFormat).includes(format)) {
    throw configError(`unknown format ${JSON.stringify(format)}`);
  }
  const inputNames = [...(schema.inputs ?? [])];
  const outputNames = [...(schema.outputs ?? [])];
  const seen = new Set<string>();
  for (const n of [...outputNames, ...inputNames]) {
    if (seen.has(n)) throw configError(`feature name ${JSON.stringify(n)} listed twice`);
    seen.add(n);
  }
  const outputsFirst = (schema.outputsPosition ?? OutputsPosition.START) !== OutputsPosition.END;
  const featurePathEntries = Object.entries(schema.featurePaths ?? {});
  const declareAll = (names: readonly string[], isOutput: boolean): Int32Array =>
    Int32Array.from(names, (n) => registry.declare(n, { isOutput }).index);
  let inputSlots: Int32Array;
  let outputSlots: Int32Array;
  if (outputsFirst) {
    outputSlots = declareAll(outputNames, true);
    inputSlots = declareAll(inputNames, false);
  } else {
    inputSlots = declareAll(inputNames, false);
    outputSlots = declareAll(outputNames, true);
  }
  // featurePaths names not listed in inputs/outputs: declared inputs, but not positional columns
  for (const [name] of featurePathEntries) if (!seen.has(name)) registry.declare(name);
  const outputSet = new Set(outputNames);
  const inputFeaturePaths: ResolvedFeaturePath[] = [];
  const outputFeaturePaths: ResolvedFeaturePath[] = [];
  for (const [name, path] of featurePathEntries) {
    const segments = splitPath(path);
    if (segments.length === 0) throw configError(`featurePaths.${name} is empty`);
    const entry = { name, slot: registry.get(name)?.index ?? -1, segments };
    (outputSet.has(name) ? outputFeaturePaths : inputFeaturePaths).push(entry);
  }
  const captureIndexNames = [...(schema.captureIndexNames ?? [CaptureIndexName.ENDPOINT_INPUT, CaptureIndexName.ENDPOINT_OUTPUT])];
  if (captureIndexNames.length === 0) throw configError('captureIndexNames is empty');
  const captureSides = captureIndexNames.map((n): Side => {
    if (n === CaptureIndexName.ENDPOINT_INPUT) return Side.INPUT;
    if (n === CaptureIndexName.ENDPOINT_OUTPUT) return Side.OUTPUT;
    throw configError(`unknown capture index name ${JSON.stringify(n)} (endpointInput or endpointOutput)`);
  });
  if (new Set(captureIndexNames).size !== captureIndexNames.length) throw configError('captureIndexNames lists a name twice');
  return {
    format,
    inputNames,
    outputNames,
    inputSlots,
    outputSlots,
    outputsFirst,
    captureIndexNames,
    captureSides,
    inputPath: schema.inputPath === undefined ? undefined : splitPath(schema.inputPath),
    outputPath: schema.outputPath === undefined ? undefined : splitPath(schema.outputPath),
    inputFeaturePaths,
    outputFeaturePaths,
    inputPathRoots: new Set(inputFeaturePaths.map((f) => f.segments[0] as string)),
    outputPathRoots: new Set(outputFeaturePaths.map((f) => f.segments[0] as string)),
    idField: schema.idField ?? 'inferenceId',
    timeField: schema.timeField ?? 'inferenceTime',
    timeUnit: schema.timeUnit ?? TimeUnit.MILLISECONDS,
    featuresField: schema.featuresField,
  };
}
