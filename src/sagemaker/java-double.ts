/**
 * Numbers as SageMaker's (JVM) container prints them, in its JSON files (through Jackson) and in
 * violation descriptions: Java's `Double.toString` ("100.0", "0.1", "1.0E-4"). Pure.
 */

/**
 * Java `Double.toString` style: plain decimal with at least one fractional digit for
 * 1e-3 ≤ |x| < 1e7, otherwise "<mantissa>E<exponent>" with at least one fractional digit.
 * Digits are JavaScript's shortest round-trip representation (Java ≥ 19 prints the same).
 */
export function javaDoubleToString(x: number): string {
  if (!Number.isFinite(x)) return String(x); // NaN, Infinity, -Infinity: Java's words too
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = Math.abs(x);
  if (ax >= 1e-3 && ax < 1e7) {
    // fast path (window reports format thousands of sketch items): in this range JavaScript's
    // shortest round-trip text is already plain notation; Java adds ".0" to whole numbers
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = ''] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

/** A measured fraction as a percentage, unrounded (SageMaker prints e.g. "99.64592817400101"). */
export function formatObservedPercent(fraction: number): string {
  return javaDoubleToString(fraction * 100);
}

/**
 * A configured fraction (threshold) as a percentage, rounded to 15 significant digits so binary
 * noise does not show: 0.1 → "10.0" rather than "10.000000000000002"; 1.0 → "100.0".
 */
export function formatThresholdPercent(fraction: number): string {
  const p = fraction * 100;
  return javaDoubleToString(Number.isFinite(p) ? Number(p.toPrecision(15)) : p);
}
