/**
 * Choose a quantile-sketch implementation by kind: KLL (default; Deequ/SageMaker-compatible, the
 * hot path) or the t-digest adapter (tail accuracy).
 */
import { DriftmonError, ErrorCode } from '../errors.js';
import { KllSketch, type KllSketchOptions } from './kll/kll-sketch.js';
import {
  QuantileSketchKind,
  type QuantileSketch,
  type QuantileSketchFactory,
} from './quantile-sketch.js';
import { TDigestSketch, type TDigestSketchOptions } from './tdigest/tdigest-sketch.js';

export type { KllSketchOptions } from './kll/kll-sketch.js';
export type { TDigestSketchOptions } from './tdigest/tdigest-sketch.js';

/** Options for either kind; each implementation reads only its own. */
export type QuantileSketchOptions = KllSketchOptions & TDigestSketchOptions;

export function quantileSketchFactory(kind: 'kll', options?: KllSketchOptions): QuantileSketchFactory;
export function quantileSketchFactory(kind: 'tdigest', options?: TDigestSketchOptions): QuantileSketchFactory;
export function quantileSketchFactory(kind: QuantileSketchKind, options?: QuantileSketchOptions): QuantileSketchFactory;
export function quantileSketchFactory(
  kind: QuantileSketchKind,
  options: QuantileSketchOptions = {},
): QuantileSketchFactory {
  switch (kind) {
    case QuantileSketchKind.KLL: {
      const opts: KllSketchOptions = { ...(options.k !== undefined && { k: options.k }), ...(options.c !== undefined && { c: options.c }) };
      new KllSketch(opts); // validate the options now (CONFIG_INVALID), not at the first window
      return Object.freeze({
        kind,
        create: (): QuantileSketch => new KllSketch(opts),
        deserialize: (bytes: Uint8Array): QuantileSketch => KllSketch.deserialize(bytes),
      });
    }
    case QuantileSketchKind.TDIGEST: {
      const opts: TDigestSketchOptions = {
        ...(options.delta !== undefined && { delta: options.delta }),
        ...(options.K !== undefined && { K: options.K }),
      };
      new TDigestSketch(opts);
      return Object.freeze({
        kind,
        create: (): QuantileSketch => new TDigestSketch(opts),
        deserialize: (bytes: Uint8Array): QuantileSketch => TDigestSketch.deserialize(bytes),
      });
    }
    default:
      throw new DriftmonError(ErrorCode.CONFIG_INVALID, `unknown quantile sketch kind: ${String(kind as unknown)}`);
  }
}

