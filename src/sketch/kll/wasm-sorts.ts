/**
 * The WebAssembly module of the KLL compactor's sorts (wasm/radix-sort.ts, committed compiled in
 * radix-sort-wasm.ts): instantiated once per thread on first use, null where WebAssembly is not
 * available (the callers then run their JavaScript). Inputs are copied into its memory and back:
 * at level sizes that costs ~1 ns per item against the ~8 saved.
 */
import { RADIX_SORT_WASM } from './radix-sort-wasm.js';

export interface WasmSorts {
  /** Radix-sort values[0, len) in place; 1 when the caller must finish with the native sort. */
  sortValues(len: number): number;
  /** Merge the sorted runs of values[0, len) whose starts are in `starts` (runs + 1 entries, see mergeRuns). */
  mergeRuns(len: number, runs: number): void;
  /** Views of the module's memory, at least `bytes` long (memory grows, and its views change, here only). */
  reserve(bytes: number): { values: Float64Array; words: Uint32Array };
}

/** The part of the WebAssembly global used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

interface Exports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  sortValues(len: number): number;
  mergeRuns(len: number, runs: number): void;
}

let loaded: WasmSorts | null | undefined;

export function wasmSorts(): WasmSorts | null {
  if (loaded === undefined) loaded = instantiate();
  return loaded;
}

function instantiate(): WasmSorts | null {
  let e: Exports;
  try {
    const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    e = new api.Instance(new api.Module(Buffer.from(RADIX_SORT_WASM, 'base64')), {}).exports as Exports;
  } catch {
    return null; // no WebAssembly here (e.g. --jitless)
  }
  let views = { values: new Float64Array(e.memory.buffer), words: new Uint32Array(e.memory.buffer) };
  return {
    sortValues: (len) => e.sortValues(len),
    mergeRuns: (len, runs) => e.mergeRuns(len, runs),
    reserve(bytes) {
      const have = e.memory.buffer.byteLength;
      if (have < bytes) {
        e.memory.grow(Math.ceil((bytes - have) / 65_536));
        views = { values: new Float64Array(e.memory.buffer), words: new Uint32Array(e.memory.buffer) };
      }
      return views;
    },
  };
}
