/**
 * Our binary form of a KLL sketch (window snapshots): the complete state, so that a restored
 * sketch keeps evolving exactly like the original.
 *
 * Layout (little-endian): "DMKL", version u8, k u32, c f64, count f64, min f64, max f64,
 * errorWeight f64, levels u32, then per level: compactions f64, offset u8, size u32, items f64×size.
 */
import { ByteReader, ByteWriter, corrupt } from '../mergeable.js';
import { checkParams, MAX_LEVELS } from './kll-capacities.js';
import { checkState, type KllState } from './kll-state.js';

const MAGIC = 'DMKL';
const VERSION = 1;
const WHAT = 'KLL sketch';

export function writeKllBinary(s: KllState): Uint8Array {
  const numLevels = s.levels.length;
  let held = 0;
  for (let h = 0; h < numLevels; h++) held += s.sizes[h] as number;
  const w = new ByteWriter(64 + 8 * held + 17 * numLevels);
  w.header(MAGIC, VERSION).u32(s.k).f64(s.c).f64(s.n).f64(s.lo).f64(s.hi).f64(s.errorWeight);
  w.u32(numLevels);
  for (let h = 0; h < numLevels; h++) {
    const m = s.sizes[h] as number;
    const b = s.levels[h] as Float64Array;
    w.f64(s.compactions[h] as number).u8(s.offsets[h] as number).u32(m);
    for (let i = 0; i < m; i++) w.f64(b[i] as number);
  }
  return w.finish();
}

/** The checked state in `bytes`; SKETCH_CORRUPT on any problem. */
export function readKllBinary(bytes: Uint8Array): KllState {
  const r = new ByteReader(bytes, WHAT);
  r.header(MAGIC, VERSION);
  const k = r.u32();
  const c = r.f64();
  checkParams(k, c, (msg) => corrupt(WHAT, msg));
  const n = r.count('count');
  const lo = r.f64();
  const hi = r.f64();
  const errorWeight = r.count('error bound');
  const numLevels = r.u32();
  if (numLevels < 1 || numLevels > MAX_LEVELS) throw corrupt(WHAT, `${numLevels} levels`);
  const levels: Float64Array[] = [];
  const sizes: number[] = [];
  const compactions: number[] = [];
  const offsets: number[] = [];
  for (let h = 0; h < numLevels; h++) {
    const done = r.count(`level ${h} compactions`);
    if (!Number.isInteger(done)) throw corrupt(WHAT, `level ${h} compactions is ${done}`);
    const offset = r.u8();
    if (offset > 1) throw corrupt(WHAT, `level ${h} offset is ${offset}`);
    const m = r.length(8, `level ${h}`);
    const b = new Float64Array(Math.max(m, 8));
    for (let i = 0; i < m; i++) b[i] = r.f64() + 0;
    compactions.push(done);
    offsets.push(offset);
    sizes.push(m);
    levels.push(b);
  }
  r.end();
  const state: KllState = { k, c, levels, sizes, compactions, offsets, n, lo, hi, errorWeight };
  checkState(state, (msg) => corrupt(WHAT, msg));
  return state;
}
