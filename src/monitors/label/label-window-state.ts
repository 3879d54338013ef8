/**
 * A label window's state: one part per evaluator (its mergeable state) and a sketch of label
 * latency, and how it goes into a checkpoint: the parts in evaluator order, then the sketch, each
 * as u32 (big-endian) length | bytes.
 */
import { DriftmonError, ErrorCode } from '../../errors.js';
import { KllSketch } from '../../sketch/kll/kll-sketch.js';
import type { LabelWindowOptions } from '../../window/label-windows.js';
import type { LabelEvaluator } from './label-evaluator.js';

/** Label latency sketch per window: small k, quantiles for the report only. */
const LATENCY_K = 200;

export interface LabelWindowState {
  /** evaluators[j]'s state is parts[j]. */
  parts: unknown[];
  /** Seconds from inference to label, for labels whose time is known. */
  latency: KllSketch;
}

export function labelWindowState(evaluators: readonly LabelEvaluator[]): Pick<LabelWindowOptions<LabelWindowState>, 'create' | 'merge' | 'serialize' | 'deserialize'> {
  return {
    create: () => ({ parts: evaluators.map((e) => e.create()), latency: new KllSketch({ k: LATENCY_K }) }),
    merge: (into, from) => {
      evaluators.forEach((e, j) => e.merge(into.parts[j], from.parts[j]));
      into.latency.merge(from.latency);
    },
    serialize: (w) => encodeParts([...w.parts.map((p, i) => (evaluators[i] as LabelEvaluator).serialize(p)), w.latency.serialize()]),
    deserialize: (b) => {
      const parts = decodeParts(b, evaluators.length + 1);
      return { parts: evaluators.map((e, i) => e.deserialize(parts[i] as Uint8Array)), latency: KllSketch.deserialize(parts[evaluators.length] as Uint8Array) };
    },
  };
}

function encodeParts(parts: Uint8Array[]): Uint8Array {
  const out = Buffer.alloc(parts.reduce((a, p) => a + 4 + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.writeUInt32BE(p.length, o);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}

function decodeParts(bytes: Uint8Array, n: number): Uint8Array[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (o + 4 > b.length) throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, 'label window state is truncated');
    const len = b.readUInt32BE(o);
    if (o + 4 + len > b.length) throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, 'label window state is truncated');
    parts.push(new Uint8Array(b.subarray(o + 4, o + 4 + len)));
    o += 4 + len;
  }
  return parts;
}
