/**
 * The committed WebAssembly (src/sketch/kll/radix-sort-wasm.ts) is what its AssemblyScript source
 * compiles to: a change to wasm/radix-sort.ts without `node scripts/gen-wasm.mjs` fails here.
 */
import { describe, expect, it } from 'vitest';
import { RADIX_SORT_WASM } from '../src/sketch/kll/radix-sort-wasm.js';
// @ts-expect-error a plain .mjs script without types
import { compileRadixSort } from '../scripts/gen-wasm.mjs';

describe('generated WebAssembly', () => {
  it('matches a fresh compile of wasm/radix-sort.ts', async () => {
    const bytes = (await compileRadixSort()) as Buffer;
    expect(bytes.toString('base64')).toBe(RADIX_SORT_WASM);
  }, 60_000);
});
