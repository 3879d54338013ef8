import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyText, createScanResult } from './classify.js';
import { scanWholeNumberBytes } from './classify-bytes.js';
import { ValueKind } from './row.js';

const enc = new TextEncoder();
const a = createScanResult();
const b = createScanResult();

/** scanWholeNumberBytes decides a cell only as classifyText would; returns whether it decided. */
function agrees(text: string): boolean {
  const bytes = enc.encode(`#${text}#`);
  const kind = scanWholeNumberBytes(bytes, 1, bytes.length - 1, b);
  if (kind === ValueKind.STRING) return false;
  expect(classifyText(text, 0, text.length, a), text).toBe(kind);
  expect(Object.is(b.value, a.value), `${text}: ${b.value} vs ${a.value}`).toBe(true);
  return true;
}

describe('scanWholeNumberBytes', () => {
  it('decides plain numbers as classifyText does, and leaves the rest undecided', () => {
    for (const t of ['0', '-0', '+5', '- 5', ' 5', '007', '1.5', '-1.25e-3', '1E5', '0e999', '123456789012345', '3.0', '0.0001']) {
      expect(agrees(t), t).toBe(true);
    }
    for (const t of ['', '-', '1.', '.5', '1 ', '--1', '0x10', '1e', '1e+', 'NaN', 'true', '1234567890123456', '1e23', '1.5x', '１']) {
      expect(agrees(t), t).toBe(false);
    }
  });

  it('fuzz (fixed seed): number-like strings agree with classifyText whenever decided', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: 0, maxLength: 18 });
    const cell = fc
      .tuple(fc.constantFrom('', '-', '+', ' ', '- ', '+ '), digits, fc.constantFrom('', '.'), digits, fc.constantFrom('', 'e', 'E', 'e-', 'e+'), digits, fc.constantFrom('', ' ', 'x', '.'))
      .map((parts) => parts.join(''));
    let decided = 0;
    for (const t of fc.sample(fc.oneof(cell, fc.double().map(String), fc.string({ maxLength: 6 })), { seed: 1313, numRuns: 50_000 })) {
      if (agrees(t)) decided++;
    }
    expect(decided).toBeGreaterThan(1000);
  });
});
