/** The RecordDecoder for a schema's record format (kept apart from decoder.ts, which the implementations import). */
import { BatchTransformDecoder } from './batch-transform-decoder.js';
import { CaptureDecoder } from './capture-decoder.js';
import type { DecoderOptions, RecordDecoder } from './decoder.js';
import type { FeatureRegistry } from './feature-registry.js';
import { FlatJsonDecoder } from './flat-json-decoder.js';
import { RecordFormat, type DatasetSchema } from './schema.js';

/**
 * The decoder for `schema.format`, declaring the schema's features on `registry`. Flat JSON records
 * name every value by its key, so `options.baselineNames` matters to capture lines only.
 */
export function createDecoder(schema: DatasetSchema, registry: FeatureRegistry, options: DecoderOptions = {}): RecordDecoder {
  if (schema.format === RecordFormat.FLAT_JSON) return new FlatJsonDecoder(schema, registry);
  if (schema.format === RecordFormat.BATCH_TRANSFORM_CSV || schema.format === RecordFormat.BATCH_TRANSFORM_JSONL) return new BatchTransformDecoder(schema, registry, options);
  return new CaptureDecoder(schema, registry, options);
}
