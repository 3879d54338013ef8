/**
 * Number formatting for violation descriptions, matching what SageMaker's (JVM) container prints:
 * Java's `Double.toString` ("100.0", "0.1", "1.0E-4"). Pure.
 */

/**
 * Java `Double.toString` style: plain decimal with at least one fractional digit for
 * 1e-3 ≤ |x| < 1e7, otherwise "<mantissa>E<exponent>" with at least one fractional digit.
 * Digits are JavaScript's shortest round-trip representation (Java ≥ 19 prints the same).
 */
export function formatJavaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = Math.abs(x);
  if (ax >= 1e-3 && ax < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = ''] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

/** A measured fraction as a percentage, unrounded (SageMaker prints e.g. "99.64592817400101"). */
export function formatObservedPercent(fraction: number): string {
  return formatJavaDouble(fraction * 100);
}

/**
 * A configured fraction (threshold) as a percentage, rounded to 15 significant digits so binary
 * noise does not show: 0.1 → "10.0" rather than "10.000000000000002"; 1.0 → "100.0".
 */
export function formatThresholdPercent(fraction: number): string {
  const p = fraction * 100;
  return formatJavaDouble(Number.isFinite(p) ? Number(p.toPrecision(15)) : p);
}
