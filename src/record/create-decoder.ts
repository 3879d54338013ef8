/** The RecordDecoder for a schema's record format (kept apart from decoder.ts, which the implementations import). */
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
  return schema.format === RecordFormat.FLAT_JSON ? new FlatJsonDecoder(schema, registry) : new CaptureDecoder(schema, registry, options);
}
