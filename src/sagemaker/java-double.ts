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
    if (Number.isInteger(x)) return `${x}.0`;
    return shortDecimal(x, ax) ?? String(x);
  }
  const [mantissa = '', exponent = ''] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/**
 * String(x) for a non-integer x that is a short decimal m / 10^k (k ≤ 8, m below 10^15), built
 * from the integer m's digits — cheaper than the engine's shortest-digits search, and sketch items
 * are mostly such values (the CSV's own numbers). Exact: m / 10^k === x means the decimal reads
 * back as x, and a decimal of at most 15 significant digits is the only one of that length or
 * shorter to do so, so it is the shortest round-trip text. undefined when x is not such a value.
 */
function shortDecimal(x: number, ax: number): string | undefined {
  for (let k = 1; k < POW10.length; k++) {
    const p = POW10[k] as number;
    const m = ax * p;
    if (m !== Math.floor(m)) continue;
    // a trailing zero: the product rounded onto an integer at too large a k (leave it to String)
    if (m >= 1e15 || m / p !== ax || m % 10 === 0) return undefined;
    const d = String(m);
    const n = d.length - k;
    const t = n > 0 ? `${d.slice(0, n)}.${d.slice(n)}` : `0.${'0'.repeat(-n)}${d}`;
    return x < 0 ? `-${t}` : t;
  }
  return undefined;
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
