/** How a decoder in another thread is set up to decode exactly as the monitor's own would. */
import { baselineFeatureOrder } from '../../baseline/load-files.js';
import type { MonitorSettings } from '../../config/load.js';
import type { BlockDecodeSpec } from '../../record/block-decoder.js';
import type { FileDecodeTask } from '../../source/file-decode-worker.js';
import type { Baseline } from './monitor-deps.js';

/**
 * The features a monitor declares before decoding: the baseline's, in its order; String- and
 * Boolean-typed ones keep their text. A decoder in another thread declares the same (decodeTask).
 */
export function baselineDeclarations(baseline: Baseline): { name: string; keepText: boolean }[] {
  return baseline.constraints.features.map((f) => ({ name: f.name, keepText: f.inferredType === 'String' || f.inferredType === 'Boolean' }));
}

/** What a decoding thread (file-decode-worker.ts) needs to decode exactly as this monitor would. */
export function decodeTask(settings: MonitorSettings, baseline: Baseline, files: FileDecodeTask['files']): FileDecodeTask {
  return { files, ...decodeSpec(settings, baseline) };
}

/** What a decoding thread (BlockDecoder) needs to decode exactly as this monitor would. */
export function decodeSpec(settings: MonitorSettings, baseline: Baseline): BlockDecodeSpec {
  return {
    maxLineLength: settings.maxLineLength,
    maxFutureSkewMs: settings.maxFutureSkewMs,
    record: settings.record,
    maxFeatures: settings.maxFeatures,
    declarations: baselineDeclarations(baseline),
    baselineNames: baselineFeatureOrder(baseline),
  };
}
