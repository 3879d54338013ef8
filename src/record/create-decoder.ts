/** The RecordDecoder for a schema's record format (kept apart from decoder.ts, which the implementations import). */
import { CaptureDecoder } from './capture-decoder.js';
import type { RecordDecoder } from './decoder.js';
import type { FeatureRegistry } from './feature-registry.js';
import { FlatJsonDecoder } from './flat-json-decoder.js';
import { RecordFormat, type DatasetSchema } from './schema.js';

/** The decoder for `schema.format`, declaring the schema's features on `registry`. */
export function createDecoder(schema: DatasetSchema, registry: FeatureRegistry): RecordDecoder {
  return schema.format === RecordFormat.FLAT_JSON ? new FlatJsonDecoder(schema, registry) : new CaptureDecoder(schema, registry);
}
